import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from '../lib/telemetry/serviceMetrics.js';
import type { AccessTokenKeysStatus } from '../lib/tokens/accessToken.js';

/** Buckets of the consent and disclosure stores' latency (seconds): one database round trip, up to a stuck one. */
const STORE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The gateway's own metrics, beside the HTTP server histogram and Node's process metrics of its service registry.
 * Every label is bounded and names no person: subgraph, client id (registered clients only get this far),
 * registered operation name or `adhoc`, error code, limit policy, store operation, failure reason.
 */
export interface GatewayMetrics {
  /** `http_client_request_duration_seconds{subgraph,outcome}`; outcome `ok`, `http_error`, `timeout`, `unavailable`, `broken`. */
  readonly subgraphCalls: Histogram<'subgraph' | 'outcome'>;
  /** `hub_graphql_operations_total{client,operation,outcome}`; outcome `ok` or `partial` (some fields came back as errors). */
  readonly operations: Counter<'client' | 'operation' | 'outcome'>;
  /** `hub_graphql_refusals_total{code}`: requests ended by an error with this `extensions.code` (HTTP 4xx/5xx). */
  readonly refusals: Counter<'code'>;
  /** `hub_graphql_field_errors_total{code}`: errors inside answered operations (`UNAUTHORIZED_FIELD_OR_TYPE`, `SUBGRAPH_TIMEOUT`, ...). */
  readonly fieldErrors: Counter<'code'>;
  /** `hub_rate_limit_refusals_total{policy}`; policy `partner`, `citizen` or `partner-citizen`. */
  readonly rateLimitRefusals: Counter<'policy'>;
  /** `hub_store_duration_seconds{store,operation,outcome}`: the consent and disclosure stores; outcome `ok` or `error`. */
  readonly storeCalls: Histogram<'store' | 'operation' | 'outcome'>;
  /** `hub_token_verification_failures_total{reason}`. */
  readonly tokenFailures: Counter<'reason'>;
  /** `hub_subgraph_ready{subgraph}`: 1 when the subgraph's `/readyz` answered 200 at the gateway's last readiness check. */
  readonly subgraphReady: Gauge<'subgraph'>;
}

/** Collaborators of {@link createGatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** The issuer's keys (the verifier's `keys()`), read at each scrape for their age and staleness. */
  issuerKeys: () => Promise<AccessTokenKeysStatus>;
}

/** Registers the gateway's metrics on its service registry. */
export function createGatewayMetrics(registry: Registry, options: GatewayMetricsOptions): GatewayMetrics {
  const registers = [registry];
  new Gauge({
    name: 'hub_issuer_keys_age_seconds',
    help: "Seconds since the issuer's signing keys were last fetched (absent with a fixed key set)",
    registers,
    // Several workers (GATEWAY_WORKERS): the oldest keys any of them holds.
    aggregator: 'max',
    async collect() {
      const keys = await options.issuerKeys().catch(() => undefined);
      this.reset();
      if (typeof keys?.ageSeconds === 'number') this.set(keys.ageSeconds);
    },
  });
  new Gauge({
    name: 'hub_issuer_keys_stale',
    help: "1 while the issuer's signing keys are stale (older than ISSUER_KEYS_MAX_AGE_SECONDS): every token is refused with 503",
    registers,
    aggregator: 'max',
    async collect() {
      const keys = await options.issuerKeys().catch(() => undefined);
      this.set(keys === undefined || keys.state === 'stale' ? 1 : 0);
    },
  });
  return Object.freeze({
    subgraphCalls: new Histogram({
      name: 'http_client_request_duration_seconds',
      help: 'Duration of the gateway\'s calls to subgraphs (OpenTelemetry http.client.request.duration), by subgraph and outcome',
      labelNames: ['subgraph', 'outcome'] as const,
      buckets: [...HTTP_DURATION_BUCKETS],
      registers,
    }),
    operations: new Counter({
      name: 'hub_graphql_operations_total',
      help: 'GraphQL operations answered, by client, registered operation name (or adhoc) and outcome',
      labelNames: ['client', 'operation', 'outcome'] as const,
      registers,
    }),
    refusals: new Counter({
      name: 'hub_graphql_refusals_total',
      help: 'GraphQL requests refused as a whole, by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    fieldErrors: new Counter({
      name: 'hub_graphql_field_errors_total',
      help: 'Errors inside answered GraphQL operations, by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'hub_rate_limit_refusals_total',
      help: 'Requests refused by a rate limit, by policy',
      labelNames: ['policy'] as const,
      registers,
    }),
    storeCalls: new Histogram({
      name: 'hub_store_duration_seconds',
      help: 'Latency of the consent and disclosure stores as the gateway calls them, by store, operation and outcome',
      labelNames: ['store', 'operation', 'outcome'] as const,
      buckets: STORE_BUCKETS,
      registers,
    }),
    tokenFailures: new Counter({
      name: 'hub_token_verification_failures_total',
      help: 'Access tokens refused, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    subgraphReady: new Gauge({
      name: 'hub_subgraph_ready',
      help: "1 when the subgraph answered its /readyz at the gateway's last readiness check, else 0",
      labelNames: ['subgraph'] as const,
      registers,
      // Several workers: 1 only when every worker's last check found the subgraph ready.
      aggregator: 'min',
    }),
  });
}

/** The cluster primary's own metrics (`GATEWAY_WORKERS` > 1), served within the workers' aggregate (`clusterMetrics.ts`). */
export interface GatewayPrimaryMetrics {
  /** `hub_gateway_workers`: workers listening now. */
  readonly workers: Gauge;
  /** `hub_gateway_worker_restarts_total`: workers forked again after one exited unexpectedly. */
  readonly restarts: Counter;
}

/** Registers the primary's metrics on its registry. */
export function createGatewayPrimaryMetrics(registry: Registry): GatewayPrimaryMetrics {
  return Object.freeze({
    workers: new Gauge({ name: 'hub_gateway_workers', help: 'Gateway worker processes listening now (GATEWAY_WORKERS > 1)', registers: [registry] }),
    restarts: new Counter({ name: 'hub_gateway_worker_restarts_total', help: 'Gateway workers forked again after one exited unexpectedly', registers: [registry] }),
  });
}

/** An `extensions.code` as a label value; anything not shaped like one of the hub's codes is `OTHER`. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'OTHER';
}
