import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { hasIdentityCodeShape } from '../hetu.js';

// Spans and trace context through @opentelemetry/api alone: a no-op until lib/telemetry/tracing.ts's startTracing
// registered the SDK, so that libraries and tests that never start tracing pay nothing for it.

/** The hub's tracer (a no-op one until {@link startTracing} ran). */
export function hubTracer(): Tracer {
  return trace.getTracer('personal-data-hub');
}

/**
 * The trace context a request's `traceparent` header carries (the root context when it carries none or a bad one, or
 * ids shaped like an identity code: trace ids go on every log line, and a client must not plant a code there).
 */
export function incomingContext(headers: Readonly<Record<string, string | string[] | undefined>>): Context {
  const extracted = propagation.extract(context.active(), headers);
  const remote = trace.getSpanContext(extracted);
  if (remote && (hasIdentityCodeShape(remote.traceId) || hasIdentityCodeShape(remote.spanId))) return context.active();
  return extracted;
}

/** Headers with the active span's `traceparent` (and `tracestate`) added, for a call to another service. */
export function withTraceHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `work` inside an internal span named `name`. Attributes are fixed labels only: never a variable, a register
 * value, an identity code or response data. A thrown error marks the span failed by its type and code alone.
 */
export async function inSpan<T>(name: string, attributes: Record<string, string | number | boolean>, work: (span: Span) => Promise<T>, kind = SpanKind.INTERNAL): Promise<T> {
  return hubTracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      // The message may name what the error was about; the code and type never do.
      span.setAttribute('error.type', errorType(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A bounded description of an error for `error.type`: its stable code, else its class name. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code)) return code;
  return error instanceof Error ? error.name : 'Error';
}

/** Trace and span id of the active span for log lines (pino's `mixin`); nothing when no span is active. */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return {};
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}`.slice(-2) };
}


export { SpanKind, SpanStatusCode };
