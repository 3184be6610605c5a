import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeTrustedDocuments } from '../scripts/devTrustedDocuments.js';
import { PARTNER_CLIENT_ID, WORKLOADS } from './workloads.js';
import { createInterface } from 'node:readline';
import { REGISTERS, type Register } from '../lib/config.js';
import { readSubgraphRegistry } from '../lib/subgraphRegistry.js';
import type { LoadJob, LoadResult } from './loadWorker.js';
import { answersGraphQL, readyz, ROOT, startService, startUsageWindow, type ChildService, type WindowUsage } from './processes.js';

// What the bench (run.ts) and the hub A/B comparison (ab.ts) both need: the children's environment, the register
// processes, tokens as `npm run token` prints them, and the load generator's process.

/** Persons in the SQLite registers of the side-by-side part (dev mode seeds them on first start). */
export const COMPARE_PERSONS = 1000;
/** The seed of every register's synthetic data (the dev seed's, lib/subgraph/devSeed.ts). */
export const SEED = 'hub';
/**
 * A fixed dev-only pseudonym key, so the person ids in a reused PostgreSQL database match the tokens of a later
 * run (each run has a fresh hub home, and would otherwise generate a new key).
 */
export const BENCH_PSEUDONYM_KEY = createHash('sha256').update('personal-data-hub bench pseudonym key (dev only)').digest();
/** Variables of the caller's environment that would point a child at something else than the bench's own services. */
const FOREIGN = /^(DATABASE_URL|[A-Z]+_DATABASE_URL|(POPULATION|TAX|VEHICLES|EDUCATION|REQUESTS|CONSENT|ISSUER|PORTAL)_URL|(GATEWAY|POPULATION|TAX|VEHICLES|EDUCATION|REQUESTS|AUTH|PORTAL|PARTNER)_PORT|HUB_[A-Z_]+|GATEWAY_[A-Z_]+|LOG_LEVEL|PARTNERS_FILE|UPSTREAM_[A-Z_]+|ACCESS_TOKEN_ALGORITHMS|SUBGRAPH_TIMEOUT_MS|NODE_ENV)$/;

/** Requests per minute the bench's hubs allow each partner and each citizen: counted, never reached. */
export const BENCH_RATE_LIMIT = '1000000000';

/** The environment of every child: dev mode in a fresh hub home, production NODE_ENV, nothing of the caller's services. */
export function baseEnv(home: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = Object.fromEntries(Object.entries(process.env).filter(([key]) => !FOREIGN.test(key)));
  return {
    ...env,
    // What a deployment sets: graphql-js, for one, skips its development-only checks in production.
    NODE_ENV: 'production',
    APOLLO_TELEMETRY_DISABLED: '1',
    HUB_MODE: 'dev',
    HUB_HOME: home,
    // The partner workload's operation, registered for demo-bank: the hub runs only registered ones for a partner.
    TRUSTED_DOCUMENTS_DIR: writeTrustedDocuments(join(home, 'trusted-documents'), {
      [PARTNER_CLIENT_ID]: WORKLOADS.filter((workload) => workload.caller === 'partner').map((workload) => workload.query),
    }),
    HUB_PSEUDONYM_KEY: BENCH_PSEUDONYM_KEY.toString('base64url'),
    HUB_SEED_PERSONS: String(COMPARE_PERSONS),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    // Rate limits stay on, as deployed (every hub request pays for its count in the consent database), but far
    // above what one persona at full load reaches, so that none is refused.
    RATE_LIMIT_PARTNER_PER_MINUTE: BENCH_RATE_LIMIT,
    RATE_LIMIT_CITIZEN_PER_MINUTE: BENCH_RATE_LIMIT,
  };
}

/** The four register ports of one set of register processes. */
export type RegisterPorts = Record<Register, number> & { /** The hub's requests subgraph, which every gateway's /readyz waits for. */ requests?: number };

/** The `<REGISTER>_PORT` variables of one set of register processes. */
export function registerEnv(ports: RegisterPorts): Record<string, string> {
  const requests: Record<string, string> = ports.requests === undefined ? {} : { REQUESTS_PORT: String(ports.requests) };
  return { POPULATION_PORT: String(ports.population), TAX_PORT: String(ports.tax), VEHICLES_PORT: String(ports.vehicles), EDUCATION_PORT: String(ports.education), ...requests };
}

/** The GraphQL URLs of one set of registers. */
export function registerUrls(ports: RegisterPorts): Record<Register, string> {
  return Object.fromEntries(REGISTERS.map((r) => [r, `http://127.0.0.1:${ports[r]}/graphql`])) as Record<Register, string>;
}

/** The register subgraphs of one database, each in its own process (as deployed), plus the requests subgraph if asked. */
export interface SubgraphGroup {
  readonly name: string;
  /** Each register's process. */
  readonly registers: Readonly<Record<Register, ChildService>>;
  /** Every process of the group (the registers, then the requests subgraph if any): their CPU is summed. */
  readonly services: readonly ChildService[];
}

/** Each register's own entry (`subgraphs/<register>/main.ts`, beside the module subgraphs/registry.json names). */
export function registerEntries(): Record<Register, string> {
  const entries = readSubgraphRegistry().filter((entry) => entry.module !== undefined);
  return Object.fromEntries(REGISTERS.map((register) => {
    const entry = entries.find((candidate) => candidate.name === register);
    if (!entry) throw new TypeError(`subgraphs/registry.json has no module for the register ${register}`);
    return [register, join(dirname(entry.module!), 'main.ts')];
  })) as Record<Register, string>;
}

/**
 * Starts each register subgraph as its own process from its own entry (and the requests subgraph, when `ports`
 * has one: every gateway's /readyz waits for it), all at once: each has its own database (its own SQLite file
 * under HUB_HOME, or its own tables in `DATABASE_URL`), and a fresh one seeds itself. Resolves once each answers
 * `/readyz`; if one fails, the others are stopped.
 */
export async function startSubgraphs(name: string, env: Record<string, string | undefined>, ports: RegisterPorts, logDir: string): Promise<SubgraphGroup> {
  const childEnv = { ...env, ...registerEnv(ports) };
  // A fresh SQLite home seeds itself first; a cold start on a loaded machine takes a while.
  const start = (service: string, script: string, port: number) => startService({ name: `${name}-${service}`, script, env: childEnv, port, logDir, timeoutMs: 240_000, ready: readyz });
  const entries = registerEntries();
  const started = await Promise.allSettled([
    ...REGISTERS.map((register) => start(register, entries[register], ports[register])),
    ...(ports.requests === undefined ? [] : [start('requests', 'requests/main.ts', ports.requests)]),
  ]);
  const services = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(services.map((service) => service.stop()));
    throw failure.reason;
  }
  return { name, registers: Object.fromEntries(REGISTERS.map((register, i) => [register, services[i]!])) as Record<Register, ChildService>, services };
}

/** A peer gateway of the bench: what it is called in the results, its entry, and what picks its variant. */
export interface Peer {
  readonly name: 'apollo-gateway' | 'hive-gateway' | 'hive-gateway-router-runtime';
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The peers (bench/peers/), in the order tables show them: no security, the registers' credentials forwarded. */
export const PEERS: readonly Peer[] = [
  { name: 'apollo-gateway', script: 'bench/peers/apolloGateway.ts', env: {} },
  { name: 'hive-gateway', script: 'bench/peers/hiveGateway.ts', env: { BENCH_HIVE_PLANNER: 'javascript' } },
  { name: 'hive-gateway-router-runtime', script: 'bench/peers/hiveGateway.ts', env: { BENCH_HIVE_PLANNER: 'rust' } },
];

/** Starts a peer on `port` in front of the registers at `urls`, ready once it answers `{ __typename }`. */
export function startPeer(peer: Peer, env: Record<string, string | undefined>, port: number, urls: Record<Register, string>, logDir: string): Promise<ChildService> {
  return startService({
    name: peer.name,
    script: peer.script,
    env: { ...env, ...peer.env, BENCH_PORT: String(port), BENCH_SUBGRAPH_URLS: JSON.stringify(urls) },
    port,
    logDir,
    ready: answersGraphQL,
  });
}

/** `npm run token` (scripts/token.ts), run directly with node so no npm banner gets in the way. */
export function token(env: Record<string, string | undefined>, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) => {
      const lines = out.split('\n').filter(Boolean);
      if (code === 0 && lines.length === 1) resolvePromise(lines[0]!);
      else reject(new Error(`scripts/token.ts ${args.join(' ')} exited ${String(code)}: ${err.trim()}`));
    });
  });
}

/** The load generator's process: one job at a time over stdin/stdout. */
export class LoadGenerator {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting: { resolve: (result: LoadResult) => void; reject: (error: Error) => void; onStart?: () => void }[] = [];
  #nextId = 1;

  constructor(logDir: string) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', 'bench/loadWorker.ts'], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } });
    let errors = '';
    this.#child.stderr.on('data', (chunk) => (errors += String(chunk)));
    this.#child.once('exit', (code) => {
      if (errors) {
        try {
          writeFileSync(join(logDir, 'loadWorker.log'), errors);
        } catch {
          // the hub home is already gone: the run is over
        }
      }
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error(`the load generator exited (${String(code)}): ${errors.slice(-2000)}`));
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as LoadResult | { started: true };
      if ('started' in message) this.#waiting[0]?.onStart?.();
      else this.#waiting.shift()?.resolve(message);
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Runs `job`; `onStart` is called when its load begins, after the worker has prepared it (signed its proofs). */
  run(job: Omit<LoadJob, 'id'>, onStart?: () => void): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject, ...(onStart ? { onStart } : {}) });
      this.#child.stdin.write(`${JSON.stringify({ ...job, id: this.#nextId++ })}\n`);
    });
  }

  /**
   * Runs `job` and measures the process trees of `roots` (startUsageWindow) from the moment its load begins, after
   * the worker has prepared it (signed its proofs), to its end. `usage` is missing when the load never began.
   */
  async measure(job: Omit<LoadJob, 'id'>, roots: readonly number[]): Promise<{ result: LoadResult; usage?: WindowUsage }> {
    let window: ReturnType<typeof startUsageWindow> | undefined;
    const result = await this.run(job, () => (window = startUsageWindow(roots)));
    return { result, ...(window ? { usage: window.stop() } : {}) };
  }

  stop(): void {
    this.#child.stdin.end();
  }
}

