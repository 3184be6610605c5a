import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt } from 'jose';
import { createDpopProof } from '../../lib/tokens/dpopProof.js';
import { formAction, inputValues, TestBrowser, type BrowserHop, type BrowserPage } from '../support/browser.js';
import { readResponse, type RawResponse } from '../support/http.js';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import {
  authorizationParams,
  authorizeRaw,
  exchangeRaw,
  getRaw,
  newDpopKey,
  pkcePair,
  postForm,
  pushAuthorizationRequest,
  tokenRequest,
  type DpopKey,
} from '../support/oauthRequests.js';
import { DEMO_BANK, walkBrowserSteps } from '../support/partnerFlow.js';
import {
  expectAuthorizationError,
  expectErrorPage,
  expectNoRegisterValues,
  expectOAuthError,
  expectUnauthenticated,
} from '../support/securityAssertions.js';

// The OAuth 2.0 Security BCP (RFC 9700 §4) against our flow, for the attacks tests/security/oauth.test.ts does not
// already cover (redirect URI matching, PKCE required and S256 only, PAR required, code reuse and theft, client
// authentication, DPoP at the token endpoint, scopes, refresh tokens, pairwise subjects): the authorization
// server's pages against clickjacking and Referer leakage, `iss` in every authorization response (mix-up), no
// front-channel tokens, state and the login/consent forms against CSRF, PKCE downgrade, the AS as an open
// redirector, 303 after every POST, forwarded headers ignored, no grant that lets a client act as the citizen, and
// pushed requests that cannot be changed in the browser. OAuth refusals assert their `error`; page refusals the code
// the page shows; GraphQL refusals `extensions.code`. No response holds a register value.

const persona = personaWith('complete');
const citizen = { persona: persona.personalIdentityCode };
const PORTAL = { clientId: 'citizen-portal', redirectUri: 'http://127.0.0.1:4200/callback' };
const NAME_QUERY = '{ me { firstNames } }';

let hub: TestHub;
let issuer: string;

beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': [NAME_QUERY] } });
  issuer = hub.env.ISSUER_URL!;
});
afterAll(async () => {
  await hub?.stop();
});

/** `/auth` with a pushed request's `request_uri`. */
function authorizeUrl(clientId: string, requestUri: string): URL {
  const url = new URL(`${issuer}/auth`);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('request_uri', requestUri);
  return url;
}

/** A pushed demo-bank request (201) and the browser URL for it. */
async function pushed(scope = 'openid population:name', extra: Record<string, string> = {}) {
  const pkce = pkcePair();
  const params = { ...authorizationParams(DEMO_BANK, scope, pkce), ...extra };
  const response = await pushAuthorizationRequest(issuer, DEMO_BANK, params);
  expect(response.status).toBe(201);
  return { url: authorizeUrl(DEMO_BANK.clientId, response.body.request_uri), pkce, params, response };
}

/** The citizen portal's authorization request at /auth (a public client: no PAR). */
function portalAuthorizeUrl(extra: Record<string, string | undefined> = {}): URL {
  const params: Record<string, string | undefined> = {
    response_type: 'code', client_id: PORTAL.clientId, redirect_uri: PORTAL.redirectUri, scope: 'openid population:name',
    state: randomUUID(), code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...extra,
  };
  const url = new URL(`${issuer}/auth`);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url;
}

// --- the authorization server's HTML pages -------------------------------------------------------------------

/** An HTML page the authorization server shows a citizen, with its status and headers. */
interface AsPage {
  status: number;
  headers: Headers;
  html: string;
}

const asPage = (page: BrowserPage): AsPage => ({ status: page.status, headers: page.headers!, html: page.html });
const rawPage = (response: RawResponse): AsPage => ({ status: response.status, headers: response.headers, html: response.text });

/** Every kind of page the citizen's browser can be shown by the authorization server, and how to reach it. */
const PAGES: Array<[string, number, () => Promise<AsPage>]> = [
  ['the login page', 200, async () => {
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] });
    return asPage(await browser.get((await pushed()).url));
  }],
  ['the consent page', 200, async () => {
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] });
    const login = await browser.get((await pushed()).url);
    return asPage(await browser.submit(formAction(login, 'login'), [['persona', persona.personalIdentityCode]]));
  }],
  ['the error page at /auth (an unknown client)', 400, async () =>
    rawPage(await getRaw(`${issuer}/auth?${new URLSearchParams({ client_id: 'nobody', redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid' })}`))],
  ['the error page of a sign-in step (a consent form from another browser)', 404, async () => {
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] });
    const login = await browser.get((await pushed()).url);
    const consent = await browser.submit(formAction(login, 'login'), [['persona', persona.personalIdentityCode]]);
    return rawPage(await postForm(formAction(consent, 'consent').href, { scope: 'population:name', decision: 'allow' }, { accept: 'text/html' }));
  }],
  ['the sign-out question (with a session)', 200, async () => {
    const { browser } = await signedInPortalBrowser();
    return asPage(await browser.get(`${issuer}/session/end`));
  }],
  ['the signed-out page', 200, async () => {
    const { browser } = await signedInPortalBrowser();
    const question = await browser.get(`${issuer}/session/end`);
    const form = /<form[^>]*id="op\.logoutForm"[^>]*>/.exec(question.html)?.[0] ?? '';
    const action = new URL((/action="([^"]*)"/.exec(form)?.[1] ?? '').replace(/&amp;/g, '&'), question.url);
    const xsrf = /name="xsrf" value="([^"]*)"/.exec(question.html)?.[1] ?? '';
    return asPage(await browser.submit(action, [['xsrf', xsrf], ['logout', 'yes']]));
  }],
  ['the sign-out page without a session (oidc-provider\'s self-submitting form)', 200, async () => rawPage(await getRaw(`${issuer}/session/end`))],
];

/** A browser with a session at the authorization server (signed in through the citizen portal's client). */
async function signedInPortalBrowser(): Promise<{ browser: TestBrowser }> {
  const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4200'] });
  const login = await browser.get(portalAuthorizeUrl());
  const done = await browser.submit(formAction(login, 'login'), [['persona', persona.personalIdentityCode]]);
  expect(done.stopped).toBe(true);
  return { browser };
}

describe('§4.16 clickjacking: no page of the authorization server can be framed', () => {
  it.each(PAGES)('%s: X-Frame-Options DENY and CSP frame-ancestors \'none\'', async (_label, status, reach) => {
    const page = await reach();
    expect(page.status).toBe(status);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy') ?? '').toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('§4.2, §4.3 credential leakage via Referer and browser history', () => {
  it.each(PAGES)('%s: Referrer-Policy no-referrer, nosniff, not cached', async (_label, status, reach) => {
    const page = await reach();
    expect(page.status).toBe(status);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('with PAR, nothing of the request travels in the browser: /auth sends it on to a page whose URL holds no parameter', async () => {
    const { url, params } = await pushed();
    const hops: BrowserHop[] = [];
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'], onHop: (hop) => hops.push(hop) });
    const login = await browser.get(url);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(login.url.search).toBe('');
    for (const hop of hops) {
      for (const value of [params.state, params.code_challenge, params.scope, params.redirect_uri]) expect(hop.url.href).not.toContain(encodeURIComponent(value!));
    }
  });
});

// --- authorization responses ---------------------------------------------------------------------------------

describe('§4.4 mix-up: every authorization response names its issuer (RFC 9207)', () => {
  // A successful response with iss: tests/consent/flow.test.ts; "PAR required" with iss: oauth.test.ts.
  it('access_denied, when the citizen says no', async () => {
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] });
    const { callback } = await walkBrowserSteps(browser, (await pushed()).url, { ...citizen, decision: 'deny' });
    expect({ error: callback.searchParams.get('error'), iss: callback.searchParams.get('iss'), code: callback.searchParams.get('code') })
      .toEqual({ error: 'access_denied', iss: issuer, code: null });
  });

  it('login_required, when the portal asks for no interaction and there is no session', async () => {
    expectAuthorizationError(await getRaw(portalAuthorizeUrl({ prompt: 'none' })), PORTAL.redirectUri, 'login_required', issuer);
  });

  it('the issuer in the responses is the one discovery names, and the one tokens carry', async () => {
    const metadata = (await readResponse(await fetch(`${issuer}/.well-known/openid-configuration`))).body;
    expect(metadata.issuer).toBe(issuer);
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    expect(authorization.callback.searchParams.get('iss')).toBe(metadata.issuer);
    const tokens = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: await newDpopKey() });
    expect(decodeJwt(tokens.body.access_token).iss).toBe(metadata.issuer);
    expect(decodeJwt(tokens.body.id_token).iss).toBe(metadata.issuer);
  });
});

describe('§4.6 access token injection: no token ever travels through the front channel', () => {
  it.each(['token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token', 'none'])(
    'response_type=%s is refused at PAR (unsupported_response_type)',
    async (responseType) => {
      const response = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...authorizationParams(DEMO_BANK, 'openid population:name'), response_type: responseType });
      expectOAuthError(response, 400, 'unsupported_response_type');
      expect(response.body.request_uri).toBeUndefined();
    },
  );

  it.each(['token', 'code id_token'])('response_type=%s from the portal at /auth goes back as unsupported_response_type, without a token', async (responseType) => {
    const response = await getRaw(portalAuthorizeUrl({ response_type: responseType, nonce: randomUUID() }));
    const callback = expectAuthorizationError(response, PORTAL.redirectUri, 'unsupported_response_type', issuer);
    expect(callback.href).not.toMatch(/access_token|id_token=/);
  });
});

describe('§4.7 CSRF: state comes back unchanged, and the sign-in forms work only in the browser that started', () => {
  it('state, however odd its characters, is echoed exactly', async () => {
    const state = `csrf ${randomUUID()} &=/?#é`;
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen, { state });
    expect(authorization.callback.searchParams.get('state')).toBe(state);
  });

  it('the login and consent forms posted from another browser (no interaction cookie) are NOT_FOUND, and the real one completes', async () => {
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] });
    const login = await browser.get((await pushed()).url);
    const loginAction = formAction(login, 'login');
    expectErrorPage(await postForm(loginAction.href, { persona: persona.personalIdentityCode }, { accept: 'text/html' }), 404, 'NOT_FOUND');
    const consent = await browser.submit(loginAction, [['persona', persona.personalIdentityCode]]);
    const consentAction = formAction(consent, 'consent');
    const forged = await postForm(consentAction.href, { scope: 'population:name', decision: 'allow' }, { accept: 'text/html' });
    expectErrorPage(forged, 404, 'NOT_FOUND');
    const done = await browser.submit(consentAction, [...inputValues(consent, 'scope', 'checkbox').map((s): [string, string] => ['scope', s]), ['decision', 'allow']]);
    expect(done.stopped).toBe(true);
    expect(done.url.searchParams.get('code')).toEqual(expect.any(String));
  });
});

describe('§4.8 PKCE downgrade', () => {
  // No challenge, plain, and a method without a challenge: oauth.test.ts.
  it('a challenge without code_challenge_method (RFC 7636 would read it as plain) is refused at PAR (invalid_request)', async () => {
    const response = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...authorizationParams(DEMO_BANK, 'openid population:name'), code_challenge_method: undefined });
    expectOAuthError(response, 400, 'invalid_request');
    expect(response.body.error_description).toMatch(/code_challenge_method/);
  });

  it('the same from the portal at /auth goes back as invalid_request, without a code', async () => {
    expectAuthorizationError(await getRaw(portalAuthorizeUrl({ code_challenge_method: undefined })), PORTAL.redirectUri, 'invalid_request', issuer);
  });
});

describe('§4.11 the authorization server is no open redirector', () => {
  // A registered client with an unregistered redirect_uri (ten variants): oauth.test.ts.
  it('an unknown client with an attacker\'s redirect_uri gets an error page (invalid_client), never a redirect', async () => {
    const response = await getRaw(`${issuer}/auth?${new URLSearchParams({ client_id: 'nobody', redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', state: 's' })}`);
    expectErrorPage(response, 400, 'invalid_client');
    expect(response.text).not.toContain('evil.example');
  });

  it('a request that is wrong in another way too (bad scope, no PKCE) still gets the page when the redirect_uri is not registered', async () => {
    for (const extra of [{ scope: 'openid health:records' }, { code_challenge: undefined, code_challenge_method: undefined }, { response_type: 'token' }]) {
      const response = await getRaw(portalAuthorizeUrl({ redirect_uri: 'https://evil.example/callback', ...extra }));
      expectErrorPage(response, 400, 'invalid_redirect_uri');
    }
  });
});

describe('§4.12 307 redirect: every redirect after a POST is a 303', () => {
  async function flowHops(decision: 'allow' | 'deny'): Promise<BrowserHop[]> {
    const hops: BrowserHop[] = [];
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'], onHop: (hop) => hops.push(hop) });
    const { callback } = await walkBrowserSteps(browser, (await pushed()).url, { ...citizen, decision });
    expect(callback.searchParams.get(decision === 'allow' ? 'code' : 'error')).toEqual(expect.any(String));
    return hops;
  }

  it.each(['allow', 'deny'] as const)('the whole flow with the citizen choosing %s: login and consent POSTs answer 303, and no hop is a 307 or 308', async (decision) => {
    const hops = await flowHops(decision);
    const posts = hops.filter((hop) => hop.method === 'POST');
    expect(posts.map((hop) => [hop.url.pathname.replace(/\/interaction\/[^/]+/, '/interaction/:uid'), hop.status])).toEqual([
      ['/interaction/:uid/login', 303],
      ['/interaction/:uid/consent', 303],
    ]);
    const redirects = hops.filter((hop) => hop.status >= 300 && hop.status < 400);
    expect(redirects.length).toBeGreaterThanOrEqual(5);
    expect(new Set(redirects.map((hop) => hop.status))).toEqual(new Set([303]));
  });
});

describe('§4.13 TLS-terminating proxies: forwarded headers are not believed (TRUST_PROXY is off by default)', () => {
  let key: DpopKey;
  let token: string;
  beforeAll(async () => {
    key = await newDpopKey();
    const tokens = await exchangeRaw(issuer, DEMO_BANK, await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen), { dpop: key });
    token = tokens.body.access_token;
    expect((decodeJwt(token).cnf as { jkt: string }).jkt).toBe(await calculateJwkThumbprint(key.publicJwk));
  });

  it('the authorization server names itself the same whatever X-Forwarded-Host and -Proto say', async () => {
    const forwarded = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7', forwarded: 'host=evil.example;proto=https' };
    const metadata = (await readResponse(await fetch(`${issuer}/.well-known/openid-configuration`, { headers: forwarded }))).body;
    expect(metadata.issuer).toBe(issuer);
    expect(JSON.stringify(metadata)).not.toContain('evil.example');
    const error = await getRaw(`${issuer}/auth?client_id=nobody`);
    expect(error.text).not.toContain('evil.example');
  });

  it('the gateway checks DPoP proofs against its configured URL, never the Host or X-Forwarded-* headers', async () => {
    const send = async (htu: string, headers: Record<string, string>) => {
      const proof = await createDpopProof(key.privateKey, key.publicJwk, 'ES256', { htm: 'POST', htu, accessToken: token });
      return readResponse(await fetch(hub.gatewayUrl, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: proof, ...headers }, body: JSON.stringify({ query: NAME_QUERY }),
      }));
    };
    const spoofed = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    for (const htu of ['http://evil.example/graphql', 'https://evil.example/graphql']) {
      expectUnauthenticated(await send(htu, spoofed), /^DPoP error="invalid_dpop_proof"/);
    }
    // The control: the same token with a proof for the configured URL, whatever the Host header says.
    const answered = await send(hub.gatewayUrl, spoofed);
    expect(answered.body).toEqual({ data: { me: { firstNames: persona.firstNames } } });
  });
});

describe('§4.15 no client can act as the citizen: no grant without the citizen', () => {
  it.each([
    'client_credentials',
    'password',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:openid:params:grant-type:ciba',
    'implicit',
  ])('grant_type=%s is unsupported_grant_type, for demo-bank (private_key_jwt) and for the portal', async (grantType) => {
    const extra = { username: persona.personalIdentityCode, password: 'x', scope: 'population:name', assertion: 'x', subject_token: 'x' };
    expectOAuthError(await tokenRequest(issuer, DEMO_BANK, { grant_type: grantType, ...extra }, { dpop: await newDpopKey() }), 400, 'unsupported_grant_type');
    expectOAuthError(await postForm(`${issuer}/token`, { grant_type: grantType, client_id: PORTAL.clientId, ...extra }), 400, 'unsupported_grant_type');
  });

  it('discovery offers the authorization code and refresh token grants only', async () => {
    const metadata = (await readResponse(await fetch(`${issuer}/.well-known/openid-configuration`))).body;
    expect([...metadata.grant_types_supported].sort()).toEqual(['authorization_code', 'refresh_token']);
  });
});

describe('authorization request leakage and tampering (PAR, RFC 9126): the pushed request cannot be changed in the browser, and lives briefly', () => {
  it('a request_uri expires within 60 seconds', async () => {
    const { response } = await pushed();
    expect(response.body.expires_in).toBeGreaterThan(0);
    expect(response.body.expires_in).toBeLessThanOrEqual(60);
    expect(response.body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  });

  it('scope, state, PKCE and redirect_uri added at /auth next to the request_uri are ignored: the pushed ones rule', async () => {
    const { url, params, pkce } = await pushed('openid population:name');
    url.searchParams.set('scope', 'openid population:name tax:income population:address');
    url.searchParams.set('state', 'attacker-state');
    url.searchParams.set('code_challenge', pkcePair().challenge);
    url.searchParams.set('redirect_uri', 'https://evil.example/callback');
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300', 'https://evil.example'] });
    const login = await browser.get(url);
    const consent = await browser.submit(formAction(login, 'login'), [['persona', persona.personalIdentityCode]]);
    expect(inputValues(consent, 'scope', 'checkbox')).toEqual(['population:name']);
    const done = await browser.submit(formAction(consent, 'consent'), [['scope', 'population:name'], ['scope', 'tax:income'], ['decision', 'allow']]);
    expect(done.stopped).toBe(true);
    const callback = done.url;
    expect(callback.searchParams.get('state')).toBe(params.state);
    const tokens = await exchangeRaw(issuer, DEMO_BANK, { code: callback.searchParams.get('code')!, verifier: pkce.verifier, redirectUri: DEMO_BANK.redirectUri, callback }, { dpop: await newDpopKey() });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token).scope).toBe('population:name');
    expectNoRegisterValues(JSON.stringify(tokens.body));
  });

  it('a response_type at /auth other than the pushed one is refused (invalid_request_object), without a code', async () => {
    const { url } = await pushed();
    url.searchParams.set('response_type', 'code token');
    expectAuthorizationError(await getRaw(url), DEMO_BANK.redirectUri, 'invalid_request_object', issuer);
  });
});
