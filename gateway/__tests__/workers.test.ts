import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Registry } from 'prom-client';
import { createLogger } from '../../lib/logger.js';
import { createGatewayPrimaryMetrics } from '../metrics.js';
import { CRASH_WINDOW_MS, FIRST_RESTART_DELAY_MS, MAX_CRASHES, superviseWorkers, WORKER_SLOT_VARIABLE } from '../workers.js';

// The primary's supervision of GATEWAY_WORKERS, on fake workers and a fake clock: who is forked when, restarts with a
// growing delay, giving up on a crash loop, and a stop that forwards the signal and waits for every worker.
// tests/gatewayWorkers.test.ts does the same on real processes.

interface FakeWorker extends EventEmitter {
  slot: number;
  process: { pid: number; kill: jest.Mock<(signal?: string) => boolean> };
  signals: string[];
}

let nextPid = 1000;
let forked: FakeWorker[];
let lines: Array<Record<string, any>>;
let clock: number;

function fork(env: Record<string, string>): Worker {
  const worker = new EventEmitter() as FakeWorker;
  worker.slot = Number(env[WORKER_SLOT_VARIABLE]);
  worker.signals = [];
  worker.process = { pid: nextPid++, kill: jest.fn((signal?: string) => (worker.signals.push(signal ?? 'SIGTERM'), true)) };
  forked.push(worker);
  return worker as unknown as Worker;
}

function start(count: number, registry = new Registry()) {
  const logger = createLogger({ service: 'gateway', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const metrics = createGatewayPrimaryMetrics(registry);
  const supervisor = superviseWorkers({ count, logger, stopTimeoutMs: 20_000, fork, metrics, now: () => clock });
  return { supervisor, registry };
}

const messages = () => lines.map((line) => line.msg);
const metricValue = async (registry: Registry, name: string) => (await registry.getSingleMetric(name)!.get()).values[0]?.value;

beforeEach(() => {
  jest.useFakeTimers();
  nextPid = 1000;
  forked = [];
  lines = [];
  clock = 1_000_000;
});
afterEach(() => {
  jest.useRealTimers();
});

describe('superviseWorkers', () => {
  it('forks the first worker alone, and the others once it listens, each with its slot', async () => {
    const { supervisor, registry } = start(3);
    expect(forked.map((w) => w.slot)).toEqual([1]);
    forked[0]!.emit('listening');
    expect(forked.map((w) => w.slot)).toEqual([1, 2, 3]);
    forked[1]!.emit('listening');
    expect(supervisor.listening()).toHaveLength(2);
    expect(await metricValue(registry, 'hub_gateway_workers')).toBe(2);
    expect(lines.filter((l) => l.msg === 'gateway worker started').map((l) => [l.slot, l.pid])).toEqual([[1, 1000], [2, 1001], [3, 1002]]);
  });

  it('restarts a worker that dies, in its slot, after a delay that doubles with each crash in the window', async () => {
    const { registry } = start(2);
    forked[0]!.emit('listening');
    forked[1]!.emit('listening');
    forked[1]!.emit('exit', null, 'SIGKILL');
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'gateway worker exited unexpectedly; restarting it', slot: 2, pid: 1001, signal: 'SIGKILL', restartInMs: FIRST_RESTART_DELAY_MS });
    jest.advanceTimersByTime(FIRST_RESTART_DELAY_MS - 1);
    expect(forked).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(forked.map((w) => w.slot)).toEqual([1, 2, 2]);
    expect(await metricValue(registry, 'hub_gateway_worker_restarts_total')).toBe(1);
    // A second crash within the window waits twice as long; one after the window starts over.
    forked[2]!.emit('exit', 1, null);
    expect(lines.at(-1)).toMatchObject({ slot: 2, code: 1, restartInMs: 2 * FIRST_RESTART_DELAY_MS });
    jest.advanceTimersByTime(2 * FIRST_RESTART_DELAY_MS);
    clock += CRASH_WINDOW_MS + 1;
    forked[3]!.emit('exit', 1, null);
    expect(lines.at(-1)).toMatchObject({ restartInMs: FIRST_RESTART_DELAY_MS });
  });

  it(`gives up loudly after ${MAX_CRASHES} crashes within the window: the rest drain, and the primary exits 1`, async () => {
    const { supervisor } = start(2);
    forked[0]!.emit('listening');
    for (let crash = 1; crash < MAX_CRASHES; crash += 1) {
      forked.at(-1)!.emit('exit', 1, null);
      jest.advanceTimersByTime(FIRST_RESTART_DELAY_MS * 2 ** (crash - 1));
      clock += 1000;
    }
    const before = forked.length;
    forked.at(-1)!.emit('exit', 1, null);
    expect(lines.find((l) => l.msg === 'gateway workers are crash-looping; giving up')).toMatchObject({ level: 60, crashes: MAX_CRASHES, windowSeconds: CRASH_WINDOW_MS / 1000 });
    jest.advanceTimersByTime(10_000);
    expect(forked).toHaveLength(before); // nothing forked after giving up
    expect(forked[0]!.signals).toEqual(['SIGTERM']);
    forked[0]!.emit('exit', 0, null);
    await expect(supervisor.done).resolves.toBe(1);
  });

  it('forwards SIGTERM to every worker, restarts none meanwhile, and resolves 0 once all exited 0', async () => {
    const { supervisor } = start(2);
    forked[0]!.emit('listening');
    forked[1]!.emit('exit', null, 'SIGKILL'); // a restart is pending when the signal comes
    supervisor.stop('SIGTERM');
    expect(forked[0]!.signals).toEqual(['SIGTERM']);
    jest.advanceTimersByTime(10_000);
    expect(forked).toHaveLength(2);
    let code: number | undefined;
    void supervisor.done.then((c) => (code = c));
    forked[0]!.emit('exit', 0, null);
    await Promise.resolve();
    expect(code).toBe(0);
    expect(messages()).toEqual(expect.arrayContaining(['stopping gateway workers', 'gateway worker stopped']));
  });

  it('takes a worker that was still starting and ends by the forwarded signal as stopped cleanly', async () => {
    const { supervisor } = start(2);
    forked[0]!.emit('listening');
    supervisor.stop('SIGTERM');
    forked[1]!.emit('exit', null, 'SIGTERM'); // no handler yet: the default action
    forked[0]!.emit('exit', 0, null);
    await expect(supervisor.done).resolves.toBe(0);
  });

  it('takes a serving worker that ends by the signal, not by its drain, as a failed stop', async () => {
    const { supervisor } = start(2);
    forked[0]!.emit('listening');
    forked[1]!.emit('listening');
    supervisor.stop('SIGTERM');
    forked[1]!.emit('exit', null, 'SIGTERM');
    forked[0]!.emit('exit', 0, null);
    await expect(supervisor.done).resolves.toBe(1);
  });

  it('forwards a second signal (a person pressing Ctrl-C again), and kills workers that outlive the stop timeout: exit 1', async () => {
    const { supervisor } = start(2);
    forked[0]!.emit('listening');
    supervisor.stop('SIGINT');
    supervisor.stop('SIGINT');
    expect(forked[1]!.signals).toEqual(['SIGINT', 'SIGINT']);
    forked[0]!.emit('exit', 0, null);
    jest.advanceTimersByTime(20_000);
    expect(forked[1]!.signals).toEqual(['SIGINT', 'SIGINT', 'SIGKILL']);
    forked[1]!.emit('exit', null, 'SIGKILL');
    await expect(supervisor.done).resolves.toBe(1);
  });

  it('refuses a count that is not a positive integer', () => {
    const logger = createLogger({ service: 'gateway', destination: { write: () => undefined } });
    expect(() => superviseWorkers({ count: 0, logger, stopTimeoutMs: 1, fork })).toThrow(new TypeError('superviseWorkers: option "count" must be a positive integer, got 0'));
  });
});
