import { createHash } from 'node:crypto';
import {
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { HubError } from '../lib/errors.js';
import { scrub } from '../lib/logger.js';
import { LruCache } from '../lib/lru.js';

/** A parsed and validated operation, cached by query text. */
export interface PreparedDocument {
  readonly document: DocumentNode;
  readonly queryHash: string;
}

/** Options for {@link createDocumentCache}. */
export interface DocumentCacheOptions {
  schema: GraphQLSchema;
  /** Allow `__schema`/`__type` and "did you mean" suggestions (dev mode only). */
  introspection: boolean;
  maxEntries?: number;
}

/**
 * Parses and validates query texts once: the same query from any caller reuses the result, which takes
 * parsing and validation off the hot path.
 */
export function createDocumentCache(options: DocumentCacheOptions) {
  const rules: ValidationRule[] = options.introspection ? [...specifiedRules] : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const cache = new LruCache<string, PreparedDocument | HubError>(options.maxEntries ?? 2000);

  function prepare(query: string): PreparedDocument {
    const cached = cache.get(query);
    if (cached instanceof HubError) throw cached;
    if (cached) return cached;
    let result: PreparedDocument | HubError;
    try {
      const document = parse(query, { maxTokens: 5000 });
      const errors = validate(options.schema, document, rules, { maxErrors: 10 });
      result = errors.length > 0
        ? new HubError('GRAPHQL_VALIDATION_FAILED', describeValidation(errors, options.introspection))
        : { document, queryHash: createHash('sha256').update(query).digest('hex') };
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      result = new HubError('GRAPHQL_PARSE_FAILED', scrub(`Syntax error: ${error.message.replace(/^Syntax Error: /, '')}`));
    }
    cache.set(query, result);
    if (result instanceof HubError) throw result;
    return result;
  }

  return { prepare };
}

/** The operation to run: the named one, or the only one. */
export function selectOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    throw new HubError('OPERATION_RESOLUTION_FAILURE', operationName ? 'No operation of that name in the document' : 'The document holds several operations: name one with operationName');
  }
  return operation;
}

/** Validation messages for the client; outside dev mode "did you mean" suggestions would reveal the schema. */
function describeValidation(errors: readonly GraphQLError[], suggestions: boolean): string {
  return errors
    .map((error) => (suggestions ? error.message : error.message.replace(/ Did you mean .*\?$/, '')))
    .map(scrub)
    .join(' ');
}
