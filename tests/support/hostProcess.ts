import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Teardown } from './teardown.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A process a test started inside a network namespace (or in this machine's namespace when `namespace` is null). */
export interface HostProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 30,000 characters of its stdout and stderr, for failure messages. */
  output: string;
  /** undefined while it runs; its exit code, or -1 if a signal ended it. */
  exitCode: number | null | undefined;
  readonly exited: Promise<void>;
}

/**
 * Starts `command` inside `namespace` (`ip netns exec`, which execs it: the pid is the command's own) from the
 * repository root, in its own process group; the teardown SIGKILLs the group if it still runs.
 */
export function spawnInHost(teardown: Teardown, namespace: string | null, name: string, command: readonly string[], env: NodeJS.ProcessEnv): HostProcess {
  const argv = namespace ? ['ip', 'netns', 'exec', namespace, ...command] : [...command];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: HostProcess = {
    name,
    child,
    pid: child.pid!,
    output: '',
    exitCode: undefined,
    exited: new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        proc.exitCode = code ?? (signal ? -1 : null);
        resolve();
      });
    }),
  };
  const keep = (chunk: Buffer) => {
    proc.output = (proc.output + chunk.toString()).slice(-30_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const step = { name: `process ${name}`, kind: 'kill-group', pid: proc.pid } as const;
  teardown.add(step);
  // Once it has exited, its pid (and group id) may be given to another process: nothing to kill any more.
  void proc.exited.then(() => teardown.drop(step));
  return proc;
}

/** A hub service (`node --import tsx <entry>`) on the hub's own runtime, inside `namespace`. */
export function spawnHubService(teardown: Teardown, namespace: string, name: string, entry: string, env: NodeJS.ProcessEnv): HostProcess {
  return spawnInHost(teardown, namespace, name, [process.execPath, '--import', 'tsx', entry], env);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `url` answers 200; fails with the process's output if it exits or the time runs out. */
export async function waitFor200(url: string, proc: HostProcess | undefined, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last = 'nothing yet';
  while (Date.now() - started < timeoutMs) {
    if (proc && proc.exitCode !== undefined) throw new Error(`${proc.name} exited (${proc.exitCode}) before ${url} answered 200:\n${proc.output}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      await response.arrayBuffer();
      if (response.status === 200) return Date.now() - started;
      last = `status ${response.status}`;
    } catch (error) {
      last = String((error as Error).cause ?? error);
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})${proc ? `:\n${proc.output.slice(-4000)}` : ''}`);
}
