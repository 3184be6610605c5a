import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { inSpan } from '../spans.js';
import { otlpTracesUrl, shutdownTracing, startTracing } from '../tracing.js';

describe('otlpTracesUrl', () => {
  it('is unset without an endpoint, the signal path under a base endpoint, and a traces endpoint as is', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp' })).toBe('https://traces.example/otlp');
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow('OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL');
  });
});

describe('startTracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports spans by OTLP/HTTP to the collector, with the service name', async () => {
    const received: Array<{ path: string; body: string }> = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      startTracing({ service: 'otlp-test', env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
      await inSpan('exported span', { 'hub.subgraph': 'tax' }, async () => undefined);
      await shutdownTracing();
      expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
      expect(received[0]!.body).toContain('exported span');
      expect(received[0]!.body).toContain('otlp-test');
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
