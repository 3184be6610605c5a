import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import * as client from 'openid-client';
import { formAction, TestBrowser } from '../support/browser.js';
import { authorizeWithPar, DEMO_BANK, exchangeCode, partnerClient, partnerQuery } from '../support/partnerFlow.js';

// The whole partner flow as a bank would run it with openid-client: PAR with private_key_jwt, the citizen's
// login and consent in the browser, code exchange with PKCE and DPoP, then gateway queries with DPoP proofs.

const NAME_AND_STREET = '{ me { firstNames address { streetAddress } } }';
// Registered for demo-bank in this hub: a partner runs only registered operations.
const PARTNER_QUERY = `{ me { firstNames lastName isAdult address { streetAddress postalCode municipality } taxAssessments { year earnedIncome } vehicles { registrationNumber } personalIdentityCode } }`;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': [PARTNER_QUERY, NAME_AND_STREET] } });
});
afterAll(async () => {
  await hub?.stop();
});

describe('a partner reads exactly what the citizen consented to', () => {
  it('returns the granted fields, UNAUTHORIZED_FIELD_OR_TYPE for the rest, and no identity code', async () => {
    const persona = personaWith('complete');
    const partner = await partnerClient(hub.env.ISSUER_URL!);
    const authorization = await authorizeWithPar(partner, { persona: persona.personalIdentityCode, untick: ['vehicles:owned'] },
      'openid population:name population:address population:adult tax:income vehicles:owned');
    expect(authorization.callback.searchParams.get('iss')).toBe(hub.env.ISSUER_URL); // RFC 9207
    const tokens = await exchangeCode(partner, authorization);
    expect(tokens.token_type.toLowerCase()).toBe('dpop');

    const header = decodeProtectedHeader(tokens.access_token);
    const claims = decodeJwt(tokens.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(claims.scope).toBe('population:name population:address population:adult tax:income');
    expect(claims.sub).toMatch(/^pw_/);
    expect(claims.sub).not.toBe(await hub.personId(persona.personalIdentityCode));
    expect(typeof claims.consent_id).toBe('string');
    expect(JSON.stringify(claims)).not.toContain(persona.personalIdentityCode);

    const { status, body } = await partnerQuery(partner, hub.gatewayUrl, tokens.access_token, PARTNER_QUERY);
    expect(status).toBe(200);
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.data.me.address.streetAddress).toEqual(expect.any(String));
    expect(body.data.me.taxAssessments.length).toBeGreaterThan(0);
    expect(body.data.me.vehicles).toBeNull();
    expect(body.data.me.personalIdentityCode).toBeNull();
    const unauthorized = body.errors.filter((e: any) => e.extensions.code === 'UNAUTHORIZED_FIELD_OR_TYPE').map((e: any) => e.path.join('.'));
    expect(unauthorized.sort()).toEqual(['me.personalIdentityCode', 'me.vehicles']);
    expect(JSON.stringify(body)).not.toContain(persona.personalIdentityCode);

    // The citizen sees the consent and the disclosure, with the fields that actually left.
    const own = await hub.token(persona.personalIdentityCode);
    const mine = await hub.query(own, `{ me { consents { id status scopes purpose client { id name } receipt } disclosures { consentId fields client { id } purpose requestId } } }`);
    const consent = mine.body.data.me.consents.find((c: any) => c.id === claims.consent_id);
    expect(consent).toMatchObject({ status: 'ACTIVE', client: { id: 'demo-bank', name: 'Demo Bank' } });
    expect(consent.scopes.sort()).toEqual(['population:address', 'population:adult', 'population:name', 'tax:income']);
    expect(decodeProtectedHeader(consent.receipt).typ).toBe('consent-receipt+jwt');
    const disclosure = mine.body.data.me.disclosures.find((d: any) => d.consentId === claims.consent_id);
    expect(disclosure.fields).toEqual(expect.arrayContaining(['Person.firstNames', 'Address.streetAddress', 'TaxAssessment.earnedIncome']));
    expect(disclosure.fields).not.toContain('Person.personalIdentityCode');
    expect(disclosure.fields).not.toContain('Person.vehicles');
  });

  it('gives a non-disclosure persona\'s address as null to the partner, with no error that says why', async () => {
    const persona = personaWith('non-disclosure');
    const partner = await partnerClient(hub.env.ISSUER_URL!);
    const authorization = await authorizeWithPar(partner, { persona: persona.personalIdentityCode }, 'openid population:name population:address');
    const tokens = await exchangeCode(partner, authorization);
    const { body } = await partnerQuery(partner, hub.gatewayUrl, tokens.access_token, NAME_AND_STREET);
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.data.me.address).toBeNull();
    expect(body.errors).toBeUndefined();
  });

  it('ends without a code when the citizen denies', async () => {
    const partner = await partnerClient(hub.env.ISSUER_URL!);
    const authorization = await authorizeWithPar(partner, { persona: personaWith('complete').personalIdentityCode, decision: 'deny' }, 'openid population:name');
    expect(authorization.callback.searchParams.get('error')).toBe('access_denied');
    expect(authorization.callback.searchParams.get('code')).toBeNull();
  });

  it('keeps the language chosen on the login page for the consent page', async () => {
    const partner = await partnerClient(hub.env.ISSUER_URL!);
    const url = await client.buildAuthorizationUrlWithPAR(partner.config, {
      redirect_uri: DEMO_BANK.redirectUri, scope: 'openid population:name',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }, { DPoP: partner.dpop });
    const browser = new TestBrowser({ stopAt: [new URL(DEMO_BANK.redirectUri).origin], language: 'en' });
    const login = await browser.get(url);
    expect(login.html).toContain('<html lang="en"');
    const swedish = await browser.get(new URL(`${login.url.pathname}?lang=sv`, login.url));
    expect(swedish.html).toContain('<html lang="sv"');
    const consent = await browser.submit(formAction(swedish, 'login'), [['persona', personaWith('complete').personalIdentityCode]]);
    expect(consent.html).toContain('id="consent"');
    expect(consent.html).toContain('<html lang="sv"');
  });
});
