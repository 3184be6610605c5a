import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { pairwiseSubject } from '../../consent/provider.js';
import { readConsentDatabaseUrl } from '../../lib/config.js';
import { openConsentRecords } from '../../lib/consents/index.js';
import { loadSecret } from '../../lib/keys.js';
import { documentIdOf } from '../../lib/trustedDocuments.js';
import { dpopThumbprint } from '../../lib/tokens/dpop.js';
import { readResponse, type RawResponse } from '../support/http.js';
import { personas, startTestHub, type TestHub } from '../support/hub.js';
import { createDpopProof } from '../../lib/tokens/dpopProof.js';
import { newDpopKey, type DpopKey } from '../support/oauthRequests.js';
import { CASE_QUEUE, caseworkerToken, codeOf, MY_REQUESTS, TAX_TEXT } from './support.js';

// Partners can never reach requests (issue 11 item 7): not with demo-bank's real scopes, not with a token that claims
// `self` or a caseworker's scope, not through a document registered for the partner. The composition policy that
// keeps partner scopes off every request field is tested in schema/__tests__/policy.test.ts.

const PARTNER_REQUESTS = 'query BankRequests { me { firstNames requests { id text } } }';
const PARTNER_QUEUE = 'query BankQueue { caseQueue { id text } }';
const PARTNER_SUBMIT = 'mutation BankSubmit($text: String!) { submitRequest(text: $text) { id } }';
const DEMO_BANK_SCOPES = ['population:name', 'population:address', 'population:adult', 'tax:income', 'vehicles:owned'];

let hub: TestHub;
let key: DpopKey;
let consent: { id: string; subject: string };
const alice = personas[0]!.personalIdentityCode;

beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': [PARTNER_REQUESTS, PARTNER_QUEUE, PARTNER_SUBMIT] } });
  key = await newDpopKey();
  // The consent as the citizen would have approved it (what `npm run token -- --client demo-bank` records).
  const records = await openConsentRecords(readConsentDatabaseUrl(hub.env));
  try {
    const personId = await hub.personId(alice);
    const subject = pairwiseSubject(await loadSecret(hub.env, 'HUB_PAIRWISE_KEY', 'pairwise.key'), 'demo-bank', personId);
    const record = await records.consents.createConsent({
      personId, clientId: 'demo-bank', clientName: 'Demo Bank', subject, purpose: { fi: 'Tili', sv: 'Konto', en: 'Account' },
      scopes: DEMO_BANK_SCOPES, grantedAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000), grantId: null,
    });
    consent = { id: record.id, subject };
  } finally {
    await records.close();
  }
  // The citizen has a request on record, which a partner must never see.
  await hub.query(await hub.token(alice), 'mutation($t: String!) { submitRequest(text: $t) { id } }', { t: TAX_TEXT });
}, 120_000);

afterAll(async () => {
  await hub?.stop();
});

/** A demo-bank token on the consent above, claiming `scopes` (a forged claim is signed with the issuer's key). */
async function partnerToken(scopes: readonly string[]): Promise<string> {
  return signAccessToken(await loadIssuerKey(hub.env), {
    issuer: hub.env.ISSUER_URL!, audience: hub.env.GATEWAY_AUDIENCE!, subject: consent.subject, clientId: 'demo-bank',
    scopes: [...scopes], ttlSeconds: 300, consentId: consent.id, confirmation: await dpopThumbprint(key.publicJwk),
  });
}

async function partnerPost(token: string, body: Record<string, unknown>): Promise<RawResponse> {
  const proof = await createDpopProof(key.privateKey, key.publicJwk, 'ES256', { htm: 'POST', htu: hub.gatewayUrl, accessToken: token });
  return readResponse(await fetch(hub.gatewayUrl, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: proof }, body: JSON.stringify(body),
  }));
}

describe('a partner never reaches requests', () => {
  it('with its real consent, a registered document reading requests gets the name and UNAUTHORIZED_FIELD_OR_TYPE for requests', async () => {
    const answer = await partnerPost(await partnerToken(DEMO_BANK_SCOPES), { documentId: documentIdOf(PARTNER_REQUESTS) });
    expect(answer.status).toBe(200);
    expect(answer.body.data.me).toEqual({ firstNames: personas[0]!.firstNames, requests: null });
    expect(answer.body.errors).toEqual([{ message: 'Unauthorized field or type', path: ['me', 'requests'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);
    expect(answer.text).not.toContain('tax refund');
  });

  it('a token that claims self and every caseworker scope gets no more: the queue, the submission and the list are all refused', async () => {
    const greedy = await partnerToken([...DEMO_BANK_SCOPES, 'self', 'cases:tax', 'cases:triage', 'cases:population', 'cases:vehicles', 'cases:education']);
    const list = await partnerPost(greedy, { documentId: documentIdOf(PARTNER_REQUESTS) });
    expect(list.body.data.me.requests).toBeNull();
    expect(codeOf(list)).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const queue = await partnerPost(greedy, { documentId: documentIdOf(PARTNER_QUEUE) });
    expect(codeOf(queue)).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(queue.body.data ?? null).toBeNull();
    const submitted = await partnerPost(greedy, { documentId: documentIdOf(PARTNER_SUBMIT), variables: { text: TAX_TEXT } });
    expect(codeOf(submitted)).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(submitted.body.data ?? null).toBeNull();
    const mine = await hub.query(await hub.token(alice), MY_REQUESTS);
    expect(mine.body.data.me.requests).toHaveLength(1); // nothing was submitted in the citizen's name
  });

  it('an unregistered document is refused before anything runs', async () => {
    const answer = await partnerPost(await partnerToken(DEMO_BANK_SCOPES), { query: MY_REQUESTS });
    expect(answer.status).toBe(403);
    expect(codeOf(answer)).toBe('QUERY_NOT_IN_SAFELIST');
  });

  it('the requests subgraph itself refuses a partner credential, even one carrying self or a case scope', async () => {
    const { gatewayCredentials, callSubgraph } = await import('../support/credentials.js');
    const mint = await gatewayCredentials(hub.env);
    const personId = await hub.personId(alice);
    const { createInternalCredentialMinter, INTERNAL_KEY_SOURCE } = await import('../../lib/tokens/internalCredential.js');
    const { loadSigningKey } = await import('../../lib/keys.js');
    const { subgraphAudience } = await import('../../lib/config.js');
    const signer = createInternalCredentialMinter({ key: await loadSigningKey({ env: hub.env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg }) });
    const credential = await signer(subgraphAudience('requests'), { subject: personId, scopes: new Set(['self', 'cases:tax']), party: 'partner', clientId: 'demo-bank' });
    const url = hub.subgraphs.requests!.url;
    const list = await callSubgraph(url, `Bearer ${credential}`, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { requests { id } } } }', { r: [{ __typename: 'Person', id: personId }] });
    expect(list.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const queue = await callSubgraph(url, `Bearer ${credential}`, '{ caseQueue { id } }');
    expect(queue.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // And a register's credential is no good here at all.
    const foreign = await mint('population', personId, ['self'], 'citizen');
    expect((await callSubgraph(url, `Bearer ${foreign}`, '{ caseQueue { id } }')).status).toBe(401);
    // A caseworker token through the gateway still works, for contrast.
    expect((await hub.query(await caseworkerToken(hub, 'cw-tax-1', 'tax'), CASE_QUEUE, {})).body.data.caseQueue).toHaveLength(1);
  });
});
