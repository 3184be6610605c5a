import { describe, expect, it } from '@jest/globals';
import { inSpan, traceFields } from '../spans.js';
import { startTracing } from '../tracing.js';

describe('OTEL_SDK_DISABLED=true', () => {
  it('starts no tracing at all: no recording, no trace ids, no export', async () => {
    startTracing({ service: 'off', env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' } });
    await inSpan('work', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceFields()).toEqual({});
    });
  });
});
