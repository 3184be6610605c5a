import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt } from 'jose';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { DEMO_BANK, walkBrowserSteps } from '../support/partnerFlow.js';
import { makeTestPartner, type TestPartner } from '../support/partners.js';
import { TestBrowser } from '../support/browser.js';
import {
  authorizationParams,
  authorizeRaw,
  dpopGatewayQuery,
  dpopProof,
  exchangeRaw,
  getRaw,
  newDpopKey,
  pkcePair,
  postForm,
  pushAuthorizationRequest,
  refreshRaw,
  revokeRaw,
  storedToken,
  strangerJwk,
  tokenRequest,
  type AssertionOptions,
  type DpopKey,
  type RawAuthorization,
  type RawResponse,
} from '../support/oauthRequests.js';
import { createDpopProof } from '../../lib/tokens/dpopProof.js';

// The authorization server against a client that misbehaves, or an attacker holding some of a client's pieces:
// PKCE, exact redirect URIs, PAR, one-time codes bound to their client, private_key_jwt, DPoP, scopes that never
// grow, refresh tokens that die with the consent, and pairwise subjects. Requests are sent raw (no OAuth library)
// so each can be wrong in exactly one way; every test asserts the OAuth `error` code oidc-provider answers.

const PORTAL = { clientId: 'citizen-portal', redirectUri: 'http://127.0.0.1:4200/callback' };
const persona = personaWith('complete');
const citizen = { persona: persona.personalIdentityCode };

let hub: TestHub;
let issuer: string;
/** May ask for `openid population:name`; no refresh tokens. */
let otherPartner: TestPartner;
/** A standing consent: `offline_access`, 7 days. */
let standingBank: TestPartner;
/** Another partner allowed refresh tokens, to try standing-bank's. */
let standingOther: TestPartner;

beforeAll(async () => {
  otherPartner = await makeTestPartner('other-partner', { scopes: ['openid', 'population:name'] });
  standingBank = await makeTestPartner('standing-bank', { scopes: ['openid', 'offline_access', 'population:name', 'tax:income'], consentDays: 7 });
  standingOther = await makeTestPartner('standing-other', { scopes: ['openid', 'offline_access', 'population:name'] });
  hub = await startTestHub({
    partners: [otherPartner.entry, standingBank.entry, standingOther.entry],
    trustedDocuments: Object.fromEntries(['demo-bank', 'other-partner', 'standing-bank', 'standing-other'].map((id) => [id, ['{ me { firstNames } }']])),
  });
  issuer = hub.env.ISSUER_URL!;
});
afterAll(async () => {
  await hub?.stop();
});

describe('discovery', () => {
  it('advertises S256 only, PAR, DPoP, private_key_jwt, RFC 9207 iss, revocation and pairwise subjects', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata: any = await response.json();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${issuer}/request`);
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    expect(metadata.dpop_signing_alg_values_supported).not.toContain('none');
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(metadata.token_endpoint_auth_methods_supported).not.toContain('client_secret_basic');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(none|HS)/)]));
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.revocation_endpoint).toBe(`${issuer}/token/revocation`);
    expect(metadata.subject_types_supported).toContain('pairwise');
    expect(metadata.response_types_supported).toEqual(['code']);
  });
});

describe('PKCE (RFC 7636): required, S256 only', () => {
  it('refuses a pushed request without code_challenge (invalid_request)', async () => {
    const params = authorizationParams(DEMO_BANK, 'openid population:name');
    const withoutPkce = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...params, code_challenge: undefined, code_challenge_method: undefined });
    expectOAuthError(withoutPkce, 400, 'invalid_request');
    expect(withoutPkce.body.error_description).toMatch(/PKCE/);
    const methodOnly = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...params, code_challenge: undefined });
    expectOAuthError(methodOnly, 400, 'invalid_request');
  });

  it('refuses code_challenge_method=plain (invalid_request)', async () => {
    const verifier = pkcePair().verifier;
    const plain = await pushAuthorizationRequest(issuer, DEMO_BANK, {
      ...authorizationParams(DEMO_BANK, 'openid population:name'), code_challenge: verifier, code_challenge_method: 'plain',
    });
    expectOAuthError(plain, 400, 'invalid_request');
  });

  it('sends the citizen portal (a public client) back with invalid_request and no code when it omits PKCE or uses plain', async () => {
    const base = { response_type: 'code', client_id: PORTAL.clientId, redirect_uri: PORTAL.redirectUri, scope: 'openid', state: 'portal-state' };
    const attempts: Array<Record<string, string>> = [{}, { code_challenge: pkcePair().verifier, code_challenge_method: 'plain' }];
    for (const extra of attempts) {
      const response = await getRaw(`${issuer}/auth?${new URLSearchParams({ ...base, ...extra })}`);
      const callback = redirectTarget(response);
      expect(`${callback.origin}${callback.pathname}`).toBe(PORTAL.redirectUri);
      expect(callback.searchParams.get('error')).toBe('invalid_request');
      expect(callback.searchParams.get('state')).toBe('portal-state');
      expect(callback.searchParams.get('code')).toBeNull();
    }
  });

  it('redeems a code only with its verifier: a wrong or missing one is invalid_grant and does not burn the code', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    expectOAuthError(await exchangeRaw(issuer, DEMO_BANK, { ...authorization, verifier: pkcePair().verifier }, { dpop: key }), 400, 'invalid_grant');
    expectOAuthError(await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key, extra: { code_verifier: undefined } }), 400, 'invalid_grant');
    expectOk(await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key }), 200);
  });
});

describe('redirect URIs: only the registered one, exactly', () => {
  // demo-bank registered http://127.0.0.1:4300/callback.
  const variants: Array<[string, string]> = [
    ['another path', 'http://127.0.0.1:4300/other'],
    ['a trailing slash', 'http://127.0.0.1:4300/callback/'],
    ['an extra query', 'http://127.0.0.1:4300/callback?next=/evil'],
    ['another port', 'http://127.0.0.1:4301/callback'],
    ['another host (localhost)', 'http://localhost:4300/callback'],
    ['https', 'https://127.0.0.1:4300/callback'],
    ['an uppercase path', 'http://127.0.0.1:4300/CALLBACK'],
    ['a fragment', 'http://127.0.0.1:4300/callback#evil'],
    ['userinfo', 'http://evil@127.0.0.1:4300/callback'],
    ['another site', 'https://evil.example/callback'],
  ];

  it.each(variants)('refuses %s at PAR with invalid_request, and never redirects', async (_label, redirectUri) => {
    const response = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...authorizationParams(DEMO_BANK, 'openid population:name'), redirect_uri: redirectUri });
    expectOAuthError(response, 400, 'invalid_request');
    expect(response.body.error_description).toMatch(/redirect_uri/);
    expect(response.body.request_uri).toBeUndefined();
    expect(response.headers.get('location')).toBeNull();
  });

  it.each(variants)('shows an error page for %s at /auth instead of redirecting to it', async (_label, redirectUri) => {
    const response = await getRaw(`${issuer}/auth?${new URLSearchParams({ ...authorizationParams(DEMO_BANK, 'openid population:name'), redirect_uri: redirectUri })}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.text).toContain('<code>invalid_redirect_uri</code>');
  });

  it('ignores a redirect_uri sent at /auth next to a request_uri: the code goes to the pushed, registered URI', async () => {
    const pkce = pkcePair();
    const pushed = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name', pkce));
    expectOk(pushed, 201);
    const url = authorizeUrl(DEMO_BANK.clientId, pushed.body.request_uri);
    url.searchParams.set('redirect_uri', 'https://evil.example/callback');
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300', 'https://evil.example'] });
    const { callback } = await walkBrowserSteps(browser, url, citizen);
    expect(`${callback.origin}${callback.pathname}`).toBe(DEMO_BANK.redirectUri);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('redeems a code only with the redirect_uri it was issued for (invalid_grant)', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    const response = await exchangeRaw(issuer, DEMO_BANK, { ...authorization, redirectUri: 'http://127.0.0.1:4300/callback/' }, { dpop: key });
    expectOAuthError(response, 400, 'invalid_grant');
  });
});

describe('pushed authorization requests (RFC 9126): required for partners', () => {
  it('answers a plain /auth request from demo-bank, PKCE and all, with invalid_request and no code', async () => {
    const params = authorizationParams(DEMO_BANK, 'openid population:name');
    const response = await getRaw(`${issuer}/auth?${new URLSearchParams(params)}`);
    const callback = redirectTarget(response);
    expect(`${callback.origin}${callback.pathname}`).toBe(DEMO_BANK.redirectUri);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/Pushed Authorization Request must be used/);
    expect(callback.searchParams.get('iss')).toBe(issuer);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('refuses an unknown request_uri, and one that already produced a code (invalid_request_uri)', async () => {
    const bogus = redirectTarget(await getRaw(authorizeUrl(DEMO_BANK.clientId, 'urn:ietf:params:oauth:request_uri:not-pushed')));
    expect(bogus.searchParams.get('error')).toBe('invalid_request_uri');
    expect(bogus.searchParams.get('code')).toBeNull();

    const pushed = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name'));
    const url = authorizeUrl(DEMO_BANK.clientId, pushed.body.request_uri);
    const { callback } = await walkBrowserSteps(new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] }), url, citizen);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    const again = redirectTarget(await getRaw(url));
    expect(again.searchParams.get('error')).toBe('invalid_request_uri');
    expect(again.searchParams.get('code')).toBeNull();
  });

  it('refuses demo-bank\'s request_uri presented under another client id (invalid_request_object)', async () => {
    const pushed = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name'));
    const callback = redirectTarget(await getRaw(authorizeUrl(otherPartner.clientId, pushed.body.request_uri)));
    // The error goes to the presenting client's own registered URI, never to demo-bank's.
    expect(`${callback.origin}${callback.pathname}`).toBe(otherPartner.redirectUri);
    expect(callback.searchParams.get('error')).toBe('invalid_request_object');
    expect(callback.searchParams.get('code')).toBeNull();
  });
});

describe('authorization codes: one use, one client', () => {
  it('refuses a second exchange (invalid_grant) and ends what the first one gave: the consent and its access token', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    const first = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key });
    expectOk(first, 200);
    const accessToken: string = first.body.access_token;
    const consentId = String(decodeJwt(accessToken).consent_id);
    expect((await dpopGatewayQuery(hub.gatewayUrl, { token: accessToken, key, query: '{ me { firstNames } }' })).body.data.me.firstNames).toBe(persona.firstNames);

    const second = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key });
    expectOAuthError(second, 400, 'invalid_grant');
    expect(second.body.access_token).toBeUndefined();

    // RFC 6749 §4.1.2: tokens issued on a code used twice are revoked. oidc-provider drops the grant; the JWT access
    // token lives on its own, so the consent behind it is ended too (before the error response leaves), and the
    // gateway refuses the token.
    expect(await consentStatus(consentId)).toBe('REVOKED');
    const after = await dpopGatewayQuery(hub.gatewayUrl, { token: accessToken, key, query: '{ me { firstNames } }' });
    expect(after.status).toBe(401);
    expect(after.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('revokes the refresh token issued on a code that is used twice', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, standingBank, 'openid offline_access population:name', citizen);
    const first = await exchangeRaw(issuer, standingBank, authorization, { dpop: key });
    expect(first.body.refresh_token).toEqual(expect.any(String));
    expectOAuthError(await exchangeRaw(issuer, standingBank, authorization, { dpop: key }), 400, 'invalid_grant');
    expectOAuthError(await refreshRaw(issuer, standingBank, first.body.refresh_token, { dpop: key }), 400, 'invalid_grant');
  });

  it('refuses demo-bank\'s code to another partner authenticated with its own valid key (invalid_grant)', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    expectOAuthError(await exchangeRaw(issuer, otherPartner, authorization, { dpop: key }), 400, 'invalid_grant');
    expectOAuthError(await exchangeRaw(issuer, otherPartner, { ...authorization, redirectUri: otherPartner.redirectUri }, { dpop: key }), 400, 'invalid_grant');
    // The failed attempts did not burn it: its own client still redeems it.
    const own = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key });
    expectOk(own, 200);
    expect(decodeJwt(own.body.access_token).client_id).toBe(DEMO_BANK.clientId);
  });
});

describe('client authentication: private_key_jwt only', () => {
  const endpoints = ['/request', '/token'] as const;

  /** A request to `endpoint` that is valid but for the client authentication `assertion` describes. */
  async function authenticatedAs(endpoint: (typeof endpoints)[number], assertion: AssertionOptions): Promise<RawResponse> {
    if (endpoint === '/request') return pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name'), { assertion });
    return tokenRequest(issuer, DEMO_BANK, { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: DEMO_BANK.redirectUri, code_verifier: pkcePair().verifier }, { dpop: await newDpopKey(), assertion });
  }

  /** Past client authentication: PAR succeeds, the token endpoint objects only to the made-up code. */
  function expectAuthenticated(endpoint: (typeof endpoints)[number], response: RawResponse): void {
    if (endpoint === '/request') expectOk(response, 201);
    else expectOAuthError(response, 400, 'invalid_grant');
  }

  it.each(endpoints)('accepts the registered key at %s (the control case)', async (endpoint) => {
    expectAuthenticated(endpoint, await authenticatedAs(endpoint, {}));
  });

  it.each(endpoints)('refuses assertions signed by another key at %s (invalid_client)', async (endpoint) => {
    for (const signingJwk of [{ ...otherPartner.privateJwk, kid: 'demo-bank-dev-1' }, otherPartner.privateJwk, await strangerJwk('demo-bank-dev-1'), await strangerJwk()]) {
      expectOAuthError(await authenticatedAs(endpoint, { signingJwk }), 401, 'invalid_client');
    }
  });

  it.each(endpoints)('refuses unsigned (alg none) and HMAC (HS256, keyed with the public key) assertions at %s (invalid_client)', async (endpoint) => {
    expectOAuthError(await authenticatedAs(endpoint, { alg: 'none' }), 401, 'invalid_client');
    expectOAuthError(await authenticatedAs(endpoint, { alg: 'HS256' }), 401, 'invalid_client');
  });

  it.each(endpoints)('refuses a replayed assertion jti at %s (invalid_client)', async (endpoint) => {
    const jti = `replayed-${endpoint}-${Date.now()}`;
    expectAuthenticated(endpoint, await authenticatedAs(endpoint, { jti }));
    expectOAuthError(await authenticatedAs(endpoint, { jti }), 401, 'invalid_client');
  });

  it.each(endpoints)('refuses expired, foreign-audience and foreign-issuer assertions, and none at all, at %s (invalid_client)', async (endpoint) => {
    expectOAuthError(await authenticatedAs(endpoint, { exp: Math.floor(Date.now() / 1000) - 120 }), 401, 'invalid_client');
    expectOAuthError(await authenticatedAs(endpoint, { aud: 'https://evil.example' }), 401, 'invalid_client');
    expectOAuthError(await authenticatedAs(endpoint, { iss: otherPartner.clientId }), 401, 'invalid_client');
    // An assertion about another client than the client_id sent with it is a malformed request.
    expectOAuthError(await authenticatedAs(endpoint, { iss: otherPartner.clientId, sub: otherPartner.clientId }), 400, 'invalid_request');
    const params = endpoint === '/request'
      ? authorizationParams(DEMO_BANK, 'openid population:name')
      : { grant_type: 'authorization_code', client_id: DEMO_BANK.clientId, code: 'no-such-code', redirect_uri: DEMO_BANK.redirectUri, code_verifier: pkcePair().verifier };
    expectOAuthError(await postForm(`${issuer}${endpoint}`, params), 401, 'invalid_client');
  });
});

describe('DPoP (RFC 9449) at the token endpoint', () => {
  it('refuses a code exchange without a proof for a DPoP-bound client (invalid_grant), without burning the code', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    expectOAuthError(await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: null }), 400, 'invalid_grant');
    const bound = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key });
    expectOk(bound, 200);
    expect(bound.body.token_type).toBe('DPoP');
    expect((decodeJwt(bound.body.access_token).cnf as { jkt: string }).jkt).toBe(await calculateJwkThumbprint(key.publicJwk));
  });

  it('refuses proofs for another URL, another method, from long ago, or malformed (invalid_dpop_proof)', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    const proofs = [
      await dpopProof(key, 'POST', `${issuer}/token/revocation`),
      await dpopProof(key, 'POST', hub.gatewayUrl),
      await dpopProof(key, 'GET', `${issuer}/token`),
      await createDpopProof(key.privateKey, key.publicJwk, 'ES256', { htm: 'POST', htu: `${issuer}/token`, iat: Math.floor(Date.now() / 1000) - 600 }),
      'not.a.proof',
    ];
    for (const proof of proofs) expectOAuthError(await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: { proof } }), 400, 'invalid_dpop_proof');
    expectOk(await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key }), 200);
  });

  it('refuses a replayed proof (invalid_grant)', async () => {
    const key = await newDpopKey();
    const proof = await dpopProof(key, 'POST', `${issuer}/token`);
    const first = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    const second = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    expectOk(await exchangeRaw(issuer, DEMO_BANK, first, { dpop: { proof } }), 200);
    // oidc-provider checks for replay after consuming the code: the second code is spent, not just refused.
    expectOAuthError(await exchangeRaw(issuer, DEMO_BANK, second, { dpop: { proof } }), 400, 'invalid_grant');
  });

  it('binds the code to the key proven at PAR (dpop_jkt): another key cannot redeem it (invalid_grant)', async () => {
    const parKey = await newDpopKey();
    const thief = await newDpopKey();
    const pkce = pkcePair();
    const pushed = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name', pkce), {
      headers: { dpop: await dpopProof(parKey, 'POST', `${issuer}/request`) },
    });
    expectOk(pushed, 201);
    const { callback } = await walkBrowserSteps(new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] }), authorizeUrl(DEMO_BANK.clientId, pushed.body.request_uri), citizen);
    const authorization: RawAuthorization = { code: callback.searchParams.get('code')!, verifier: pkce.verifier, redirectUri: DEMO_BANK.redirectUri, callback };
    // oidc-provider compares the key after consuming the code, so the thief's attempt also spends it: the client's
    // own exchange afterwards counts as a second use (and ends the consent, as any code used twice does).
    expectOAuthError(await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: thief }), 400, 'invalid_grant');
  });
});

describe('scopes: never more than the partner may have, never more than granted', () => {
  it.each(['population:identity', 'self', 'education:qualifications', 'vehicles:licence', 'health:records'])(
    'refuses demo-bank asking for %s at PAR with invalid_scope, before any screen',
    async (scope) => {
      const response = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, `openid population:name ${scope}`));
      expectOAuthError(response, 400, 'invalid_scope');
      expect(response.body.scope).toBe(scope);
      expect(response.body.request_uri).toBeUndefined();
    },
  );

  it('ignores a wider scope sent with the code: the token carries what was granted', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name population:address', { ...citizen, untick: ['population:address'] });
    const response = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key, extra: { scope: 'openid population:name population:address tax:income' } });
    expectOk(response, 200);
    expect(decodeJwt(response.body.access_token).scope).toBe('population:name');
    expect(response.body.scope).toBe('population:name');
  });

  it('refuses another audience at the token endpoint (invalid_target), and adds nothing for the gateway\'s own', async () => {
    const key = await newDpopKey();
    const elsewhere = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    expectOAuthError(await exchangeRaw(issuer, DEMO_BANK, elsewhere, { dpop: key, extra: { resource: 'https://evil.example/api' } }), 400, 'invalid_target');

    const gateway = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen);
    const response = await exchangeRaw(issuer, DEMO_BANK, gateway, { dpop: key, extra: { resource: hub.env.GATEWAY_AUDIENCE!, scope: 'openid population:name tax:income' } });
    expectOk(response, 200);
    const claims = decodeJwt(response.body.access_token);
    expect(claims.aud).toBe(hub.env.GATEWAY_AUDIENCE);
    expect(claims.scope).toBe('population:name');
  });

  it('gives demo-bank (no offline_access in its registration) no refresh token when it asks for one', async () => {
    const key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid offline_access population:name', citizen);
    const response = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key });
    expectOk(response, 200);
    expect(response.body.refresh_token).toBeUndefined();
  });
});

describe('refresh tokens: the partner\'s own, DPoP, no wider, no longer than the consent', () => {
  /** A standing-bank authorization: asked for `population:name tax:income`, the citizen shared only the name. */
  async function standingTokens(key: DpopKey) {
    const authorization = await authorizeRaw(issuer, standingBank, 'openid offline_access population:name tax:income', { ...citizen, untick: ['tax:income'] });
    const response = await exchangeRaw(issuer, standingBank, authorization, { dpop: key });
    expectOk(response, 200);
    const refreshToken: string = response.body.refresh_token;
    expect(refreshToken).toEqual(expect.any(String));
    return { refreshToken, accessToken: response.body.access_token as string, consentId: String(decodeJwt(response.body.access_token).consent_id) };
  }

  it('is issued with offline_access, and works for the partner that holds it', async () => {
    const key = await newDpopKey();
    const { refreshToken, consentId } = await standingTokens(key);
    const refreshed = await refreshRaw(issuer, standingBank, refreshToken, { dpop: key });
    expectOk(refreshed, 200);
    const claims = decodeJwt(refreshed.body.access_token);
    expect(claims).toMatchObject({ client_id: standingBank.clientId, scope: 'population:name', consent_id: consentId });
  });

  it('is bound to its client: another partner presenting it gets invalid_grant', async () => {
    const key = await newDpopKey();
    const { refreshToken } = await standingTokens(key);
    expectOAuthError(await refreshRaw(issuer, standingOther, refreshToken, { dpop: key }), 400, 'invalid_grant');
    // A partner not registered for refresh tokens at all is stopped before the token is looked at.
    expectOAuthError(await refreshRaw(issuer, otherPartner, refreshToken, { dpop: key }), 400, 'invalid_request');
    expectOk(await refreshRaw(issuer, standingBank, refreshToken, { dpop: key }), 200);
  });

  it('needs a DPoP proof (invalid_grant without); the new access token is bound to the key proven then', async () => {
    const key = await newDpopKey();
    const { refreshToken } = await standingTokens(key);
    expectOAuthError(await refreshRaw(issuer, standingBank, refreshToken, { dpop: null }), 400, 'invalid_grant');
    expectOAuthError(await refreshRaw(issuer, standingBank, refreshToken, { dpop: { proof: await dpopProof(key, 'POST', `${issuer}/request`) } }), 400, 'invalid_dpop_proof');
    // RFC 9449 §5: a confidential client's refresh token is bound by its client authentication, not to one key.
    const rotatedKey = await newDpopKey();
    const refreshed = await refreshRaw(issuer, standingBank, refreshToken, { dpop: rotatedKey });
    expectOk(refreshed, 200);
    expect(refreshed.body.token_type).toBe('DPoP');
    expect((decodeJwt(refreshed.body.access_token).cnf as { jkt: string }).jkt).toBe(await calculateJwkThumbprint(rotatedKey.publicJwk));
  });

  it('never widens the scope: asking for an item the citizen did not grant is invalid_scope', async () => {
    const key = await newDpopKey();
    const { refreshToken } = await standingTokens(key);
    for (const scope of ['population:name tax:income', 'openid offline_access population:name tax:income', 'population:address']) {
      const response = await refreshRaw(issuer, standingBank, refreshToken, { dpop: key, extra: { scope } });
      expectOAuthError(response, 400, 'invalid_scope');
      expect(response.body.access_token).toBeUndefined();
    }
    const narrowed = await refreshRaw(issuer, standingBank, refreshToken, { dpop: key, extra: { scope: 'population:name' } });
    expect(decodeJwt(narrowed.body.access_token).scope).toBe('population:name');
  });

  it('lives no longer than the consent, and refreshing neither rotates it nor extends it', async () => {
    const key = await newDpopKey();
    const { refreshToken, consentId } = await standingTokens(key);
    const consent = await ownConsent(consentId);
    const stored = await storedToken(hub.env, 'RefreshToken', refreshToken);
    expect(stored).toBeDefined();
    const expiresAt = Number(stored!.exp) * 1000;
    expect(expiresAt).toBeLessThanOrEqual(Date.parse(consent.expiresAt));
    expect(expiresAt).toBeGreaterThan(Date.now() + 6 * 86_400_000); // standing-bank's consent lasts 7 days

    const refreshed = await refreshRaw(issuer, standingBank, refreshToken, { dpop: key });
    expect(refreshed.body.refresh_token).toBe(refreshToken);
    expect(Number((await storedToken(hub.env, 'RefreshToken', refreshToken))!.exp) * 1000).toBe(expiresAt);
  });

  it('dies when the citizen revokes the consent through the gateway (invalid_grant)', async () => {
    const key = await newDpopKey();
    const { refreshToken, consentId } = await standingTokens(key);
    const own = await hub.token(persona.personalIdentityCode);
    const revoked = await hub.query(own, `mutation { revokeConsent(id: "${consentId}") { status } }`);
    expect(revoked.body.data.revokeConsent.status).toBe('REVOKED');
    const response = await refreshRaw(issuer, standingBank, refreshToken, { dpop: key });
    expectOAuthError(response, 400, 'invalid_grant');
    expect(response.body.access_token).toBeUndefined();
  });

  it('can be revoked by its partner (RFC 7009), and then refreshing fails and the access token stops working', async () => {
    const key = await newDpopKey();
    const { refreshToken, accessToken, consentId } = await standingTokens(key);

    // Another client cannot revoke it (and it keeps working).
    const foreign = await revokeRaw(issuer, standingOther, refreshToken, 'refresh_token');
    expectOAuthError(foreign, 400, 'invalid_request');
    expectOk(await refreshRaw(issuer, standingBank, refreshToken, { dpop: key }), 200);

    const revocation = await revokeRaw(issuer, standingBank, refreshToken, 'refresh_token');
    expectOk(revocation, 200);
    expectOAuthError(await refreshRaw(issuer, standingBank, refreshToken, { dpop: key }), 400, 'invalid_grant');
    // RFC 7009 §2.1: access tokens of the same grant go too; the gateway knows them by their consent.
    expect(await consentStatus(consentId)).toBe('REVOKED');
    expect((await dpopGatewayQuery(hub.gatewayUrl, { token: accessToken, key, query: '{ me { firstNames } }' })).status).toBe(401);
  });
});

describe('pairwise subjects', () => {
  it('gives the same citizen a different sub at each partner, stable per partner, never the person id or identity code', async () => {
    const key = await newDpopKey();
    const personId = await hub.personId(persona.personalIdentityCode);
    const bankTokens = await exchangeRaw(issuer, DEMO_BANK, await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen), { dpop: key });
    const bankAgain = await exchangeRaw(issuer, DEMO_BANK, await authorizeRaw(issuer, DEMO_BANK, 'openid population:name', citizen), { dpop: key });
    const otherTokens = await exchangeRaw(issuer, otherPartner, await authorizeRaw(issuer, otherPartner, 'openid population:name', citizen), { dpop: key });

    const bankSub = decodeJwt(bankTokens.body.access_token).sub;
    const otherSub = decodeJwt(otherTokens.body.access_token).sub;
    expect(bankSub).toMatch(/^pw_/);
    expect(otherSub).toMatch(/^pw_/);
    expect(bankSub).not.toBe(otherSub);
    expect(decodeJwt(bankAgain.body.access_token).sub).toBe(bankSub);
    expect(decodeJwt(bankTokens.body.id_token).sub).toBe(bankSub);
    expect(decodeJwt(otherTokens.body.id_token).sub).toBe(otherSub);
    for (const tokens of [bankTokens, otherTokens]) {
      const everything = JSON.stringify([tokens.body, decodeJwt(tokens.body.access_token), decodeJwt(tokens.body.id_token)]);
      expect(everything).not.toContain(personId);
      expect(everything).not.toContain(persona.personalIdentityCode);
    }
  });
});

// --- helpers ---------------------------------------------------------------------------------------------

/** Asserts a successful answer. */
function expectOk(response: RawResponse, status: 200 | 201): void {
  // The error, if any, is in the failure message.
  expect({ status: response.status, error: response.body?.error, description: response.body?.error_description }).toEqual({ status, error: undefined, description: undefined });
}

/** Asserts an OAuth error response (RFC 6749 §5.2): the status, the `error` code, JSON and no token. */
function expectOAuthError(response: RawResponse, status: number, error: string): void {
  expect({ status: response.status, error: response.body?.error }).toEqual({ status, error });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body.access_token).toBeUndefined();
}

/** The URL a 303 points at (an authorization error response goes back to a registered redirect URI). */
function redirectTarget(response: RawResponse): URL {
  expect(response.status).toBe(303);
  const location = response.headers.get('location');
  expect(location).toEqual(expect.any(String));
  return new URL(location!, issuer);
}

/** `/auth` with a pushed request's `request_uri`. */
function authorizeUrl(clientId: string, requestUri: string): URL {
  const url = new URL(`${issuer}/auth`);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('request_uri', requestUri);
  return url;
}

/** One of the citizen's consents, as the citizen sees it. */
async function ownConsent(id: string): Promise<{ id: string; status: string; expiresAt: string }> {
  const own = await hub.token(persona.personalIdentityCode);
  const response = await hub.query(own, '{ me { consents { id status expiresAt } } }');
  const consent = response.body.data.me.consents.find((c: { id: string }) => c.id === id);
  if (!consent) throw new Error(`the citizen has no consent ${id}`);
  return consent;
}

async function consentStatus(id: string): Promise<string> {
  return (await ownConsent(id)).status;
}
