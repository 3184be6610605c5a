import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// The hub's services as real, separate processes (`node --import tsx <entry>`), each in its own process group so that
// one SIGKILL to the group stops it and anything it started, and a test can stop, kill or restart any one of them.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One service process started by a test. */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 20,000 characters of its stdout and stderr, for failure messages. */
  output: string;
  /** undefined while it runs; its exit code, or -1 if a signal ended it. */
  exitCode: number | null | undefined;
  readonly exited: Promise<void>;
}

const running = new Set<ServiceProcess>();
// Last resort if the test process ends without afterAll (a crash, a forced exit): no service outlives it.
process.once('exit', () => {
  for (const proc of running) {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A timer that does not keep Jest alive. */
const sleepUnref = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Starts `node --import tsx <script>` from the repository root in its own process group. */
export function spawnService(name: string, script: string, env: NodeJS.ProcessEnv, args: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: ServiceProcess = {
    name,
    child,
    pid: child.pid!,
    output: '',
    exitCode: undefined,
    exited: new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        proc.exitCode = code ?? (signal ? -1 : null);
        running.delete(proc);
        resolve();
      });
    }),
  };
  const keep = (chunk: Buffer) => {
    proc.output = (proc.output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  running.add(proc);
  return proc;
}

/** SIGKILL to the whole process group; resolves once the process is gone (its port is free again). */
export async function killHard(proc: ServiceProcess): Promise<void> {
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await proc.exited;
}

/** Kills every service still running (afterAll), each bounded to 5 s. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((proc) => Promise.race([killHard(proc), sleepUnref(5000)])));
}

/** The status of `GET <path>` on a local port, or 0 if nothing answered within 2 s. */
export async function probe(port: number, path: '/readyz' | '/healthz'): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Waits until `/readyz` on `port` answers `status` (200 by default); fails with the process's output otherwise. */
export async function waitReadyz(proc: ServiceProcess | undefined, port: number, timeoutMs: number, status = 200): Promise<number> {
  const started = Date.now();
  let last = -1;
  while (Date.now() - started < timeoutMs) {
    if (proc && proc.exitCode !== undefined) throw new Error(`${proc.name} exited (${proc.exitCode}) before /readyz answered ${status}:\n${proc.output}`);
    last = await probe(port, '/readyz');
    if (last === status) return Date.now() - started;
    await sleep(150);
  }
  throw new Error(`/readyz on port ${port}${proc ? ` (${proc.name})` : ''} did not answer ${status} within ${timeoutMs} ms (last: ${last})${proc ? `:\n${proc.output}` : ''}`);
}

/**
 * `count` distinct free TCP ports on loopback, by default 12000-19499: below Linux's ephemeral range (32768+) so that
 * no outgoing connection takes one while its service is down between a kill and its restart, and apart from the
 * ranges other test files pick from at the same time (tests/e2e 20000-24000, tests/faults/issuerOutage 24000-24999,
 * tests/consent/durability 25000-32499).
 */
export async function freePorts(count: number, range: readonly [from: number, to: number] = [12_000, 19_500]): Promise<number[]> {
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const port = range[0] + Math.floor(Math.random() * (range[1] - range[0]));
    if (chosen.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) chosen.add(port);
  }
  return [...chosen];
}

/** The entry point of each hub service when it runs alone (what `spawnService` starts). */
export const SERVICE_ENTRIES = Object.freeze({
  auth: 'consent/main.ts',
  population: 'subgraphs/population/main.ts',
  tax: 'subgraphs/tax/main.ts',
  vehicles: 'subgraphs/vehicles/main.ts',
  education: 'subgraphs/education/main.ts',
  requests: 'requests/main.ts',
  gateway: 'gateway/main.ts',
});
