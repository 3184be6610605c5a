import cluster from 'node:cluster';
import { createLogger } from '../lib/logger.js';
import { stopOnSignals } from '../lib/process.js';
import { readGatewayConfig } from './config.js';
import { WORKER_SLOT_VARIABLE } from './workers.js';

// Entry point when the gateway runs as its own process. GATEWAY_WORKERS=1: this process serves. More: this process is
// the cluster primary (primary.ts), and each worker it forks runs this file again and serves. A bad variable stops the
// start here, before any worker is forked. The primary loads neither the gateway nor tracing: it serves no request.
const config = readGatewayConfig(process.env);
if (config.workers > 1 && cluster.isPrimary) {
  const { runGatewayPrimary } = await import('./primary.js');
  await runGatewayPrimary({ workers: config.workers, env: process.env, logger: createLogger({ service: 'gateway' }) });
} else {
  const { startTracing } = await import('../lib/telemetry/tracing.js');
  const { startGateway } = await import('./start.js');
  startTracing({ service: 'gateway', env: process.env });
  const base = createLogger({ service: 'gateway' });
  // A worker's lines name it (its slot survives its restarts) and its pid: which process served what.
  const logger = cluster.isWorker ? base.child({ worker: Number(process.env[WORKER_SLOT_VARIABLE]), pid: process.pid }) : base;
  const metrics = cluster.isWorker ? await workerMetrics() : undefined;
  const gateway = await startGateway(process.env, { logger, metrics });
  stopOnSignals(() => [gateway], logger);
}

/** A worker's metrics registry, whose `/metrics` is the whole gateway's (clusterMetrics.ts). */
async function workerMetrics() {
  const { createServiceMetrics } = await import('../lib/telemetry/serviceMetrics.js');
  const { clusterWorkerMetrics } = await import('./clusterMetrics.js');
  return clusterWorkerMetrics(createServiceMetrics('gateway'));
}
