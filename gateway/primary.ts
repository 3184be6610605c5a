import cluster from 'node:cluster';
import { Registry } from 'prom-client';
import type { Env } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import { readShutdownDrainSeconds } from '../lib/process.js';
import { createMetricsAggregator } from './clusterMetrics.js';
import { createGatewayPrimaryMetrics } from './metrics.js';
import { superviseWorkers } from './workers.js';

/** Options of {@link runGatewayPrimary}. */
export interface GatewayPrimaryOptions {
  /** `GATEWAY_WORKERS`, more than 1. */
  workers: number;
  env: Env;
  logger: Logger;
}

/** What a stopping worker may take after its drain before its own forced exit (lib/process.ts's `graceMs`), and a margin. */
const WORKER_GRACE_MS = 8000 + 2000;

/**
 * The gateway as a cluster primary: forks the workers, serves their metrics' aggregate to whichever worker is
 * scraped, forwards SIGTERM/SIGINT, and exits once every worker has (0 after a clean stop, 1 after a crash loop or
 * a worker that had to be killed). It never touches a request: connections are handed to workers round-robin.
 */
export async function runGatewayPrimary(options: GatewayPrimaryOptions): Promise<never> {
  const { logger } = options;
  // Round-robin by the primary (Node's default except on Windows), said out loud: docs/operations.md has why.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  const metrics = createGatewayPrimaryMetrics(registry);
  let aggregator: ReturnType<typeof createMetricsAggregator> | undefined;
  const supervisor = superviseWorkers({
    count: options.workers,
    logger,
    stopTimeoutMs: readShutdownDrainSeconds(options.env) * 1000 + WORKER_GRACE_MS,
    metrics,
    onMessage: (worker, message) => aggregator?.handle(worker, message),
  });
  aggregator = createMetricsAggregator({ registry, workers: () => supervisor.listening() });
  logger.info({ workers: options.workers, pid: process.pid }, 'gateway primary started');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => supervisor.stop(signal));
  const code = await supervisor.done;
  logger.info({ code }, 'gateway primary stopped');
  // pino writes asynchronously: flush, or the last lines are lost on exit.
  return new Promise<never>(() => logger.flush(() => process.exit(code)));
}
