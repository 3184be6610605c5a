import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { ServiceMetrics } from '../lib/telemetry/serviceMetrics.js';

/**
 * `/metrics` of a gateway with several workers describes the whole gateway, on the gateway's own port: the worker
 * that receives the scrape asks the primary over the cluster's IPC channel; the primary collects every listening
 * worker's registry as JSON, adds its own (`hub_gateway_workers`, restarts) and merges them with prom-client's
 * `AggregatorRegistry.aggregate` (counters and histograms summed; gauges by their `aggregator`, metrics.ts). A worker
 * that does not answer in time fails the scrape rather than leave its counts out: a sum that drops one worker's
 * share would look to Prometheus like a counter reset.
 */

/** Worker to primary: "aggregate the cluster for me" (`id` matches the answer). */
const SCRAPE = 'hub:metrics:scrape';
/** Primary to worker: the aggregate as Prometheus text, or why there is none. */
const SCRAPED = 'hub:metrics:scraped';
/** Primary to worker: "your registry, as JSON". */
const COLLECT = 'hub:metrics:collect';
/** Worker to primary: its registry as JSON. */
const COLLECTED = 'hub:metrics:collected';

/** How long the primary waits for every worker's registry; below Prometheus's default scrape timeout (10 s). */
export const COLLECT_TIMEOUT_MS = 3000;

/** One metric of `registry.getMetricsAsJSON()`: what crosses the IPC channel. */
type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

interface Message {
  type: string;
  id: number;
  text?: string;
  error?: string;
  metrics?: MetricJson[];
}

/** The worker's end of the IPC channel (`process` in a cluster worker). */
export interface WorkerChannel {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  send?(message: unknown): boolean;
}

const isMessage = (value: unknown, type: string): value is Message =>
  typeof value === 'object' && value !== null && (value as Message).type === type && typeof (value as Message).id === 'number';

/**
 * A worker's service metrics: its registry answers the primary's collects, and its `/metrics` is the cluster's
 * aggregate, asked of the primary.
 */
export function clusterWorkerMetrics(metrics: ServiceMetrics, channel: WorkerChannel = process, timeoutMs = COLLECT_TIMEOUT_MS + 1000): ServiceMetrics {
  const send = (message: Message) => {
    if (!channel.send?.(message)) throw new Error('the gateway primary cannot be reached');
  };
  const pending = new Map<number, (answer: Message) => void>();
  let next = 0;
  channel.on('message', (message) => {
    if (isMessage(message, COLLECT)) {
      metrics.registry.getMetricsAsJSON().then(
        (json) => send({ type: COLLECTED, id: message.id, metrics: json }),
        (error: unknown) => send({ type: COLLECTED, id: message.id, error: String(error) }),
      ).catch(() => undefined); // the primary is gone: it has nobody to answer to either
    } else if (isMessage(message, SCRAPED)) {
      pending.get(message.id)?.(message);
    }
  });
  const scrape = () => new Promise<string>((resolve, reject) => {
    const id = next++;
    const timer = setTimeout(() => settle({ type: SCRAPED, id, error: `no aggregate from the gateway primary within ${timeoutMs} ms` }), timeoutMs);
    function settle(answer: Message) {
      clearTimeout(timer);
      pending.delete(id);
      if (answer.error !== undefined) reject(new Error(`cluster metrics: ${answer.error}`));
      else resolve(answer.text ?? '');
    }
    pending.set(id, settle);
    try {
      send({ type: SCRAPE, id });
    } catch (error) {
      settle({ type: SCRAPED, id, error: String(error) });
    }
  });
  return Object.freeze({ ...metrics, scrape });
}

/** Options of {@link createMetricsAggregator}. */
export interface MetricsAggregatorOptions {
  /** The primary's own registry, included in every aggregate. */
  registry: Registry;
  /** The workers whose registries make up the gateway's metrics: those listening now. */
  workers: () => Worker[];
  timeoutMs?: number;
}

/** The primary's side: `handle` takes every message a worker sends (the supervisor's `onMessage`). */
export function createMetricsAggregator(options: MetricsAggregatorOptions): { handle(worker: Worker, message: unknown): void } {
  const timeoutMs = options.timeoutMs ?? COLLECT_TIMEOUT_MS;
  const collecting = new Map<number, (worker: Worker, answer: Message) => void>();
  let next = 0;

  async function aggregate(): Promise<string> {
    const workers = options.workers();
    const id = next++;
    const answers = await new Promise<MetricJson[][]>((resolve, reject) => {
      const waiting = new Set(workers);
      const collected: MetricJson[][] = [];
      const timer = setTimeout(() => done(new Error(`${waiting.size} of ${workers.length} workers did not answer within ${timeoutMs} ms`)), timeoutMs);
      function done(error?: Error) {
        clearTimeout(timer);
        collecting.delete(id);
        if (error) reject(error);
        else resolve(collected);
      }
      collecting.set(id, (worker, answer) => {
        if (!waiting.delete(worker)) return;
        if (answer.error !== undefined || !Array.isArray(answer.metrics)) return done(new Error(`a worker could not collect its metrics: ${answer.error}`));
        collected.push(answer.metrics);
        if (waiting.size === 0) done();
      });
      for (const worker of workers) {
        // One that is exiting has no share left to count; one that exits after this never answers, and the
        // timeout fails the scrape.
        if (worker.isConnected()) worker.send({ type: COLLECT, id });
        else waiting.delete(worker);
      }
      if (waiting.size === 0) done();
    });
    const own = await options.registry.getMetricsAsJSON();
    return AggregatorRegistry.aggregate([own, ...answers]).metrics();
  }

  return {
    handle(worker, message) {
      if (isMessage(message, COLLECTED)) {
        collecting.get(message.id)?.(worker, message);
      } else if (isMessage(message, SCRAPE)) {
        const reply = (answer: Omit<Message, 'type' | 'id'>) => {
          if (worker.isConnected()) worker.send({ type: SCRAPED, id: message.id, ...answer });
        };
        aggregate().then((text) => reply({ text }), (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }));
      }
    },
  };
}
