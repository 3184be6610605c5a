import { createRequire } from 'node:module';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  RandomIdGenerator,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type IdGenerator,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { Env } from '../config.js';
import { hasIdentityCodeShape } from '../hetu.js';

// The OTLP exporter (and the protobuf machinery behind it) is loaded only when an endpoint is set: it took about as
// long to load as the whole tracing SDK (0.9 s on this busy machine), on every start.
const require = createRequire(import.meta.url);

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
 * made, so every log line can carry a trace id; they are recorded and exported by OTLP/HTTP only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set (or a test passes an exporter).
 */
export function startTracing(options: TracingOptions): Tracing {
  if (started) return started;
  // OpenTelemetry's own switch (SDK configuration spec): no spans, no trace ids, no cost on the request path.
  if (options.env.OTEL_SDK_DISABLED === 'true') {
    started = { shutdown: async () => undefined };
    return started;
  }
  const processors: SpanProcessor[] = [];
  if (options.exporter) {
    processors.push(new SimpleSpanProcessor(options.exporter));
  } else {
    const url = otlpTracesUrl(options.env);
    if (url) {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
    }
  }
  // With nowhere to send spans, none is recorded: each still gets its trace and span ids (for the log lines and the
  // traceparent sent on), at a fraction of a recorded span's cost on the request path.
  const sampler = processors.length > 0 ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : new AlwaysOffSampler();
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': options.service }), spanProcessors: processors, sampler, idGenerator: codeFreeIds() });
  // Registers the provider, the AsyncLocalStorage context manager and the W3C trace context and baggage propagators.
  provider.register();
  started = {
    async shutdown() {
      await provider.shutdown();
    },
  };
  return started;
}

/** Exports the spans still buffered and stops tracing; nothing when tracing was never started. */
export async function shutdownTracing(): Promise<void> {
  await started?.shutdown();
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

/**
 * Random trace and span ids, drawn again in the rare case that one holds something shaped like an identity code
 * (about one trace id in eight and one span id in thirty would): ids reach every log line, whose scrubber would
 * redact them.
 */
function codeFreeIds(): IdGenerator {
  const random = new RandomIdGenerator();
  const draw = (next: () => string) => () => {
    let id = next();
    while (hasIdentityCodeShape(id)) id = next();
    return id;
  };
  return { generateTraceId: draw(() => random.generateTraceId()), generateSpanId: draw(() => random.generateSpanId()) };
}
