import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { loadSecret, loadSigningKey } from '../../lib/keys.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../../lib/personId.js';
import { INTERNAL_KEY_SOURCE } from '../../lib/tokens/internalCredential.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { personas } from '../support/hub.js';
import { freePorts, killAll, killHard, probe, sleep, spawnService, waitReadyz, type ServiceProcess, SERVICE_ENTRIES } from '../support/services.js';

// The authorization server gone for longer than the gateway may trust its keys, on the real processes (consent/main.ts,
// the four subgraphs, gateway/main.ts), with the gateway's ISSUER_KEYS_MAX_AGE_SECONDS shortened to 6 s and
// ISSUER_KEYS_REFRESH_SECONDS to 1 s: issued tokens keep working at first (a token never seen before too), then every
// token is refused fail-closed with 503 ISSUER_UNAVAILABLE and no data, /readyz says 503 with the keys stale; once the
// issuer is back, the same gateway process serves again and /readyz is 200. Consent database on SQLite (the database
// is not what fails here).

const READY_MS = 45_000;
const MAX_AGE_S = 6; // long enough for the first answers below to fall within it on a busy machine
const QUERY = '{ me { firstNames lastName taxAssessments { year } } }';
const persona = personas.find((p) => p.tags.includes('complete'))!;
const other = personas.filter((p) => p.tags.includes('complete'))[1]!;

const home = mkdtempSync(join(tmpdir(), 'hub-issuer-outage-'));
let env: NodeJS.ProcessEnv;
let ports: Record<'auth' | 'population' | 'tax' | 'vehicles' | 'education' | 'requests' | 'gateway', number>;
let issuerUrl: string;
let audience: string;
let issuerKey: Awaited<ReturnType<typeof loadIssuerKey>>;
let pseudonymKey: Buffer;
const services: Partial<Record<keyof typeof ports, ServiceProcess>> = {};
const timings: string[] = [];

// One gateway process: the test counts its issuer-key log lines (each worker would log its own) and keeps the 2-core
// machine's load down; several workers are tests/gatewayWorkers.test.ts's.
const GATEWAY_WORKERS_HERE = '1';

async function start(name: keyof typeof ports): Promise<ServiceProcess> {
  const proc = spawnService(name, SERVICE_ENTRIES[name], name === 'gateway' ? { ...env, GATEWAY_WORKERS: GATEWAY_WORKERS_HERE, ISSUER_KEYS_MAX_AGE_SECONDS: String(MAX_AGE_S), ISSUER_KEYS_REFRESH_SECONDS: '1' } : env);
  services[name] = proc;
  timings.push(`${name}: ready in ${await waitReadyz(proc, ports[name], READY_MS)} ms`);
  return proc;
}

/** The citizen's own token (citizen portal, every scope), as `npm run token -- --persona <code>` prints it. */
function citizenToken(code: string): Promise<string> {
  return signAccessToken(issuerKey, { issuer: issuerUrl, audience, subject: personIdFor(code, pseudonymKey), clientId: 'citizen-portal', scopes: scopeCatalogue().map((e) => e.scope), ttlSeconds: 900 });
}

interface Answer {
  status: number;
  body: any;
  text: string;
}

async function ask(token: string): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text, and the assertions say so
  }
  return { status: response.status, body, text };
}

async function readyz(): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${ports.gateway}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  // Apart from the ranges the other test files pick from (tests/support/services.ts says which).
  const [auth, population, tax, vehicles, education, gateway, requests] = await freePorts(7, [24_000, 25_000]);
  ports = { auth: auth!, population: population!, tax: tax!, vehicles: vehicles!, education: education!, requests: requests!, gateway: gateway! };
  issuerUrl = `http://127.0.0.1:${ports.auth}`;
  audience = `http://127.0.0.1:${ports.gateway}/graphql`;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/DATABASE_URL$|_URL$|_PORT$|^LOG_LEVEL$|^ISSUER_KEYS_/.test(name)));
  env = {
    ...inherited,
    HUB_MODE: 'dev',
    HUB_HOME: home,
    HUB_SEED_PERSONS: '5', // the personas, and a few more: only the personas are asked for
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    CONSENT_DATABASE_URL: `sqlite:${join(home, 'consent.sqlite')}`,
    AUTH_PORT: String(ports.auth),
    POPULATION_PORT: String(ports.population),
    TAX_PORT: String(ports.tax),
    VEHICLES_PORT: String(ports.vehicles),
    EDUCATION_PORT: String(ports.education),
    REQUESTS_PORT: String(ports.requests),
    GATEWAY_PORT: String(ports.gateway),
    ISSUER_URL: issuerUrl,
    GATEWAY_AUDIENCE: audience,
    SUBGRAPH_TIMEOUT_MS: '10000',
  };
  // The dev keys exist before any service starts, so that six processes starting at once never race to create them.
  issuerKey = await loadIssuerKey(env);
  await loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
  pseudonymKey = await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
  await loadSecret(env, 'HUB_PAIRWISE_KEY', 'pairwise.key');
  await loadSecret(env, 'AUTH_COOKIE_KEY', 'auth-cookie.key');
  const started = Date.now();
  await Promise.all((['auth', 'population', 'tax', 'vehicles', 'education', 'requests', 'gateway'] as const).map(start));
  timings.push(`all six services ready in ${Date.now() - started} ms`);
}, 120_000);

afterAll(async () => {
  await killAll();
  rmSync(home, { recursive: true, force: true });
  console.log(`issuer outage timings:\n  ${timings.join('\n  ')}`);
}, 60_000);

describe('the authorization server gone longer than the issuer keys may be trusted', () => {
  it('serves issued tokens at first, then refuses every token with 503 ISSUER_UNAVAILABLE and /readyz 503, and serves again once the issuer is back', async () => {
    const gateway = services.gateway!;
    const used = await citizenToken(persona.personalIdentityCode);
    const unseen = await citizenToken(other.personalIdentityCode); // issued now, first presented during the outage
    const before = await ask(used);
    expect(before.status).toBe(200);
    expect(before.body.data.me.firstNames).toBe(persona.firstNames);
    const ready = await readyz();
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { issuerKeys: 'fresh' } } });

    await killHard(services.auth!);
    const killedAt = Date.now();
    // Within the maximum age: both tokens are served; /readyz is 503 (the consent subgraph lives in the issuer
    // process) while it says the keys are still fresh.
    for (const [token, who] of [[used, persona], [unseen, other]] as const) {
      const answer = await ask(token);
      expect(answer.status).toBe(200);
      expect(answer.body.data.me.firstNames).toBe(who.firstNames);
    }
    expect(await readyz()).toMatchObject({ status: 503, body: { status: 'not ready', checks: { issuerKeys: 'fresh', subgraphs: { consent: 'not ready' } } } });
    expect(Date.now() - killedAt).toBeLessThan((MAX_AGE_S - 2) * 1000); // so the answers above were within the age

    // Past it: fail closed.
    let refused: Answer | undefined;
    while (Date.now() - killedAt < (MAX_AGE_S + 6) * 1000) {
      const answer = await ask(used);
      if (answer.status !== 200) {
        refused = answer;
        break;
      }
      await sleep(100);
    }
    const staleAfter = Date.now() - killedAt;
    timings.push(`tokens refused ${staleAfter} ms after the issuer was killed (maximum age ${MAX_AGE_S} s, refresh 1 s)`);
    // Keys are refreshed every second, so they were about a second old at most at the kill.
    expect(staleAfter).toBeGreaterThanOrEqual((MAX_AGE_S - 2) * 1000);
    for (const answer of [refused!, await ask(unseen), await ask(used)]) {
      expect(answer.status).toBe(503);
      expect(answer.body.errors).toEqual([{ message: expect.stringMatching(/signing keys could not be confirmed recently/), extensions: { code: 'ISSUER_UNAVAILABLE' } }]);
      expect(answer.body.data).toBeUndefined();
      for (const value of [persona.firstNames, persona.lastName, persona.personalIdentityCode, other.firstNames, other.lastName, used, unseen]) {
        expect(answer.text).not.toContain(value);
      }
      expect(answer.text).not.toMatch(/127\.0\.0\.1|http:|ECONNREFUSED|stack/i);
    }
    const stale = await readyz();
    expect(stale).toMatchObject({ status: 503, body: { status: 'not ready', checks: { issuerKeys: 'stale' } } });
    expect(stale.body.checks.issuerKeysAgeSeconds).toBeGreaterThanOrEqual(MAX_AGE_S);
    expect(await probe(ports.gateway, '/healthz')).toBe(200);

    // Back: the same gateway process serves again, /readyz 200.
    await start('auth');
    timings.push(`gateway /readyz 200 again ${await waitReadyz(gateway, ports.gateway, 20_000)} ms after the issuer's restart`);
    for (const [token, who] of [[used, persona], [unseen, other]] as const) {
      const answer = await ask(token);
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.me.firstNames).toBe(who.firstNames);
    }
    expect(await readyz()).toMatchObject({ status: 200, body: { checks: { issuerKeys: 'fresh' } } });
    expect(gateway.exitCode).toBeUndefined();
    expect(services.gateway).toBe(gateway);

    // The gateway said so in its log, without a token, identity code or register value.
    expect(gateway.output).toMatch(/issuer keys are stale/);
    for (const value of [used, unseen, persona.personalIdentityCode, persona.lastName, other.lastName]) expect(gateway.output).not.toContain(value);
  }, 60_000);
});
