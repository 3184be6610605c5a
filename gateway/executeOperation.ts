import { createHash } from 'node:crypto';
import { execute, getVariableValues, GraphQLError, Kind, print, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { SubgraphName } from '../lib/config.js';
import { HubError } from '../lib/errors.js';
import { scrub, type Logger } from '../lib/logger.js';
import { LruCache } from '../lib/lru.js';
import type { FieldRequirement } from '../lib/subgraph/requirements.js';
import { authorizeOperation, setNullAt, type AuthorizedOperation } from './authorizeOperation.js';
import { completeResponse } from './completeResponse.js';
import { failureErrors, type GatewayError } from './failures.js';
import type { FederationEngine } from './federationEngine.js';
import { SubgraphFailed, type GatewayRequestContext } from './subgraphDataSource.js';

/** What the gateway answers to one GraphQL operation. */
export interface OperationResult {
  data?: Record<string, unknown> | null;
  errors?: GatewayError[];
}

/** The answer and the operation that actually ran (unauthorized fields removed), for the disclosure record. */
export interface OperationOutcome {
  readonly body: OperationResult;
  readonly executed: OperationDefinitionNode | null;
}

/** Collaborators of {@link createOperationExecutor}. */
export interface OperationExecutorOptions {
  apiSchema: GraphQLSchema;
  /** Plans and runs the authorized operation (gateway/federationEngine.ts). */
  engine: Pick<FederationEngine, 'execute'>;
  requirements: ReadonlyMap<string, FieldRequirement>;
  owners: ReadonlyMap<string, readonly SubgraphName[]>;
  /** Entity types (gateway/supergraph.ts): a register's error on their fields stays with that field. */
  entities: ReadonlySet<string>;
}

/**
 * Codes a register may send through to the client, each with the gateway's own message: a register's words never
 * reach a client (a register is another owner's code, and its message could hold a name, an address or SQL).
 * Everything else is masked as `SUBGRAPH_ERROR`.
 */
const PASSED_THROUGH: ReadonlyMap<string, string> = new Map([
  ['UNAUTHORIZED_FIELD_OR_TYPE', 'Unauthorized field or type'],
  ['FORBIDDEN', 'The register refused this request'],
  ['NOT_FOUND', 'No such record'],
  ['BAD_USER_INPUT', 'An argument is malformed or out of range (see the field\'s description in the schema)'],
  ['RATE_LIMITED', 'Too many requests; try again later'],
]);

/**
 * The hub's own subgraphs, whose error messages are the hub's code and written for the client (no register value,
 * no person): they pass through as they are, so a citizen hears *why* a request was refused.
 */
const HUB_OWNED_SUBGRAPHS: ReadonlySet<string> = new Set(['requests']);

interface CachedAuthorization extends AuthorizedOperation {
  readonly queryHash: string;
  readonly operation: OperationDefinitionNode | null;
}

/**
 * Runs an operation for an authenticated caller: drops what the scopes do not cover, plans and executes the
 * rest through the federation executor, then puts back nulls and pathed errors for what was dropped or failed.
 */
export function createOperationExecutor(options: OperationExecutorOptions) {
  const authorizations = new LruCache<string, CachedAuthorization>(5000);

  function authorize(document: DocumentNode, queryHash: string, operation: OperationDefinitionNode, scopes: ReadonlySet<string>): CachedAuthorization {
    const scopeKey = [...scopes].sort().join(' ');
    const key = `${queryHash}\n${operation.name?.value ?? ''}\n${scopeKey}`;
    let cached = authorizations.get(key);
    if (!cached) {
      const result = authorizeOperation(options.apiSchema, document, operation, options.requirements, scopes);
      const filtered = result.document?.definitions[0] as OperationDefinitionNode | undefined;
      // The plan cache is keyed by this hash: it must name the filtered document, not the query text.
      const filteredHash = result.document ? createHash('sha256').update(print(result.document)).digest('hex') : '';
      cached = { ...result, queryHash: filteredHash, operation: filtered ?? null };
      authorizations.set(key, cached);
    }
    return cached;
  }

  return async function run(
    prepared: { document: DocumentNode; queryHash: string; query: string },
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | undefined,
    context: GatewayRequestContext,
    logger: Logger,
  ): Promise<OperationOutcome> {
    assertVariables(options.apiSchema, operation, variables);
    const authorized = authorize(prepared.document, prepared.queryHash, operation, context.credential.scopes);
    const unauthorized: GatewayError[] = authorized.unauthorizedPaths.map((path) => ({
      message: 'Unauthorized field or type',
      path: path.filter((p) => p !== '@'),
      extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
    }));
    if (!authorized.document || !authorized.operation) return { body: { errors: unauthorized }, executed: null };

    if (isIntrospectionOnly(authorized.operation)) {
      // Introspection needs no register: it is answered from the published schema here.
      const result = await execute({ schema: options.apiSchema, document: authorized.document, variableValues: variables });
      const body = { data: result.data as Record<string, unknown>, errors: result.errors?.map((e) => ({ message: e.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) };
      return { body, executed: authorized.operation };
    }

    const response = await options.engine.execute({
      document: authorized.document,
      operationName: authorized.operation.name?.value ?? null,
      queryHash: authorized.queryHash,
      variables,
      context: context as GatewayRequestContext & Record<string, any>,
      logger,
    });

    const failed = failureErrors(options.apiSchema, authorized.operation, options.owners, context.failures, unansweredErrors(context));
    const erroredPaths = response.errors.flatMap((error) => (error.path && !(error.originalError instanceof SubgraphFailed) ? [error.path] : []));
    const data = completeResponse(options.apiSchema, authorized.operation, response.data, {
      placeholders: authorized.placeholders,
      failedPaths: failed.nullPaths,
      erroredPaths,
      entities: options.entities,
    });
    for (const path of authorized.nullPaths) setNullAt(data, path);
    // A register's error at or under a path a failure error already covers (a register that answered nothing) is
    // said once, by that failure error.
    const covered = (path: GatewayError['path']) => failed.errors.some((f) => f.path !== undefined && path !== undefined && f.path.every((step, i) => path[i] === step));
    const passed = (response.errors ?? []).flatMap((error: unknown) => maskExecutionError(error, logger)).filter((error) => !covered(error.path));
    const errors = [...unauthorized, ...failed.errors, ...passed];
    return { body: errors.length > 0 ? { data, errors } : { data }, executed: authorized.operation };
  };
}

/**
 * Coerces the request's variables against the operation's definitions (GraphQL spec §6.1.2, CoerceVariableValues)
 * before anything runs: a missing, mistyped or malformed value is the caller's error, 400 BAD_USER_INPUT, and never
 * travels on to a register (OWASP GraphQL cheat sheet, input validation). The message names the variable; values
 * that look like identity codes or tokens are scrubbed from it.
 */
function assertVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): void {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 5 });
  if (coerced.errors) throw new HubError('BAD_USER_INPUT', scrub(coerced.errors.map((error) => error.message).join(' ')));
}

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/** The first error of each register that answered nothing, masked as {@link maskExecutionError} masks it. */
function unansweredErrors(context: GatewayRequestContext): Map<SubgraphName, Omit<GatewayError, 'path'>> {
  const result = new Map<SubgraphName, Omit<GatewayError, 'path'>>();
  for (const [register, error] of context.unanswered ?? []) {
    result.set(register, passedThrough(error.code, error.message, register, undefined) ?? { message: 'Internal error', extensions: { code: maskedCode(error.code) } });
  }
  return result;
}

/** Keeps a register's own authorization errors; drops transport failures (reported per field); masks the rest. */
function maskExecutionError(error: unknown, logger: Logger): GatewayError[] {
  const graphqlError = error as GraphQLError;
  const original = graphqlError?.originalError ?? error;
  if (original instanceof SubgraphFailed || error instanceof SubgraphFailed) return [];
  const code = graphqlError?.extensions?.code;
  const kept = passedThrough(code, graphqlError?.message, graphqlError?.extensions?.serviceName, graphqlError?.extensions?.retryAfterSeconds);
  if (kept) return [{ ...kept, path: graphqlError.path }];
  logger.error({ err: original, code }, 'operation error masked');
  return [{ message: 'Internal error', path: graphqlError?.path, extensions: { code: maskedCode(code) } }];
}

/** A register's error with a code the gateway passes on, as the client sees it; undefined for any other code. */
function passedThrough(code: unknown, message: unknown, serviceName: unknown, retryAfterSeconds: unknown): Omit<GatewayError, 'path'> | undefined {
  const ours = typeof code === 'string' ? PASSED_THROUGH.get(code) : undefined;
  if (!ours) return undefined;
  const own = HUB_OWNED_SUBGRAPHS.has(String(serviceName));
  const extensions = code === 'RATE_LIMITED' && typeof retryAfterSeconds === 'number' ? { code: code as string, retryAfterSeconds } : { code: code as string };
  return { message: own ? String(message) : ours, extensions };
}

function maskedCode(code: unknown): string {
  return code === 'INTERNAL_SERVER_ERROR' ? code : 'SUBGRAPH_ERROR';
}
