import type { Logger } from './logger.js';

/** Something that can be stopped on shutdown. */
export interface Stoppable {
  readonly name?: string;
  stop(): Promise<void>;
}

/**
 * Stops `services` on SIGINT or SIGTERM, then exits; a stop that hangs past `graceMs`, or a second signal
 * well after the first (a person pressing Ctrl-C again), forces the exit. A second signal right after the first
 * is the same signal delivered twice (to the process group and relayed by a wrapper like npm or tsx): ignored.
 */
export function stopOnSignals(services: () => readonly Stoppable[], logger: Logger, graceMs = 8000): void {
  let stoppingSince = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince > 0) {
      if (Date.now() - stoppingSince > 1000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'stopping');
    // Not unref'd: the timer also keeps the process alive until every service has really stopped.
    setTimeout(() => process.exit(1), graceMs);
    const stops = services().map(async (service) => {
      await service.stop();
      logger.info({ service: service.name }, 'service stopped');
    });
    Promise.allSettled(stops).then(() => {
      logger.info('stopped');
      // pino writes asynchronously: flush, or the last lines are lost on exit.
      logger.flush(() => process.exit(0));
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
