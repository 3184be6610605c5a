import { readMode, type Env } from './config.js';
import { beginDrain } from './http/drain.js';
import type { Logger } from './logger.js';
import { shutdownTracing } from './telemetry/tracing.js';

/** Something that can be stopped on shutdown. */
export interface Stoppable {
  readonly name?: string;
  stop(): Promise<void>;
}

/** How a process stops on a signal; see {@link stopOnSignals}. */
export interface StopOptions {
  /** How long every service keeps serving, with `/readyz` failing, before it closes (`SHUTDOWN_DRAIN_SECONDS`). */
  drainSeconds?: number;
  /** After the drain, a stop that hangs longer than this forces the exit; default 8 s. */
  graceMs?: number;
}

/**
 * `SHUTDOWN_DRAIN_SECONDS`: how long a stopping process keeps serving while `/readyz` fails, so that load balancers
 * and Kubernetes endpoints take it out before it closes. Default 10 in production, 0 in dev mode (Ctrl-C stops at once).
 */
export function readShutdownDrainSeconds(env: Env): number {
  const raw = env.SHUTDOWN_DRAIN_SECONDS;
  if (raw === undefined || raw === '') return readMode(env) === 'production' ? 10 : 0;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 300) {
    throw new TypeError(`SHUTDOWN_DRAIN_SECONDS must be a number of seconds from 0 to 300, got ${JSON.stringify(raw)}`);
  }
  return seconds;
}

/**
 * Stops `services` on SIGINT or SIGTERM, then exits. First the process drains: `/readyz` fails and every service
 * keeps serving for `drainSeconds` (default from `SHUTDOWN_DRAIN_SECONDS`), each response closing its keep-alive
 * connection; then each service stops, letting requests in flight finish. A stop that hangs past `graceMs`, or a
 * second signal well after the first (a person pressing Ctrl-C again), forces the exit. A second signal right after
 * the first is the same signal delivered twice (to the process group and relayed by a wrapper like npm or tsx): ignored.
 */
export function stopOnSignals(services: () => readonly Stoppable[], logger: Logger, options: StopOptions = {}): void {
  const drainMs = (options.drainSeconds ?? readShutdownDrainSeconds(process.env)) * 1000;
  const graceMs = options.graceMs ?? 8000;
  let stoppingSince = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince > 0) {
      if (Date.now() - stoppingSince > 1000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    beginDrain();
    logger.info({ signal, drainSeconds: drainMs / 1000 }, drainMs > 0 ? 'draining' : 'stopping');
    // Not unref'd: the timer also keeps the process alive until every service has really stopped.
    setTimeout(() => process.exit(1), drainMs + graceMs);
    setTimeout(() => {
      if (drainMs > 0) logger.info('drained; stopping');
      const stops = services().map(async (service) => {
        await service.stop();
        logger.info({ service: service.name }, 'service stopped');
      });
      Promise.allSettled(stops).then(async () => {
        // The last spans (the drain's requests) are still in the exporter's batch.
        await shutdownTracing().catch(() => undefined);
        logger.info('stopped');
        // pino writes asynchronously: flush, or the last lines are lost on exit.
        logger.flush(() => process.exit(0));
      });
    }, drainMs);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
