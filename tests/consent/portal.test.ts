import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { createLogger } from '../../lib/logger.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { TestBrowser } from '../support/browser.js';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { walkBrowserSteps } from '../support/partnerFlow.js';

// The citizen portal as the hub's own OAuth public client, run as a portal back end would with openid-client 6:
// authorization code with PKCE S256 and no client secret, the test login, no consent screen (first party), and a
// Bearer token for the citizen's own data in every register.

const PORTAL_CLIENT_ID = 'citizen-portal';
const PORTAL_ORIGIN = 'http://127.0.0.1:4200';
const REDIRECT_URI = `${PORTAL_ORIGIN}/callback`;
const CATALOGUE_SCOPES = scopeCatalogue().map((entry) => entry.scope);
const ALL_REGISTERS_QUERY = '{ me { firstNames taxAssessments { year } vehicles { registrationNumber } qualifications { name } consents { id } } }';

let hub: TestHub;
let portal: client.Configuration;

beforeAll(async () => {
  hub = await startTestHub({ logger: createLogger({ service: 'test', level: 'warn' }) });
  portal = await client.discovery(new URL(hub.env.ISSUER_URL!), PORTAL_CLIENT_ID, { token_endpoint_auth_method: 'none' }, client.None(), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(async () => {
  await hub?.stop();
});

/** What the portal's back end keeps between sending the browser off and the callback. */
interface PortalRequest {
  url: URL;
  codeVerifier: string;
  state: string;
}

async function portalAuthorizationUrl(scope = `openid ${CATALOGUE_SCOPES.join(' ')}`): Promise<PortalRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(portal, {
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  });
  return { url, codeVerifier, state };
}

function newBrowser(): TestBrowser {
  return new TestBrowser({ stopAt: [PORTAL_ORIGIN] });
}

describe('the citizen portal (public client, PKCE)', () => {
  it('advertises what a public PKCE client needs', () => {
    const metadata = portal.serverMetadata();
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('signs the citizen in without a consent screen and gets a JWT access token for all their data', async () => {
    const persona = personaWith('complete');
    const request = await portalAuthorizationUrl();
    const browser = newBrowser();

    // The first page is the test login; after it the browser goes straight back to the portal.
    const loginPage = await browser.get(request.url);
    expect(loginPage.stopped).toBe(false);
    expect(loginPage.html).toContain('id="login"');
    const { callback, consentPage } = await walkBrowserSteps(browser, request.url, { persona: persona.personalIdentityCode });
    expect(consentPage).toBeUndefined();
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('iss')).toBe(hub.env.ISSUER_URL); // RFC 9207
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('error')).toBeNull();
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));

    const tokens = await client.authorizationCodeGrant(portal, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.id_token).toEqual(expect.any(String)); // openid-client has verified it

    const header = decodeProtectedHeader(tokens.access_token);
    const claims = decodeJwt(tokens.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(header.alg).toBe('ES256');
    const personId = await hub.personId(persona.personalIdentityCode);
    expect(claims).toMatchObject({ iss: hub.env.ISSUER_URL, sub: personId, client_id: PORTAL_CLIENT_ID });
    expect([claims.aud].flat()).toEqual([hub.env.GATEWAY_AUDIENCE]);
    for (const claim of ['exp', 'iat', 'jti']) expect(claims[claim]).toBeDefined();
    const granted = String(claims.scope).split(' ');
    expect(granted).toEqual(expect.arrayContaining(CATALOGUE_SCOPES));
    expect(granted).toContain('self');
    expect(claims.consent_id).toBeUndefined();
    expect(JSON.stringify(claims)).not.toContain(persona.personalIdentityCode);
    expect(tokens.claims()?.sub).toBe(personId);

    const { status, body } = await hub.query(tokens.access_token, ALL_REGISTERS_QUERY);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.data.me.taxAssessments.length).toBeGreaterThan(0);
    expect(body.data.me.vehicles.length).toBeGreaterThan(0);
    expect(body.data.me.qualifications.length).toBeGreaterThan(0);
    expect(Array.isArray(body.data.me.consents)).toBe(true);
  });

  it('reuses the session for a second authorization in the same browser: no login page, no consent page', async () => {
    const persona = personaWith('complete');
    const browser = newBrowser();
    const first = await portalAuthorizationUrl();
    await walkBrowserSteps(browser, first.url, { persona: persona.personalIdentityCode });

    const second = await portalAuthorizationUrl();
    const page = await browser.get(second.url);
    expect(page.stopped).toBe(true);
    expect(page.url.searchParams.get('state')).toBe(second.state);
    const tokens = await client.authorizationCodeGrant(portal, page.url, { pkceCodeVerifier: second.codeVerifier, expectedState: second.state });
    expect(decodeJwt(tokens.access_token).sub).toBe(await hub.personId(persona.personalIdentityCode));
  });

  it('gets no more than it asked for, and an unknown scope is refused', async () => {
    const persona = personaWith('complete');
    const browser = newBrowser();
    const narrow = await portalAuthorizationUrl('openid population:name self');
    const { callback } = await walkBrowserSteps(browser, narrow.url, { persona: persona.personalIdentityCode });
    const tokens = await client.authorizationCodeGrant(portal, callback, { pkceCodeVerifier: narrow.codeVerifier, expectedState: narrow.state });
    expect(String(decodeJwt(tokens.access_token).scope).split(' ').sort()).toEqual(['population:name', 'self']);
    const { body } = await hub.query(tokens.access_token, '{ me { firstNames taxAssessments { year } } }');
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.errors.map((e: any) => [e.extensions.code, e.path.join('.')])).toEqual([['UNAUTHORIZED_FIELD_OR_TYPE', 'me.taxAssessments']]);

    // The same session, asking for one scope only, still gets one scope (not everything granted before).
    const again = await portalAuthorizationUrl('openid tax:income');
    const page = await browser.get(again.url);
    expect(page.stopped).toBe(true);
    const second = await client.authorizationCodeGrant(portal, page.url, { pkceCodeVerifier: again.codeVerifier, expectedState: again.state });
    expect(decodeJwt(second.access_token).scope).toBe('tax:income');

    const unknown = await portalAuthorizationUrl('openid health:diagnoses');
    const refused = await newBrowser().get(unknown.url);
    expect(refused.stopped).toBe(true);
    expect(refused.url.searchParams.get('error')).toBe('invalid_scope');
    expect(refused.url.searchParams.get('code')).toBeNull();
  });

  it('refuses an authorization request without PKCE, before any login', async () => {
    const url = client.buildAuthorizationUrl(portal, { redirect_uri: REDIRECT_URI, scope: `openid ${CATALOGUE_SCOPES.join(' ')}`, state: 'no-pkce' });
    const page = await newBrowser().get(url);
    expect(page.stopped).toBe(true);
    expect(page.url.searchParams.get('error')).toBe('invalid_request');
    expect(page.url.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(page.url.searchParams.get('code')).toBeNull();
  });

  it('refuses the plain PKCE method', async () => {
    const url = client.buildAuthorizationUrl(portal, { redirect_uri: REDIRECT_URI, scope: 'openid self', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain', state: 'plain' });
    const page = await newBrowser().get(url);
    expect(page.stopped).toBe(true);
    expect(page.url.searchParams.get('error')).toBe('invalid_request');
    expect(page.url.searchParams.get('code')).toBeNull();
  });

  it('refuses a code exchange with the wrong code verifier', async () => {
    const request = await portalAuthorizationUrl();
    const { callback } = await walkBrowserSteps(newBrowser(), request.url, { persona: personaWith('complete').personalIdentityCode });
    await expect(client.authorizationCodeGrant(portal, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: request.state }))
      .rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect URI outside the portal', async () => {
    const codeVerifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(portal, {
      redirect_uri: 'http://127.0.0.1:4399/callback',
      scope: 'openid self',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    // Never redirected to the foreign URI: an error page at the authorization server.
    const page = await new TestBrowser({ stopAt: [PORTAL_ORIGIN, 'http://127.0.0.1:4399'] }).get(url);
    expect(page.stopped).toBe(false);
    expect(page.status).toBe(400);
    expect(page.html).toContain('redirect_uri');
  });
});
