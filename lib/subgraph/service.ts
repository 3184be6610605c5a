import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { GraphQLError, parse, type GraphQLFormattedError } from 'graphql';
import { context as traceContext } from '@opentelemetry/api';
import { HubError } from '../errors.js';
import { createService, errorBody, readBody, REQUEST_ID, sendError, type Handler, type RequestScope } from '../http/service.js';
import type { Logger } from '../logger.js';
import type { MetricsAccess } from '../telemetry/metricsAccess.js';
import { createServiceMetrics } from '../telemetry/serviceMetrics.js';
import { incomingContext } from '../telemetry/spans.js';
import type { InternalCredential, InternalCredentialVerifier } from '../tokens/internalCredential.js';
import { isSubgraphBatch, readBatchedCalls, SUBGRAPH_BATCH_HEADER, SUBGRAPH_BATCH_MEDIA_TYPE, writeBatchAnswer, type BatchedCall } from './batchProtocol.js';
import { enforceAuthorization } from './enforce.js';
import { installMe } from './me.js';

/** The context every subgraph resolver receives. */
export interface SubgraphContext<Loaders> {
  readonly credential: InternalCredential;
  readonly requestId: string;
  readonly logger: Logger;
  /** Request-scoped DataLoaders: one batch per entity type per request, never shared between requests. */
  readonly loaders: Loaders;
}

/** Options for {@link createSubgraphService}. */
export interface SubgraphServiceOptions<Loaders> {
  /** Register name, used in logs. */
  register: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<SubgraphContext<Loaders>>;
  verifyCredential: InternalCredentialVerifier;
  createLoaders: () => Loaders;
  logger: Logger;
  /** `/readyz`: true when the register's database answers. */
  ready: () => Promise<boolean>;
  /** Introspection through the credential-protected endpoint (dev mode only). */
  introspection: boolean;
  /** Largest request body accepted. */
  bodyLimitBytes?: number;
  /** Who may read `/metrics` (`METRICS_ALLOW`); default loopback only. */
  metricsAccess?: MetricsAccess;
}

/** Error codes that a subgraph passes on as they are; anything else is masked. */
const PUBLIC_CODES = new Set(['UNAUTHORIZED_FIELD_OR_TYPE', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'RATE_LIMITED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

/**
 * A register's subgraph as an HTTP service. Every request must carry the gateway's internal credential for this
 * subgraph: without it nothing is answered, not even `_service`.
 */
export async function createSubgraphService<Loaders>(options: SubgraphServiceOptions<Loaders>): Promise<{ server: Server; stop: () => Promise<void> }> {
  const { handler, stop } = await createSubgraphHandler(options);
  const server = createService({
    logger: options.logger,
    ready: options.ready,
    routes: { '/graphql': handler },
    trustRequestId: true,
    metrics: createServiceMetrics(`${options.register}-subgraph`),
    metricsAccess: options.metricsAccess,
  });
  return { server, stop };
}

/** The `/graphql` handler of a subgraph, for a service that serves more than its subgraph (the consent server). */
export async function createSubgraphHandler<Loaders>(options: Omit<SubgraphServiceOptions<Loaders>, 'ready'>): Promise<{ handler: Handler; stop: () => Promise<void> }> {
  // `me` first, so that the enforcement wraps it like every other field.
  const built = buildSubgraphSchema({ typeDefs: parse(options.typeDefs), resolvers: options.resolvers as GraphQLResolverMap<unknown> });
  const schema = enforceAuthorization(installMe(built, options.resolvers));
  const apollo = new ApolloServer<SubgraphContext<Loaders>>({
    schema,
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: !options.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Shutdown is the runner's job (lib/process.ts): Apollo's own signal handlers would race it.
    stopOnTerminationSignals: false,
    logger: options.logger,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskError(formatted, error, options.logger),
  });
  await apollo.start();
  const bodyLimit = options.bodyLimitBytes ?? 256 * 1024;

  /** Runs one GraphQL request for one credential, with DataLoaders of its own. */
  function execute(credential: InternalCredential, body: unknown, headers: HeaderMap, requestId: string, logger: Logger) {
    const context: SubgraphContext<Loaders> = { credential, requestId, logger, loaders: options.createLoaders() };
    return apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers, search: '', body }, context: async () => context });
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    // Every answer says this subgraph takes batches of calls (lib/subgraph/batchProtocol.ts).
    res.setHeader(SUBGRAPH_BATCH_HEADER, '1');
    if (req.method === 'POST' && isSubgraphBatch(req.headers['content-type'])) {
      await handleBatch(req, res, scope);
      return;
    }
    const credential = await credentialOrRefusal(req.headers.authorization, options.verifyCredential);
    if (credential instanceof HubError) {
      sendError(res, credential, { 'www-authenticate': 'Bearer realm="hub-internal"' });
      return;
    }
    if (req.method !== 'POST') throw new HubError('METHOD_NOT_ALLOWED', 'Only POST is accepted');
    const text = await readBody(req, bodyLimit);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HubError('BAD_REQUEST', 'The request body is not valid JSON');
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const response = await execute(credential, body, headers, scope.requestId, scope.logger);
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  /**
   * A batch of calls from the gateway: each is authenticated by its own credential and run as if it had come alone
   * (its own context and DataLoaders, its request id and trace), and answered in its place in the batch.
   */
  async function handleBatch(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const calls = readBatchedCalls(await readBody(req, bodyLimit));
    const answers = await Promise.all(calls.map((call) => traceContext.with(incomingContext(call.headers), () => answerCall(call, scope))));
    res.statusCode = 200;
    res.setHeader('content-type', SUBGRAPH_BATCH_MEDIA_TYPE);
    res.end(writeBatchAnswer(answers));
  }

  async function answerCall(call: BatchedCall, scope: RequestScope): Promise<{ status: number; body: string }> {
    const credential = await credentialOrRefusal(call.headers.authorization, options.verifyCredential);
    if (credential instanceof HubError) return { status: credential.status, body: JSON.stringify(errorBody(credential)) };
    const incomingId = call.headers['x-request-id'];
    const requestId = incomingId !== undefined && REQUEST_ID.test(incomingId) ? incomingId : scope.requestId;
    const response = await execute(credential, call.body, BATCHED_CALL_HEADERS, requestId, requestId === scope.requestId ? scope.logger : scope.logger.child({ requestId }));
    if (response.body.kind !== 'complete') {
      return { status: 500, body: JSON.stringify(errorBody(new HubError('INTERNAL_SERVER_ERROR', 'Incremental delivery is not answered in a batch'))) };
    }
    return { status: response.status ?? 200, body: response.body.string };
  }

  return { handler: handleGraphQL, stop: () => apollo.stop() };
}

/** What Apollo Server is told of a batched call's HTTP request: a JSON POST (its CSRF prevention asks for no more). */
const BATCHED_CALL_HEADERS = new HeaderMap([
  ['content-type', 'application/json'],
  ['accept', 'application/json'],
]);

/** The verified credential of an `Authorization` header, or the refusal to answer with (any other failure throws). */
function credentialOrRefusal(header: string | undefined, verify: InternalCredentialVerifier): Promise<InternalCredential | HubError> {
  return authenticate(header, verify).catch((error: unknown) => {
    if (error instanceof HubError) return error;
    throw error;
  });
}

async function authenticate(header: string | undefined, verify: InternalCredentialVerifier): Promise<InternalCredential> {
  const match = typeof header === 'string' ? /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header) : null;
  if (!match?.[1]) throw new HubError('UNAUTHENTICATED', 'A valid internal credential of the gateway is required');
  return verify(match[1]);
}

function maskError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    // A rate limit says when to come back (the gateway turns it into Retry-After); nothing else rides along.
    const retryAfterSeconds = code === 'RATE_LIMITED' ? formatted.extensions?.retryAfterSeconds : undefined;
    const extensions = typeof retryAfterSeconds === 'number' ? { code, retryAfterSeconds } : { code };
    return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  logger.error({ err: original }, 'resolver failed');
  return { message: 'Internal error in the register', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
