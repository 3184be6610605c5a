/**
 * `npm run bench [-- --quick] [--rounds N] [--duration S] [--warmup S] [--connections N] [--latency-duration S]
 * [--out DIR] [--reseed] [--skip-scale] [--scale-persons 1000,100000,1000000] [--skip-consent-scale]
 * [--consent-scale 10000000,50000000] [--keep]`: the hub's gateway side by side with a bare @apollo/gateway, Hive
 * Gateway and the registers called directly (loaded, and unloaded at one connection), then the hub at 1,000 to
 * 1,000,000 persons on PostgreSQL, then the hub's partner workload with an empty and a seeded consent database. See bench/README.md. Exit codes: 0 done (whether the targets were met or not), 1 failed, 2 bad arguments.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { DEV_PARTNER_KEY_FILES } from '../consent/partners.js';
import { REGISTERS, type Register } from '../lib/config.js';
import { loadSigningKey, type SigningKey } from '../lib/keys.js';
import { personIdFor } from '../lib/personId.js';
import { createDpopProof } from '../lib/tokens/dpopProof.js';
import { INTERNAL_KEY_SOURCE } from '../lib/tokens/internalCredential.js';
import { renderChart } from './chart.js';
import {
  baseEnv, BENCH_PSEUDONYM_KEY, COMPARE_PERSONS, LoadGenerator, PEERS, registerEnv, registerUrls, SEED, startPeer, startSubgraphs, token,
  type Peer, type RegisterPorts, type SubgraphGroup,
} from './harness.js';
import type { FanOutRequest } from './loadWorker.js';
import { freePorts, readyz, ROOT, running, startService, stopAll, type ChildService } from './processes.js';
import { consentScaleTokens, CONSENT_SCALE_SIZE, measureFlatnessOf, prepareConsentScaleDatabases, startConsentScaleHubs, type ConsentScaleDatabase } from './consentScale.js';
import { formatReport, medians, ratios, targets, type BenchResults, type GatewayName, type Run } from './report.js';
import { ensureScaleDatabase, postgresAvailable, readAdminUrl, seedIdentity, type ScaleDatabase } from './scaleDatabases.js';
import {
  BENCH_PERSONA, credentialHeader, gatewayBody, mintCredentials, PARTNER_CLIENT_ID, PARTNER_SCOPES, readSupergraphs,
  subgraphBody, subgraphRequests, WORKLOADS, type SubgraphRequest, type Workload,
} from './workloads.js';

const USAGE = 'usage: npm run bench [-- --quick] [--rounds N] [--duration S] [--warmup S] [--connections N] [--latency-duration S] [--out DIR] [--reseed] [--skip-scale] [--scale-persons 1000,100000,1000000] [--skip-consent-scale] [--consent-scale CONSENTS,DISCLOSURES] [--keep]';
/** The registers refuse internal credentials older than 120 s: a cell (warm-up + measurement) must fit well inside. */
const MAX_CELL_SECONDS = 100;

interface Settings {
  mode: 'quick' | 'full';
  rounds: number;
  durationSeconds: number;
  /** Warm-up before each cell of the first round; later rounds need less, the processes being warm by then. */
  warmupSeconds: number;
  laterWarmupSeconds: number;
  connections: number;
  /** Measured seconds of each latency cell (one connection, after a 1 s warm-up). */
  latencySeconds: number;
  outDir: string;
  outName: 'quick' | 'latest';
  scalePersons: number[];
  skipScale: string | null;
  /** The consent-scale part's seeded database: consents and disclosure records. */
  consentScale: { consents: number; disclosures: number };
  skipConsentScale: string | null;
  reseed: boolean;
  keep: boolean;
}

class UsageError extends Error {}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return number;
}

function readSettings(argv: string[]): Settings {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean' }, rounds: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' },
        connections: { type: 'string' }, 'latency-duration': { type: 'string' }, out: { type: 'string' }, reseed: { type: 'boolean' }, 'skip-scale': { type: 'boolean' },
        'scale-persons': { type: 'string' }, 'skip-consent-scale': { type: 'boolean' }, 'consent-scale': { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const quick = values.quick === true;
  const rounds = Math.round(positive(values.rounds, 'rounds', quick ? 1 : 3));
  // Quick: 2 s per cell, so that its 29 cells (and 16 processes to start) stay under about 2.5 minutes here.
  const durationSeconds = positive(values.duration, 'duration', quick ? 2 : 8);
  const warmupSeconds = positive(values.warmup, 'warmup', quick ? 1 : 3);
  if (durationSeconds + warmupSeconds > MAX_CELL_SECONDS) throw new UsageError(`--duration plus --warmup must stay under ${MAX_CELL_SECONDS} s (internal credentials live 120 s)`);
  const scalePersons = (values['scale-persons'] ?? '1000,100000,1000000').split(',').map((item) => Number(item.trim()));
  if (scalePersons.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new UsageError('--scale-persons must be a comma-separated list of whole numbers');
  const consentSize = values['consent-scale']?.split(',').map((item) => Number(item.trim().replaceAll('_', '')));
  if (consentSize && (consentSize.length !== 2 || consentSize.some((n) => !Number.isSafeInteger(n) || n < 1))) {
    throw new UsageError('--consent-scale must be CONSENTS,DISCLOSURES: two positive whole numbers (e.g. 10000000,50000000)');
  }
  const skipConsentScale = quick ? 'quick mode: the consent database on PostgreSQL at 10M consents takes a full run' : values['skip-consent-scale'] ? '--skip-consent-scale' : null;
  const skipScale = quick ? 'quick mode: SQLite only; the PostgreSQL points at 1,000 to 1,000,000 persons take a full run' : values['skip-scale'] ? '--skip-scale' : null;
  return {
    mode: quick ? 'quick' : 'full',
    rounds,
    durationSeconds,
    warmupSeconds,
    laterWarmupSeconds: Math.min(1, warmupSeconds),
    connections: Math.round(positive(values.connections, 'connections', 10)),
    latencySeconds: positive(values['latency-duration'], 'latency-duration', quick ? 2 : 5),
    outDir: resolve(values.out ?? join(ROOT, 'bench', 'results')),
    outName: quick ? 'quick' : 'latest',
    scalePersons: [...new Set(scalePersons)].sort((a, b) => a - b),
    skipScale,
    consentScale: consentSize ? { consents: consentSize[0]!, disclosures: consentSize[1]! } : { ...CONSENT_SCALE_SIZE },
    skipConsentScale,
    reseed: values.reseed === true,
    keep: values.keep === true,
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** What one cell sends, and to whom. */
interface Cell {
  readonly part: Run['part'];
  readonly gateway: GatewayName;
  /** Concurrent connections of the load generator: the setting for `compare` and `scale`, 1 for `latency`, both for `consent-scale`. */
  readonly connections: number;
  readonly workload: Workload;
  readonly subgraph?: Register;
  readonly persons: number;
  readonly database: Run['database'];
  /** `consent-scale` only: the seed of the gateway's consent database. */
  readonly consentSeed?: { consents: number; disclosures: number };
  /** The process (with its children: a gateway's workers) whose CPU and memory the cell reports. */
  readonly service: ChildService;
  /** The register processes that serve this cell. */
  readonly subgraphs: SubgraphGroup;
  readonly url: string;
  /** Headers and body, given freshly minted credentials for the registers. */
  request(credentials: Record<Register, string>): { headers: Record<string, string>; body: string };
  readonly dpop?: { privateJwk: JWK; accessToken: string; htu: string };
  /** `direct-parallel` only: the register calls the load generator sends all at once (`request` is not sent). */
  fanOut?(credentials: Record<Register, string>): FanOutRequest[];
  expectBody?: string;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function main(): Promise<number> {
  let settings: Settings;
  try {
    settings = readSettings(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `bench: ${error.message}\n` : ''}${USAGE}\n`);
    return error.message ? 2 : 0;
  }
  const started = Date.now();
  const phases: Record<string, number> = {};
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `${osType()} ${release()}`,
    arch: process.arch,
    memory_mb: Math.round(totalmem() / 2 ** 20),
    loadavg_start: loadavg().map((n) => Math.round(n * 100) / 100),
    date: new Date().toISOString(),
    mode: settings.mode,
  };
  const home = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const logDir = join(home, 'logs');
  mkdirSync(logDir, { recursive: true });
  let failed = true;
  const onSignal = () => {
    void stopAll().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let load: LoadGenerator | undefined;
  try {
    const env = baseEnv(home);
    log(`bench: ${settings.mode} mode, ${settings.rounds} round(s), ${settings.durationSeconds} s per cell after ${settings.warmupSeconds} s warm-up (${settings.laterWarmupSeconds} s after round 1), ${settings.connections} connections (latency cells: 1 connection, ${settings.latencySeconds} s); hub home ${home}`);

    // 1. The PostgreSQL databases of the scale part, before anything runs: seeding must not disturb a measurement.
    let phase = Date.now();
    const scaleDatabases: ScaleDatabase[] = [];
    let scaleSkipped = settings.skipScale;
    if (!scaleSkipped) {
      const adminUrl = readAdminUrl(process.env);
      const unavailable = await postgresAvailable(adminUrl);
      if (unavailable) {
        scaleSkipped = `PostgreSQL at ${new URL(adminUrl).host} did not answer (${unavailable}); set BENCH_DATABASE_URL`;
        log(`bench: scale part skipped: ${scaleSkipped}`);
      } else {
        for (const persons of settings.scalePersons) {
          scaleDatabases.push(await ensureScaleDatabase({ adminUrl, identity: seedIdentity(persons, SEED, BENCH_PSEUDONYM_KEY), env, reseed: settings.reseed, log }));
        }
      }
    }
    phases.scale_databases_s = (Date.now() - phase) / 1000;

    // 1b. The consent-scale part's databases (seeded or reused; the empty one emptied), and the disclosure log's
    //     flatness on each, measured once before anything else runs.
    phase = Date.now();
    let consentDatabases: ConsentScaleDatabase[] = [];
    let consentSkipped = settings.skipConsentScale;
    let flatness: Awaited<ReturnType<typeof measureFlatnessOf>> = [];
    if (!consentSkipped) {
      const adminUrl = readAdminUrl(process.env);
      const unavailable = await postgresAvailable(adminUrl);
      if (unavailable) {
        consentSkipped = `PostgreSQL at ${new URL(adminUrl).host} did not answer (${unavailable}); set BENCH_DATABASE_URL`;
        log(`bench: consent-scale part skipped: ${consentSkipped}`);
      } else {
        consentDatabases = await prepareConsentScaleDatabases({ adminUrl, size: settings.consentScale, env, reseed: settings.reseed });
        flatness = await measureFlatnessOf(consentDatabases, 200);
        log(`bench: consent databases ready (${consentDatabases.map((db) => db.name).join(', ')}) in ${seconds(phase)} s`);
      }
    }
    phases.consent_databases_s = (Date.now() - phase) / 1000;

    // 2. Every service in its own process: each register (one set, plus one per database size), the hub
    //    (authorization server + gateway, with one worker and with two), the peers.
    phase = Date.now();
    const internalKey: SigningKey = await loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
    const ports = await freePorts(8 + PEERS.length + scaleDatabases.length * 5 + consentDatabases.length);
    const take = (): number => ports.shift()!;
    const takeRegisters = (): RegisterPorts => ({ population: take(), tax: take(), vehicles: take(), education: take() });
    const mainPorts: RegisterPorts = { ...takeRegisters(), requests: take() };
    const authPort = take();
    const hubPort = take();
    const hub2Port = take();
    const peerPorts = PEERS.map(() => take());
    const hubUrl = `http://127.0.0.1:${hubPort}/graphql`;
    Object.assign(env, registerEnv(mainPorts), { AUTH_PORT: String(authPort), GATEWAY_PORT: String(hubPort), GATEWAY_AUDIENCE: hubUrl });
    const scalePorts = scaleDatabases.map(() => ({ registers: takeRegisters(), gateway: take() }));
    const consentPorts = consentDatabases.map(() => take());
    const [subgraphs, scaleSubgraphs, peerServices] = await Promise.all([
      startSubgraphs('subgraphs', env, mainPorts, logDir),
      // One database size after the other: a reused database starts in a second, and 4 processes at a time are enough.
      scaleDatabases.reduce<Promise<SubgraphGroup[]>>(async (previous, db, i) => [...(await previous), await startSubgraphs(`subgraphs-${db.persons}`, { ...env, DATABASE_URL: db.url }, scalePorts[i]!.registers, logDir)], Promise.resolve([])),
      Promise.all(PEERS.map((peer, i) => startPeer(peer, env, peerPorts[i]!, registerUrls(mainPorts), logDir))),
      startService({ name: 'auth', script: 'consent/main.ts', env, port: authPort, logDir, ready: readyz }),
    ]);
    const peers = new Map<Peer['name'], ChildService>(PEERS.map((peer, i) => [peer.name, peerServices[i]!]));
    // BENCH_HUB_CPU_PROF=<dir>: the hub's gateway writes a V8 CPU profile there when it stops (bench/README.md).
    const hubNodeArgs = process.env.BENCH_HUB_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', resolve(process.env.BENCH_HUB_CPU_PROF)] : [];
    // `hub`: one process (GATEWAY_WORKERS=1), like every peer; `hub-2-workers`: a primary and two node:cluster workers
    // (gateway/main.ts), sharing the authorization server, keys and consent database with it.
    const hub = await startService({ name: 'hub-gateway', script: 'gateway/main.ts', nodeArgs: hubNodeArgs, env: { ...env, GATEWAY_WORKERS: '1' }, port: hubPort, logDir, ready: readyz });
    const hub2 = await startService({ name: 'hub-gateway-2-workers', script: 'gateway/main.ts', env: { ...env, GATEWAY_WORKERS: '2', GATEWAY_PORT: String(hub2Port) }, port: hub2Port, logDir, ready: readyz });
    // One hub gateway per database size, sharing the authorization server, keys and consent database of the main one.
    const scaleHubs = await Promise.all(scaleDatabases.map((db, i) => {
      const urls = registerUrls(scalePorts[i]!.registers);
      return startService({
        name: `hub-gateway-${db.persons}`,
        script: 'gateway/main.ts',
        env: { ...env, GATEWAY_WORKERS: '1', GATEWAY_PORT: String(scalePorts[i]!.gateway), POPULATION_URL: urls.population, TAX_URL: urls.tax, VEHICLES_URL: urls.vehicles, EDUCATION_URL: urls.education },
        port: scalePorts[i]!.gateway,
        logDir,
        ready: readyz,
      });
    }));
    // One hub gateway per consent database, on the main registers: only the consent database differs.
    const consentHubs = await startConsentScaleHubs(consentDatabases, env, consentPorts, logDir);
    phases.start_services_s = (Date.now() - phase) / 1000;
    log(`bench: ${running.size} services ready in ${seconds(phase)} s`);

    // 3. Tokens as `npm run token` prints them, valid for the whole run; the partner's records a consent first.
    phase = Date.now();
    const ttl = String(Math.min(86_400, 1800 + Math.ceil(estimateSeconds(settings, scaleDatabases.length + consentDatabases.length, 8 + consentDatabases.length) * 2)));
    const partnerArgs = ['--persona', BENCH_PERSONA, '--client', PARTNER_CLIENT_ID, '--scope', PARTNER_SCOPES.join(' '), '--ttl', ttl];
    // A consent-scale gateway checks the consent in its own database: a token each, its consent recorded there.
    const [citizenToken, partnerToken, consentTokens] = await Promise.all([
      token(env, ['--persona', BENCH_PERSONA, '--ttl', ttl]),
      token(env, partnerArgs),
      consentScaleTokens(consentDatabases, env, partnerArgs),
    ]);
    const partnerJwk = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES[PARTNER_CLIENT_ID]!, 'utf8')) as JWK;
    const personId = personIdFor(BENCH_PERSONA, BENCH_PSEUDONYM_KEY);
    const loadable = readSupergraphs().loadable;

    // 4. The cells.
    const hubCell = (service: ChildService, subgraphsGroup: SubgraphGroup, workload: Workload, part: Run['part'], persons: number, database: Run['database'], gateway: 'hub' | 'hub-2-workers' = 'hub', partnerAccess = partnerToken): Cell => {
      const url = `http://127.0.0.1:${service.port}/graphql`;
      const partner = workload.caller === 'partner';
      return {
        part, gateway, connections: settings.connections, workload, persons, database, service, subgraphs: subgraphsGroup, url,
        request: () => ({ headers: { authorization: partner ? `DPoP ${partnerAccess}` : `Bearer ${citizenToken}` }, body: gatewayBody(workload) }),
        ...(partner ? { dpop: { privateJwk: partnerJwk, accessToken: partnerAccess, htu: url } } : {}),
      };
    };
    const peerCell = (gateway: Peer['name'], service: ChildService, workload: Workload): Cell => ({
      part: 'compare', gateway, connections: settings.connections, workload, persons: COMPARE_PERSONS, database: 'sqlite', service, subgraphs, url: `http://127.0.0.1:${service.port}/graphql`,
      request: (credentials) => ({ headers: Object.fromEntries(REGISTERS.map((r) => [credentialHeader(r), credentials[r]])), body: gatewayBody(workload) }),
    });
    const directCell = (workload: Workload, call: SubgraphRequest): Cell => ({
      part: 'compare', gateway: 'direct', connections: settings.connections, workload, subgraph: call.subgraph, persons: COMPARE_PERSONS, database: 'sqlite', service: subgraphs.registers[call.subgraph], subgraphs,
      url: registerUrls(mainPorts)[call.subgraph],
      request: (credentials) => ({ headers: { authorization: `Bearer ${credentials[call.subgraph]}` }, body: subgraphBody(call) }),
    });
    const compareCells = new Map<string, Cell[]>();
    for (const workload of WORKLOADS) {
      compareCells.set(workload.name, [
        hubCell(hub, subgraphs, workload, 'compare', COMPARE_PERSONS, 'sqlite'),
        // The hub with two workers beside it where the targets are judged (informational: the peers run one process).
        ...(workload.name === 'single' ? [] : [hubCell(hub2, subgraphs, workload, 'compare', COMPARE_PERSONS, 'sqlite', 'hub-2-workers')]),
        ...PEERS.map((peer) => peerCell(peer.name, peers.get(peer.name)!, workload)),
        ...subgraphRequests(workload, personId, loadable).map((call) => directCell(workload, call)),
      ]);
    }
    const dashboard = WORKLOADS.find((w) => w.name === 'dashboard')!;
    const scaleCells = scaleDatabases.map((db, i) => hubCell(scaleHubs[i]!, scaleSubgraphs[i]!, dashboard, 'scale', db.persons, 'postgres'));
    // The partner workload at the setting's connections and at one, on each consent database's gateway.
    const partnerWorkload = WORKLOADS.find((w) => w.name === 'partner')!;
    const consentCells = [settings.connections, 1].flatMap((connections) => consentDatabases.map((db, i): Cell => ({
      ...hubCell(consentHubs[i]!, subgraphs, partnerWorkload, 'consent-scale', COMPARE_PERSONS, 'sqlite', 'hub', consentTokens[i]!),
      connections,
      consentSeed: { consents: db.consents, disclosures: db.disclosures },
    })));

    // 5. Before measuring: every gateway answers every workload with the same data, and each answer is stable
    //    (it becomes the body every response under load must have).
    const partnerKey = (await importJWK(partnerJwk, 'ES256')) as CryptoKey;
    const { d: _private, ...partnerPublicJwk } = partnerJwk;
    const once = async (cell: Cell): Promise<string> => {
      const { headers, body } = cell.request(await mintCredentials(internalKey, cell.workload, personId));
      if (cell.dpop) headers.dpop = await createDpopProof(partnerKey, partnerPublicJwk, 'ES256', { htm: 'POST', htu: cell.url, accessToken: cell.dpop.accessToken });
      const response = await fetch(cell.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${label(cell)} answered ${response.status}: ${text.slice(0, 500)}`);
      return text;
    };
    for (const cell of [...[...compareCells.values()].flat(), ...scaleCells, ...consentCells]) {
      const [first, second] = [await once(cell), await once(cell)];
      const parsed = JSON.parse(first) as { data?: unknown; errors?: unknown };
      if (parsed.errors || !parsed.data) throw new Error(`${label(cell)} answered with errors: ${first.slice(0, 800)}`);
      if (first === second) cell.expectBody = first;
      else log(`bench: ${label(cell)} answers differently each time; its bodies are not checked under load`);
    }
    for (const workload of WORKLOADS) {
      const cells = compareCells.get(workload.name)!.filter((cell) => cell.gateway !== 'direct');
      const data = await Promise.all(cells.map(async (cell) => canonical((JSON.parse(cell.expectBody ?? (await once(cell))) as { data: unknown }).data)));
      cells.forEach((cell, i) => {
        if (data[i] !== data[0]) throw new Error(`${label(cell)} answers ${workload.name} with other data than the hub:\n  hub: ${data[0]!.slice(0, 600)}\n  ${cell.gateway}: ${data[i]!.slice(0, 600)}`);
      });
    }
    const hubPartnerCell = compareCells.get('partner')!.find((cell) => cell.gateway === 'hub')!;
    const hubPartner = canonical((JSON.parse(hubPartnerCell.expectBody ?? (await once(hubPartnerCell))) as { data: unknown }).data);
    for (const cell of consentCells) {
      if (canonical((JSON.parse(cell.expectBody ?? (await once(cell))) as { data: unknown }).data) !== hubPartner) throw new Error(`${label(cell)} answers partner with other data than the hub`);
    }
    for (const cell of scaleCells) {
      const me = (JSON.parse(cell.expectBody ?? (await once(cell))) as { data: { me: { personalIdentityCode: string } } }).data.me;
      if (me.personalIdentityCode !== BENCH_PERSONA) throw new Error(`${label(cell)} answered for someone else`);
    }
    phases.check_s = (Date.now() - phase) / 1000;
    log(`bench: every gateway answers every workload with the same data (checked in ${seconds(phase)} s)`);
    // The same dashboard requests one at a time (one connection): the latency of a request that waits for nothing
    // but its own work, which the p50 target is judged on; at 10 connections every gateway is saturated, and its
    // latency is mostly queueing (connections / req/s).
    const latencyCells: Cell[] = compareCells.get('dashboard')!.filter((cell) => cell.gateway !== 'hub-2-workers').map((cell) => ({ ...cell, part: 'latency', connections: 1 }));
    // And the dashboard's register calls all at once from the load generator: the floor of any gateway here.
    const dashboardDirect = latencyCells.filter((cell) => cell.gateway === 'direct');
    latencyCells.push({
      ...dashboardDirect[0]!, gateway: 'direct-parallel', subgraph: undefined,
      fanOut: (credentials) => dashboardDirect.map((cell) => ({ url: cell.url, ...cell.request(credentials), ...(cell.expectBody !== undefined ? { expectBody: cell.expectBody } : {}) })),
    });

    // 6. Measure: rounds, and in each round every workload on every gateway in turn (the order rotating each round
    //    so no gateway always runs first), then the registers directly, then the latency cells (gateways rotating,
    //    then the registers), then the scale points.
    phase = Date.now();
    load = new LoadGenerator(logDir);
    const runs: Run[] = [];
    const plan: { round: number; cell: Cell }[] = [];
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const workload of WORKLOADS) {
        const cells = compareCells.get(workload.name)!;
        const gateways = rotate(cells.filter((c) => c.gateway !== 'direct'), round - 1);
        for (const cell of [...gateways, ...cells.filter((c) => c.gateway === 'direct')]) plan.push({ round, cell });
      }
      const registersOnly = (c: Cell) => c.gateway === 'direct' || c.gateway === 'direct-parallel';
      const latencyGateways = rotate(latencyCells.filter((c) => !registersOnly(c)), round - 1);
      for (const cell of [...latencyGateways, ...latencyCells.filter(registersOnly)]) plan.push({ round, cell });
      for (const cell of rotate(scaleCells, round - 1)) plan.push({ round, cell });
      // Empty and seeded consent database in turn (rotated), loaded, then at one connection.
      for (const connections of [settings.connections, 1]) {
        for (const cell of rotate(consentCells.filter((c) => c.connections === connections), round - 1)) plan.push({ round, cell });
      }
    }
    const consentLoaded = consentCells.length / 2;
    log(`bench: ${plan.length} cells, about ${Math.round(estimateSeconds(settings, scaleCells.length + consentLoaded, latencyCells.length + consentLoaded))} s`);
    for (const [index, { round, cell }] of plan.entries()) {
      const credentials = await mintCredentials(internalKey, cell.workload, personId);
      const { headers, body } = cell.request(credentials);
      const job = { url: cell.url, headers, body, connections: cell.connections, ...(cell.dpop ? { dpop: cell.dpop } : {}), ...(cell.fanOut ? { fanOut: cell.fanOut(credentials) } : {}) };
      // A latency cell (or a consent-scale one at one connection) follows the loaded cells of its round: its processes are warm already.
      const latency = cell.part === 'latency' || (cell.part === 'consent-scale' && cell.connections === 1);
      await load.run({ ...job, seconds: round === 1 && !latency ? settings.warmupSeconds : settings.laterWarmupSeconds });
      const registerPids = Object.values(cell.subgraphs.registers).map((service) => service.pid);
      const { result, usage: measured } = await load.measure(
        { ...job, seconds: latency ? settings.latencySeconds : settings.durationSeconds, ...(cell.expectBody !== undefined ? { expectBody: cell.expectBody } : {}) },
        [...new Set([cell.service.pid, ...registerPids, load.pid])],
      );
      if (result.error) throw new Error(`${label(cell)}: the load generator failed: ${result.error}`);
      if (!measured) throw new Error(`${label(cell)}: the load generator never said its load began`);
      const { processes: usage, machineCpuPercent } = measured;
      const gateway = usage.get(cell.service.pid)!;
      const ours = [...usage.values()].reduce((sum, u) => sum + u.cpuPercent, 0);
      const run: Run = {
        gateway: cell.gateway,
        workload: cell.workload.name,
        persons: cell.persons,
        round,
        rps: round2(result.rps),
        p50_ms: round3(result.p50_ms),
        p99_ms: round3(result.p99_ms),
        cpu_percent: round2(gateway.cpuPercent),
        rss_mb: round2(gateway.peakRssMb),
        // The main thread's wait says something of a one-process gateway (or register) only: the 2-worker hub's is its idle primary.
        ...(cell.gateway !== 'hub-2-workers' && gateway.runqueueWaitPercent !== undefined ? { runqueue_wait_percent: round2(gateway.runqueueWaitPercent) } : {}),
        part: cell.part,
        connections: cell.connections,
        database: cell.database,
        ...(cell.subgraph ? { subgraph: cell.subgraph } : {}),
        ...(cell.consentSeed ? { consents: cell.consentSeed.consents, disclosures: cell.consentSeed.disclosures } : {}),
        mean_ms: round3(result.mean_ms),
        requests: result.ok,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        mismatches: result.mismatches,
        seconds: round3(result.seconds),
        subgraphs_cpu_percent: round2(registerPids.reduce((sum, pid) => sum + usage.get(pid)!.cpuPercent, 0)),
        loadgen_cpu_percent: round2(usage.get(load.pid)!.cpuPercent),
        ...(result.proofsSignedDuringLoad !== undefined ? { proofs_signed_during_load: result.proofsSignedDuringLoad } : {}),
        other_cpu_percent: round2(Math.max(0, machineCpuPercent - ours)),
      };
      runs.push(run);
      const live = run.proofs_signed_during_load ? `  (${run.proofs_signed_during_load} proofs signed during the run)` : '';
      const bad = run.non2xx + run.errors + run.mismatches > 0 ? `  FAILED REQUESTS: non2xx ${run.non2xx} errors ${run.errors} mismatches ${run.mismatches} ${JSON.stringify(result.statusCodes)}` : '';
      log(`[${String(index + 1).padStart(2)}/${plan.length}] round ${round} ${label(cell).padEnd(36)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50_ms.toFixed(2).padStart(7)} ms  p99 ${run.p99_ms.toFixed(2).padStart(7)} ms  cpu ${run.cpu_percent.toFixed(0).padStart(3)}%  rss ${run.rss_mb.toFixed(0).padStart(3)} MB  others ${run.other_cpu_percent.toFixed(0).padStart(3)}%${live}${bad}`);
    }
    phases.measure_s = (Date.now() - phase) / 1000;

    // 7. Report.
    const rows = medians(runs);
    const results: BenchResults = {
      machine: { ...machine, loadavg_end: loadavg().map((n) => Math.round(n * 100) / 100) },
      settings: {
        rounds: settings.rounds, duration_s: settings.durationSeconds, warmup_s: settings.warmupSeconds, later_warmup_s: settings.laterWarmupSeconds,
        connections: settings.connections, latency_duration_s: settings.latencySeconds, latency_connections: 1, persona: BENCH_PERSONA, compare_persons: COMPARE_PERSONS, compare_database: 'sqlite', seed: SEED,
        log_level: env.LOG_LEVEL, node_env: env.NODE_ENV, phases, elapsed_s: Math.round((Date.now() - started) / 100) / 10,
      },
      runs,
      scale: scaleSkipped
        ? { skipped: true, reason: scaleSkipped }
        : { skipped: false, database: 'postgres', persons: scaleDatabases.map((db) => db.persons), databases: scaleDatabases.map(({ url: _url, ...db }) => db) },
      consent_scale: consentSkipped
        ? { skipped: true, reason: consentSkipped }
        : { skipped: false, databases: consentDatabases.map(({ url: _url, ...db }) => db), flatness },
      summary: {
        medians: rows,
        ratios: ratios(rows, WORKLOADS.map((w) => w.name)),
        targets: targets(rows, scaleDatabases.map((db) => db.persons), consentSkipped ? null : settings.consentScale, settings.connections),
      },
    };
    mkdirSync(settings.outDir, { recursive: true });
    const jsonFile = join(settings.outDir, `${settings.outName}.json`);
    const svgFile = join(settings.outDir, `${settings.outName}.svg`);
    writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(svgFile, renderChart(results, WORKLOADS.map((w) => w.name)));
    process.stdout.write(`\n${formatReport(results, WORKLOADS.map((w) => w.name))}\n\n`);
    process.stdout.write(`Wrote ${jsonFile} and ${svgFile} (${settings.mode} run, ${results.settings.elapsed_s} s)\n`);
    failed = false;
    return 0;
  } catch (error) {
    log(`bench: failed: ${(error as Error).stack ?? String(error)}`);
    log(`bench: logs kept in ${logDir}`);
    return 1;
  } finally {
    load?.stop();
    await stopAll();
    if (!failed && !settings.keep) rmSync(home, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function label(cell: Cell): string {
  const who = cell.part === 'scale' ? `hub@${cell.persons.toLocaleString('en')}pg` : cell.consentSeed ? `hub@${cell.consentSeed.consents.toLocaleString('en')}consents` : cell.gateway;
  return `${cell.workload.name} ${who}${cell.subgraph ? ` ${cell.subgraph}` : ''}${cell.part === 'latency' || (cell.consentSeed && cell.connections === 1) ? ' @1 conn' : ''}`;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** A rough duration of the measuring phase, for the token lifetime and the log. */
function estimateSeconds(settings: Settings, scalePoints: number, latencyCells = 8): number {
  // 3 workloads x (hub + the peers), hub-2-workers on 2, 7 direct calls.
  const perRound = 3 * (1 + PEERS.length) + 2 + 7 + scalePoints;
  const overhead = 0.4;
  return perRound * (settings.durationSeconds + settings.warmupSeconds + overhead) +
    (settings.rounds - 1) * perRound * (settings.durationSeconds + settings.laterWarmupSeconds + overhead) +
    settings.rounds * latencyCells * (settings.latencySeconds + settings.laterWarmupSeconds + overhead);
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

process.exitCode = await main();
