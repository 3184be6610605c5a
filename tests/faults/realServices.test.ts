import { spawn } from 'node:child_process';
import { createHash, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import pg from 'pg';
import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { DEV_PARTNER_KEY_FILES, loadPartners } from '../../consent/partners.js';
import { dataScopes, pairwiseSubject } from '../../consent/provider.js';
import { openConsentRecords, type ConsentRecords } from '../../lib/consents/index.js';
import { loadSecret, loadSigningKey } from '../../lib/keys.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../../lib/personId.js';
import { dpopThumbprint } from '../../lib/tokens/dpop.js';
import { INTERNAL_KEY_SOURCE } from '../../lib/tokens/internalCredential.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { personas } from '../support/hub.js';
import { freshPostgresDatabase, type FreshPostgresDatabase } from '../support/postgres.js';
import { freePorts, killAll, killHard, probe, sleep, spawnService, waitReadyz, type ServiceProcess, SERVICE_ENTRIES } from '../support/services.js';
import { writeTrustedDocuments } from '../../scripts/devTrustedDocuments.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';

// The faults of the hardening issue, on the real services: the authorization and consent server, the four register
// subgraphs and two gateway processes, each its own OS process (consent/main.ts, subgraphs/<name>/main.ts,
// gateway/main.ts) on a temporary hub home, so that each can be killed and restarted alone. The consent database is
// a fresh PostgreSQL database when a server exists (so that it can be taken away from open connections: on SQLite
// an open file handle survives a rename or a chmod), else SQLite and the "database gone" part is skipped loudly.
// Throughout: the hub answers what it can with pathed errors, never returns data it could not authorize or record,
// recovers without a restart of the gateway, and /readyz tells the truth.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_MS = 45_000;
const CITIZEN_QUERY = '{ me { firstNames taxAssessments { year } vehicles { make } qualifications { name } } }';
const PARTNER_QUERY = '{ me { firstNames lastName isAdult address { streetAddress } taxAssessments { year earnedIncome } } }';
const COMPLETE = personas.filter((p) => p.tags.includes('complete')); // data in all four registers
const persona = COMPLETE[0]!;

const home = mkdtempSync(join(tmpdir(), 'hub-faults-'));
// Null without a PostgreSQL server: warned loudly, and the "database gone" test is skipped (CI=true: an error).
const postgres: FreshPostgresDatabase | null = await freshPostgresDatabase();
let consentDatabaseUrl: string;
let records: ConsentRecords;
let env: NodeJS.ProcessEnv;
let ports: Record<'auth' | 'population' | 'tax' | 'vehicles' | 'education' | 'requests' | 'gatewayA' | 'gatewayB', number>;
let issuerUrl: string;
let audience: string;
const services: Partial<Record<keyof typeof ports, ServiceProcess>> = {};
const gatewayUrl = (which: 'gatewayA' | 'gatewayB') => `http://127.0.0.1:${ports[which]}/graphql`;
const timings: string[] = [];
let vehiclesProxy: FaultProxy;

/** Starts one service on its port and waits for its /readyz (a gateway: also every register's and the issuer's). */
async function start(name: keyof typeof ports): Promise<ServiceProcess> {
  // Gateway B reaches the vehicles register through a fault proxy (transparent until a test injects a fault).
  const own = name === 'gatewayB' ? { ...env, GATEWAY_PORT: String(ports.gatewayB), VEHICLES_URL: `${vehiclesProxy.url}/graphql` } : env;
  const proc = spawnService(name, SERVICE_ENTRIES[name === 'gatewayA' || name === 'gatewayB' ? 'gateway' : name], own);
  services[name] = proc;
  timings.push(`${name}: ready in ${await waitReadyz(proc, ports[name], READY_MS)} ms`);
  return proc;
}

// ---- callers ------------------------------------------------------------------------------------------------------

let issuerKey: Awaited<ReturnType<typeof loadIssuerKey>>;
let pseudonymKey: Buffer;
let pairwiseKey: Buffer;
const demoBankJwk = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')) as JWK;
const demoBankKey: KeyObject = createPrivateKey({ key: demoBankJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
const dpopHeader = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty: demoBankJwk.kty, crv: demoBankJwk.crv, x: demoBankJwk.x, y: demoBankJwk.y } })).toString('base64url');

/** A fresh DPoP proof (RFC 9449) with demo-bank's committed dev key, which `npm run token` binds its tokens to. */
function dpopProof(accessToken: string, htu: string): string {
  const ath = createHash('sha256').update(accessToken, 'ascii').digest('base64url');
  const payload = Buffer.from(JSON.stringify({ htm: 'POST', htu, ath, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })).toString('base64url');
  const input = `${dpopHeader}.${payload}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: demoBankKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const personIdOf = (code: string) => personIdFor(code, pseudonymKey);

/** The citizen's own token (citizen portal, every scope), as `npm run token -- --persona <code>` prints it. */
function citizenToken(code: string): Promise<string> {
  return signAccessToken(issuerKey, { issuer: issuerUrl, audience, subject: personIdOf(code), clientId: 'citizen-portal', scopes: scopeCatalogue().map((e) => e.scope), ttlSeconds: 900 });
}

interface PartnerSession {
  code: string;
  token: string;
  consentId: string;
}

/** A demo-bank consent on record and its DPoP-bound token, as `npm run token -- --persona <code> --client demo-bank` makes them. */
async function partnerSession(code: string): Promise<PartnerSession> {
  const partner = loadPartners(env, 'dev').find((p) => p.clientId === 'demo-bank')!;
  const scopes = dataScopes(partner.scopes.join(' '));
  const grantedAt = new Date();
  const consent = await records.consents.createConsent({
    personId: personIdOf(code),
    clientId: 'demo-bank',
    clientName: partner.name,
    subject: pairwiseSubject(pairwiseKey, 'demo-bank', personIdOf(code)),
    purpose: partner.purpose,
    scopes,
    grantedAt,
    expiresAt: new Date(grantedAt.getTime() + 86_400_000),
    grantId: null,
  });
  const token = await signAccessToken(issuerKey, {
    issuer: issuerUrl,
    audience,
    subject: consent.subject,
    clientId: 'demo-bank',
    scopes,
    ttlSeconds: 900,
    consentId: consent.id,
    confirmation: await dpopThumbprint(demoBankJwk),
  });
  return { code, token, consentId: consent.id };
}

interface Answer {
  status: number;
  body: any;
  requestId: string | null;
  headers: Headers;
}

async function post(url: string, headers: Record<string, string>, query: string): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }), signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text, and the assertions say so
  }
  return { status: response.status, body, requestId: response.headers.get('x-request-id'), headers: response.headers };
}

const asCitizen = (url: string, token: string, query = CITIZEN_QUERY) => post(url, { authorization: `Bearer ${token}` }, query);
const asPartner = (url: string, session: PartnerSession, query = PARTNER_QUERY) => post(url, { authorization: `DPoP ${session.token}`, dpop: dpopProof(session.token, url) }, query);

/** True when the response carries some of the person's data (what the disclosure log must then hold). */
const carriesData = (answer: Answer) => answer.status === 200 && answer.body?.data?.me != null && Object.values(answer.body.data.me).some((v) => v !== null);
const errorsByPath = (body: any) => Object.fromEntries((body?.errors ?? []).map((e: any) => [(e.path ?? []).join('.'), e.extensions?.code]));

/** Every disclosure record of the persons, by request id. */
async function disclosuresByRequestId(codes: Iterable<string>): Promise<Map<string, string[]>> {
  const byRequest = new Map<string, string[]>();
  for (const code of new Set(codes)) {
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await records.disclosures.list(personIdOf(code), { limit: 500, beforeSeq });
      for (const record of page) byRequest.set(record.requestId, [...record.fields]);
      if (page.length < 500) break;
      beforeSeq = page[page.length - 1]!.seq;
    }
  }
  return byRequest;
}

// ---- lifecycle ----------------------------------------------------------------------------------------------------

beforeAll(async () => {
  consentDatabaseUrl = postgres?.url ?? `sqlite:${join(home, 'consent.sqlite')}`;
  const [auth, population, tax, vehicles, education, gatewayA, gatewayB, requests] = await freePorts(8);
  ports = { auth: auth!, population: population!, tax: tax!, vehicles: vehicles!, education: education!, requests: requests!, gatewayA: gatewayA!, gatewayB: gatewayB! };
  issuerUrl = `http://127.0.0.1:${ports.auth}`;
  audience = `http://127.0.0.1:${ports.gatewayA}/graphql`; // both gateways are one resource
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/DATABASE_URL$|_URL$|_PORT$|^LOG_LEVEL$/.test(name)));
  env = {
    ...inherited,
    HUB_MODE: 'dev',
    HUB_HOME: home,
    TRUSTED_DOCUMENTS_DIR: writeTrustedDocuments(join(home, 'trusted-documents'), { 'demo-bank': [PARTNER_QUERY] }),
    HUB_SEED_PERSONS: '20',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    CONSENT_DATABASE_URL: consentDatabaseUrl,
    AUTH_PORT: String(ports.auth),
    POPULATION_PORT: String(ports.population),
    TAX_PORT: String(ports.tax),
    VEHICLES_PORT: String(ports.vehicles),
    EDUCATION_PORT: String(ports.education),
    REQUESTS_PORT: String(ports.requests),
    GATEWAY_PORT: String(ports.gatewayA),
    // Each gateway one process: two gateways of two workers each, beside seven other services, would overload a
    // 2-core machine, and these faults are the registers' and the issuer's (tests/gatewayWorkers.test.ts has workers).
    GATEWAY_WORKERS: '1',
    ISSUER_URL: issuerUrl,
    GATEWAY_AUDIENCE: audience,
    SUBGRAPH_TIMEOUT_MS: '10000', // generous: on a busy machine a slow answer must not look like a fault
    // The load below is as fast as the gateways answer: on a fast machine it would reach the default rate limits,
    // which are not what these faults test (tests/security/rateLimits.test.ts is). Counting stays on.
    RATE_LIMIT_PARTNER_PER_MINUTE: '1000000',
    RATE_LIMIT_CITIZEN_PER_MINUTE: '1000000',
  };
  // The dev keys and the consent tables exist before any service starts, so that seven processes starting at once
  // never race to create them.
  issuerKey = await loadIssuerKey(env);
  await loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
  pseudonymKey = await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
  pairwiseKey = await loadSecret(env, 'HUB_PAIRWISE_KEY', 'pairwise.key');
  await loadSecret(env, 'AUTH_COOKIE_KEY', 'auth-cookie.key');
  records = await openConsentRecords(consentDatabaseUrl);
  vehiclesProxy = await startFaultProxy(new URL(`http://127.0.0.1:${ports.vehicles}`));
  const started = Date.now();
  await Promise.all((['auth', 'population', 'tax', 'vehicles', 'education', 'requests', 'gatewayA', 'gatewayB'] as const).map(start));
  timings.push(`all seven services ready in ${Date.now() - started} ms`);
}, 120_000);

afterAll(async () => {
  await killAll();
  await vehiclesProxy?.close();
  await records?.close();
  await postgres?.drop();
  rmSync(home, { recursive: true, force: true });
  console.log(`fault timings (${postgres ? 'consent database on PostgreSQL' : 'consent database on SQLite'}):\n  ${timings.join('\n  ')}`);
}, 60_000);

// ---- the faults ---------------------------------------------------------------------------------------------------

describe('the hub under faults, every service a real process', () => {
  it('answers fully on both gateways before any fault', async () => {
    const citizen = await citizenToken(persona.personalIdentityCode);
    const partner = await partnerSession(persona.personalIdentityCode);
    for (const gateway of ['gatewayA', 'gatewayB'] as const) {
      const mine = await asCitizen(gatewayUrl(gateway), citizen);
      expect(mine.status).toBe(200);
      expect(mine.body.errors).toBeUndefined();
      expect(mine.body.data.me.firstNames).toBe(persona.firstNames);
      for (const list of ['taxAssessments', 'vehicles', 'qualifications']) expect(mine.body.data.me[list].length).toBeGreaterThan(0);
      const bank = await asPartner(gatewayUrl(gateway), partner);
      expect(bank.status).toBe(200);
      expect(bank.body.errors).toBeUndefined();
      expect(bank.body.data.me.lastName).toBe(persona.lastName);
    }
  }, 30_000);

  it('a register killed: its fields null with a pathed SUBGRAPH_UNAVAILABLE, the rest answered, /readyz 503; back without a gateway restart', async () => {
    const gateway = services.gatewayA!;
    const url = gatewayUrl('gatewayA');
    const citizen = await citizenToken(persona.personalIdentityCode);
    const partner = await partnerSession(persona.personalIdentityCode);
    await killHard(services.tax!);

    const mine = await asCitizen(url, citizen);
    expect(mine.status).toBe(200);
    expect(mine.body.data.me).toMatchObject({ firstNames: persona.firstNames, taxAssessments: null });
    expect(mine.body.data.me.vehicles.length).toBeGreaterThan(0);
    expect(mine.body.data.me.qualifications.length).toBeGreaterThan(0);
    expect(errorsByPath(mine.body)).toEqual({ 'me.taxAssessments': 'SUBGRAPH_UNAVAILABLE' });
    expect(JSON.stringify(mine.body)).not.toMatch(/127\.0\.0\.1|http:|ECONNREFUSED|stack/i);

    // A partner gets what could be read, and the disclosure record names only what actually left.
    const bank = await asPartner(url, partner);
    expect(bank.status).toBe(200);
    expect(bank.body.data.me).toMatchObject({ firstNames: persona.firstNames, lastName: persona.lastName, taxAssessments: null });
    expect(errorsByPath(bank.body)).toEqual({ 'me.taxAssessments': 'SUBGRAPH_UNAVAILABLE' });
    const fields = (await disclosuresByRequestId([persona.personalIdentityCode])).get(bank.requestId!);
    expect(fields).toEqual(expect.arrayContaining(['Person.firstNames', 'Person.lastName']));
    expect(fields!.filter((field) => /tax/i.test(field))).toEqual([]);

    expect(await probe(ports.gatewayA, '/healthz')).toBe(200);
    expect(await probe(ports.gatewayA, '/readyz')).toBe(503);

    await start('tax');
    timings.push(`gateway /readyz 200 again ${await waitReadyz(gateway, ports.gatewayA, 20_000)} ms after the register's restart`);
    const again = await asCitizen(url, citizen);
    expect(again.status).toBe(200);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.me.taxAssessments.length).toBeGreaterThan(0);
    // The same gateway process throughout.
    expect(gateway.exitCode).toBeUndefined();
    expect(services.gatewayA).toBe(gateway);
  }, 60_000);

  it('a register slow, answering garbage, or cutting connections: its fields null with SUBGRAPH_TIMEOUT, SUBGRAPH_ERROR or SUBGRAPH_UNAVAILABLE, the rest answered; whole again without a restart', async () => {
    const url = gatewayUrl('gatewayB');
    const citizen = await citizenToken(persona.personalIdentityCode);
    const cases = [
      { mode: { kind: 'garbage' }, code: 'SUBGRAPH_ERROR', ready: 200 },
      { mode: { kind: 'reset' }, code: 'SUBGRAPH_UNAVAILABLE', ready: 503 },
      // Longer than gateway B's SUBGRAPH_TIMEOUT_MS (10 s here): the register is given up on, the rest is answered.
      { mode: { kind: 'slow', delayMs: 12_000 }, code: 'SUBGRAPH_TIMEOUT', ready: 200 },
    ] as const;
    for (const { mode, code, ready } of cases) {
      vehiclesProxy.set(mode);
      const started = Date.now();
      const mine = await asCitizen(url, citizen);
      timings.push(`vehicles ${mode.kind}: answered in ${Date.now() - started} ms`);
      expect(mine.status).toBe(200);
      expect(mine.body.data.me).toMatchObject({ firstNames: persona.firstNames, vehicles: null });
      expect(mine.body.data.me.taxAssessments.length).toBeGreaterThan(0);
      expect(mine.body.data.me.qualifications.length).toBeGreaterThan(0);
      expect(errorsByPath(mine.body)).toEqual({ 'me.vehicles': code });
      expect(JSON.stringify(mine.body)).not.toMatch(/127\.0\.0\.1|http:|ECONNRESET|Bad Gateway|html|stack/i);
      // The register's own health check passes through garbage and a slow /graphql; a cut connection fails it.
      expect(await probe(ports.gatewayB, '/readyz')).toBe(ready);
      // Gateway A reaches the register directly: untouched.
      expect((await asCitizen(gatewayUrl('gatewayA'), citizen)).body.errors).toBeUndefined();
    }
    vehiclesProxy.set({ kind: 'pass' });
    const whole = await asCitizen(url, citizen);
    expect(whole.body.errors).toBeUndefined();
    expect(whole.body.data.me.vehicles.length).toBeGreaterThan(0);
    expect(await probe(ports.gatewayB, '/readyz')).toBe(200);
  }, 90_000);

  it('the authorization server killed: issued tokens keep working, a revocation in the database still stops the partner, /readyz 503 until it is back', async () => {
    const url = gatewayUrl('gatewayA');
    const [first, second] = COMPLETE;
    const usedCitizen = await citizenToken(first!.personalIdentityCode);
    const freshCitizen = await citizenToken(second!.personalIdentityCode); // issued now, first presented while the issuer is down
    const revoked = await partnerSession(first!.personalIdentityCode);
    const kept = await partnerSession(second!.personalIdentityCode);
    expect((await asCitizen(url, usedCitizen)).status).toBe(200);
    expect((await asPartner(url, revoked)).status).toBe(200);

    await killHard(services.auth!);
    expect(await probe(ports.gatewayA, '/healthz')).toBe(200);
    expect(await probe(ports.gatewayA, '/readyz')).toBe(503);

    for (const [token, who] of [[usedCitizen, first!], [freshCitizen, second!]] as const) {
      const answer = await asCitizen(url, token);
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.me.firstNames).toBe(who.firstNames);
    }
    // The consent subgraph is served by the authorization server: only those fields fail, with their path.
    const withConsents = await asCitizen(url, usedCitizen, '{ me { firstNames consents { id status } } }');
    expect(withConsents.status).toBe(200);
    expect(withConsents.body.data.me).toEqual({ firstNames: first!.firstNames, consents: null });
    expect(errorsByPath(withConsents.body)).toEqual({ 'me.consents': 'SUBGRAPH_UNAVAILABLE' });

    for (const session of [revoked, kept]) {
      const answer = await asPartner(url, session);
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
    }
    // The citizen revokes while the issuer is down (written to the consent database, as the consent subgraph would):
    // the very next request of that partner is refused on every gateway; the other consent is untouched.
    expect((await records.consents.revokeConsent(personIdOf(first!.personalIdentityCode), revoked.consentId))?.status).toBe('REVOKED');
    for (const gateway of ['gatewayA', 'gatewayB'] as const) {
      const refused = await asPartner(gatewayUrl(gateway), revoked);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^DPoP /);
      expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(refused.body.data).toBeUndefined();
    }
    expect((await asPartner(url, kept)).status).toBe(200);
    expect(await probe(ports.gatewayA, '/readyz')).toBe(503);

    await start('auth');
    timings.push(`gateway /readyz 200 again ${await waitReadyz(services.gatewayA, ports.gatewayA, 20_000)} ms after the issuer's restart`);
    const back = await asCitizen(url, usedCitizen, '{ me { firstNames consents { id status } } }');
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data.me.consents).toEqual(expect.arrayContaining([{ id: revoked.consentId, status: 'REVOKED' }]));
  }, 90_000);

  (postgres ? it : it.skip)(`the consent database gone: partners fail closed (503, no data), citizens are answered, /readyz 503; back without a restart${postgres ? '' : ' (SKIPPED: no PostgreSQL available)'}`, async () => {
    if (!postgres) return;
    const url = gatewayUrl('gatewayA');
    const name = new URL(postgres.url).pathname.slice(1);
    const server = new URL(postgres.url);
    server.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: 5000 });
    await admin.connect();
    const citizen = await citizenToken(persona.personalIdentityCode);
    const partner = await partnerSession(persona.personalIdentityCode);
    expect((await asPartner(url, partner)).status).toBe(200);
    const disclosuresBefore = await records.disclosures.count();
    const refusals: Array<{ status: number; code?: string; message?: string }> = [];
    try {
      // Gone: no new connection is allowed, and every open one (the gateways', the issuer's, this test's) is cut.
      await admin.query(`alter database ${name} allow_connections false`);
      for (let i = 0; i < 3; i += 1) {
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await sleep(100);
      }
      timings.push(`consent database gone: gateway /readyz 503 within ${await waitReadyz(services.gatewayA, ports.gatewayA, 10_000, 503)} ms`);
      expect(await probe(ports.gatewayA, '/healthz')).toBe(200);

      for (let i = 0; i < 3; i += 1) {
        const refused = await asPartner(url, partner);
        // Fail closed: nothing of the person leaves, nothing internal either.
        expect(refused.status).toBeGreaterThanOrEqual(500);
        expect(refused.body.data ?? null).toBeNull();
        expect(JSON.stringify(refused.body)).not.toContain(persona.lastName);
        expect(JSON.stringify(refused.body)).not.toMatch(/postgres|select |allow_connections|hub_test_|127\.0\.0\.1|stack/i);
        refusals.push({ status: refused.status, code: refused.body.errors?.[0]?.extensions?.code, message: refused.body.errors?.[0]?.message });
      }
      // The citizen needs no consent: the registers answer; only the consent service's fields fail, with their path.
      const mine = await asCitizen(url, citizen);
      expect(mine.status).toBe(200);
      expect(mine.body.errors).toBeUndefined();
      expect(mine.body.data.me.firstNames).toBe(persona.firstNames);
      const withConsents = await asCitizen(url, citizen, '{ me { firstNames consents { id } } }');
      expect(withConsents.status).toBe(200);
      expect(withConsents.body.data.me).toEqual({ firstNames: persona.firstNames, consents: null });
      // A register's own failure, masked at the gateway ("Internal error"), at its path.
      expect(errorsByPath(withConsents.body)).toEqual({ 'me.consents': expect.stringMatching(/^(SUBGRAPH_ERROR|SUBGRAPH_UNAVAILABLE|INTERNAL_SERVER_ERROR)$/) });
      expect(JSON.stringify(withConsents.body)).not.toMatch(/postgres|select |allow_connections|hub_test_|stack/i);
      expect(await probe(ports.gatewayA, '/readyz')).toBe(503);
    } finally {
      await admin.query(`alter database ${name} allow_connections true`);
      await admin.end();
    }

    timings.push(`consent database back: gateway /readyz 200 within ${await waitReadyz(services.gatewayA, ports.gatewayA, 20_000)} ms`);
    const served = await asPartner(url, partner);
    expect(served.status).toBe(200);
    expect(served.body.errors).toBeUndefined();
    expect((await disclosuresByRequestId([persona.personalIdentityCode])).has(served.requestId!)).toBe(true);
    // Nothing was recorded for the refused requests (nothing left), and the chains are intact.
    expect(await records.disclosures.count()).toBe(disclosuresBefore + 1);
    const verify = await runCommand('npm', ['run', '--silent', 'verify-disclosures', '--', '--database-url', postgres.url]);
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toMatch(/0 problems/);
    // The refusals said why, in the contract's terms: the store is unavailable (503), not an internal error. Checked
    // last so that a wrong code does not hide whether the hub recovered.
    for (const refusal of refusals) {
      expect(refusal).toEqual({ status: 503, code: expect.stringMatching(/^(CONSENT_STORE_UNAVAILABLE|DISCLOSURE_UNAVAILABLE)$/), message: expect.any(String) });
    }
  }, 90_000);

  it('a gateway killed under load: the other keeps answering, and every delivered response has its disclosure on record', async () => {
    const codes = COMPLETE.map((p) => p.personalIdentityCode);
    const partners = await Promise.all(codes.map(partnerSession));
    const citizens = await Promise.all(codes.map(citizenToken));
    interface Outcome { gateway: 'gatewayA' | 'gatewayB'; partner: boolean; code: string; answer?: Answer; error?: unknown; at: number }
    const outcomes: Outcome[] = [];
    let killedAt = Infinity;
    let stopAt = Infinity;
    const loop = async (gateway: 'gatewayA' | 'gatewayB', offset: number) => {
      for (let i = offset; Date.now() < stopAt; i += 1) {
        const partner = i % 2 === 0;
        const which = i % codes.length;
        const outcome: Outcome = { gateway, partner, code: codes[which]!, at: 0 };
        try {
          outcome.answer = partner ? await asPartner(gatewayUrl(gateway), partners[which]!) : await asCitizen(gatewayUrl(gateway), citizens[which]!);
        } catch (error) {
          outcome.error = error;
        }
        outcome.at = Date.now();
        outcomes.push(outcome);
        if (gateway === 'gatewayB' && outcome.at > killedAt) return; // that gateway is gone
      }
    };
    const loops = [0, 1, 2].flatMap((offset) => [loop('gatewayA', offset), loop('gatewayB', offset)]);
    const delivered = (gateway: string) => outcomes.filter((o) => o.gateway === gateway && o.partner && o.answer && carriesData(o.answer)).length;
    const deadline = Date.now() + 30_000;
    while (delivered('gatewayB') < 15 && Date.now() < deadline) await sleep(20);
    await sleep(Math.random() * 300);
    const answeredBeforeKill = outcomes.length;
    killedAt = Date.now();
    await killHard(services.gatewayB!);
    stopAt = Date.now() + 2000; // gateway A keeps being asked after the kill
    await Promise.all(loops);

    const a = outcomes.filter((o) => o.gateway === 'gatewayA');
    const b = outcomes.filter((o) => o.gateway === 'gatewayB');
    timings.push(`gateway kill under load: ${outcomes.length} requests (${answeredBeforeKill} answered before the kill); A ${a.length}, B ${b.length} of which ${delivered('gatewayB')} partner responses delivered, ${b.filter((o) => o.error).length} cut off`);
    expect(delivered('gatewayB')).toBeGreaterThanOrEqual(15);
    // Gateway A answered every request, before, during and after the other's death.
    const failedOnA = a.filter((o) => !o.answer || o.answer.status !== 200 || o.answer.body.errors || !carriesData(o.answer));
    expect(failedOnA.map((o) => ({ partner: o.partner, status: o.answer?.status, error: String(o.error ?? ''), body: JSON.stringify(o.answer?.body ?? '').slice(0, 200) }))).toEqual([]);
    expect(a.filter((o) => o.at > killedAt + 500).length).toBeGreaterThan(0);
    // Every partner response delivered with data, by either gateway, has its disclosure on record.
    const recorded = await disclosuresByRequestId(codes);
    const deliveredIds = outcomes.filter((o) => o.partner && o.answer && carriesData(o.answer)).map((o) => o.answer!.requestId!);
    expect(deliveredIds.filter((id) => !recorded.has(id))).toEqual([]);
    const verification = await records.disclosures.verify();
    expect(verification.problems).toEqual([]);
  }, 90_000);
});

function runCommand(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
