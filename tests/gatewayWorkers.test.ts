import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { signAccessToken } from '../consent/accessTokens.js';
import { loadIssuerKey } from '../consent/issuerKeys.js';
import { readConsentDatabaseUrl } from '../lib/config.js';
import { openConsentRecords, type ConsentRecords } from '../lib/consents/index.js';
import type { SigningKey } from '../lib/keys.js';
import { createDpopProof } from '../lib/tokens/dpopProof.js';
import { personaWith, personas, startTestHub, type TestHub, type TestPersona } from './support/hub.js';
import { startFaultProxy, type FaultProxy } from './support/faultProxy.js';
import { freePorts, killAll, sleep, spawnService, waitReadyz, type ServiceProcess } from './support/services.js';

// Issue 14 item 4 on real processes: gateway/main.ts with GATEWAY_WORKERS=2 (a cluster primary and two workers) on
// one port, behind the test hub's consent server and registers. Requests land on both workers (each response's
// x-request-id is found in a worker's log line, which names its pid); what must hold across processes holds because
// it lives in the consent database: a DPoP proof is accepted once, a revocation stops both workers at once, the rate
// limit counts across them, and the disclosure chain stays whole. /metrics on either worker is the whole gateway's.
// A worker killed is replaced while the other serves on; SIGTERM to the primary drains both (a request in flight
// completes) and everything exits 0; SIGKILL to the primary leaves no worker serving.

const NAME_QUERY = '{ me { firstNames lastName } }';
const TAX_QUERY = '{ me { firstNames taxAssessments { year } } }';
const CITIZEN_LIMIT = 10;
const DRAIN_SECONDS = 1;

interface Answer {
  status: number;
  requestId: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

/** One gateway started by this file: its primary, and every JSON line its processes wrote (whole, not a tail). */
interface Gateway {
  proc: ServiceProcess;
  port: number;
  lines: Array<Record<string, any>>;
}

let hub: TestHub;
let proxy: FaultProxy;
let issuerKey: SigningKey;
let records: ConsentRecords;
let gateway: Gateway;
/** Every /graphql request this file sent to `gateway`, for the metrics' totals. */
let graphqlSent = 0;

// One persona per scenario, so that no scenario's rate limit counts or disclosures meet another's; the drain's request
// asks the tax register, so its persona has tax data.
const DRAINED = personaWith('complete');
const [SPREAD, REPLAY, REVOKED, CHAIN, LIMITED, KILLED] = personas.filter((p) => p !== DRAINED) as [TestPersona, TestPersona, TestPersona, TestPersona, TestPersona, TestPersona];

function startGateway(port: number, env: Record<string, string>): Gateway {
  const proc = spawnService(`gateway (2 workers, ${port})`, 'gateway/main.ts', {
    ...process.env, ...hub.env, ...env, GATEWAY_PORT: String(port), GATEWAY_PUBLIC_URL: `http://127.0.0.1:${port}/graphql`, GATEWAY_WORKERS: '2', LOG_LEVEL: 'info',
  });
  const lines: Gateway['lines'] = [];
  let partial = '';
  proc.child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const whole = text.split('\n');
    partial = whole.pop()!;
    for (const line of whole) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        // not a log line (a stack trace on stderr goes to proc.output)
      }
    }
  });
  return { proc, port, lines };
}

/** Waits until `predicate` holds for some line; resolves with it. */
async function logLine(g: Gateway, predicate: (line: Record<string, any>) => boolean, timeoutMs = 45_000): Promise<Record<string, any>> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const found = g.lines.find(predicate);
    if (found) return found;
    if (g.proc.exitCode !== undefined) break;
    await sleep(50);
  }
  throw new Error(`no such log line within ${timeoutMs} ms:\n${g.proc.output.slice(-4000)}`);
}

/** The pids of the workers listening in each slot, newest first. */
const listening = (g: Gateway) => g.lines.filter((l) => l.msg === 'gateway worker listening').map((l) => ({ slot: l.slot as number, pid: l.pid as number }));

/** The pid of the worker that served the request with this id (its request log line). */
async function servedBy(g: Gateway, requestId: string): Promise<number> {
  return (await logLine(g, (l) => l.msg === 'request' && l.requestId === requestId, 5000)).pid;
}

/** POSTs a GraphQL request on a connection of its own, which the primary hands to the next worker in turn. */
function post(g: Gateway, headers: Record<string, string>, body: unknown): Promise<Answer> {
  graphqlSent += 1;
  return send(g.port, 'POST', '/graphql', { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let parsed: any = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // metrics text
        }
        resolve({ status: res.statusCode!, requestId: String(res.headers['x-request-id']), headers: res.headers, body: parsed, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const citizen = async (g: Gateway, who: TestPersona, query = NAME_QUERY) => post(g, { authorization: `Bearer ${await hub.token(who.personalIdentityCode)}` }, { query });

/** A partner (demo-bank) with an active consent for `who` and a DPoP-bound token for it, as the issuer signs them. */
async function partnerGrant(who: TestPersona) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = await exportJWK(publicKey);
  const subject = `pw_test-${randomUUID()}`;
  const personId = await hub.personId(who.personalIdentityCode);
  const grantedAt = new Date();
  const consent = await records.consents.createConsent({
    personId, clientId: 'demo-bank', clientName: 'Demo Bank', subject, purpose: { fi: 'Testi', sv: 'Test', en: 'Testing workers' },
    scopes: ['population:name'], grantedAt, expiresAt: new Date(grantedAt.getTime() + 3_600_000),
  });
  const token = await signAccessToken(issuerKey, {
    issuer: hub.env.ISSUER_URL!, audience: hub.env.GATEWAY_AUDIENCE!, subject, clientId: 'demo-bank', scopes: ['population:name'], ttlSeconds: 300,
    confirmation: await calculateJwkThumbprint(publicJwk, 'sha256'), consentId: consent.id,
  });
  return { token, privateKey, publicJwk, personId, consentId: consent.id };
}

const proofFor = (g: Gateway, grant: { token: string; privateKey: CryptoKey; publicJwk: JWK }) =>
  createDpopProof(grant.privateKey, grant.publicJwk, 'ES256', { htm: 'POST', htu: `http://127.0.0.1:${g.port}/graphql`, accessToken: grant.token });
const asPartner = (g: Gateway, grant: { token: string }, proof: string) => post(g, { authorization: `DPoP ${grant.token}`, dpop: proof }, { query: NAME_QUERY });

function expectName(answer: Answer, who: TestPersona): void {
  expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 200, errors: undefined });
  expect(answer.body.data.me).toEqual({ firstNames: who.firstNames, lastName: who.lastName });
}

/** The sum of a metric's series whose labels include `labels` (Prometheus text). */
function total(text: string, name: string, labels: string[] = []): number {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Whether a process runs (a zombie waiting for its reaper does not). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': [NAME_QUERY] } });
  issuerKey = await loadIssuerKey(hub.env);
  records = await openConsentRecords(readConsentDatabaseUrl(hub.env));
  // The tax register through a proxy that can hold a request: the drain's request in flight.
  proxy = await startFaultProxy(new URL(new URL(hub.env.TAX_URL!).origin));
  const [port] = await freePorts(1);
  gateway = startGateway(port!, {
    TAX_URL: `${proxy.url}/graphql`, SUBGRAPH_TIMEOUT_MS: '15000', SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
    // An hour's window, so that no window ends while the limit test counts (it also waits out the last seconds of one).
    RATE_LIMIT_CITIZEN_PER_MINUTE: String(CITIZEN_LIMIT), RATE_LIMIT_WINDOW_SECONDS: '3600',
  });
  await waitReadyz(gateway.proc, port!, 60_000);
  // The second worker starts once the first listens.
  await logLine(gateway, () => new Set(listening(gateway).map((w) => w.slot)).size === 2, 60_000);
}, 150_000);

afterAll(async () => {
  await killAll();
  await proxy?.close();
  await records?.close();
  await hub?.stop();
});

describe('GATEWAY_WORKERS=2', () => {
  it('one primary and two workers serve the port; requests on fresh connections land on both', async () => {
    const workers = listening(gateway);
    expect(workers).toHaveLength(2);
    expect(workers.map((w) => w.pid)).not.toContain(gateway.proc.pid);
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await citizen(gateway, SPREAD));
    for (const answer of answers) expectName(answer, SPREAD);
    const pids = await Promise.all(answers.map((a) => servedBy(gateway, a.requestId)));
    expect(new Set(pids)).toEqual(new Set(workers.map((w) => w.pid)));
    // The log names no person and no token.
    const log = JSON.stringify(gateway.lines);
    for (const secret of [SPREAD.personalIdentityCode, SPREAD.lastName, 'eyJ']) expect(log).not.toContain(secret);
  });

  it('a DPoP proof is accepted once: replayed on fresh connections, it is refused by the other worker too', async () => {
    const grant = await partnerGrant(REPLAY);
    const proof = await proofFor(gateway, grant);
    const first = await asPartner(gateway, grant, proof);
    expectName(first, REPLAY);
    const replays = [];
    for (let i = 0; i < 3; i += 1) replays.push(await asPartner(gateway, grant, proof));
    for (const replay of replays) {
      expect({ status: replay.status, code: replay.body.errors?.[0]?.extensions?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      expect(replay.headers['www-authenticate']).toMatch(/invalid_dpop_proof/);
      expect(replay.body.data).toBeUndefined();
    }
    const accepted = await servedBy(gateway, first.requestId);
    const refusedBy = await Promise.all(replays.map((r) => servedBy(gateway, r.requestId)));
    expect(refusedBy.filter((pid) => pid !== accepted).length).toBeGreaterThan(0);
  });

  it('a revoked consent is refused by both workers at the very next request', async () => {
    const grant = await partnerGrant(REVOKED);
    const before = [];
    for (let i = 0; i < 2; i += 1) before.push(await asPartner(gateway, grant, await proofFor(gateway, grant)));
    for (const answer of before) expectName(answer, REVOKED);
    await records.consents.revokeConsent(grant.personId, grant.consentId);
    const after = [];
    for (let i = 0; i < 2; i += 1) after.push(await asPartner(gateway, grant, await proofFor(gateway, grant)));
    for (const answer of after) {
      expect({ status: answer.status, code: answer.body.errors?.[0]?.extensions?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      expect(answer.body.data).toBeUndefined();
    }
    // Each worker answered once before and once after: neither holds the consent in memory.
    expect(new Set(await Promise.all(before.map((a) => servedBy(gateway, a.requestId)))).size).toBe(2);
    expect(new Set(await Promise.all(after.map((a) => servedBy(gateway, a.requestId)))).size).toBe(2);
  });

  it('partner requests for one citizen on both workers at once: every disclosure recorded, the chain whole', async () => {
    const grant = await partnerGrant(CHAIN);
    const before = await records.disclosures.count(grant.personId);
    const proofs = await Promise.all(Array.from({ length: 6 }, () => proofFor(gateway, grant)));
    const answers = await Promise.all(proofs.map((proof) => asPartner(gateway, grant, proof)));
    for (const answer of answers) expectName(answer, CHAIN);
    expect(new Set(await Promise.all(answers.map((a) => servedBy(gateway, a.requestId)))).size).toBe(2);
    expect(await records.disclosures.count(grant.personId)).toBe(before + 6);
    expect((await records.disclosures.verify(grant.personId)).problems).toEqual([]);
  });

  it('the rate limit counts across both workers', async () => {
    const window = 3_600_000;
    const left = window - (Date.now() % window);
    if (left < 20_000) await sleep(left + 100);
    const allowed = [];
    for (let i = 0; i < CITIZEN_LIMIT; i += 1) allowed.push(await citizen(gateway, LIMITED));
    for (const answer of allowed) expectName(answer, LIMITED);
    // Each worker served half: counted in its own memory, neither would be over the limit yet.
    expect(new Set(await Promise.all(allowed.map((a) => servedBy(gateway, a.requestId)))).size).toBe(2);
    const refused = [await citizen(gateway, LIMITED), await citizen(gateway, LIMITED)];
    for (const answer of refused) {
      expect({ status: answer.status, code: answer.body.errors?.[0]?.extensions?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(answer.headers['ratelimit-policy']).toBe(`"citizen";q=${CITIZEN_LIMIT};w=3600`);
    }
    expect(new Set(await Promise.all(refused.map((a) => servedBy(gateway, a.requestId)))).size).toBe(2);
  });

  it('/metrics on either worker is the whole gateway\'s: every request counted, whichever worker served it', async () => {
    for (let i = 0; i < 4; i += 1) {
      const scrape = await send(gateway.port, 'GET', '/metrics');
      expect(scrape.status).toBe(200);
      expect(scrape.headers['content-type']).toMatch(/^text\/plain/);
      expect(total(scrape.text, 'http_server_request_duration_seconds_count', ['route="/graphql"'])).toBe(graphqlSent);
      expect(total(scrape.text, 'hub_rate_limit_refusals_total', ['policy="citizen"'])).toBe(2);
      expect(total(scrape.text, 'hub_gateway_workers')).toBe(2);
      expect(total(scrape.text, 'hub_gateway_worker_restarts_total')).toBe(0);
      expect(scrape.text).toMatch(/^hub_subgraph_ready\{subgraph="tax",service="gateway"\} 1$/m);
    }
    // Not through a proxy: a forwarded request is refused whoever's address it comes from.
    expect((await send(gateway.port, 'GET', '/metrics', { 'x-forwarded-for': '127.0.0.1' })).status).toBe(404);
  });

  it('a worker killed (SIGKILL) is replaced in its slot while the other serves on', async () => {
    const [victim, survivor] = listening(gateway);
    process.kill(victim!.pid, 'SIGKILL');
    await logLine(gateway, (l) => l.msg === 'gateway worker exited unexpectedly; restarting it' && l.pid === victim!.pid);
    const meanwhile = await citizen(gateway, KILLED);
    expectName(meanwhile, KILLED);
    expect(await servedBy(gateway, meanwhile.requestId)).toBe(survivor!.pid);
    const replaced = await logLine(gateway, (l) => l.msg === 'gateway worker listening' && l.slot === victim!.slot && l.pid !== victim!.pid);
    expect(alive(victim!.pid)).toBe(false);
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await citizen(gateway, KILLED));
    for (const answer of answers) expectName(answer, KILLED);
    expect(new Set(await Promise.all(answers.map((a) => servedBy(gateway, a.requestId))))).toEqual(new Set([survivor!.pid, replaced.pid]));
    const scrape = await send(gateway.port, 'GET', '/metrics');
    expect(total(scrape.text, 'hub_gateway_worker_restarts_total')).toBe(1);
    expect(total(scrape.text, 'hub_gateway_workers')).toBe(2);
  }, 90_000);

  it('SIGTERM to the primary drains both workers: a request in flight completes, and every process exits 0', async () => {
    const current = listening(gateway).filter((w) => alive(w.pid)).map((w) => w.pid);
    expect(current).toHaveLength(2);
    proxy.set({ kind: 'slow', delayMs: 2500 });
    const inFlight = citizen(gateway, DRAINED, TAX_QUERY);
    await sleep(500);
    const signalled = Date.now();
    process.kill(gateway.proc.pid, 'SIGTERM');
    await logLine(gateway, (l) => l.msg === 'draining' && current.includes(l.pid), 5000);
    const answer = await inFlight;
    expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(answer.body.data.me.taxAssessments.length).toBeGreaterThan(0);
    await gateway.proc.exited;
    expect(gateway.proc.exitCode).toBe(0);
    const stopped = gateway.lines.filter((l) => l.msg === 'gateway worker stopped');
    expect(stopped.map((l) => l.code)).toEqual([0, 0]);
    expect(new Set(stopped.map((l) => l.pid))).toEqual(new Set(current));
    for (const pid of current) expect(alive(pid)).toBe(false);
    // The drain kept serving for its seconds before closing, and no worker outlived the primary.
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000);
    proxy.set({ kind: 'pass' });
  }, 30_000);

  it('SIGKILL to the primary alone leaves no worker serving', async () => {
    const [port] = await freePorts(1);
    const second = startGateway(port!, {});
    await waitReadyz(second.proc, port!, 60_000);
    await logLine(second, () => new Set(listening(second).map((w) => w.slot)).size === 2, 60_000);
    const pids = listening(second).map((w) => w.pid);
    process.kill(second.proc.pid, 'SIGKILL'); // the primary only, not its process group
    await second.proc.exited;
    const started = Date.now();
    while (pids.some(alive) && Date.now() - started < 5000) await sleep(50);
    expect(pids.filter(alive)).toEqual([]);
    await expect(send(port!, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  }, 120_000);
});
