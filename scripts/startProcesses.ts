import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { DEFAULT_PORTS, readHost, readPort, readSubgraphPort, type Env } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import { readSubgraphRegistry, REPO_ROOT } from '../lib/subgraphRegistry.js';

// `npm start -- --processes` (or HUB_PROCESSES=separate): every service as its own OS process, from the entry it has
// when deployed alone (its main.ts), started in the order the one-process hub starts them, each waited for on its
// /readyz. A signal is passed on to every child and the hub exits once all have stopped; a child that fails to start,
// or dies later, stops the others and the hub exits 1.

/** One service to run as its own process: its entry and the port its /readyz answers on. */
export interface ServiceEntry {
  readonly name: string;
  readonly script: string;
  readonly port: number;
  /** What `hub ready` prints for it, as the one-process hub does. */
  readonly url: string;
}

/** How long a stage may take to answer /readyz (a fresh hub home seeds the registers first). */
const READY_TIMEOUT_MS = 120_000;
/** After a signal, how long the children get before they are killed. */
const STOP_TIMEOUT_MS = 15_000;

/** Whether `npm start` was asked to run every service as its own process (`--processes`, or HUB_PROCESSES=separate). */
export function wantsSeparateProcesses(argv: readonly string[], env: Env): boolean {
  const value = env.HUB_PROCESSES;
  if (value !== undefined && value !== '' && value !== 'separate' && value !== 'single') {
    throw new TypeError(`HUB_PROCESSES must be "separate" or "single", got ${JSON.stringify(value)}`);
  }
  return argv.includes('--processes') || value === 'separate';
}

/**
 * The services in start order, in stages: the authorization server; every register of subgraphs/registry.json and
 * the requests subgraph; the gateway; the portal, the console and the partner app.
 */
export function serviceStages(env: Env): ServiceEntry[][] {
  const host = readHost(env);
  const entry = (name: string, script: string, port: number, path = ''): ServiceEntry => {
    // Each process learns its port from the environment; port 0 (any free port) could not be waited for or found.
    if (port === 0) throw new TypeError(`--processes needs a fixed port for ${name}, got 0`);
    return { name, script, port, url: `http://${host}:${port}${path}` };
  };
  const registers = readSubgraphRegistry().filter((subgraph) => subgraph.module !== undefined);
  return [
    [entry('auth', 'consent/main.ts', readPort(env, 'AUTH_PORT', DEFAULT_PORTS.AUTH_PORT))],
    [
      ...registers.map((subgraph) => entry(subgraph.name, join(dirname(subgraph.module!), 'main.ts'), readSubgraphPort(env, subgraph.name), '/graphql')),
      entry('requests', 'requests/main.ts', readSubgraphPort(env, 'requests'), '/graphql'),
    ],
    [entry('gateway', 'gateway/main.ts', readPort(env, 'GATEWAY_PORT', DEFAULT_PORTS.GATEWAY_PORT), '/graphql')],
    [
      entry('portal', 'portal/main.ts', readPort(env, 'PORTAL_PORT', DEFAULT_PORTS.PORTAL_PORT)),
      entry('console', 'console/main.ts', readPort(env, 'CONSOLE_PORT', DEFAULT_PORTS.CONSOLE_PORT)),
      entry('partner', 'examples/partner/main.ts', readPort(env, 'PARTNER_PORT', DEFAULT_PORTS.PARTNER_PORT)),
    ],
  ];
}

async function ready(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Runs every service as its own process until a signal or a failure; resolves with the exit code. */
export function startProcesses(env: Env, logger: Logger): Promise<number> {
  const started = Date.now();
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let failed = false;
  let resolveDone: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const stopAll = async (signal: NodeJS.Signals) => {
    const live = [...children.values()].filter((child) => child.exitCode === null && child.signalCode === null);
    const exits = live.map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve())));
    for (const child of live) child.kill(signal);
    const timer = setTimeout(() => {
      for (const child of live) child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    await Promise.all(exits);
    clearTimeout(timer);
  };
  const stop = (signal: NodeJS.Signals, code: number) => {
    if (stopping) return;
    stopping = true;
    void stopAll(signal).then(() => {
      logger.info('stopped');
      logger.flush(() => resolveDone(code));
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) logger.info({ signal }, 'stopping every service');
    stop(signal, failed ? 1 : 0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const spawnService = (service: ServiceEntry): ChildProcess => {
    // Output goes straight to this terminal, each line already naming its service (pino's `service`).
    const child = spawn(process.execPath, ['--import', 'tsx', service.script], { cwd: REPO_ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    children.set(service.name, child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      failed = true;
      logger.fatal({ service: service.name, code, signal }, 'a service exited; stopping the others');
      stop('SIGTERM', 1);
    });
    return child;
  };

  void (async () => {
    try {
      const stages = serviceStages(env);
      for (const stage of stages) {
        for (const service of stage) spawnService(service);
        const deadline = Date.now() + READY_TIMEOUT_MS;
        for (const service of stage) {
          while (!(await ready(service.port))) {
            if (stopping) return;
            if (Date.now() > deadline) throw new Error(`${service.name} did not answer /readyz on port ${service.port} within ${READY_TIMEOUT_MS / 1000} s`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      }
      if (stopping) return;
      const services = Object.fromEntries(stages.flat().map((service) => [service.name, service.url]));
      logger.info({ ms: Date.now() - started, processes: Object.fromEntries([...children].map(([name, child]) => [name, child.pid])), services }, 'hub ready');
    } catch (error) {
      failed = true;
      logger.fatal({ err: error }, 'the hub failed to start');
      stop('SIGTERM', 1);
    }
  })();
  return done;
}
