import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../lib/logger.js';
import type { GatewayPrimaryMetrics } from './metrics.js';

/**
 * The cluster primary's side of `GATEWAY_WORKERS` > 1: it forks the workers (each runs `startGateway` on the same
 * port; the primary accepts connections and hands them out round-robin, docs/operations.md says why), restarts one
 * that dies with a growing delay, gives up loudly when they crash-loop, and forwards SIGTERM/SIGINT so that every
 * worker drains as a single gateway process does. It holds no state a request needs: the workers share nothing but
 * the consent database.
 */

/** Unexpected exits within {@link CRASH_WINDOW_MS} that make the primary give up (a worker that cannot run). */
export const MAX_CRASHES = 5;
/** The window in which unexpected exits count towards {@link MAX_CRASHES}. */
export const CRASH_WINDOW_MS = 60_000;
/** The delay before the first restart; it doubles with each unexpected exit in the window. */
export const FIRST_RESTART_DELAY_MS = 250;

/** Collaborators of {@link superviseWorkers}. */
export interface SupervisorOptions {
  /** How many workers to keep running. */
  count: number;
  logger: Logger;
  /** How long stopping workers may take (their drain and grace) before the primary kills them. */
  stopTimeoutMs: number;
  /** Forks one worker with these variables added to its environment; default `cluster.fork`. Tests pass fakes. */
  fork?: (env: Record<string, string>) => Worker;
  /** Messages from workers the supervisor does not handle itself (metrics scrapes, `clusterMetrics.ts`). */
  onMessage?: (worker: Worker, message: unknown) => void;
  metrics?: GatewayPrimaryMetrics;
  now?: () => number;
}

/** The running workers, as the primary sees them. */
export interface Supervisor {
  /** The workers that are listening, i.e. serving requests now. */
  listening(): Worker[];
  /** Forwards `signal` to every worker and restarts none from now on; each drains and exits. */
  stop(signal: NodeJS.Signals): void;
  /** The primary's exit code, once every worker has exited: 0 after a clean stop, 1 after giving up or a forced stop. */
  readonly done: Promise<number>;
}

/** The environment variable that tells a worker its slot (1..count); a replacement takes the slot of the one it replaces. */
export const WORKER_SLOT_VARIABLE = 'GATEWAY_WORKER_SLOT';

/** Forks `count` workers and keeps them running until {@link Supervisor.stop} or a crash loop. */
export function superviseWorkers(options: SupervisorOptions): Supervisor {
  const { count, logger } = options;
  if (!Number.isInteger(count) || count < 1) throw new TypeError(`superviseWorkers: option "count" must be a positive integer, got ${count}`);
  const fork = options.fork ?? ((env: Record<string, string>) => cluster.fork(env));
  const now = options.now ?? Date.now;
  const live = new Map<Worker, { slot: number; listening: boolean }>();
  const restarts = new Set<NodeJS.Timeout>();
  const crashes: number[] = [];
  let stopping = false;
  let stopSignal: NodeJS.Signals | undefined;
  let failed = false;
  let deadline: NodeJS.Timeout | undefined;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const countListening = () => options.metrics?.workers.set([...live.values()].filter((state) => state.listening).length);

  function start(slot: number): void {
    const worker = fork({ [WORKER_SLOT_VARIABLE]: String(slot) });
    const pid = worker.process.pid;
    live.set(worker, { slot, listening: false });
    logger.info({ slot, pid }, 'gateway worker started');
    worker.on('listening', () => {
      const state = live.get(worker);
      if (!state) return;
      state.listening = true;
      countListening();
      logger.info({ slot, pid }, 'gateway worker listening');
      startTheOthers();
    });
    worker.on('message', (message: unknown) => options.onMessage?.(worker, message));
    worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => exited(worker, slot, pid, code, signal));
  }

  function exited(worker: Worker, slot: number, pid: number | undefined, code: number | null, signal: NodeJS.Signals | null): void {
    const wasListening = live.get(worker)?.listening ?? false;
    live.delete(worker);
    countListening();
    if (stopping) {
      // A worker still starting has no handler for the signal yet, so it ends by it: it served nothing, a clean stop.
      if (code !== 0 && !(signal === stopSignal && !wasListening)) failed = true;
      logger.info({ slot, pid, code, signal }, 'gateway worker stopped');
      if (live.size === 0) end();
      return;
    }
    const at = now();
    crashes.push(at);
    while (crashes.length > 0 && crashes[0]! <= at - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length >= MAX_CRASHES) {
      // A worker that cannot run is not fixed by forking it forever: exit non-zero, and let the orchestrator's own
      // back-off (Kubernetes' CrashLoopBackOff) and its alerts take over. The workers still alive drain first.
      logger.fatal({ slot, pid, code, signal, crashes: crashes.length, windowSeconds: CRASH_WINDOW_MS / 1000 }, 'gateway workers are crash-looping; giving up');
      failed = true;
      stop('SIGTERM');
      return;
    }
    const delayMs = FIRST_RESTART_DELAY_MS * 2 ** (crashes.length - 1);
    logger.error({ slot, pid, code, signal, restartInMs: delayMs }, 'gateway worker exited unexpectedly; restarting it');
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (stopping) return;
      options.metrics?.restarts.inc();
      start(slot);
    }, delayMs);
    restarts.add(timer);
  }

  function end(): void {
    if (deadline) clearTimeout(deadline);
    finish(failed ? 1 : 0);
  }

  function stop(signal: NodeJS.Signals): void {
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    // A second signal is forwarded too: a worker takes one that comes well after the first as "stop now".
    for (const worker of live.keys()) worker.process.kill(signal);
    if (stopping) return;
    stopping = true;
    stopSignal = signal;
    if (live.size === 0) return end();
    logger.info({ signal, workers: live.size }, 'stopping gateway workers');
    deadline = setTimeout(() => {
      failed = true;
      logger.error({ workers: [...live.values()].map((state) => state.slot) }, 'gateway workers did not stop in time; killing them');
      for (const worker of live.keys()) worker.process.kill('SIGKILL');
    }, options.stopTimeoutMs);
  }

  // The first worker starts alone and the others once it listens: it migrates the consent database before anyone else
  // opens it (SQLite's migrations take no lock across processes), and a gateway that cannot start fails once, not N times.
  let othersStarted = false;
  function startTheOthers(): void {
    if (othersStarted || stopping) return;
    othersStarted = true;
    for (let slot = 2; slot <= count; slot += 1) start(slot);
  }

  start(1);
  return {
    listening: () => [...live].filter(([, state]) => state.listening).map(([worker]) => worker),
    stop,
    done,
  };
}
