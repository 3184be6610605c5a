import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OperationDefinitionNode } from 'graphql';
import { HubError } from '../lib/errors.js';
import { readBody } from '../lib/http/service.js';

/** One GraphQL request as read off HTTP: GraphQL over HTTP's GET (queries only) or POST with JSON. */
export interface GraphQLRequest {
  readonly method: 'GET' | 'POST';
  /** The document's text; absent when the request names a registered document only. */
  readonly query: string | undefined;
  /** Hex SHA-256 of a registered document: `documentId: "sha256:<hex>"` or `extensions.persistedQuery.sha256Hash`. */
  readonly documentHash: string | undefined;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown> | undefined;
}

/** Options for {@link readGraphQLRequest}. */
export interface ReadGraphQLRequestOptions {
  /** The largest POST body, and the largest GET target (path and query string), in bytes. */
  bodyLimitBytes: number;
}

/** Content types a browser sends cross-site without a CORS preflight (Fetch standard, "CORS-safelisted request-header"). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** Headers that make a browser preflight a cross-site request: the ones Apollo Server's CSRF prevention accepts. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;
/** RFC 9110 §8.3.1: `type/subtype`, each a token. */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Reads the operation from a GraphQL request. GET takes `query`, `variables` (JSON) and `operationName` from the
 * query string and must carry a header a browser cannot send cross-site without a preflight; POST must be
 * `application/json` (which a browser cannot send cross-site without a preflight either) holding one operation.
 * Any other method is refused with 405. Every answer is marked `no-store`: it holds personal data.
 */
export async function readGraphQLRequest(req: IncomingMessage, res: ServerResponse, options: ReadGraphQLRequestOptions): Promise<GraphQLRequest> {
  // RFC 9111 §5.2.2.5: no cache, shared or the browser's own, keeps a register's answer (GET made this matter).
  res.setHeader('cache-control', 'no-store');
  if (req.method === 'GET') return readGet(req, options.bodyLimitBytes);
  if (req.method === 'POST') return readPost(req, options.bodyLimitBytes);
  throw new HubError('METHOD_NOT_ALLOWED', 'Send GraphQL operations with GET (queries) or POST', { headers: { allow: 'GET, POST' } });
}

/**
 * Refuses what the request's method may not carry. GraphQL over HTTP: a mutation over GET is answered 405, so a
 * link, prefetch or crawler never changes anything; subscriptions are not offered at all.
 */
export function assertOperationAllowed(request: GraphQLRequest, operation: OperationDefinitionNode): void {
  if (operation.operation === 'subscription') throw new HubError('BAD_REQUEST', 'Subscriptions are not supported');
  if (request.method === 'GET' && operation.operation !== 'query') {
    throw new HubError('METHOD_NOT_ALLOWED', 'GET carries queries only: send mutations with POST', { headers: { allow: 'POST' } });
  }
}

function readGet(req: IncomingMessage, limit: number): GraphQLRequest {
  preventCsrf(req);
  const target = req.url ?? '';
  if (Buffer.byteLength(target) > limit) throw new HubError('PAYLOAD_TOO_LARGE', `The request target exceeds ${limit} bytes`);
  const at = target.indexOf('?');
  const params = new URLSearchParams(at < 0 ? '' : target.slice(at + 1));
  const single = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) throw new HubError('BAD_REQUEST', `"${name}" is given more than once`);
    return values[0];
  };
  const json = (name: string): unknown => {
    const text = single(name);
    if (text === undefined || text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new HubError('BAD_REQUEST', `"${name}" is not valid JSON`);
    }
  };
  const operationName = single('operationName');
  return checked('GET', {
    query: single('query'),
    documentId: single('documentId'),
    operationName: operationName === '' ? undefined : operationName,
    variables: json('variables'),
    extensions: json('extensions'),
  });
}

async function readPost(req: IncomingMessage, limit: number): Promise<GraphQLRequest> {
  const contentType = req.headers['content-type'] ?? '';
  // Requiring JSON also prevents CSRF: a browser cannot send it cross-site without a preflight.
  if (!/^application\/(graphql-response\+)?json\b/i.test(contentType)) {
    throw new HubError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, limit));
  } catch (error) {
    if (error instanceof HubError) throw error;
    throw new HubError('BAD_REQUEST', 'The request body is not valid JSON');
  }
  // One operation per request: a batch would multiply every per-request limit by its length.
  if (Array.isArray(body)) throw new HubError('BATCHING_NOT_SUPPORTED', 'Batched operations are not accepted: send one operation per request');
  if (body === null || typeof body !== 'object') throw new HubError('BAD_REQUEST', 'The request body must be a JSON object');
  return checked('POST', body as Record<string, unknown>);
}

function checked(method: GraphQLRequest['method'], fields: Record<string, unknown>): GraphQLRequest {
  const { query, operationName, variables } = fields;
  const documentHash = documentHashOf(fields);
  if (query !== undefined && query !== null && (typeof query !== 'string' || query.length === 0)) throw new HubError('BAD_REQUEST', '"query" must be a non-empty string');
  if ((query === undefined || query === null) && documentHash === undefined) throw new HubError('BAD_REQUEST', 'Send "query", or "documentId" naming a registered document');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw new HubError('BAD_REQUEST', '"operationName" must be a string');
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw new HubError('BAD_REQUEST', '"variables" must be an object');
  }
  return {
    method,
    query: (query ?? undefined) as string | undefined,
    documentHash,
    operationName: operationName ?? undefined,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
  };
}

const DOCUMENT_ID = /^sha256:([0-9a-f]{64})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The registered document a request names: GraphQL over HTTP's `documentId` ("sha256:<hex>", as Hive Gateway and
 * GraphQL Yoga send it) or Apollo's `extensions.persistedQuery` (as Apollo Client sends it). Naming it both ways
 * at once is refused rather than guessed at.
 */
function documentHashOf(fields: Record<string, unknown>): string | undefined {
  const { documentId, extensions } = fields;
  let fromId: string | undefined;
  if (documentId !== undefined && documentId !== null) {
    const match = typeof documentId === 'string' ? DOCUMENT_ID.exec(documentId) : null;
    if (!match) throw new HubError('BAD_REQUEST', '"documentId" must be "sha256:" and 64 lowercase hex digits');
    fromId = match[1];
  }
  if (extensions === undefined || extensions === null) return fromId;
  if (typeof extensions !== 'object' || Array.isArray(extensions)) throw new HubError('BAD_REQUEST', '"extensions" must be an object');
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (persisted === undefined) return fromId;
  const { version, sha256Hash } = (persisted ?? {}) as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1 || typeof sha256Hash !== 'string' || !SHA256_HEX.test(sha256Hash)) {
    throw new HubError('BAD_REQUEST', '"extensions.persistedQuery" must be { "version": 1, "sha256Hash": "<64 lowercase hex digits>" }');
  }
  if (fromId !== undefined) throw new HubError('BAD_REQUEST', 'Name the document by "documentId" or by "extensions.persistedQuery", not both');
  return sha256Hash;
}

/**
 * Apollo Server's CSRF prevention: a GET is accepted only if a browser would have preflighted it, that is if it
 * names a content type other than the three a form can send, or carries one of {@link PREFLIGHT_HEADERS}.
 */
function preventCsrf(req: IncomingMessage): void {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) {
    const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
    if (MEDIA_TYPE.test(essence) && !SIMPLE_CONTENT_TYPES.has(essence)) return;
  }
  if (PREFLIGHT_HEADERS.some((name) => (req.headers[name]?.length ?? 0) > 0)) return;
  throw new HubError(
    'CSRF_PREVENTED',
    `A GET request must carry a non-empty ${PREFLIGHT_HEADERS.join(' or ')} header, or a content-type other than ${[...SIMPLE_CONTENT_TYPES].join(', ')}`,
  );
}
