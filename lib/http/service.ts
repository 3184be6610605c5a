import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HubError } from '../errors.js';
import type { Logger } from '../logger.js';
import { readMetricsAccess, type MetricsAccess } from '../telemetry/metricsAccess.js';
import { methodLabel, type ServiceMetrics } from '../telemetry/serviceMetrics.js';
import { trace } from '@opentelemetry/api';
import { errorType, hubTracer, incomingContext, SpanKind, SpanStatusCode } from '../telemetry/spans.js';
import { isDraining } from './drain.js';

/** What every request handler gets besides the request and response. */
export interface RequestScope {
  /** Correlates log lines of one request across the gateway and subgraphs. */
  readonly requestId: string;
  readonly logger: Logger;
}

/** A route handler; it must end the response. */
export type Handler = (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => Promise<void>;

/** A readiness verdict with each dependency's state, which `/readyz` shows as `checks` (never an address or a secret). */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, unknown>>;
}

/** Options for {@link createService}. */
export interface ServiceOptions {
  logger: Logger;
  /** `/readyz` answers 200 only when this resolves true (or `{ ready: true }`). */
  ready: () => Promise<boolean | Readiness>;
  /** Handlers by exact path (query strings are ignored for routing). */
  routes: Record<string, Handler>;
  /** Handles every path no route names (the authorization server hands these to oidc-provider); default 404. */
  fallback?: Handler;
  /** Names a fallback path for the request log (a fixed label, never the raw path); default "(unknown)". */
  nameRoute?: (path: string) => string | undefined;
  /** Whether an incoming `x-request-id` may be adopted (only from the gateway, never from the internet). */
  trustRequestId?: boolean;
  /** This service instance's metrics, served at `/metrics` (lib/telemetry/serviceMetrics.ts); without it, `/metrics` is 404. */
  metrics?: ServiceMetrics;
  /** Who may read `/metrics` (`METRICS_ALLOW`, lib/telemetry/metricsAccess.ts); default loopback only. */
  metricsAccess?: MetricsAccess;
}

/** The shape of a request id a service takes from its caller (`trustRequestId`): a UUID, nothing else. */
export const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An HTTP server with `/healthz`, `/readyz`, request ids, request logging and uniform error bodies. */
export function createService(options: ServiceOptions): Server {
  const metricsAccess = options.metricsAccess ?? readMetricsAccess({});
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = PROBES.has(path) ? path : routeName(path, options.routes, options.nameRoute);
    // A W3C traceparent from the caller is continued, else a trace starts here (lib/telemetry/tracing.ts).
    const parent = incomingContext(req.headers);
    const method = methodLabel(req.method);
    void hubTracer().startActiveSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } }, parent, async (span) => {
      try {
        await serve(req, res, path, route);
      } finally {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    }).catch((error: unknown) => {
      // serve() answers every failure itself; this is the last net, so that no request can crash the process.
      options.logger.error({ err: error }, 'request handling failed');
      if (!res.headersSent) sendError(res, new HubError('INTERNAL_SERVER_ERROR', 'Internal server error'));
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse, path: string, route: string): Promise<void> {
    const started = process.hrtime.bigint();
    const incomingId = req.headers['x-request-id'];
    // A request id is adopted only in UUID form: anything else could smuggle personal data into logs.
    const requestId = options.trustRequestId && typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    const logger = options.logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    // Every answer states its type truthfully; no client may guess another (OWASP API8, security misconfiguration).
    res.setHeader('x-content-type-options', 'nosniff');
    // Draining (SIGTERM): each answer closes its connection, so keep-alive clients reconnect to another replica.
    if (isDraining()) res.setHeader('connection', 'close');
    try {
      if (path === '/healthz') {
        sendJson(res, 200, { status: 'ok' });
      } else if (path === '/readyz') {
        if (isDraining()) {
          sendJson(res, 503, { status: 'draining' });
          return;
        }
        const outcome = await options.ready().catch(() => false);
        const ready = typeof outcome === 'boolean' ? outcome : outcome.ready;
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...(typeof outcome === 'boolean' ? {} : { checks: outcome.checks }) });
      } else if (path === '/metrics' && options.metrics) {
        await sendMetrics(req, res, options.metrics, metricsAccess);
      } else {
        const handler = options.routes[path] ?? options.fallback;
        if (!handler) throw new HubError('NOT_FOUND', 'No such resource');
        await handler(req, res, { requestId, logger });
      }
    } catch (error) {
      const hubError = error instanceof HubError ? error : new HubError('INTERNAL_SERVER_ERROR', 'Internal server error', { cause: error });
      if (hubError.code === 'INTERNAL_SERVER_ERROR') {
        logger.error({ err: error }, 'request failed');
        trace.getActiveSpan()?.setAttribute('error.type', errorType(error));
      }
      if (!res.headersSent) sendError(res, hubError);
      else res.end();
    } finally {
      // Method, path and status only: query strings, headers and bodies may carry personal data or tokens.
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.metrics?.httpServerDuration.observe({ method: methodLabel(req.method), route, status: String(res.statusCode) }, seconds);
      if (!PROBES.has(path)) {
        logger.info({ method: req.method, path: route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, 'request');
      }
    }
  }

  server.keepAliveTimeout = 65_000;
  return server;
}

/** Paths every service answers itself; they are named as they are and not logged per request. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** `/metrics` in the Prometheus text format, to loopback and `METRICS_ALLOW` only; anyone else gets a plain 404. */
async function sendMetrics(req: IncomingMessage, res: ServerResponse, metrics: ServiceMetrics, access: MetricsAccess): Promise<void> {
  // 404, not 403: from outside, /metrics does not exist.
  if (!access.allows(req) || (req.method !== 'GET' && req.method !== 'HEAD')) throw new HubError('NOT_FOUND', 'No such resource');
  const text = await (metrics.scrape ?? (() => metrics.registry.metrics()))();
  res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** Only known routes are logged by name; an unknown path could itself hold personal data. */
function routeName(path: string, routes: Record<string, Handler>, nameRoute?: (path: string) => string | undefined): string {
  return path in routes ? path : (nameRoute?.(path) ?? '(unknown)');
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes a GraphQL-shaped error response for a request-ending error. */
export function sendError(res: ServerResponse, error: HubError, headers: Record<string, string> = {}): void {
  const extra: Record<string, string> = { ...error.headers, ...headers };
  if (error.code === 'UNAUTHENTICATED' && !extra['www-authenticate']) {
    extra['www-authenticate'] = `Bearer realm="hub", error="invalid_token", error_description="${error.message}"`;
  }
  sendJson(res, error.status, errorBody(error), extra);
}

/** The GraphQL-shaped body of a request-ending error: its message and code, nothing else. */
export function errorBody(error: HubError): { errors: [{ message: string; extensions: { code: string } }] } {
  return { errors: [{ message: error.message, extensions: { code: error.code } }] };
}

/** Reads a request body up to `limit` bytes; a larger body is refused without reading it all. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new HubError('PAYLOAD_TOO_LARGE', `The request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HubError('PAYLOAD_TOO_LARGE', `The request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts listening and resolves with the bound port. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Stops accepting connections, lets requests in flight finish (for `graceMs` at most), and closes each keep-alive
 * connection as soon as it is idle: also those whose request was still in flight when the close began.
 */
export function close(server: Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    // A connection turns idle when its last response is sent; Node closes only those idle at close() time.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
