/** Every error code a client or operator can see; stable across versions. */
export type HubErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED_FIELD_OR_TYPE'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'BATCHING_NOT_SUPPORTED'
  | 'CSRF_PREVENTED'
  | 'NOT_FOUND'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_USER_INPUT'
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'TOO_MANY_TOKENS'
  | 'QUERY_TOO_COMPLEX'
  | 'PERSISTED_QUERY_NOT_IN_LIST'
  | 'QUERY_NOT_IN_SAFELIST'
  | 'SUBGRAPH_UNAVAILABLE'
  | 'SUBGRAPH_TIMEOUT'
  | 'SUBGRAPH_ERROR'
  | 'DISCLOSURE_UNAVAILABLE'
  | 'CONSENT_STORE_UNAVAILABLE'
  | 'ISSUER_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

/** HTTP status that goes with each code when the error ends the request. */
export const HTTP_STATUS: Readonly<Record<HubErrorCode, number>> = Object.freeze({
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNAUTHORIZED_FIELD_OR_TYPE: 200,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  BATCHING_NOT_SUPPORTED: 400,
  // A GET without a header a browser cannot send cross-site without a preflight (Apollo Server's CSRF rule).
  CSRF_PREVENTED: 400,
  NOT_FOUND: 404,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_USER_INPUT: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  // Query abuse limits (gateway/limits.ts): refused before anything is executed.
  QUERY_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  TOO_MANY_DIRECTIVES: 400,
  TOO_MANY_TOKENS: 400,
  QUERY_TOO_COMPLEX: 400,
  // Trusted documents (gateway/trustedDocuments.ts): a client runs only its registered operations.
  PERSISTED_QUERY_NOT_IN_LIST: 400,
  QUERY_NOT_IN_SAFELIST: 403,
  SUBGRAPH_UNAVAILABLE: 200,
  SUBGRAPH_TIMEOUT: 200,
  SUBGRAPH_ERROR: 200,
  // The disclosure could not be recorded, so the data does not leave (the consent issue's rule).
  DISCLOSURE_UNAVAILABLE: 503,
  // The consent behind a partner token could not be checked: fail closed.
  CONSENT_STORE_UNAVAILABLE: 503,
  // The issuer's keys were not confirmed within the maximum age (lib/tokens/issuerKeySet.ts): the token is not known
  // to be bad, the gateway just cannot vouch for it now, so not 401 (which tells a client to throw its token away).
  ISSUER_UNAVAILABLE: 503,
  // Too many requests from one partner or about one citizen in this window; `Retry-After` says when to come back.
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
});

/**
 * A domain failure with a stable code. Its message is shown to clients, so it must never contain
 * a personal identity code, a token, a register value or an internal address.
 */
export class HubError extends Error {
  readonly code: HubErrorCode;
  /** Response headers that go with this error (`Allow` for a 405, RFC 9110 §15.5.6). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(code: HubErrorCode, message: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message, options);
    this.name = 'HubError';
    this.code = code;
    this.headers = Object.freeze({ ...options?.headers });
  }
  /** HTTP status for this error when it ends the request. */
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}
