import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fetchProtectedResource } from 'openid-client';
import { startGateway } from '../../gateway/start.js';
import { INTERNAL_KEY_SOURCE } from '../../lib/tokens/internalCredential.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { documentHash, documentIdOf } from '../../lib/trustedDocuments.js';
import { PORTAL_OPERATIONS } from '../../portal/operations.js';
import { devTrustedDocuments, writeTrustedDocuments } from '../../scripts/devTrustedDocuments.js';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { readResponse } from '../support/http.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerRequest, type PartnerClient } from '../support/partnerFlow.js';

// Trusted documents (OWASP API4/API8, GraphQL cheat sheet "allow-list"): a partner runs only the operations
// registered for it, so a stolen partner token cannot explore the graph. The citizen portal's operations are
// registered too; only in dev mode may the citizen's own token send other documents.

const persona = personaWith('complete');
const PREFILL = devTrustedDocuments()['demo-bank']!.operations[0]!.body;
const secrets = [persona.personalIdentityCode, persona.firstNames, persona.lastName];

let hub: TestHub;
let partner: PartnerClient;
let token: string;
beforeAll(async () => {
  hub = await startTestHub();
  partner = await partnerClient(hub.env.ISSUER_URL!);
  const authorization = await authorizeWithPar(partner, { persona: persona.personalIdentityCode }, 'openid population:name population:address tax:income');
  token = (await exchangeCode(partner, authorization)).access_token;
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

function expectRefused(answer: { status: number; body: any }, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors.map((e: any) => e.extensions.code)).toEqual([code]);
  for (const secret of secrets) expect(JSON.stringify(answer.body)).not.toContain(secret);
}

describe('a partner', () => {
  it('runs its registered operation by documentId, by Apollo\'s persistedQuery extension, or by its exact text', async () => {
    for (const request of [
      { documentId: documentIdOf(PREFILL) },
      { extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(PREFILL) } } },
      { query: PREFILL },
      { query: PREFILL, documentId: documentIdOf(PREFILL) },
    ]) {
      const answer = await partnerRequest(partner, hub.gatewayUrl, token, request);
      expect(answer.status).toBe(200);
      expect(answer.body.data.me).toMatchObject({ firstNames: persona.firstNames, lastName: persona.lastName });
    }
  });

  it.each([
    ['a field outside the registered operation', '{ me { firstNames personalIdentityCode } }'],
    ['the registered text with one more space', `${PREFILL} `],
    ['introspection', '{ __schema { types { name fields { name } } } }'],
    ['a field suggestion probe', '{ me { firstName } }'],
    ['_entities', '{ _entities(representations: [{ __typename: "Person", id: "x" }]) { __typename } }'],
    ['a syntax error', '{ me { firstNames'],
    ['the portal\'s own operation as text', PORTAL_OPERATIONS.PortalMyData],
  ])('is refused %s with 403 QUERY_NOT_IN_SAFELIST before anything is parsed', async (_name, query) => {
    expectRefused(await partnerRequest(partner, hub.gatewayUrl, token, { query }), 403, 'QUERY_NOT_IN_SAFELIST');
  });

  it('cannot run another client\'s registered operation by its id, nor an id nobody registered', async () => {
    expectRefused(await partnerRequest(partner, hub.gatewayUrl, token, { documentId: documentIdOf(PORTAL_OPERATIONS.PortalMyData) }), 400, 'PERSISTED_QUERY_NOT_IN_LIST');
    expectRefused(await partnerRequest(partner, hub.gatewayUrl, token, { documentId: `sha256:${'0'.repeat(64)}` }), 400, 'PERSISTED_QUERY_NOT_IN_LIST');
    // A registered id with some other text: refused, not run as either.
    expectRefused(await partnerRequest(partner, hub.gatewayUrl, token, { documentId: documentIdOf(PREFILL), query: '{ me { personalIdentityCode } }' }), 400, 'BAD_REQUEST');
  });

  it('is refused the same over GET', async () => {
    const url = new URL(hub.gatewayUrl);
    url.searchParams.set('query', '{ me { personalIdentityCode } }');
    const answer = await partnerRequestGet(url);
    expect(answer.status).toBe(403);
  });
});

describe('a gateway whose registry changes while it runs', () => {
  it('runs an operation registered after its start, without a restart, within TRUSTED_DOCUMENTS_RELOAD_SECONDS', async () => {
    const registry = mkdtempSync(join(tmpdir(), 'hub-registry-'));
    writeTrustedDocuments(registry, {});
    const gateway = await startGateway({ ...hub.env, GATEWAY_PORT: '0', TRUSTED_DOCUMENTS_DIR: registry, TRUSTED_DOCUMENTS_RELOAD_SECONDS: '1' });
    const NEW = 'query BankNameOnly { me { firstNames } }';
    try {
      expectRefused(await partnerRequest(partner, gateway.url, token, { query: NEW }), 403, 'QUERY_NOT_IN_SAFELIST');
      writeTrustedDocuments(registry, { 'demo-bank': [NEW] });
      let answer = await partnerRequest(partner, gateway.url, token, { query: NEW });
      for (let i = 0; i < 40 && answer.status !== 200; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await partnerRequest(partner, gateway.url, token, { query: NEW });
      }
      expect(answer.status).toBe(200);
      expect(answer.body.data.me).toEqual({ firstNames: persona.firstNames });
    } finally {
      await gateway.stop();
      rmSync(registry, { recursive: true, force: true });
    }
  });
});

/** GET with a DPoP proof, through openid-client. */
async function partnerRequestGet(url: URL) {
  const response = await fetchProtectedResource(partner.config, token, url, 'GET', undefined, new Headers({ 'apollo-require-preflight': '1' }), { DPoP: partner.dpop });
  return { status: response.status, body: await response.json() };
}

describe('the citizen\'s own token', () => {
  it('runs the portal\'s registered operations by id', async () => {
    const own = await hub.token(persona.personalIdentityCode);
    const answer = await readResponse(await fetch(hub.gatewayUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${own}` }, body: JSON.stringify({ documentId: documentIdOf(PORTAL_OPERATIONS.PortalMyData) }),
    }));
    expect(answer.status).toBe(200);
    expect(answer.body.data.me.personalIdentityCode).toBe(persona.personalIdentityCode);
  });

  it('cannot run a partner\'s registered operation by its id', async () => {
    const own = await hub.token(persona.personalIdentityCode);
    const answer = await readResponse(await fetch(hub.gatewayUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${own}` }, body: JSON.stringify({ documentId: documentIdOf(PREFILL) }),
    }));
    expectRefused(answer, 400, 'PERSISTED_QUERY_NOT_IN_LIST');
  });

  describe('on a production gateway', () => {
    let production: RunningService;
    const home = mkdtempSync(join(tmpdir(), 'hub-production-gateway-'));
    beforeAll(async () => {
      // The test hub's keys and consent database, passed explicitly as production demands.
      production = await startGateway({
        ...hub.env,
        HUB_MODE: 'production',
        GATEWAY_PORT: '0',
        HUB_HOME: home,
        [INTERNAL_KEY_SOURCE.variable]: readFileSync(join(hub.env.HUB_HOME!, 'keys', INTERNAL_KEY_SOURCE.devFile), 'utf8'),
        CONSENT_DATABASE_URL: `sqlite:${join(hub.env.HUB_HOME!, 'consent.sqlite')}`,
      });
    });
    afterAll(async () => {
      await production?.stop();
      rmSync(home, { recursive: true, force: true });
    });

    it('runs only the portal\'s registered operations: an ad-hoc query is 403 QUERY_NOT_IN_SAFELIST', async () => {
      const own = await hub.token(persona.personalIdentityCode);
      const post = async (body: unknown) => readResponse(await fetch(production.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${own}` }, body: JSON.stringify(body) }));
      expectRefused(await post({ query: '{ me { personalIdentityCode firstNames } }' }), 403, 'QUERY_NOT_IN_SAFELIST');
      const registered = await post({ documentId: documentIdOf(PORTAL_OPERATIONS.PortalMyData) });
      expect(registered.status).toBe(200);
      expect(registered.body.data.me.firstNames).toBe(persona.firstNames);
      // Its exact text is registered, so it runs as text too.
      expect((await post({ query: PORTAL_OPERATIONS.PortalMyData })).status).toBe(200);
    });
  });
});
