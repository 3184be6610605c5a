import { describe, expect, it } from '@jest/globals';
import { context, trace } from '@opentelemetry/api';
import { inSpan, traceFields, withTraceHeaders } from '../spans.js';
import { startTracing } from '../tracing.js';

describe('tracing without an exporter', () => {
  it('records no span, yet gives every span trace ids for log lines and the traceparent sent on', async () => {
    startTracing({ service: 'no-export', env: {} });
    await inSpan('work', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
      expect(traceFields().trace_id).toBe(span.spanContext().traceId);
      expect(withTraceHeaders({}).traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-00`);
    });
  });

  it('makes no span for another library\'s tracer: its work runs in the hub\'s span, whose ids it sees', async () => {
    startTracing({ service: 'no-export', env: {} });
    const library = trace.getTracer('apollo/gateway-js', '2.14.4');
    await inSpan('request', {}, async (hubSpan) => {
      const active = context.active();
      await library.startActiveSpan('gateway.fetch', async (span) => {
        expect(span.isRecording()).toBe(false);
        expect(span.spanContext()).toEqual(hubSpan.spanContext());
        expect(context.active()).toBe(active);
        expect(traceFields().span_id).toBe(hubSpan.spanContext().spanId);
        // The hub's own spans inside it are still made, as children of the hub's span.
        await inSpan('POST population', {}, async (client) => {
          expect(client.spanContext().traceId).toBe(hubSpan.spanContext().traceId);
          expect(client.spanContext().spanId).not.toBe(hubSpan.spanContext().spanId);
          expect(withTraceHeaders({}).traceparent).toBe(`00-${client.spanContext().traceId}-${client.spanContext().spanId}-00`);
        });
        span.end();
      });
      expect(library.startSpan('detached', {}, trace.setSpan(context.active(), hubSpan)).spanContext()).toEqual(hubSpan.spanContext());
    });
    expect(trace.isSpanContextValid(library.startSpan('outside').spanContext())).toBe(false);
  });
});
