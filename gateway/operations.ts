import { createHash } from 'node:crypto';
import {
  getOperationAST,
  GraphQLError,
  Kind,
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
import { assertWithinLimits, DEFAULT_QUERY_LIMITS, measureOperation, type QueryLimits } from './limits.js';

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
  /** Depth, aliases, directives, tokens and cost per operation; default {@link DEFAULT_QUERY_LIMITS}. */
  limits?: QueryLimits;
  maxEntries?: number;
}

/**
 * Parses, validates and measures query texts once: the same query from any caller reuses the result (or the
 * refusal), which takes parsing, validation and the abuse limits off the hot path.
 */
export function createDocumentCache(options: DocumentCacheOptions) {
  const rules: ValidationRule[] = options.introspection ? [...specifiedRules] : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const limits = options.limits ?? DEFAULT_QUERY_LIMITS;
  const cache = new LruCache<string, PreparedDocument | HubError>(options.maxEntries ?? 2000);

  function prepare(query: string): PreparedDocument {
    const cached = cache.get(query);
    if (cached instanceof HubError) throw cached;
    if (cached) return cached;
    let result: PreparedDocument | HubError;
    try {
      // The token limit is enforced as the parser reads: a huge document is refused before its AST is built.
      const document = parse(query, { maxLexicalTokens: limits.maxTokens });
      const errors = validate(options.schema, document, rules, { maxErrors: 10 });
      if (errors.length > 0) throw new HubError('GRAPHQL_VALIDATION_FAILED', describeValidation(errors, options.introspection));
      // Every operation of the document is measured, whichever a request names: the verdict is cached by text.
      for (const definition of document.definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION) assertWithinLimits(measureOperation(document, definition, options.schema), limits);
      }
      result = { document, queryHash: createHash('sha256').update(query).digest('hex') };
    } catch (error) {
      if (error instanceof HubError) result = error;
      else if (!(error instanceof GraphQLError)) throw error;
      else if (TOO_MANY_TOKENS.test(error.message)) result = new HubError('TOO_MANY_TOKENS', `The document has more than ${limits.maxTokens} tokens, the limit; reading stopped there`);
      else result = new HubError('GRAPHQL_PARSE_FAILED', scrub(`Syntax error: ${error.message.replace(/^Syntax Error: /, '')}`));
    }
    cache.set(query, result);
    if (result instanceof HubError) throw result;
    return result;
  }

  return { prepare };
}

/** graphql-js's message when `parse`'s `maxLexicalTokens` is exceeded (16.x spells it "more that"). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens\. Parsing aborted\.$/;

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
