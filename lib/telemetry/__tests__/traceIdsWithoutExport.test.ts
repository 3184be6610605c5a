import { describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
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
});
