import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startUsageWindow } from '../processes.js';

// The usage window's run-queue figure: how long a process had work and no core to do it on.

const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((child) => child.kill('SIGKILL')));

/** A process that keeps one core busy, confined to `cpu` (taskset), for a few seconds at most. */
function spinner(cpu: number): ChildProcess {
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, '-e', 'const end = Date.now() + 5000; while (Date.now() < end);'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const schedstats = existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`);
const taskset = ['/usr/bin/taskset', '/bin/taskset'].some((path) => existsSync(path));

describe('startUsageWindow', () => {
  (schedstats && taskset ? it : it.skip)('reports how long a process waited for a core, longer when it shares one', async () => {
    const alone = spinner(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    let window = startUsageWindow([alone.pid!]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const solo = window.stop().processes.get(alone.pid!)!;
    // Two spinners on one core: each gets about half of it and waits the other half.
    const rival = spinner(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    window = startUsageWindow([alone.pid!, rival.pid!]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const shared = window.stop().processes;
    // A spinner is always runnable: its time is either on a core or waiting for one (whatever else runs here).
    expect(solo.cpuPercent + solo.runqueueWaitPercent!).toBeGreaterThan(80);
    for (const pid of [alone.pid!, rival.pid!]) {
      const usage = shared.get(pid)!;
      expect(usage.cpuPercent + usage.runqueueWaitPercent!).toBeGreaterThan(80);
      expect(usage.runqueueWaitPercent!).toBeGreaterThan(solo.runqueueWaitPercent! + 15);
    }
  });
});
