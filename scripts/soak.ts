/**
 * `npm run soak [-- --minutes <m>] [--rate <req/s>]`: the soak of the hardening issue. Starts the hub as separate
 * processes on a temporary hub home (the authorization and consent server, the four register subgraphs, the
 * gateway), measures the gateway's maximum for a few seconds with a mix of citizens and partners, then runs that mix
 * at 70 % of it (or `--rate`) for `--minutes`, sampling the gateway's resident memory and `/readyz`. At the end:
 * zero non-2xx, zero errors (connection errors, timeouts, GraphQL errors in a body), memory flat (the last third's
 * median RSS within +20 % of the second third's), `/readyz` 200 at every sample, and no lost disclosure record: the
 * records added to the consent database match the partner responses delivered with data, request id by request id.
 * Prints a summary; exit 0 when everything held, 1 when something did not, 2 on bad arguments.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import type { JWK } from 'jose';
import { loadIssuerKey } from '../consent/issuerKeys.js';
import { DEV_PARTNER_KEY_FILES } from '../consent/partners.js';
import { openConsentRecords, type ConsentRecords } from '../lib/consents/index.js';
import { loadSecret, loadSigningKey } from '../lib/keys.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../lib/personId.js';
import { INTERNAL_KEY_SOURCE } from '../lib/tokens/internalCredential.js';
import { writeTrustedDocuments } from './devTrustedDocuments.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'usage: npm run soak [-- --minutes <m>] [--rate <req/s>] [--connections <n>] [--measure-seconds <s>] [--keep]';

// ---- arguments ----------------------------------------------------------------------------------------------------

function usage(message: string): never {
  process.stderr.write(`soak: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { minutes?: string; rate?: string; connections?: string; 'measure-seconds'?: string; keep?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      minutes: { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      'measure-seconds': { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  usage((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const positive = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) usage(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
};
const minutes = positive('minutes', values.minutes, 10);
const fixedRate = values.rate === undefined ? undefined : Math.round(positive('rate', values.rate, 1));
const connections = Math.round(positive('connections', values.connections, 10));
const measureSeconds = Math.round(positive('measure-seconds', values['measure-seconds'], 10));
const soakSeconds = Math.max(10, Math.round(minutes * 60));
// Every 10 s on a real soak; a short run samples more often so that its thirds hold several samples each.
const sampleMs = Math.min(10_000, Math.max(1000, Math.floor((soakSeconds * 1000) / 30)));

// ---- the mix ------------------------------------------------------------------------------------------------------

// Personas of data/personas.json (stable across versions, CONTRACT.md).
const CITIZENS = ['140385-962D', '021172-917A', '300590Y9519', '111005B988A'];
const PARTNER_PERSONAS = ['230779X9351', '081268-946W', '190155-9308', '140385-962D'];
const CITIZEN_QUERIES = [
  // The portal's dashboard: every register.
  '{ me { firstNames lastName dateOfBirth address { streetAddress postalCode municipality } maritalStatus taxAssessments { year earnedIncome capitalIncome taxesPaid } vehicles { registrationNumber make model role } drivingLicence { categories validUntil } qualifications { name level institution } enrolments { programme institution } } }',
  '{ me { firstNames isAdult taxAssessments { year earnedIncome } } }',
  '{ me { lastName vehicles { make model } drivingLicence { categories } } }',
  '{ me { firstNames qualifications { name level } enrolments { programme } consents { status client { id } } } }',
];
const PARTNER_QUERY = '{ me { firstNames lastName isAdult address { streetAddress postalCode municipality } taxAssessments { year earnedIncome } vehicles { make } } }';

// ---- processes ----------------------------------------------------------------------------------------------------

interface Service {
  name: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  exitCode?: number | string | null;
}
const services: Service[] = [];
const home = mkdtempSync(join(tmpdir(), 'hub-soak-'));
const logDir = join(home, 'logs');
mkdirSync(logDir);
let keepHome = values.keep === true;

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** `count` distinct free ports on loopback (held open together, then released). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readyz(port: number): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Starts `node --import tsx <script>` in its own process group, output to a log file; waits for its /readyz. */
async function startService(name: string, script: string, port: number, env: NodeJS.ProcessEnv): Promise<Service> {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const service: Service = { name, port, child, logFile };
  child.once('exit', (code, signal) => {
    service.exitCode = code ?? signal;
  });
  services.push(service);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (service.exitCode !== undefined) throw new Error(`${name} exited (${String(service.exitCode)}) before it was ready:\n${tail(logFile)}`);
    if ((await readyz(port)) === 200) return service;
    await sleep(200);
  }
  throw new Error(`${name} was not ready within 120 s:\n${tail(logFile)}`);
}

/** SIGTERM to every service's process group, SIGKILL to what is left after 8 s. */
async function stopAll(): Promise<void> {
  const alive = services.filter((s) => s.exitCode === undefined);
  const exits = alive.map((s) => new Promise<void>((resolve) => {
    if (s.exitCode !== undefined) resolve();
    else s.child.once('exit', () => resolve());
  }));
  for (const s of alive) signal(s, 'SIGTERM');
  const timer = setTimeout(() => alive.forEach((s) => signal(s, 'SIGKILL')), 8000);
  await Promise.all(exits);
  clearTimeout(timer);
}

function signal(service: Service, name: NodeJS.Signals): void {
  try {
    process.kill(-service.child.pid!, name);
  } catch {
    // already gone
  }
}

process.once('exit', () => services.forEach((s) => signal(s, 'SIGKILL')));
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => {
    process.stderr.write(`soak: ${name}, stopping the hub (its home: ${home})\n`);
    void stopAll().then(() => process.exit(130));
  });
}

/** Resident memory of a process in MiB (VmRSS of /proc/<pid>/status). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** `npm run token -- <args>` as its own process with the hub's environment: the token it prints. */
function token(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => (code === 0 && out.trim() ? resolve(out.trim()) : reject(new Error(`token ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

// ---- load ---------------------------------------------------------------------------------------------------------

/** What the responses of one phase held. */
interface Tally {
  citizen: number;
  partner: number;
  /** Partner responses with HTTP 200 and some of the person's data: each must have its disclosure on record. */
  partnerDelivered: string[];
  /** 2xx responses whose body holds GraphQL errors, or no data. */
  bodyErrors: number;
  firstBodyError?: string;
  statuses: Record<string, number>;
}
const newTally = (): Tally => ({ citizen: 0, partner: 0, partnerDelivered: [], bodyErrors: 0, statuses: {} });

/** Makes DPoP proofs synchronously (autocannon's setupRequest is synchronous): ES256 with node:crypto, P1363 signatures. */
function proofMaker(privateJwk: JWK, accessToken: string, htu: string): () => string {
  const key: KeyObject = createPrivateKey({ key: privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y } })).toString('base64url');
  const ath = createHash('sha256').update(accessToken, 'ascii').digest('base64url');
  return () => {
    const payload = Buffer.from(JSON.stringify({ htm: 'POST', htu, ath, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })).toString('base64url');
    const input = `${header}.${payload}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
}

type Request = AutocannonRequest & { onResponse?: (status: number, body: string, context: unknown, headers: Record<string, string>) => void };

/** The mix, citizens and partners alternating; every response is read into `tally()`'s current tally. */
function buildRequests(gatewayUrl: string, citizenTokens: string[], partnerTokens: string[], tally: () => Tally): Request[] {
  const privateJwk = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')) as JWK;
  const path = new URL(gatewayUrl).pathname;
  const read = (partner: boolean) => (status: number, body: string, _context: unknown, headers: Record<string, string>) => {
    const t = tally();
    t.statuses[status] = (t.statuses[status] ?? 0) + 1;
    if (partner) t.partner += 1;
    else t.citizen += 1;
    if (status < 200 || status > 299) return;
    let parsed: any;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const me = parsed?.data?.me;
    const hasData = me != null && Object.values(me).some((value) => value !== null);
    if (parsed?.errors || !hasData) {
      t.bodyErrors += 1;
      t.firstBodyError ??= body.slice(0, 300);
    }
    if (partner && hasData) t.partnerDelivered.push(headers['x-request-id'] ?? '(no request id)');
  };
  const requests: Request[] = [];
  for (let i = 0; i < Math.max(citizenTokens.length, partnerTokens.length); i += 1) {
    const citizen = citizenTokens[i % citizenTokens.length]!;
    requests.push({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${citizen}` },
      body: JSON.stringify({ query: CITIZEN_QUERIES[i % CITIZEN_QUERIES.length] }),
      onResponse: read(false),
    });
    const partner = partnerTokens[i % partnerTokens.length]!;
    const proof = proofMaker(privateJwk, partner, gatewayUrl);
    requests.push({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', authorization: `DPoP ${partner}` },
      body: JSON.stringify({ query: PARTNER_QUERY }),
      setupRequest: (built) => ({ ...built, headers: { ...built.headers, dpop: proof() } }),
      onResponse: read(true),
    });
  }
  return requests;
}

function load(gatewayUrl: string, requests: Request[], seconds: number, rate?: number): Promise<AutocannonResult> {
  const url = new URL(gatewayUrl);
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `${url.origin}${url.pathname}`, connections, pipelining: 1, duration: seconds, timeout: 10, requests: requests as AutocannonRequest[], ...(rate ? { overallRate: rate } : {}) },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Every disclosure request id on record for these persons. */
async function recordedRequestIds(records: ConsentRecords, personIds: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const personId of new Set(personIds)) {
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await records.disclosures.list(personId, { limit: 500, beforeSeq });
      for (const record of page) ids.add(record.requestId);
      if (page.length < 500) break;
      beforeSeq = page[page.length - 1]!.seq;
    }
  }
  return ids;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// ---- the run ------------------------------------------------------------------------------------------------------

/** Requests per minute the soak's hub allows each partner and each citizen: counted, never reached. */
const SOAK_RATE_LIMIT = '1000000000';

async function main(): Promise<number> {
  const started = Date.now();
  const [auth, population, tax, vehicles, education, gateway, requestsPort] = await freePorts(7);
  const gatewayUrl = `http://127.0.0.1:${gateway}/graphql`;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/DATABASE_URL$|_URL$|_PORT$/.test(name)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HUB_MODE: 'dev',
    HUB_HOME: home,
    // The soak's partner operation, registered for demo-bank: the hub runs only registered ones for a partner.
    TRUSTED_DOCUMENTS_DIR: writeTrustedDocuments(join(home, 'trusted-documents'), { 'demo-bank': [PARTNER_QUERY] }),
    HUB_SEED_PERSONS: '200',
    // As deployed: one access line per request at info (to a log file).
    LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'info',
    NODE_ENV: 'production',
    // Rate limits on, as deployed (every request pays for its count in the consent database), far above the load.
    RATE_LIMIT_PARTNER_PER_MINUTE: SOAK_RATE_LIMIT,
    RATE_LIMIT_CITIZEN_PER_MINUTE: SOAK_RATE_LIMIT,
    AUTH_PORT: String(auth),
    POPULATION_PORT: String(population),
    TAX_PORT: String(tax),
    VEHICLES_PORT: String(vehicles),
    EDUCATION_PORT: String(education),
    REQUESTS_PORT: String(requestsPort),
    GATEWAY_PORT: String(gateway),
    // One gateway process: the memory samples are its RSS (with workers, the primary's alone would say nothing).
    GATEWAY_WORKERS: '1',
    ISSUER_URL: `http://127.0.0.1:${auth}`,
    GATEWAY_AUDIENCE: gatewayUrl,
  };
  // Keys and the consent tables first, so that the services starting together never race to create them.
  await loadIssuerKey(env);
  await loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
  const pseudonymKey = await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
  await loadSecret(env, 'HUB_PAIRWISE_KEY', 'pairwise.key');
  await loadSecret(env, 'AUTH_COOKIE_KEY', 'auth-cookie.key');
  const records = await openConsentRecords(`sqlite:${join(home, 'consent.sqlite')}`);

  try {
    await Promise.all([
      startService('auth', 'consent/main.ts', auth!, env),
      startService('population', 'subgraphs/population/main.ts', population!, env),
      startService('tax', 'subgraphs/tax/main.ts', tax!, env),
      startService('vehicles', 'subgraphs/vehicles/main.ts', vehicles!, env),
      startService('education', 'subgraphs/education/main.ts', education!, env),
      startService('requests', 'requests/main.ts', requestsPort!, env),
    ]);
    const gatewayService = await startService('gateway', 'gateway/main.ts', gateway!, env);
    const pid = gatewayService.child.pid!;
    const startedMs = Date.now() - started;
    process.stdout.write(`soak: hub ready in ${round(startedMs / 1000)} s (home ${home}); rate limits on at ${SOAK_RATE_LIMIT} requests per minute per partner and per citizen, counted but never reached\n`);

    const ttl = String(Math.min(86_400, soakSeconds + measureSeconds + 900));
    const citizenTokens: string[] = [];
    for (const persona of CITIZENS) citizenTokens.push(await token(env, ['--persona', persona, '--ttl', ttl]));
    const partnerTokens: string[] = [];
    for (const persona of PARTNER_PERSONAS) partnerTokens.push(await token(env, ['--persona', persona, '--client', 'demo-bank', '--ttl', ttl]));

    let current = newTally();
    const requests = buildRequests(gatewayUrl, citizenTokens, partnerTokens, () => current);

    // 1. The maximum: as fast as the hub answers, with `connections` at once.
    const measureTally = current;
    let rate = fixedRate;
    let maxRps: number | undefined;
    if (rate === undefined) {
      const result = await load(gatewayUrl, requests, measureSeconds);
      const ok = Object.entries(measureTally.statuses).filter(([s]) => s.startsWith('2')).reduce((sum, [, n]) => sum + n, 0);
      maxRps = ok / result.duration;
      rate = Math.max(1, Math.round(maxRps * 0.7));
      process.stdout.write(`soak: measured maximum ${round(maxRps)} req/s over ${round(result.duration)} s (${connections} connections; non-2xx ${result.non2xx}, errors ${result.errors}); soaking at ${rate} req/s for ${round(soakSeconds / 60, 2)} min\n`);
    } else {
      process.stdout.write(`soak: soaking at ${rate} req/s (--rate) for ${round(soakSeconds / 60, 2)} min\n`);
    }
    await sleep(3000); // requests the measurement abandoned at its end finish at the gateway before the count

    // 2. The soak.
    current = newTally();
    const soakTally = current;
    const disclosuresBefore = await records.disclosures.count();
    const samples: Array<{ at: number; rss: number; ready: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      const t0 = Date.now();
      while (sampling) {
        samples.push({ at: (Date.now() - t0) / 1000, rss: rssMb(pid), ready: await readyz(gateway!) });
        const wait = sampleMs - ((Date.now() - t0) % sampleMs);
        await sleep(wait);
      }
    })();
    const result = await load(gatewayUrl, requests, soakSeconds, rate);
    sampling = false;
    await sampler;
    await sleep(3000); // the requests autocannon abandoned when it stopped finish at the gateway
    const disclosuresAfter = await records.disclosures.count();
    const finalRss = rssMb(pid);

    // 3. The verdict.
    const partnerPersonIds = PARTNER_PERSONAS.map((code) => personIdFor(code, pseudonymKey));
    const recorded = await recordedRequestIds(records, partnerPersonIds);
    const delivered = soakTally.partnerDelivered;
    const missing = delivered.filter((id) => !recorded.has(id));
    const added = disclosuresAfter - disclosuresBefore;
    const okResponses = Object.entries(soakTally.statuses).filter(([s]) => s.startsWith('2')).reduce((sum, [, n]) => sum + n, 0);
    const third = Math.floor(samples.length / 3);
    const secondThird = samples.slice(third, 2 * third).map((s) => s.rss);
    const lastThird = samples.slice(2 * third).map((s) => s.rss);
    const growth = median(lastThird) / median(secondThird) - 1;
    const notReady = samples.filter((s) => s.ready !== 200);
    const checks: Array<[string, boolean, string]> = [
      ['no non-2xx', result.non2xx === 0, `${result.non2xx} non-2xx (${JSON.stringify(soakTally.statuses)})`],
      ['no errors', result.errors === 0 && result.timeouts === 0, `${result.errors} errors, ${result.timeouts} timeouts`],
      ['no GraphQL errors, every response with data', soakTally.bodyErrors === 0, `${soakTally.bodyErrors} responses${soakTally.firstBodyError ? `, first: ${soakTally.firstBodyError}` : ''}`],
      ['memory flat (last third median <= second third median + 20 %)', third > 0 && growth <= 0.2, `${round(median(secondThird))} MiB -> ${round(median(lastThird))} MiB (${round(growth * 100)} %)`],
      ['/readyz 200 at every sample', notReady.length === 0, `${notReady.length} of ${samples.length} samples not ready`],
      ['every delivered partner response has its disclosure on record', missing.length === 0, `${missing.length} of ${delivered.length} missing`],
      [
        'disclosure records added = partner responses delivered (+ at most the requests in flight when the load stopped)',
        added >= delivered.length && added - delivered.length <= connections,
        `${added} records added, ${delivered.length} delivered with data`,
      ],
    ];
    const failed = checks.filter(([, ok]) => !ok);
    const lines = [
      '',
      `soak summary (${new Date().toISOString()}, ${process.env.SOAK_LOG_LEVEL ?? 'info'} logs, ${connections} connections)`,
      `  hub started in ${round(startedMs / 1000)} s; maximum ${maxRps === undefined ? 'not measured (--rate)' : `${round(maxRps)} req/s`}; target ${rate} req/s for ${round(result.duration)} s`,
      `  responses: ${okResponses} 2xx (${soakTally.citizen} citizen, ${soakTally.partner} partner), ${round(okResponses / result.duration)} req/s; latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
      `  the rate held: ${round(okResponses / result.duration)} req/s of ${rate} asked (${round(((okResponses / result.duration) / rate) * 100)} %; informational: a busy machine may fall short without any fault)`,
      `  non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}, GraphQL errors or empty bodies ${soakTally.bodyErrors}`,
      `  gateway RSS (MiB): first ${round(samples[0]?.rss ?? NaN)}, second-third median ${round(median(secondThird))}, last-third median ${round(median(lastThird))}, max ${round(Math.max(...samples.map((s) => s.rss)))}, at the end ${round(finalRss)}; ${samples.length} samples every ${sampleMs / 1000} s`,
      `  disclosures: ${added} records added during the soak; ${delivered.length} partner responses delivered with data, ${delivered.length - missing.length} of them on record; ${added - (delivered.length - missing.length)} written for requests cut off when the load stopped`,
      ...checks.map(([name, ok, detail]) => `  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`),
      `  ${failed.length === 0 ? 'PASSED' : `FAILED (${failed.length})`} in ${round((Date.now() - started) / 1000)} s`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (failed.length > 0) {
      keepHome = true;
      process.stdout.write(`soak: logs kept in ${logDir}\n--- gateway log (tail) ---\n${tail(gatewayService.logFile)}\n`);
    }
    return failed.length === 0 ? 0 : 1;
  } catch (error) {
    keepHome = true;
    throw error;
  } finally {
    await records.close();
    await stopAll();
    if (!keepHome) rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? error.stack ?? error.message : String(error)}\nsoak: logs kept in ${logDir}\n`);
    void stopAll().then(() => process.exit(1));
  },
);
