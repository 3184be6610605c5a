import type { Logger } from './logger.js';

/** Something that can be stopped on shutdown. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Stops `services` on SIGINT or SIGTERM, then exits; a second signal or a stop that hangs past `graceMs`
 * forces the exit, so Ctrl-C always ends the hub.
 */
export function stopOnSignals(services: () => readonly Stoppable[], logger: Logger, graceMs = 8000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => process.exit(1), graceMs);
    timer.unref();
    Promise.allSettled(services().map((service) => service.stop())).then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
