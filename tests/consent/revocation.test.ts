import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { startGateway } from '../../gateway/start.js';
import { readConsentDatabaseUrl, subgraphAudience } from '../../lib/config.js';
import { openConsentRecords, type ConsentRecords } from '../../lib/consents/index.js';
import { loadSigningKey, type SigningKey } from '../../lib/keys.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { createDpopProof, type DpopProofClaims } from '../../lib/tokens/dpopProof.js';
import { createInternalCredentialMinter, INTERNAL_KEY_SOURCE } from '../../lib/tokens/internalCredential.js';
import { callSubgraph } from '../support/credentials.js';
import { freePort, type RawResponse } from '../support/http.js';
import { personas, startTestHub, type TestHub, type TestPersona } from '../support/hub.js';
import { dpopGatewayQuery, type GatewayQuery } from '../support/oauthRequests.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerQuery, type PartnerClient } from '../support/partnerFlow.js';

// Revocation, expiry and misuse of partner tokens, seen from three gateways that share one consent database:
// the test hub's own gateway, a second in-process gateway (its own caches and database handle), and a third
// gateway running as a separate OS process (`node --import tsx gateway/main.ts`). All three sit behind one public
// URL (GATEWAY_PUBLIC_URL = the first gateway's), as behind a load balancer, so one DPoP proof is valid at any of
// them and only the shared replay store stops its second use.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NAME_QUERY = '{ me { firstNames lastName } }';
const REVOKE = 'mutation($id: ID!) { revokeConsent(id: $id) { id status } }';
const ALIASES_OF_ME = '{ a: me { firstNames lastName } b: me { n: firstNames l: lastName } }';
const FRAGMENTS = 'query { me { ...N ... on Person { lastName } } } fragment N on Person { firstNames }';
/**
 * Every valid operation this file's partner sends, registered for demo-bank: the attacks below must meet the
 * gateway's deeper defences (scopes, consent, subject), not only the trusted documents check.
 */
const PARTNER_DOCUMENTS = [
  NAME_QUERY, REVOKE, ALIASES_OF_ME, FRAGMENTS, '{ me { consents { id } disclosures { fields } } }', '{ me { firstNames consents { id } } }',
  '{ me { firstNames consents { id scopes } disclosures { fields } } }',
];

function persona(code: string): TestPersona {
  const found = personas.find((p) => p.personalIdentityCode === code);
  if (!found) throw new Error(`no persona ${code}`);
  return found;
}
// One persona per scenario, so that no scenario sees another's consents.
const REVOKER = persona('140385-962D'); // Aino Maria Virtanen
const OTHER_CITIZEN = persona('021172-917A'); // Mikko Juhani Korhonen
const EXPIRING = persona('190155-9308'); // Kaarina Anneli Koskinen
const VICTIM_A = persona('230779X9351'); // Juha Matti Salminen
const VICTIM_B = persona('300590Y9519'); // Eero Olavi Mäkinen
const DPOP_PERSONA = persona('270448-9035'); // Veikko Tapani Heikkinen
const SELF_PERSONA = persona('111005B988A'); // Emma Sofia Laine

interface Gateway {
  name: string;
  url: string;
}

/** A DPoP key pair the test holds, with its RFC 7638 thumbprint (`cnf.jkt`). */
interface Holder {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

/** A partner's DPoP-bound access token with the key it is bound to. */
interface PartnerGrant {
  token: string;
  holder: Holder;
  consentId: string;
  subject: string;
  partner: PartnerClient;
}

let hub: TestHub;
let publicUrl: string;
let second: RunningService;
let third: ChildProcess | undefined;
let thirdOutput = '';
let gateways: Gateway[];
let issuerKey: SigningKey;
let records: ConsentRecords;

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts `gateway/main.ts` as its own OS process on the hub's environment and waits for its /readyz. */
async function startGatewayProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; ms: number }> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: ROOT,
    // One process: a third gateway of its own, with its own caches and database handle, is what this file needs; the
    // same properties across the workers of one gateway are tests/gatewayWorkers.test.ts's.
    env: { ...process.env, ...env, GATEWAY_PORT: String(port), GATEWAY_WORKERS: '1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (thirdOutput += chunk));
  child.stderr!.on('data', (chunk) => (thirdOutput += chunk));
  const url = `http://127.0.0.1:${port}/graphql`;
  while (Date.now() - started < 30_000) {
    if (child.exitCode !== null) throw new Error(`the gateway process exited with ${child.exitCode}: ${thirdOutput.slice(0, 2000)}`);
    if (await ready(url)) return { child, url, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the gateway process was not ready within 30 s: ${thirdOutput.slice(0, 2000)}`);
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': PARTNER_DOCUMENTS } });
  publicUrl = hub.gatewayUrl;
  const shared = { ...hub.env, GATEWAY_PORT: '0', GATEWAY_PUBLIC_URL: publicUrl };
  second = await startGateway(shared);
  const spawned = await startGatewayProcess(shared);
  third = spawned.child;
  console.log(`gateway as a separate OS process: ready after ${spawned.ms} ms`);
  gateways = [
    { name: 'gateway 1 (test hub)', url: hub.gatewayUrl },
    { name: 'gateway 2 (in-process, own caches)', url: second.url },
    { name: 'gateway 3 (separate OS process)', url: spawned.url },
  ];
  issuerKey = await loadIssuerKey(hub.env);
  records = await openConsentRecords(readConsentDatabaseUrl(hub.env));
}, 90_000);

afterAll(async () => {
  await stopProcess(third);
  await second?.stop();
  await records?.close();
  await hub?.stop();
});

async function newHolder(): Promise<Holder> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** The DPoP key openid-client made for a partner, as a holder for hand-made proofs. */
async function holderOf(partner: PartnerClient): Promise<Holder> {
  const publicJwk = await exportJWK(partner.dpopKeys.publicKey);
  return { privateKey: partner.dpopKeys.privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** The whole partner flow (PAR, login, consent, code exchange with DPoP) for demo-bank. */
async function grant(who: TestPersona, scope = 'openid population:name'): Promise<PartnerGrant> {
  const partner = await partnerClient(hub.env.ISSUER_URL!);
  const authorization = await authorizeWithPar(partner, { persona: who.personalIdentityCode }, scope);
  const tokens = await exchangeCode(partner, authorization);
  const claims = decodeJwt(tokens.access_token);
  return { token: tokens.access_token, holder: await holderOf(partner), consentId: claims.consent_id as string, subject: claims.sub as string, partner };
}

/** A token signed with the issuer's own key, exactly as the server signs them, with whatever claims a test needs. */
function mint(claims: { subject: string; consentId?: string; jkt?: string; clientId?: string; scopes?: string[]; ttlSeconds?: number }): Promise<string> {
  return signAccessToken(issuerKey, {
    issuer: hub.env.ISSUER_URL!,
    audience: hub.env.GATEWAY_AUDIENCE!,
    subject: claims.subject,
    clientId: claims.clientId ?? 'demo-bank',
    scopes: claims.scopes ?? ['population:name'],
    ttlSeconds: claims.ttlSeconds ?? 300,
    confirmation: claims.jkt,
    consentId: claims.consentId,
  });
}

/** A gateway request (see GatewayQuery) signed by `holder`; the query defaults to NAME_QUERY. */
interface SendOptions extends Omit<GatewayQuery, 'key' | 'query'> {
  holder?: Holder;
  query?: string;
}

async function proofFor(holder: Holder, token: string, claims: Partial<DpopProofClaims> = {}): Promise<string> {
  return createDpopProof(holder.privateKey, holder.publicJwk, 'ES256', { htm: 'POST', htu: publicUrl, accessToken: token, ...claims });
}

/** POSTs a GraphQL operation with a partner token and (by default) a fresh, correct DPoP proof for the public URL. */
function send(url: string, { holder, query = NAME_QUERY, ...options }: SendOptions): Promise<RawResponse> {
  return dpopGatewayQuery(url, { ...options, key: holder, query, claims: { htu: publicUrl, ...options.claims } });
}

/** The citizen's own query (citizen-portal token, every scope) through gateway 1. */
async function asCitizen(who: TestPersona, query: string, variables?: Record<string, unknown>) {
  return hub.query(await hub.token(who.personalIdentityCode), query, variables);
}

async function consentOf(who: TestPersona, id: string): Promise<any> {
  const { status, body } = await asCitizen(who, '{ me { consents { id status revokedAt expiresAt client { id } } } }');
  expect(status).toBe(200);
  return body.data.me.consents.find((c: any) => c.id === id);
}

/** Every register value of a persona this file could leak, and its identifiers. */
function secretsOf(who: TestPersona): string[] {
  return [who.firstNames, who.lastName, who.personalIdentityCode];
}

function expectUnauthenticated(answer: RawResponse, who: TestPersona, challenge?: RegExp): void {
  expect({ status: answer.status, code: answer.body?.errors?.[0]?.extensions?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  expect(answer.headers.get('www-authenticate')).toBeTruthy();
  if (challenge) expect(answer.headers.get('www-authenticate')).toMatch(challenge);
  expect(answer.body.data).toBeUndefined();
  for (const secret of secretsOf(who)) expect(answer.text).not.toContain(secret);
}

function expectName(answer: RawResponse, who: TestPersona): void {
  expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 200, errors: undefined });
  expect(answer.body.data.me).toEqual({ firstNames: who.firstNames, lastName: who.lastName });
}

describe('revocation stops a partner on every gateway at once', () => {
  let revoker: PartnerGrant;
  let other: PartnerGrant;
  let revokedAt: string;

  beforeAll(async () => {
    revoker = await grant(REVOKER);
    other = await grant(OTHER_CITIZEN);
  }, 60_000);

  it('the partner token works on all three gateways (openid-client on gateway 1, hand-made proofs elsewhere)', async () => {
    const viaLibrary = await partnerQuery(revoker.partner, publicUrl, revoker.token, NAME_QUERY);
    expect(viaLibrary.status).toBe(200);
    expect(viaLibrary.body.data.me).toEqual({ firstNames: REVOKER.firstNames, lastName: REVOKER.lastName });
    for (const gateway of gateways) expectName(await send(gateway.url, { token: revoker.token, holder: revoker.holder }), REVOKER);
  });

  it('a partner cannot call revokeConsent, not even on its own consent (scope self is never a partner\'s)', async () => {
    for (const gateway of gateways) {
      const answer = await send(gateway.url, { token: revoker.token, holder: revoker.holder, query: REVOKE, variables: { id: revoker.consentId } });
      expect(answer.status).toBe(200);
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
      expect(answer.body.errors[0].path).toEqual(['revokeConsent']);
    }
    // Nor read the citizen's consents or disclosures.
    const reads = await send(publicUrl, { token: revoker.token, holder: revoker.holder, query: '{ me { consents { id } disclosures { fields } } }' });
    expect(reads.body.data ?? null).toBeNull();
    expect(reads.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE']);
    expect((await consentOf(REVOKER, revoker.consentId)).status).toBe('ACTIVE');
  });

  it('a forged partner token that claims scope self (signed with the issuer key) still cannot revoke or read consents', async () => {
    const forged = await mint({ subject: revoker.subject, consentId: revoker.consentId, jkt: revoker.holder.jkt, scopes: ['population:name', 'self'] });
    const answer = await send(publicUrl, { token: forged, holder: revoker.holder, query: REVOKE, variables: { id: revoker.consentId } });
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const reads = await send(publicUrl, { token: forged, holder: revoker.holder, query: '{ me { firstNames consents { id } } }' });
    expect(reads.body.data.me).toEqual({ firstNames: REVOKER.firstNames, consents: null });
    expect((await consentOf(REVOKER, revoker.consentId)).status).toBe('ACTIVE');
  });

  it('revoking an unknown id or another citizen\'s consent answers NOT_FOUND and changes nothing', async () => {
    for (const id of [randomUUID(), 'not-a-consent-id', other.consentId]) {
      const answer = await asCitizen(REVOKER, 'mutation($id: ID!) { revokeConsent(id: $id) { id status } }', { id });
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors.map((e: any) => e.extensions.code)).toEqual(['NOT_FOUND']);
      for (const secret of secretsOf(OTHER_CITIZEN)) expect(JSON.stringify(answer.body)).not.toContain(secret);
    }
    expect(await consentOf(OTHER_CITIZEN, other.consentId)).toMatchObject({ status: 'ACTIVE', revokedAt: null });
    expect(await consentOf(REVOKER, revoker.consentId)).toMatchObject({ status: 'ACTIVE', revokedAt: null });
    for (const gateway of gateways) expectName(await send(gateway.url, { token: other.token, holder: other.holder }), OTHER_CITIZEN);
    expectName(await send(publicUrl, { token: revoker.token, holder: revoker.holder }), REVOKER);
  });

  it('after the citizen revokes (through gateway 1), the very next request answers 401 on every gateway', async () => {
    const before = Date.now();
    const answer = await asCitizen(REVOKER, 'mutation($id: ID!) { revokeConsent(id: $id) { id status revokedAt } }', { id: revoker.consentId });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.revokeConsent).toMatchObject({ id: revoker.consentId, status: 'REVOKED' });
    revokedAt = answer.body.data.revokeConsent.revokedAt;
    expect(Date.parse(revokedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(revokedAt)).toBeLessThanOrEqual(Date.now() + 1000);

    for (const gateway of gateways) {
      const refused = await send(gateway.url, { token: revoker.token, holder: revoker.holder });
      expectUnauthenticated(refused, REVOKER);
    }
    // openid-client sees the challenge too.
    const viaLibrary = await partnerQuery(revoker.partner, publicUrl, revoker.token, NAME_QUERY);
    expect(viaLibrary.status).toBe(401);
    expect(viaLibrary.headers.get('www-authenticate')).toBeTruthy();
    expect(viaLibrary.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(viaLibrary.body.data).toBeUndefined();
    // The other citizen's consent with the same partner is untouched.
    for (const gateway of gateways) expectName(await send(gateway.url, { token: other.token, holder: other.holder }), OTHER_CITIZEN);
  });

  it('me { consents } shows REVOKED with revokedAt; revoking again is idempotent and keeps the first time', async () => {
    expect(await consentOf(REVOKER, revoker.consentId)).toMatchObject({ status: 'REVOKED', revokedAt, client: { id: 'demo-bank' } });
    const again = await asCitizen(REVOKER, 'mutation($id: ID!) { revokeConsent(id: $id) { id status revokedAt } }', { id: revoker.consentId });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.revokeConsent).toEqual({ id: revoker.consentId, status: 'REVOKED', revokedAt });
    expect(await consentOf(REVOKER, revoker.consentId)).toMatchObject({ status: 'REVOKED', revokedAt });
    for (const gateway of gateways) expectUnauthenticated(await send(gateway.url, { token: revoker.token, holder: revoker.holder }), REVOKER);
  });

  it('a token minted anew on the revoked consent (fresh jti, issuer\'s key) is refused as well', async () => {
    const fresh = await mint({ subject: revoker.subject, consentId: revoker.consentId, jkt: revoker.holder.jkt });
    for (const gateway of gateways) expectUnauthenticated(await send(gateway.url, { token: fresh, holder: revoker.holder }), REVOKER);
  });
});

describe('an expired consent stops its tokens', () => {
  it('works before expiresAt and answers 401 after it on every gateway; the citizen sees EXPIRED', async () => {
    const holder = await newHolder();
    const personId = await hub.personId(EXPIRING.personalIdentityCode);
    const subject = `pw_test-${randomUUID()}`;
    const grantedAt = new Date();
    const lifetimeMs = 3000;
    const consent = await records.consents.createConsent({
      personId,
      clientId: 'demo-bank',
      clientName: 'Demo Bank',
      subject,
      purpose: { fi: 'Testi', sv: 'Test', en: 'Testing expiry' },
      scopes: ['population:name'],
      grantedAt,
      expiresAt: new Date(grantedAt.getTime() + lifetimeMs),
    });
    // The token itself lives for five minutes: only the consent runs out.
    const token = await mint({ subject, consentId: consent.id, jkt: holder.jkt, ttlSeconds: 300 });
    for (const gateway of gateways) expectName(await send(gateway.url, { token, holder }), EXPIRING);
    expect(Date.now()).toBeLessThan(grantedAt.getTime() + lifetimeMs); // the checks above ran before expiry
    expect(await consentOf(EXPIRING, consent.id)).toMatchObject({ status: 'ACTIVE' });

    await new Promise((r) => setTimeout(r, Math.max(0, grantedAt.getTime() + lifetimeMs - Date.now()) + 50));
    for (const gateway of gateways) expectUnauthenticated(await send(gateway.url, { token, holder }), EXPIRING);
    expect(await consentOf(EXPIRING, consent.id)).toMatchObject({ status: 'EXPIRED', revokedAt: null, expiresAt: new Date(grantedAt.getTime() + lifetimeMs).toISOString() });
    // Revoking an expired consent is allowed (the citizen's record becomes REVOKED), and the token stays dead.
    const revoked = await asCitizen(EXPIRING, 'mutation($id: ID!) { revokeConsent(id: $id) { status } }', { id: consent.id });
    expect(revoked.body.data.revokeConsent.status).toBe('REVOKED');
    expectUnauthenticated(await send(publicUrl, { token, holder }), EXPIRING);
  }, 30_000);
});

describe('a token never reaches another citizen', () => {
  let a: PartnerGrant;
  let b: PartnerGrant;

  beforeAll(async () => {
    a = await grant(VICTIM_A);
    b = await grant(VICTIM_B);
  }, 60_000);

  function expectNoOneElse(answer: RawResponse): void {
    for (const secret of secretsOf(VICTIM_B)) expect(answer.text).not.toContain(secret);
  }

  it('control: a token minted with the right subject, consent, client and key works', async () => {
    const token = await mint({ subject: a.subject, consentId: a.consentId, jkt: a.holder.jkt });
    for (const gateway of gateways) expectName(await send(gateway.url, { token, holder: a.holder }), VICTIM_A);
  });

  it('A\'s pairwise subject with B\'s consent id answers 401 (and B\'s subject with A\'s consent too)', async () => {
    const aWithB = await mint({ subject: a.subject, consentId: b.consentId, jkt: a.holder.jkt });
    const bWithA = await mint({ subject: b.subject, consentId: a.consentId, jkt: b.holder.jkt });
    for (const gateway of gateways) {
      const first = await send(gateway.url, { token: aWithB, holder: a.holder });
      expectUnauthenticated(first, VICTIM_B);
      expectUnauthenticated(first, VICTIM_A);
      const second = await send(gateway.url, { token: bWithA, holder: b.holder });
      expectUnauthenticated(second, VICTIM_A);
      expectUnauthenticated(second, VICTIM_B);
    }
  });

  it('the right consent and subject but another client_id answers 401', async () => {
    for (const clientId of ['other-bank', 'citizen-portal-x', 'Demo-Bank']) {
      const token = await mint({ subject: a.subject, consentId: a.consentId, jkt: a.holder.jkt, clientId });
      for (const gateway of gateways) expectUnauthenticated(await send(gateway.url, { token, holder: a.holder }), VICTIM_A);
    }
  });

  it('a consent-less or unbound partner token answers 401, and a partner token under the citizen portal\'s name is not a partner token', async () => {
    const noConsent = await mint({ subject: a.subject, jkt: a.holder.jkt });
    const unknownConsent = await mint({ subject: a.subject, consentId: randomUUID(), jkt: a.holder.jkt });
    for (const gateway of gateways) {
      expectUnauthenticated(await send(gateway.url, { token: noConsent, holder: a.holder }), VICTIM_A);
      expectUnauthenticated(await send(gateway.url, { token: unknownConsent, holder: a.holder }), VICTIM_A);
    }
    const unbound = await mint({ subject: a.subject, consentId: a.consentId });
    expectUnauthenticated(await send(publicUrl, { token: unbound, scheme: 'Bearer', proof: null }), VICTIM_A);
    // A citizen-portal token carrying A's pairwise subject names no person: it finds nobody's data.
    const portal = await mint({ subject: a.subject, clientId: 'citizen-portal', scopes: ['population:name'] });
    const answer = await send(publicUrl, { token: portal, scheme: 'Bearer', proof: null });
    for (const secret of [...secretsOf(VICTIM_A), ...secretsOf(VICTIM_B)]) expect(answer.text).not.toContain(secret);
  });

  it.each([
    ['aliases of me', ALIASES_OF_ME, undefined, 'data'],
    ['fragments', FRAGMENTS, undefined, 'data'],
    ['an unused variable with B\'s person id', 'query($id: ID!) { me { firstNames } }', 'B', 'refused'],
    ['an argument on me', '{ me(id: "B") { firstNames } }', undefined, 'refused'],
    ['_entities with B\'s person id', '{ _entities(representations: [{ __typename: "Person", id: "B" }]) { ... on Person { firstNames lastName } } }', undefined, 'refused'],
    ['_entities through a variable', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { firstNames } } }', 'R', 'refused'],
    ['_service', '{ _service { sdl } }', undefined, 'refused'],
    ['a person root field', '{ person(id: "B") { firstNames } }', undefined, 'refused'],
  ])('%s: only A\'s data, or refused as an operation nobody registered', async (_label, template, variable, outcome) => {
    const personB = await hub.personId(VICTIM_B.personalIdentityCode);
    const query = template.replaceAll('"B"', JSON.stringify(personB));
    const variables = variable === 'B' ? { id: personB } : variable === 'R' ? { r: [{ __typename: 'Person', id: personB }] } : undefined;
    for (const gateway of gateways) {
      const answer = await send(gateway.url, { token: a.token, holder: a.holder, query, variables });
      expectNoOneElse(answer);
      if (outcome === 'data') {
        expect(answer.status).toBe(200);
        expect(answer.body.errors).toBeUndefined();
        const values = JSON.stringify(answer.body.data);
        expect(values).toContain(VICTIM_A.firstNames);
        expect(values).toContain(VICTIM_A.lastName);
      } else {
        // None of these can be registered (registration validates them), so they never reach the parser; the same
        // documents are refused by validation for a citizen's own token (tests/federation.test.ts).
        expect(answer.status).toBe(403);
        expect(answer.body.data).toBeUndefined();
        expect(answer.body.errors[0].extensions.code).toBe('QUERY_NOT_IN_SAFELIST');
        for (const secret of secretsOf(VICTIM_A)) expect(answer.text).not.toContain(secret);
      }
    }
  });
});

describe('DPoP proofs at the gateway', () => {
  let g: PartnerGrant;

  beforeAll(async () => {
    g = await grant(DPOP_PERSONA);
  }, 60_000);

  const DPOP_CHALLENGE = /^DPoP .*error="invalid_dpop_proof"/;

  it('control: a fresh proof per request works on every gateway', async () => {
    for (const gateway of gateways) expectName(await send(gateway.url, { token: g.token, holder: g.holder }), DPOP_PERSONA);
  });

  it('the same proof twice: the second use answers 401 invalid_dpop_proof', async () => {
    for (const gateway of gateways) {
      const proof = await proofFor(g.holder, g.token);
      expectName(await send(gateway.url, { token: g.token, proof }), DPOP_PERSONA);
      const replayed = await send(gateway.url, { token: g.token, proof });
      expectUnauthenticated(replayed, DPOP_PERSONA, DPOP_CHALLENGE);
      expect(replayed.body.errors[0].message).toMatch(/already been used/);
    }
  });

  it('a proof used on one gateway is refused on the others (shared replay store)', async () => {
    for (const [index, first] of gateways.entries()) {
      const proof = await proofFor(g.holder, g.token);
      expectName(await send(first.url, { token: g.token, proof }), DPOP_PERSONA);
      for (const other of gateways.filter((_, i) => i !== index)) {
        const replayed = await send(other.url, { token: g.token, proof });
        expectUnauthenticated(replayed, DPOP_PERSONA, DPOP_CHALLENGE);
        // Refused as a replay, not for some other reason (all three share the public URL the proof names).
        expect(replayed.body.errors[0].message).toMatch(/already been used/);
      }
    }
  });

  it('two gateways receiving the same proof at the same moment accept it at most once', async () => {
    const proof = await proofFor(g.holder, g.token);
    const answers = await Promise.all(gateways.flatMap((gateway) => [send(gateway.url, { token: g.token, proof }), send(gateway.url, { token: g.token, proof })]));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 200)) expectUnauthenticated(refused, DPOP_PERSONA, DPOP_CHALLENGE);
  });

  it.each<[string, () => Promise<SendOptions>, RegExp | undefined]>([
    ['a proof for another URL (htu)', async () => ({ token: g.token, holder: g.holder, claims: { htu: 'http://127.0.0.1:4000/other' } }), DPOP_CHALLENGE],
    ['a proof for the gateway\'s bound address instead of its public URL', async () => ({ token: g.token, holder: g.holder, claims: { htu: `${second.url}` } }), DPOP_CHALLENGE],
    ['a proof for another method (htm GET)', async () => ({ token: g.token, holder: g.holder, claims: { htm: 'GET' } }), DPOP_CHALLENGE],
    ['a proof for lowercase htm "post"', async () => ({ token: g.token, holder: g.holder, claims: { htm: 'post' } }), DPOP_CHALLENGE],
    ['a proof signed with another key than the token\'s cnf', async () => ({ token: g.token, holder: await newHolder() }), DPOP_CHALLENGE],
    ['a proof whose ath is of another token', async () => {
      const other = await mint({ subject: g.subject, consentId: g.consentId, jkt: g.holder.jkt });
      return { token: g.token, proof: await proofFor(g.holder, other) };
    }, DPOP_CHALLENGE],
    ['a proof without ath', async () => ({ token: g.token, proof: await createDpopProof(g.holder.privateKey, g.holder.publicJwk, 'ES256', { htm: 'POST', htu: publicUrl }) }), DPOP_CHALLENGE],
    ['a proof issued 5 minutes ago', async () => ({ token: g.token, holder: g.holder, claims: { iat: Math.floor(Date.now() / 1000) - 300 } }), DPOP_CHALLENGE],
    ['a proof issued 5 minutes ahead', async () => ({ token: g.token, holder: g.holder, claims: { iat: Math.floor(Date.now() / 1000) + 300 } }), DPOP_CHALLENGE],
    ['the partner token as Bearer without a proof', async () => ({ token: g.token, scheme: 'Bearer', proof: null }), /^Bearer /],
    ['the partner token as Bearer with a valid proof', async () => ({ token: g.token, holder: g.holder, scheme: 'Bearer' }), undefined],
    ['the DPoP scheme without a DPoP header', async () => ({ token: g.token, proof: null }), DPOP_CHALLENGE],
    ['a DPoP header that is not a JWT', async () => ({ token: g.token, proof: 'not-a-proof' }), DPOP_CHALLENGE],
  ])('%s → 401 on every gateway', async (_label, make, challenge) => {
    for (const gateway of gateways) {
      const options = await make();
      expectUnauthenticated(await send(gateway.url, options), DPOP_PERSONA, challenge);
    }
    // The token itself is still good: the refusals were about the proofs.
    expectName(await send(publicUrl, { token: g.token, holder: g.holder }), DPOP_PERSONA);
  });
});

describe('a consent record that names self (impossible through the issuer) still gives a partner nothing of the citizen\'s own', () => {
  it('no consents, no disclosures, no revokeConsent', async () => {
    const holder = await newHolder();
    const subject = `pw_test-${randomUUID()}`;
    const grantedAt = new Date();
    const consent = await records.consents.createConsent({
      personId: await hub.personId(SELF_PERSONA.personalIdentityCode),
      clientId: 'demo-bank',
      clientName: 'Demo Bank',
      subject,
      purpose: { fi: 'Testi', sv: 'Test', en: 'Testing self' },
      scopes: ['population:name', 'self'],
      grantedAt,
      expiresAt: new Date(grantedAt.getTime() + 600_000),
    });
    const token = await mint({ subject, consentId: consent.id, jkt: holder.jkt, scopes: ['population:name', 'self'] });
    for (const gateway of gateways) {
      const reads = await send(gateway.url, { token, holder, query: '{ me { firstNames consents { id scopes } disclosures { fields } } }' });
      expect(reads.status).toBe(200);
      expect(reads.body.data.me).toEqual({ firstNames: SELF_PERSONA.firstNames, consents: null, disclosures: null });
      expect(reads.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE']);
      expect(reads.text).not.toContain(consent.id);
      const revoke = await send(gateway.url, { token, holder, query: REVOKE, variables: { id: consent.id } });
      expect(revoke.body.data ?? null).toBeNull();
      expect(revoke.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    }
    expect((await consentOf(SELF_PERSONA, consent.id)).status).toBe('ACTIVE');

    // Second line: the consent subgraph itself refuses a partner credential even if it carries `self`.
    const key = await loadSigningKey({ env: hub.env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
    const personId = await hub.personId(SELF_PERSONA.personalIdentityCode);
    const internal = await createInternalCredentialMinter({ key })(subgraphAudience('consent'), { subject: personId, scopes: new Set(['self']), party: 'partner', clientId: 'demo-bank' });
    const direct = (query: string, variables?: Record<string, unknown>) => callSubgraph(hub.env.CONSENT_URL!, `Bearer ${internal}`, query, variables);
    const entities = await direct('query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { consents { id } disclosures { fields } } } }', { r: [{ __typename: 'Person', id: personId }] });
    expect(entities.text).not.toContain(consent.id);
    expect(entities.body.errors.map((e: any) => e.extensions.code)).toEqual(expect.arrayContaining(['FORBIDDEN']));
    const revoke = await direct('mutation($id: ID!) { revokeConsent(id: $id) { id status } }', { id: consent.id });
    expect(revoke.body.data ?? null).toBeNull();
    expect(revoke.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await consentOf(SELF_PERSONA, consent.id)).status).toBe('ACTIVE');
  });
});

describe('the separate gateway process', () => {
  it('wrote no personal identity code nor register value to its log', () => {
    for (const p of personas) {
      expect(thirdOutput).not.toContain(p.personalIdentityCode);
      expect(thirdOutput).not.toContain(p.lastName);
    }
  });
});
