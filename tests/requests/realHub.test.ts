import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { loadSecret } from '../../lib/keys.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../../lib/personId.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { freePorts, killAll, killHard, sleep, spawnService, waitReadyz, type ServiceProcess } from '../support/services.js';
import { HEALTH_TEXT, MY_REQUESTS, SUBMIT, TAX_TEXT } from './support.js';

// The hub as `npm start` runs it (scripts/start.ts, a real process on a temporary hub home, every service logging at
// debug to a captured stdout). Two properties that only a real process can show:
// - a health matter is stored nowhere: after one with a unique marker, no file under the hub home (the SQLite
//   databases and their WAL and journal files included) and no line the hub printed holds the marker, while the
//   marker of a stored request in the same run is found on disk (so the search is known to work);
// - a request acknowledged to the citizen survives `kill -9` of the hub at any moment.

const home = mkdtempSync(join(tmpdir(), 'hub-requests-'));
const NAMES = ['AUTH_PORT', 'POPULATION_PORT', 'TAX_PORT', 'VEHICLES_PORT', 'EDUCATION_PORT', 'REQUESTS_PORT', 'GATEWAY_PORT', 'PORTAL_PORT', 'PARTNER_PORT', 'CONSOLE_PORT'] as const;
let ports: Record<(typeof NAMES)[number], number>;
let env: NodeJS.ProcessEnv;
let gatewayUrl: string;
let hub: ServiceProcess | undefined;
/** Everything every hub process printed (stdout and stderr), whole. */
let printed = '';
const timings: string[] = [];
const persona = '230779X9351';
let token: string;

async function startHub(label: string): Promise<void> {
  const started = Date.now();
  hub = spawnService(`hub (${label})`, 'scripts/start.ts', env);
  const keep = (chunk: Buffer) => {
    printed += chunk.toString();
  };
  hub.child.stdout!.on('data', keep);
  hub.child.stderr!.on('data', keep);
  for (const name of ['AUTH_PORT', 'POPULATION_PORT', 'REQUESTS_PORT', 'GATEWAY_PORT'] as const) await waitReadyz(hub, ports[name], 60_000);
  timings.push(`${label}: ready in ${Date.now() - started} ms`);
}

async function post(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: await response.json() };
}

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The files under the hub home that hold `marker` (as UTF-8 or UTF-16, the encodings SQLite stores text in). */
function filesHolding(marker: string): string[] {
  const needles = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
  return filesUnder(home).filter((file) => {
    const bytes = readFileSync(file);
    return needles.some((needle) => bytes.includes(needle));
  });
}

beforeAll(async () => {
  const chosen = await freePorts(NAMES.length, [33_000, 40_000]);
  ports = Object.fromEntries(NAMES.map((name, i) => [name, chosen[i]!])) as typeof ports;
  gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/DATABASE_URL$|_URL$|_PORT$|^LOG_LEVEL$/.test(name)));
  env = {
    ...inherited,
    HUB_MODE: 'dev',
    HUB_HOME: home,
    HUB_SEED_PERSONS: '20',
    LOG_LEVEL: 'debug',
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    ISSUER_URL: `http://127.0.0.1:${ports.AUTH_PORT}`,
    GATEWAY_AUDIENCE: gatewayUrl,
    PORTAL_URL: `http://127.0.0.1:${ports.PORTAL_PORT}`,
  };
  await startHub('first start');
  const personId = personIdFor(persona, await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE));
  token = await signAccessToken(await loadIssuerKey(env), {
    issuer: env.ISSUER_URL!, audience: gatewayUrl, subject: personId, clientId: 'citizen-portal', scopes: scopeCatalogue().map((e) => e.scope), ttlSeconds: 900,
  });
}, 90_000);

afterAll(async () => {
  await killAll();
  rmSync(home, { recursive: true, force: true });
  console.log(`requests real-hub timings:\n  ${timings.join('\n  ')}`);
}, 30_000);

describe('a health matter is stored nowhere', () => {
  it('leaves its marker in no file under the hub home and in no printed line; a stored request\'s marker is on disk', async () => {
    const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    const healthMarker = `hm${run}`;
    const storedMarker = `sm${run}`;
    const health = await post(SUBMIT, { text: `${HEALTH_TEXT} ${healthMarker}` });
    expect(health).toEqual({ status: 200, body: { data: { submitRequest: { id: null, queue: 'HEALTH', status: 'NOT_STORED' } } } });
    const stored = await post(SUBMIT, { text: `${TAX_TEXT} ${storedMarker}` });
    expect(stored.body.data.submitRequest.status).toBe('RECEIVED');
    // A second health matter in Finnish, through the inline query text rather than variables.
    const inline = await post(`mutation { submitRequest(text: "Tarvitsen reseptin insuliinille lääkäriltä sairaalasta ${healthMarker}fi") { id queue status } }`);
    expect(inline.body.data.submitRequest).toEqual({ id: null, queue: 'HEALTH', status: 'NOT_STORED' });
    await sleep(500); // let every log line reach the pipe

    const files = filesUnder(home);
    expect(files.some((file) => file.endsWith('requests.sqlite'))).toBe(true);
    expect(filesHolding(storedMarker).length).toBeGreaterThan(0); // the search finds what is there
    expect(filesHolding(healthMarker)).toEqual([]);
    expect(printed.length).toBeGreaterThan(0);
    expect(printed).toContain('"request stored"');
    expect(printed.includes(healthMarker)).toBe(false);
    expect(printed.includes(storedMarker)).toBe(false);
    timings.push(`searched ${files.length} files (${files.map((f) => f.slice(home.length + 1)).filter((f) => f.includes('sqlite')).join(', ')}) and ${printed.split('\n').length} printed lines`);
  }, 60_000);
});

describe('a request acknowledged to the citizen survives kill -9', () => {
  it('keeps every acknowledged request when the hub is killed with submissions in flight', async () => {
    const acknowledged: string[] = [];
    let failed = 0;
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; i < 12; i += 1) {
      inFlight.push((async () => {
        await sleep(i * 15);
        try {
          const answer = await post(SUBMIT, { text: `${TAX_TEXT} kill ${i}` });
          if (answer.status === 200 && answer.body.data?.submitRequest?.id) acknowledged.push(answer.body.data.submitRequest.id);
        } catch {
          failed += 1; // cut off with the process: never acknowledged
        }
      })());
    }
    const started = Date.now();
    while (acknowledged.length < 2 && Date.now() - started < 20_000) await sleep(2);
    await killHard(hub!); // SIGKILL the whole process group, right after an acknowledgement
    await Promise.all(inFlight);
    timings.push(`kill -9 with submissions in flight: ${acknowledged.length} acknowledged, ${failed} cut off`);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2);

    await startHub('restart after kill -9');
    const mine = await post(MY_REQUESTS);
    const ids = new Set(mine.body.data.me.requests.map((r: { id: string }) => r.id));
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
  }, 120_000);

  it('keeps a request whose answer was the last thing before the kill', async () => {
    const answer = await post(SUBMIT, { text: `${TAX_TEXT} right before the kill` });
    const id = answer.body.data.submitRequest.id;
    await killHard(hub!);
    await startHub('restart right after an acknowledgement');
    const mine = await post(MY_REQUESTS);
    expect(mine.body.data.me.requests.map((r: { id: string }) => r.id)).toContain(id);
  }, 120_000);
});
