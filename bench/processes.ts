import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: every child runs from here, as `npm start` does. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A service the bench started as its own process. */
export interface ChildService {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Where its stdout and stderr go (never a pipe, so the bench spends no CPU draining it). */
  readonly logFile: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Every child still running, so that a failure or a signal stops them all. */
export const running = new Set<ChildService>();

/** Stops every child the bench started. */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((service) => service.stop()));
}

/** Options for {@link startService}. */
export interface StartServiceOptions {
  name: string;
  /** A TypeScript entry, relative to the repository root, run as `node --import tsx <script>`. */
  script: string;
  args?: string[];
  /** Node options before the script (`--cpu-prof`, say). */
  nodeArgs?: string[];
  env: Record<string, string | undefined>;
  /** The port it will listen on (the readiness probe's). */
  port: number;
  logDir: string;
  /** Resolves true once the service answers as ready. */
  ready: (port: number) => Promise<boolean>;
  timeoutMs?: number;
}

/** Starts a service as a child process and waits until it is ready; fails with the tail of its log if it dies first. */
export async function startService(options: StartServiceOptions): Promise<ChildService> {
  const logFile = join(options.logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script, ...(options.args ?? [])], {
    cwd: ROOT,
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited: number | string | null | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = code ?? signal;
    resolve();
  }));
  const service: ChildService = {
    name: options.name,
    pid: child.pid!,
    port: options.port,
    logFile,
    child,
    async stop() {
      running.delete(service);
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
  running.add(service);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      running.delete(service);
      throw new Error(`${options.name} exited (${String(exited)}) before it was ready:\n${tail(logFile)}`);
    }
    if (await options.ready(options.port).catch(() => false)) return service;
    await sleep(100);
  }
  await service.stop();
  throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 120_000} ms:\n${tail(logFile)}`);
}

/** Readiness of a hub service: its own `/readyz`. */
export async function readyz(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

/** Readiness of a peer gateway: it answers `{ __typename }` (which needs no subgraph). */
export async function answersGraphQL(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
    signal: AbortSignal.timeout(2000),
  });
  return response.ok;
}

/** The last lines of a log file, for an error message. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** `count` free TCP ports on 127.0.0.1, held open together so that they differ, then released. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- /proc sampling -----------------------------------------------------------------------------------------------

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux this runs on). */
const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) (utime, stime) are the 12th and 13th after the name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident and peak resident memory of a process, in MiB (VmRSS and VmHWM of /proc/<pid>/status). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Resets a process's VmHWM to its current RSS (proc(5), clear_refs "5"), so a peak can be read per cell. */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time the whole machine spent busy so far (every CPU, every process), in seconds: /proc/stat's first line. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice: idle and iowait are not busy; guest time is
  // already counted in user and nice.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/**
 * A process and every descendant of it (a gateway's node:cluster workers, say), from the `children` lists of its
 * threads in /proc (proc(5)); a process that has just exited is left out.
 */
export function processTree(root: number): number[] {
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
      } catch {
        // the thread is gone
      }
      for (const child of children.trim().split(/\s+/).filter(Boolean)) visit(Number(child));
    }
  };
  visit(root);
  return out;
}

/** What one process tree did during a measured window. */
export interface ProcessUsage {
  /** CPU time over wall time of the process and its descendants; 100 = one core busy. */
  readonly cpuPercent: number;
  /** Peak resident memory during the window, summed over the tree's processes (each one's VmHWM after a reset; else the highest VmRSS sampled). */
  readonly peakRssMb: number;
  /**
   * The share of the window the root's main thread spent runnable but waiting for a core (the scheduler's run-queue
   * delay, /proc/<pid>/task/<pid>/schedstat); undefined where the kernel keeps no such figure. For a one-process
   * gateway: how much of the time it had work and no core to do it on.
   */
  readonly runqueueWaitPercent?: number;
}

/** Nanoseconds the main thread of `pid` has waited on a run queue (schedstat's second field), or undefined where unknown. */
function runqueueWaitNs(pid: number): number | undefined {
  try {
    const wait = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/)[1]);
    return Number.isFinite(wait) ? wait : undefined;
  } catch {
    return undefined;
  }
}

/** What {@link startUsageWindow} measured: each root's usage by pid, and the whole machine's busy CPU percent. */
export interface WindowUsage {
  readonly processes: Map<number, ProcessUsage>;
  readonly machineCpuPercent: number;
}

/** CPU seconds of a tree's processes, each by pid (a process gone meanwhile simply has none). */
function treeCpu(root: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of processTree(root)) {
    try {
      out.set(pid, cpuSeconds(pid));
    } catch {
      // exited between the listing and the read
    }
  }
  return out;
}

/**
 * Measures process trees over a window (each root with its descendants: a gateway's primary and its workers): CPU
 * from utime+stime at both ends, per process, summed over the tree (a process born during the window counts from
 * zero); peak memory per process from VmHWM reset at the start (with VmRSS sampled every 100 ms as a floor, and as
 * the answer where the kernel refuses the reset), summed over the tree.
 */
export function startUsageWindow(roots: readonly number[]): { stop(): WindowUsage } {
  const started = process.hrtime.bigint();
  const busy0 = machineBusySeconds();
  const cpu0 = new Map(roots.map((root) => [root, treeCpu(root)]));
  const wait0 = new Map(roots.map((root) => [root, runqueueWaitNs(root)]));
  const reset = new Set<number>();
  const sampled = new Map<number, number>();
  const sample = () => {
    for (const root of roots) {
      for (const pid of processTree(root)) {
        try {
          sampled.set(pid, Math.max(sampled.get(pid) ?? 0, memoryMb(pid).rss));
        } catch {
          // gone: the window's end reports what was seen
        }
      }
    }
  };
  for (const root of roots) for (const pid of processTree(root)) if (resetPeakMemory(pid)) reset.add(pid);
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const usage = new Map<number, ProcessUsage>();
      for (const root of roots) {
        let cpu = 0;
        let peak = 0;
        const before = cpu0.get(root)!;
        for (const [pid, now] of treeCpu(root)) {
          cpu += now - (before.get(pid) ?? 0);
          try {
            const memory = memoryMb(pid);
            peak += Math.max(sampled.get(pid) ?? 0, memory.rss, reset.has(pid) ? memory.peak : 0);
          } catch {
            peak += sampled.get(pid) ?? 0;
          }
        }
        const waitBefore = wait0.get(root);
        const waitAfter = runqueueWaitNs(root);
        const wait = waitBefore !== undefined && waitAfter !== undefined ? ((waitAfter - waitBefore) / 1e9 / seconds) * 100 : undefined;
        usage.set(root, { cpuPercent: (cpu / seconds) * 100, peakRssMb: peak, ...(wait !== undefined ? { runqueueWaitPercent: wait } : {}) });
      }
      return { processes: usage, machineCpuPercent: ((machineBusySeconds() - busy0) / seconds) * 100 };
    },
  };
}
