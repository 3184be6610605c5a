import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { openConsentRecords } from '../../lib/consents/index.js';
import { loadSecret } from '../../lib/keys.js';
import { personIdFor, PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../../lib/personId.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { freePorts, killAll, killHard, sleep, spawnService, waitReadyz, type ServiceProcess } from '../support/services.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerQuery, type Authorization, type PartnerClient } from '../support/partnerFlow.js';
import { writeTrustedDocuments } from '../../scripts/devTrustedDocuments.js';

// CONTRACT: the consent and disclosure records survive `kill -9` of any service at any moment. The hub runs as a
// real process (scripts/start.ts, its own process group) on a temporary hub home; the test SIGKILLs it in the
// middle of partner authorizations, in the middle of a burst of partner queries, right after a revocation answered,
// and (a separate gateway/main.ts process on the same database) kills only a gateway mid-burst. After each restart
// on the same hub home every acknowledged consent, every revocation and every delivered response's disclosure
// must be on record; records nobody saw acknowledged are allowed (the record is written first), the reverse never.

const READY_MS = 30_000;
const PARTNER_SCOPE = 'openid population:name population:address population:adult tax:income';
const PARTNER_QUERY = '{ me { firstNames lastName isAdult address { streetAddress } taxAssessments { year earnedIncome } } }';
// The personas of data/personas.json (stable across versions, CONTRACT.md).
const PERSONAS = ['140385-962D', '021172-917A', '230779X9351', '300590Y9519', '081268-946W', '270448-9035', '111005B988A', '190155-9308'];

const randomBetween = (min: number, max: number) => min + Math.random() * (max - min);

/** Waits until every port answers /readyz; fails with the process's output if it dies or takes too long. */
async function waitReady(proc: ServiceProcess, ports: number[]): Promise<number> {
  const started = Date.now();
  for (const port of ports) await waitReadyz(proc, port, Math.max(1, READY_MS - (Date.now() - started)));
  return Date.now() - started;
}

// ---- the hub under test -----------------------------------------------------------------------------------------

const home = mkdtempSync(join(tmpdir(), 'hub-durability-'));
let ports: Record<string, number>;
let env: NodeJS.ProcessEnv;
let gatewayUrl: string;
let issuerUrl: string;
let hub: ServiceProcess | undefined;
const timings: string[] = [];

async function startHub(label: string): Promise<void> {
  hub = spawnService(`hub (${label})`, 'scripts/start.ts', env);
  const ms = await waitReady(hub, [ports.AUTH_PORT!, ports.POPULATION_PORT!, ports.TAX_PORT!, ports.VEHICLES_PORT!, ports.EDUCATION_PORT!, ports.REQUESTS_PORT!, ports.GATEWAY_PORT!]);
  timings.push(`${label}: ready in ${ms} ms`);
}

async function killHub(): Promise<void> {
  if (hub) await killHard(hub);
  hub = undefined;
}

// ---- the citizen's view -----------------------------------------------------------------------------------------

const citizenTokens = new Map<string, string>();

/** The citizen's own token, signed with the hub's dev issuer key as `npm run token -- --persona <code>` does. */
async function citizenToken(persona: string): Promise<string> {
  let token = citizenTokens.get(persona);
  if (!token) {
    const key = await loadIssuerKey(env);
    const personId = personIdFor(persona, await loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE));
    token = await signAccessToken(key, {
      issuer: issuerUrl,
      audience: env.GATEWAY_AUDIENCE!,
      subject: personId,
      clientId: 'citizen-portal',
      scopes: scopeCatalogue().map((entry) => entry.scope),
      ttlSeconds: 900,
    });
    citizenTokens.set(persona, token);
  }
  return token;
}

async function citizenQuery(persona: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await citizenToken(persona)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as any;
  if (response.status !== 200 || body.errors) throw new Error(`citizen query failed (${response.status}): ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

interface ConsentView {
  id: string;
  status: string;
  client: { id: string };
}

async function consentsOf(persona: string): Promise<ConsentView[]> {
  const data = await citizenQuery(persona, '{ me { consents { id status client { id } } } }');
  return data.me.consents;
}

/** Every disclosure request id on the citizen's record (all pages). */
async function disclosedRequestIds(persona: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let before: string | null = null;
  for (;;) {
    const data = await citizenQuery(persona, 'query Page($before: String) { me { disclosures(first: 500, before: $before) { cursor requestId consentId } } }', { before });
    const page = data.me.disclosures as Array<{ cursor: string; requestId: string }>;
    for (const record of page) ids.add(record.requestId);
    if (page.length < 500) return ids;
    before = page[page.length - 1]!.cursor;
  }
}

// ---- partners ---------------------------------------------------------------------------------------------------

interface PartnerSession {
  persona: string;
  partner: PartnerClient;
  accessToken: string;
  consentId: string;
}

/** Consents acknowledged to the browser (it reached the callback with a code), per persona. */
const acknowledged = new Map<string, number>();
const acknowledge = (persona: string) => acknowledged.set(persona, (acknowledged.get(persona) ?? 0) + 1);
/** Sessions of the consents granted before any kill, by persona. */
const sessions: PartnerSession[] = [];
/** Request ids of every response delivered to a partner so far. */
const delivered = new Set<string>();

interface Burst {
  sent: number;
  delivered: string[];
  failed: number;
  otherStatus: number;
}

/**
 * Fires `count` partner queries at `url`, `batch` every `spacingMs`, round-robin over the sessions; once at least
 * `minDelivered` responses have arrived it waits a random 0-`jitterMs` ms more and calls `kill` while the rest are
 * in flight. Collects the x-request-id of every response that arrived complete with HTTP 200 and data.
 */
async function burstAndKill(url: string, options: { count: number; batch: number; spacingMs: number; minDelivered: number; jitterMs: number; kill: () => Promise<void> }): Promise<Burst & { killedAfterMs: number }> {
  const burst: Burst = { sent: 0, delivered: [], failed: 0, otherStatus: 0 };
  const started = Date.now();
  const requests: Array<Promise<void>> = [];
  let stopped = false;
  const fire = async (session: PartnerSession) => {
    burst.sent += 1;
    try {
      const { status, body, headers } = await partnerQuery(session.partner, url, session.accessToken, PARTNER_QUERY);
      // Delivered: the whole response arrived, HTTP 200, with some of the person's data in it.
      const me = status === 200 ? body?.data?.me : null;
      if (me && Object.values(me).some((value) => value !== null)) burst.delivered.push(headers.get('x-request-id')!);
      else burst.otherStatus += 1;
    } catch {
      burst.failed += 1; // the connection died with the process: nothing was delivered
    }
  };
  const sender = (async () => {
    for (let i = 0; i < options.count && !stopped; i += 1) {
      requests.push(fire(sessions[i % sessions.length]!));
      if ((i + 1) % options.batch === 0) await sleep(options.spacingMs);
    }
  })();
  const deadline = Date.now() + 20_000;
  while (burst.delivered.length < options.minDelivered && Date.now() < deadline) await sleep(5);
  if (burst.delivered.length < options.minDelivered) throw new Error(`only ${burst.delivered.length} responses in 20 s (sent ${burst.sent}, failed ${burst.failed}, other ${burst.otherStatus})`);
  await sleep(randomBetween(0, options.jitterMs));
  const killedAfterMs = Date.now() - started;
  const sentAtKill = burst.sent;
  const inFlightAtKill = burst.sent - burst.delivered.length - burst.failed - burst.otherStatus;
  await options.kill();
  stopped = true;
  await sender;
  await Promise.all(requests);
  timings.push(`burst at ${url}: killed after ${killedAfterMs} ms with ${inFlightAtKill} requests in flight (${sentAtKill} sent so far)`);
  return { ...burst, killedAfterMs };
}

// ---- lifecycle --------------------------------------------------------------------------------------------------

beforeAll(async () => {
  const names = ['AUTH_PORT', 'POPULATION_PORT', 'TAX_PORT', 'VEHICLES_PORT', 'EDUCATION_PORT', 'REQUESTS_PORT', 'GATEWAY_PORT', 'PORTAL_PORT', 'PARTNER_PORT', 'CONSOLE_PORT', 'SECOND_GATEWAY_PORT'];
  // 25000-32499: apart from the ranges the other process-spawning tests pick from at the same time.
  const chosen = await freePorts(names.length, [25_000, 32_500]);
  ports = Object.fromEntries(names.map((name, i) => [name, chosen[i]!]));
  issuerUrl = `http://127.0.0.1:${ports.AUTH_PORT}`;
  gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/DATABASE_URL$|_URL$|_PORT$/.test(name)));
  env = {
    ...inherited,
    HUB_MODE: 'dev',
    HUB_HOME: home,
    TRUSTED_DOCUMENTS_DIR: writeTrustedDocuments(join(home, 'trusted-documents'), { 'demo-bank': [PARTNER_QUERY] }),
    HUB_SEED_PERSONS: '50',
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(Object.entries(ports).filter(([name]) => name !== 'SECOND_GATEWAY_PORT').map(([name, port]) => [name, String(port)])),
    ISSUER_URL: issuerUrl,
    GATEWAY_AUDIENCE: gatewayUrl,
  };
  await startHub('first start');
}, 60_000);

afterAll(async () => {
  await killAll();
  rmSync(home, { recursive: true, force: true });
  console.log(`durability timings:\n  ${timings.join('\n  ')}`);
}, 30_000);

// ---- the properties ---------------------------------------------------------------------------------------------

describe('consent and disclosure records survive kill -9', () => {
  it('keeps every consent acknowledged to the browser when the hub is killed mid-authorization', async () => {
    // Four complete authorizations, codes exchanged: their consent ids are known exactly.
    const durations: number[] = [];
    for (const persona of PERSONAS.slice(0, 4)) {
      const partner = await partnerClient(issuerUrl);
      const started = Date.now();
      const authorization = await authorizeWithPar(partner, { persona }, PARTNER_SCOPE);
      durations.push(Date.now() - started);
      expect(authorization.callback.searchParams.get('code')).toEqual(expect.any(String));
      acknowledge(persona);
      const tokens = await exchangeCode(partner, authorization);
      sessions.push({ persona, partner, accessToken: tokens.access_token, consentId: String(decodeJwt(tokens.access_token).consent_id) });
    }
    timings.push(`one authorization (PAR, login, consent): ${durations.join(', ')} ms`);

    // Ten more, started 30 ms apart; SIGKILL a random 0-200 ms after the first reaches the callback, so the rest
    // are at every step: PAR, login, the consent POST, the redirect with the code.
    const inFlight: Array<{ persona: string; partner: PartnerClient; result?: Authorization; error?: unknown }> = [];
    const attempts: Array<Promise<void>> = [];
    for (let i = 0; i < 10; i += 1) {
      const persona = PERSONAS[i % PERSONAS.length]!;
      const partner = await partnerClient(issuerUrl); // discovery first: the kill should hit the flow, not discovery
      const entry: (typeof inFlight)[number] = { persona, partner };
      inFlight.push(entry);
    }
    const started = Date.now();
    inFlight.forEach((entry, i) => {
      attempts.push(
        sleep(i * 30)
          .then(() => authorizeWithPar(entry.partner, { persona: entry.persona }, PARTNER_SCOPE))
          .then((result) => {
            entry.result = result;
          }, (error: unknown) => {
            entry.error = error;
          }),
      );
    });
    while (!inFlight.some((entry) => entry.result) && Date.now() - started < 20_000) await sleep(2);
    await sleep(randomBetween(0, 200));
    const killedAfter = Date.now() - started;
    await killHub();
    await Promise.all(attempts);
    const withCode = inFlight.filter((entry) => entry.result?.callback.searchParams.get('code'));
    for (const entry of withCode) acknowledge(entry.persona);
    timings.push(`authorizations: SIGKILL ${killedAfter} ms after the first of 10 started; ${withCode.length} acknowledged, ${inFlight.filter((e) => e.error).length} cut off`);
    expect(withCode.length).toBeGreaterThan(0);

    await startHub('restart after kill mid-authorization');
    for (const session of sessions) {
      const consent = (await consentsOf(session.persona)).find((c) => c.id === session.consentId);
      expect(consent).toMatchObject({ status: 'ACTIVE', client: { id: 'demo-bank' } });
    }
    const shortfalls: string[] = [];
    for (const [persona, count] of acknowledged) {
      const active = (await consentsOf(persona)).filter((c) => c.status === 'ACTIVE' && c.client.id === 'demo-bank');
      if (active.length < count) shortfalls.push(`persona #${PERSONAS.indexOf(persona)}: ${count} consents acknowledged, ${active.length} ACTIVE on record`);
    }
    expect(shortfalls).toEqual([]);
    // A code that reached the browser before the kill still names its consent after the restart.
    let exchanged = 0;
    for (const entry of withCode) {
      let consentId: string;
      try {
        const tokens = await exchangeCode(entry.partner, entry.result!);
        consentId = String(decodeJwt(tokens.access_token).consent_id);
      } catch {
        continue; // the code itself is the authorization server's state, not a consent record
      }
      exchanged += 1;
      expect((await consentsOf(entry.persona)).find((c) => c.id === consentId)).toMatchObject({ status: 'ACTIVE' });
    }
    timings.push(`codes acknowledged before the kill and exchanged after the restart: ${exchanged}/${withCode.length}`);
  }, 90_000);

  it('keeps the disclosure of every delivered response when only a separate gateway process is killed mid-burst', async () => {
    // scripts/start.ts always runs its own gateway; a second gateway process (gateway/main.ts, as a deployment
    // runs several) shares the consent database and the token audience, and is the one that dies here.
    const port = ports.SECOND_GATEWAY_PORT!;
    // One process, as the hub's own gateway is: SIGKILL to its process group would kill every worker at once anyway,
    // and the disclosure chain across workers is tests/gatewayWorkers.test.ts's.
    const gateway = spawnService('second gateway', 'gateway/main.ts', { ...env, GATEWAY_PORT: String(port), GATEWAY_WORKERS: '1' });
    const readyMs = await waitReady(gateway, [port]);
    timings.push(`second gateway: ready in ${readyMs} ms`);
    const burst = await burstAndKill(`http://127.0.0.1:${port}/graphql`, { count: 150, batch: 10, spacingMs: 50, minDelivered: 10, jitterMs: 400, kill: () => killHard(gateway) });
    timings.push(`second gateway burst: sent ${burst.sent}, delivered ${burst.delivered.length}, cut off ${burst.failed}, other ${burst.otherStatus}`);
    expect(burst.delivered.length).toBeGreaterThan(0);

    // The hub never stopped: its own gateway reads the records the dead process committed.
    const recorded = new Set<string>();
    for (const persona of new Set(sessions.map((s) => s.persona))) for (const id of await disclosedRequestIds(persona)) recorded.add(id);
    const missing = burst.delivered.filter((id) => !recorded.has(id));
    for (const id of burst.delivered) delivered.add(id);
    timings.push(`second gateway: ${recorded.size} disclosures on record, ${[...recorded].filter((id) => !delivered.has(id)).length} of them written but never delivered`);
    expect(missing).toEqual([]);
  }, 60_000);

  it('keeps the disclosure of every delivered response when the hub is killed mid-burst', async () => {
    const burst = await burstAndKill(gatewayUrl, { count: 200, batch: 10, spacingMs: 50, minDelivered: 20, jitterMs: 500, kill: killHub });
    timings.push(`hub burst: sent ${burst.sent}, delivered ${burst.delivered.length}, cut off ${burst.failed}, other ${burst.otherStatus}`);
    expect(burst.delivered.length).toBeGreaterThan(0);

    await startHub('restart after kill mid-burst');
    const recorded = new Set<string>();
    for (const persona of new Set(sessions.map((s) => s.persona))) for (const id of await disclosedRequestIds(persona)) recorded.add(id);
    const missing = burst.delivered.filter((id) => !recorded.has(id));
    for (const id of burst.delivered) delivered.add(id);
    timings.push(`after the hub restart: ${recorded.size} disclosures on record, ${[...recorded].filter((id) => !delivered.has(id)).length} of them written but never delivered`);
    expect(missing).toEqual([]);

    // The partners' tokens still work after the restart: nothing but the process was lost.
    const { status } = await partnerQuery(sessions[0]!.partner, gatewayUrl, sessions[0]!.accessToken, PARTNER_QUERY);
    expect(status).toBe(200);
  }, 60_000);

  it('keeps a revocation that answered REVOKED when the hub is killed right after it', async () => {
    const session = sessions[1]!;
    const data = await citizenQuery(session.persona, 'mutation Revoke($id: ID!) { revokeConsent(id: $id) { id status } }', { id: session.consentId });
    expect(data.revokeConsent).toEqual({ id: session.consentId, status: 'REVOKED' });
    await killHub();

    await startHub('restart after kill right after a revocation');
    const consent = (await consentsOf(session.persona)).find((c) => c.id === session.consentId);
    expect(consent?.status).toBe('REVOKED');
    const { status, headers, body } = await partnerQuery(session.partner, gatewayUrl, session.accessToken, PARTNER_QUERY);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toEqual(expect.any(String));
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // The other partners' consents are untouched.
    expect((await partnerQuery(sessions[0]!.partner, gatewayUrl, sessions[0]!.accessToken, PARTNER_QUERY)).status).toBe(200);
  }, 60_000);

  it('leaves every disclosure hash chain intact after all the kills', async () => {
    // Read beside the running hub, as `npm run verify-disclosures` does (WAL: readers do not block the hub).
    const records = await openConsentRecords(`sqlite:${join(home, 'consent.sqlite')}`);
    try {
      const verification = await records.disclosures.verify();
      expect(verification.problems).toEqual([]);
      expect(verification.ok).toBe(true);
      expect(verification.records).toBeGreaterThan(0);
    } finally {
      await records.close();
    }
  }, 30_000);
});
