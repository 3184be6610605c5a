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
  (schedstats && taskset ? it : it.skip)('reports how long a process waited for a core it shares', async () => {
    // Two spinners on one core: each gets half of it at most, and is runnable the whole time, so the rest of its time
    // is a wait for the core. Other work on the machine can only make the wait longer.
    const spinners = [spinner(0), spinner(0)];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const window = startUsageWindow(spinners.map((child) => child.pid!));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const shared = window.stop().processes;
    for (const child of spinners) {
      const usage = shared.get(child.pid!)!;
      expect(usage.cpuPercent).toBeLessThan(70);
      expect(usage.runqueueWaitPercent).toBeGreaterThan(30);
      expect(usage.cpuPercent + usage.runqueueWaitPercent!).toBeGreaterThan(80);
      expect(usage.cpuPercent + usage.runqueueWaitPercent!).toBeLessThan(110);
    }
  });
});
