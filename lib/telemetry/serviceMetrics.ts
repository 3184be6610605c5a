import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** OpenTelemetry's advised buckets for `http.server.request.duration` and `http.client.request.duration` (seconds). */
export const HTTP_DURATION_BUCKETS = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);

/** One service instance's metrics: its own registry (several services share a process under `npm start`). */
export interface ServiceMetrics {
  readonly service: string;
  readonly registry: Registry;
  /** `http_server_request_duration_seconds{method,route,status}`: route is a bounded name, never a raw path. */
  readonly httpServerDuration: Histogram<'method' | 'route' | 'status'>;
  /**
   * `hub_reload_total{what,outcome}`: configuration reloaded without a restart (`what`: `trusted_documents`,
   * `supergraph`; `outcome`: `applied`, `refused`, `failed`).
   */
  readonly reloads: Counter<'what' | 'outcome'>;
  /**
   * What `/metrics` answers, when it is more than this registry: a gateway worker's scrape is the whole cluster's
   * aggregate (gateway/clusterMetrics.ts). Default `registry.metrics()`.
   */
  readonly scrape?: () => Promise<string>;
}

/** Creates the registry of one service instance with Node's process metrics and the HTTP server histogram. */
export function createServiceMetrics(service: string): ServiceMetrics {
  if (!/^[a-z][a-z0-9-]*$/.test(service)) throw new TypeError(`createServiceMetrics: "service" must be a lower-case name, got ${JSON.stringify(service)}`);
  const registry = new Registry();
  // Each process metric once per registry: Prometheus scrapes each service's port as its own target.
  // Which service a series is from, also when several share a process and one scrape job (`npm start`).
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpServerDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests (OpenTelemetry http.server.request.duration), by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [...HTTP_DURATION_BUCKETS],
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'hub_reload_total',
    help: 'Configuration reloads without a restart, by what was reloaded and the outcome',
    labelNames: ['what', 'outcome'] as const,
    registers: [registry],
  });
  return Object.freeze({ service, registry, httpServerDuration, reloads });
}

/** Methods that name themselves in labels; anything else is `_OTHER` (OpenTelemetry's rule), so labels stay bounded. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A request method as a bounded label value. */
export function methodLabel(method: string | undefined): string {
  return method && KNOWN_METHODS.has(method) ? method : '_OTHER';
}
