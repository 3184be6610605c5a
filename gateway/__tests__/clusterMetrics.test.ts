import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { createServiceMetrics, type ServiceMetrics } from '../../lib/telemetry/serviceMetrics.js';
import { clusterWorkerMetrics, createMetricsAggregator } from '../clusterMetrics.js';
import { createGatewayMetrics, createGatewayPrimaryMetrics } from '../metrics.js';

// /metrics of a gateway with several workers, on an in-memory IPC channel: whichever worker is scraped answers the
// whole gateway's numbers (counters and histograms summed, gauges by their aggregator, the primary's own included),
// and a worker that does not answer fails the scrape instead of leaving its counts out.
// tests/gatewayWorkers.test.ts scrapes real workers.

interface Node {
  metrics: ServiceMetrics;
  worker: Worker;
  /** Whether this worker answers the primary's collects. */
  answers: boolean;
}

function cluster(count: number, timeoutMs = 500) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  createGatewayPrimaryMetrics(registry).workers.set(count);
  const nodes: Node[] = [];
  const aggregator = createMetricsAggregator({ registry, workers: () => nodes.map((n) => n.worker), timeoutMs });
  for (let i = 0; i < count; i += 1) {
    const channel = new EventEmitter();
    const node = { answers: true } as Node;
    const worker = {
      isConnected: () => true,
      send: (message: unknown) => (setImmediate(() => channel.emit('message', message)), true),
    } as unknown as Worker;
    const toPrimary = (message: unknown) => {
      if (node.answers || (message as { type: string }).type !== 'hub:metrics:collected') setImmediate(() => aggregator.handle(worker, message));
      return true;
    };
    node.worker = worker;
    node.metrics = clusterWorkerMetrics(createServiceMetrics('gateway'), { on: (event, listener) => channel.on(event, listener), send: toPrimary }, timeoutMs + 500);
    nodes.push(node);
  }
  return nodes;
}

const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

describe('cluster metrics', () => {
  it('answers the sum of every worker\'s counters and histograms, and the primary\'s worker count, on whichever worker is scraped', async () => {
    const nodes = cluster(2);
    const [a, b] = nodes.map((n) => ({ node: n, gateway: createGatewayMetrics(n.metrics.registry, { issuerKeys: async () => ({ state: 'fresh', ageSeconds: 0 }) as never }) }));
    a!.gateway.operations.inc({ client: 'demo-bank', operation: 'Prefill', outcome: 'ok' }, 3);
    b!.gateway.operations.inc({ client: 'demo-bank', operation: 'Prefill', outcome: 'ok' }, 4);
    a!.node.metrics.httpServerDuration.observe({ method: 'POST', route: '/graphql', status: '200' }, 0.02);
    b!.node.metrics.httpServerDuration.observe({ method: 'POST', route: '/graphql', status: '200' }, 0.2);
    // Subgraph readiness is 1 only when every worker saw it ready.
    a!.gateway.subgraphReady.set({ subgraph: 'tax' }, 1);
    b!.gateway.subgraphReady.set({ subgraph: 'tax' }, 0);
    for (const node of nodes) {
      const text = await node.metrics.scrape!();
      expect(value(text, 'hub_graphql_operations_total{client="demo-bank",operation="Prefill",outcome="ok",service="gateway"}')).toBe(7);
      expect(value(text, 'http_server_request_duration_seconds_count{method="POST",route="/graphql",status="200",service="gateway"}')).toBe(2);
      expect(value(text, 'http_server_request_duration_seconds_bucket{le="0.025",method="POST",route="/graphql",status="200",service="gateway"}')).toBe(1);
      expect(value(text, 'hub_subgraph_ready{subgraph="tax",service="gateway"}')).toBe(0);
      expect(value(text, 'hub_gateway_workers{service="gateway"}')).toBe(2);
      expect(value(text, 'hub_issuer_keys_stale{service="gateway"}')).toBe(0);
      // Process metrics of both workers: summed, or one value where a sum means nothing.
      expect(text).toMatch(/^process_resident_memory_bytes\{service="gateway"\} \d+/m);
      expect(text).not.toContain('process_start_time_seconds');
    }
  });

  it('fails the scrape when a worker does not answer, rather than leave its counts out', async () => {
    const nodes = cluster(2, 200);
    nodes[1]!.answers = false;
    await expect(nodes[0]!.metrics.scrape!()).rejects.toThrow('cluster metrics: 1 of 2 workers did not answer within 200 ms');
  });

  it('fails the scrape when the primary cannot be reached', async () => {
    const metrics = clusterWorkerMetrics(createServiceMetrics('gateway'), { on: () => undefined, send: () => false });
    await expect(metrics.scrape!()).rejects.toThrow('cluster metrics: Error: the gateway primary cannot be reached');
  });
});
