import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePorts, sleep } from '../support/services.js';

// `npm start -- --processes` (and HUB_PROCESSES=separate): every service in its own OS process, for real, on free
// ports in a temporary hub home. Ready means every service's /readyz answers; SIGTERM to the hub alone must reach
// every child and leave none behind; a service that cannot start makes the hub stop the others and exit non-zero.

const PORT_NAMES = ['GATEWAY_PORT', 'POPULATION_PORT', 'TAX_PORT', 'VEHICLES_PORT', 'EDUCATION_PORT', 'AUTH_PORT', 'PORTAL_PORT', 'PARTNER_PORT', 'REQUESTS_PORT', 'CONSOLE_PORT'] as const;
const homes: string[] = [];
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function hubEnv(): Promise<{ env: NodeJS.ProcessEnv; ports: Record<(typeof PORT_NAMES)[number], number> }> {
  const home = mkdtempSync(join(tmpdir(), 'hub-processes-'));
  homes.push(home);
  const ports = Object.fromEntries((await freePorts(PORT_NAMES.length)).map((port, i) => [PORT_NAMES[i], port])) as Record<(typeof PORT_NAMES)[number], number>;
  const env = { ...process.env, HUB_MODE: 'dev', HUB_HOME: home, HUB_PROCESSES: '', ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), PORTAL_URL: `http://127.0.0.1:${ports.PORTAL_PORT}` };
  return { env, ports };
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn('npm', args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** A process and all its descendants, from /proc (proc(5): each thread's `children`). */
function tree(pid: number): number[] {
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = tasks.flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return [pid, ...children.flatMap(tree)];
}

/** The parent's pid, from /proc/<pid>/stat (proc(5): the field after the state). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function readyz(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
}

describe('npm start -- --processes', () => {
  it('runs every service as its own process, ready on /readyz, and stops them all on SIGTERM', async () => {
    const { env, ports } = await hubEnv();
    const hub = start(['start', '--', '--processes'], env);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !hub.output().includes('"msg":"hub ready"')) {
      if (hub.child.exitCode !== null) break;
      await sleep(250);
    }
    expect(hub.output()).toContain('"msg":"hub ready"');
    for (const port of Object.values(ports)) expect(await readyz(port)).toBe(true);

    // npm -> (sh) -> the hub's node process -> one node process per service.
    const supervisor = tree(hub.child.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(1, 4).join(' ') === '--import tsx scripts/start.ts')!;
    expect(supervisor).toBeDefined();
    // One child per service; the gateway's own workers (GATEWAY_WORKERS, one per core by default) are its children.
    const everyProcess = tree(supervisor).slice(1);
    const services = everyProcess.filter((pid) => parentOf(pid) === supervisor && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('main.ts'));
    expect(services).toHaveLength(PORT_NAMES.length);

    // The signal to the hub alone (not its process group): it must pass it on.
    process.kill(supervisor, 'SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(hub.output()).toContain('"service":"hub","msg":"stopped"');
    for (const pid of everyProcess) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
    for (const port of Object.values(ports)) expect(await readyz(port)).toBe(false);
  }, 150_000);

  it('HUB_PROCESSES=separate: a service that cannot start stops the others, and the hub exits non-zero', async () => {
    const { env, ports } = await hubEnv();
    // The gateway's port is taken: the authorization server and the subgraphs start, the gateway cannot.
    const blocker: Server = await new Promise((resolve, reject) => {
      const server = createServer((socket) => socket.destroy());
      server.once('error', reject);
      server.listen(ports.GATEWAY_PORT, '127.0.0.1', () => resolve(server));
    });
    try {
      const hub = start(['start'], { ...env, HUB_PROCESSES: 'separate' });
      const seen = new Set<number>();
      const timer = setInterval(() => tree(hub.child.pid!).forEach((pid) => seen.add(pid)), 200);
      const code = await Promise.race([hub.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 100_000).unref())]);
      clearInterval(timer);
      if (code !== 1) console.error(hub.output().slice(-3000));
      expect(code).toBe(1);
      expect(hub.output()).toContain('"msg":"stopped"');
      expect(hub.output()).not.toContain('"msg":"hub ready"');
      expect(await readyz(ports.AUTH_PORT)).toBe(false);
      expect(seen.size).toBeGreaterThan(3);
      for (const pid of seen) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 150_000);
});
