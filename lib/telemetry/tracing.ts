import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Env } from '../config.js';

/** Options for {@link startTracing}. */
export interface TracingOptions {
  /** `service.name` of the process's spans (`hub` when `npm start` hosts every service). */
  service: string;
  env: Env;
  /** Where finished spans go instead of OTLP (tests pass an in-memory exporter). */
  exporter?: SpanExporter;
}

/** The process's tracing, once started. */
export interface Tracing {
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/**
 * Starts OpenTelemetry tracing for this process, once (later calls return the first): W3C `traceparent` is read
 * from and written to HTTP headers, and the active span follows async calls (AsyncLocalStorage). Spans are always
 * made, so every log line can carry a trace id; they are exported by OTLP/HTTP only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, else dropped when they end.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (started) return started;
  const processors: SpanProcessor[] = [];
  if (options.exporter) {
    processors.push(new SimpleSpanProcessor(options.exporter));
  } else {
    const url = otlpTracesUrl(options.env);
    if (url) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': options.service }), spanProcessors: processors });
  // Registers the provider, the AsyncLocalStorage context manager and the W3C trace context and baggage propagators.
  provider.register();
  started = {
    async shutdown() {
      await provider.shutdown();
    },
  };
  return started;
}

/** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` (the OTLP spec's rule). */
export function otlpTracesUrl(env: Env): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('not http(s)');
  } catch {
    throw new TypeError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  return url;
}
