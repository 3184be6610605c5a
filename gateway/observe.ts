import type { IncomingMessage } from 'node:http';
import type { SubgraphName } from '../lib/config.js';
import { HubError } from '../lib/errors.js';
import type { Handler, Readiness } from '../lib/http/service.js';
import { inSpan, SpanKind, withTraceHeaders } from '../lib/telemetry/spans.js';
import { DpopProofError } from '../lib/tokens/dpop.js';
import type { Authenticated } from './authenticate.js';
import type { OperationResult } from './executeOperation.js';
import { codeLabel, type GatewayMetrics } from './metrics.js';
import { SubgraphCallFailed, type SubgraphTransport } from './subgraphTransport.js';

// The gateway's metrics and spans as wrappers around its collaborators and one-line steps of handleGraphQL
// (gateway/start.ts), so that no step of a request's life has to know it is observed.

/** A transport for one subgraph that times each call, makes it a client span and sends the span's `traceparent`. */
export function observeSubgraphTransport(transport: SubgraphTransport, subgraph: SubgraphName, metrics: GatewayMetrics): SubgraphTransport {
  return {
    post(url, body, headers, timeoutMs) {
      const started = process.hrtime.bigint();
      let outcome = 'ok';
      // The span names the subgraph only: no URL, no query text, no variables, no response.
      return inSpan(`POST ${subgraph}`, { 'http.request.method': 'POST', 'hub.subgraph': subgraph }, async (span) => {
        try {
          const response = await transport.post(url, body, withTraceHeaders(headers), timeoutMs);
          span.setAttribute('http.response.status_code', response.status);
          if (response.status < 200 || response.status > 299) outcome = 'http_error';
          return response;
        } catch (error) {
          outcome = error instanceof SubgraphCallFailed ? error.failure.toLowerCase() : 'unavailable';
          throw error;
        } finally {
          metrics.subgraphCalls.observe({ subgraph, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
        }
      }, SpanKind.CLIENT);
    },
    close: () => transport.close(),
  };
}

/**
 * A store (consent or disclosure) whose every asynchronous method is timed into `hub_store_duration_seconds` and
 * runs in a span named `<store>.<method>`. Arguments and results are never recorded: they name people.
 */
export function observeStore<T extends object>(store: T, name: 'consent' | 'disclosure', metrics: GatewayMetrics): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (!wrapped.has(property)) {
        wrapped.set(property, (...args: unknown[]) => {
          const started = process.hrtime.bigint();
          let outcome = 'ok';
          return inSpan(`${name}.${property}`, { 'hub.store': name, 'db.operation.name': property }, async () => {
            try {
              return await (value as (...a: unknown[]) => unknown).apply(target, args);
            } catch (error) {
              outcome = 'error';
              throw error;
            } finally {
              metrics.storeCalls.observe({ store: name, operation: property, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
            }
          });
        });
      }
      return wrapped.get(property);
    },
  });
}

/** The authenticator, counting each refused token by a bounded reason (never the token or whose it was). */
export function observeAuthentication(authenticate: (req: IncomingMessage) => Promise<Authenticated>, metrics: GatewayMetrics) {
  return async function observedAuthenticate(req: IncomingMessage): Promise<Authenticated> {
    try {
      return await authenticate(req);
    } catch (error) {
      const reason = tokenFailureReason(error);
      if (reason) metrics.tokenFailures.inc({ reason });
      throw error;
    }
  };
}

/** Claims jose names when one fails validation; any other is reported as `claims`. */
const CLAIMS = new Set(['iss', 'aud', 'typ', 'exp', 'nbf', 'iat', 'sub', 'jti', 'client_id', 'scope']);
/** jose's error codes (jose 6 `errors`), as failure reasons. */
const JOSE_REASONS: Readonly<Record<string, string>> = Object.freeze({
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown_key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'unknown_key',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_NOT_SUPPORTED: 'malformed',
});
/** The gateway's own refusals without a jose cause, by the start of their (fixed) message. */
const MESSAGE_REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^An access token is required/, 'missing'],
  [/^The Authorization header must be/, 'malformed_header'],
  [/^The consent behind this access token is not active/, 'consent_inactive'],
  [/^The access token names no consent/, 'no_consent'],
  [/expired/, 'expired'],
  [/not valid yet/, 'not_yet_valid'],
  [/DPoP|sender-constrained/, 'dpop_binding'],
  [/lacks required claims/, 'claims'],
];

/** Why a token was refused, as a bounded label; undefined when the error is not a token refusal. */
export function tokenFailureReason(error: unknown): string | undefined {
  if (error instanceof DpopProofError) return 'dpop_proof';
  if (!(error instanceof HubError)) return undefined;
  if (error.code === 'ISSUER_UNAVAILABLE') return 'issuer_keys_stale';
  if (error.code === 'CONSENT_STORE_UNAVAILABLE') return 'consent_store_unavailable';
  if (error.code !== 'UNAUTHENTICATED') return undefined;
  const cause = error.cause as { code?: unknown; claim?: unknown } | undefined;
  if (typeof cause?.code === 'string') {
    if (cause.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return typeof cause.claim === 'string' && CLAIMS.has(cause.claim) ? `claim_${cause.claim}` : 'claims';
    return JOSE_REASONS[cause.code] ?? 'other';
  }
  return MESSAGE_REASONS.find(([pattern]) => pattern.test(error.message))?.[1] ?? 'other';
}

/** A route handler that counts each request it refuses as a whole by `extensions.code`, and rate-limit refusals by policy. */
export function countRefusals(handler: Handler, metrics: GatewayMetrics): Handler {
  return async (req, res, scope) => {
    try {
      await handler(req, res, scope);
    } catch (error) {
      const code = error instanceof HubError ? error.code : 'INTERNAL_SERVER_ERROR';
      metrics.refusals.inc({ code });
      if (code === 'RATE_LIMITED') {
        // The policy (never the key: that names a client and a person) is in the draft RateLimit-Policy header.
        const policy = /^"(partner|citizen|partner-citizen)"/.exec((error as HubError).headers?.['ratelimit-policy'] ?? '')?.[1] ?? 'other';
        metrics.rateLimitRefusals.inc({ policy });
      }
      throw error;
    }
  };
}

/** Counts an answered operation by client and operation name, and each error inside it by code. */
export function countOperation(metrics: GatewayMetrics, clientId: string, operationName: string | undefined, body: OperationResult): void {
  const errors = body.errors ?? [];
  metrics.operations.inc({ client: clientId, operation: operationName ?? 'adhoc', outcome: errors.length > 0 ? 'partial' : 'ok' });
  for (const error of errors) metrics.fieldErrors.inc({ code: codeLabel(error.extensions?.code) });
}

/** The gateway's readiness check, also recording each subgraph's state as `hub_subgraph_ready`. */
export function observeReadiness(ready: () => Promise<Readiness>, metrics: GatewayMetrics): () => Promise<Readiness> {
  return async () => {
    const readiness = await ready();
    const subgraphs = (readiness.checks.subgraphs ?? {}) as Record<string, string>;
    for (const [subgraph, state] of Object.entries(subgraphs)) metrics.subgraphReady.set({ subgraph }, state === 'ready' ? 1 : 0);
    return readiness;
  };
}
