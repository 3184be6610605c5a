import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, importJWK, SignJWT, type CryptoKey } from 'jose';
import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import { startGateway } from '../../gateway/start.js';
import { createLogger } from '../../lib/logger.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { startPortal } from '../../portal/server.js';
import { TestBrowser } from '../support/browser.js';
import { close, listen, readResponse, type RawResponse } from '../support/http.js';
import { personas, personaWith, startTestHub, type TestHub } from '../support/hub.js';
import {
  authorizationParams,
  authorizeRaw,
  clientAuthFields,
  dpopGatewayQuery,
  exchangeRaw,
  getRaw,
  newDpopKey,
  pkcePair,
  postForm,
  pushAuthorizationRequest,
  strangerJwk,
  tokenRequest,
  type DpopKey,
} from '../support/oauthRequests.js';
import { DEMO_BANK, walkBrowserSteps } from '../support/partnerFlow.js';
import {
  errorCodes,
  expectAuthorizationError,
  expectGraphQLRefusal,
  expectNoInternals,
  expectNoRegisterValues,
  expectOAuthError,
} from '../support/securityAssertions.js';

// OWASP API Security Top 10 (2023) items that earlier files do not cover (see tests/security/README.md for the
// whole map), and the OWASP GraphQL cheat sheet's input validation and injection items:
// API3 a partner never receives a field beyond the consent, whatever its token claims; API6 no consent without the
// citizen's screen; API7 nothing fetches a URL a client supplies; API8 security headers, no CORS grant to strangers,
// no stack traces; API9 no dev or tooling endpoints, no OAuth endpoints nobody uses; API10 what a register says is
// not passed on unchecked. Each refusal asserts its exact code; no response holds a register value.

const persona = personaWith('complete');
const other = personas.find((p) => p.personalIdentityCode !== persona.personalIdentityCode && p.tags.includes('complete')) ?? personas[1]!;
/** Everything demo-bank could ever want, and more than it may have: registered so that the scopes, not the safelist, decide. */
const WIDE_QUERY = `{ me { firstNames lastName personalIdentityCode dateOfBirth address { streetAddress postalCode municipality }
  taxAssessments { year earnedIncome } vehicles { registrationNumber } drivingLicence { categories } consents { id } disclosures { fields } } }`;
const NAME_QUERY = '{ me { firstNames } }';

const logger = createLogger({ service: 'test', level: 'error' });
let hub: TestHub;
let issuer: string;
let portal: RunningService;
let citizenToken: string;
/** Requests that reached the attacker's server: nothing the hub is handed may make it fetch anything. */
const attackerRequests: string[] = [];
let attackerServer: Server;
let attackerOrigin: string;

beforeAll(async () => {
  hub = await startTestHub({ logger, trustedDocuments: { 'demo-bank': [WIDE_QUERY, NAME_QUERY] } });
  issuer = hub.env.ISSUER_URL!;
  portal = await startPortal({ ...hub.env, PORTAL_PORT: '0', GATEWAY_URL: hub.gatewayUrl }, { logger });
  citizenToken = await hub.token(persona.personalIdentityCode);
  attackerServer = createServer((req, res) => {
    attackerRequests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  attackerOrigin = await listen(attackerServer);
}, 60_000);
afterAll(async () => {
  if (attackerServer) await close(attackerServer);
  await portal?.stop();
  await hub?.stop();
});

/** POSTs a GraphQL request with the citizen's own token (raw body, so it can be wrong). */
async function citizenPost(body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return readResponse(await fetch(hub.gatewayUrl, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${citizenToken}`, ...headers }, body,
  }));
}

/** The persona's own register values as the citizen sees them: what a partner must not receive. */
async function ownValues(): Promise<string[]> {
  const own = await hub.query(citizenToken, '{ me { personalIdentityCode dateOfBirth address { streetAddress postalCode } taxAssessments { earnedIncome } vehicles { registrationNumber } } }');
  const me = own.body.data.me;
  return [
    me.personalIdentityCode, me.dateOfBirth, me.address.streetAddress, me.address.postalCode,
    ...me.taxAssessments.map((t: { earnedIncome: number }) => JSON.stringify(t.earnedIncome)),
    ...me.vehicles.map((v: { registrationNumber: string }) => v.registrationNumber),
  ].filter((value): value is string => typeof value === 'string' && value.length > 3);
}

describe('API3 broken object property level authorization: a partner gets the consented fields and nothing else', () => {
  // A partner with a real token asking for more than it was granted: tests/consent/flow.test.ts. Here the token
  // itself claims more (signed with the issuer's key, as a bug or a compromise of the token endpoint would): the
  // consent record, not the token, is what the gateway believes.
  let key: DpopKey;
  let granted: { token: string; subject: string; consentId: string; jkt: string };

  beforeAll(async () => {
    key = await newDpopKey();
    const authorization = await authorizeRaw(issuer, DEMO_BANK, 'openid population:name population:address tax:income', {
      persona: persona.personalIdentityCode, untick: ['population:address', 'tax:income'],
    });
    const tokens = await exchangeRaw(issuer, DEMO_BANK, authorization, { dpop: key });
    const claims = decodeJwt(tokens.body.access_token);
    expect(claims.scope).toBe('population:name');
    granted = { token: tokens.body.access_token, subject: String(claims.sub), consentId: String(claims.consent_id), jkt: (claims.cnf as { jkt: string }).jkt };
  });

  it('a token claiming every scope on a name-only consent gets the names; every other field is null with UNAUTHORIZED_FIELD_OR_TYPE', async () => {
    const forged = await signAccessToken(await loadIssuerKey(hub.env), {
      issuer, audience: hub.env.GATEWAY_AUDIENCE!, subject: granted.subject, clientId: DEMO_BANK.clientId, ttlSeconds: 300,
      scopes: ['population:name', 'population:identity', 'population:address', 'tax:income', 'vehicles:owned', 'vehicles:licence', 'self'],
      confirmation: granted.jkt, consentId: granted.consentId,
    });
    const answer = await dpopGatewayQuery(hub.gatewayUrl, { token: forged, key, query: WIDE_QUERY });
    expect(answer.status).toBe(200);
    expect(answer.body.data.me).toEqual({
      firstNames: persona.firstNames, lastName: persona.lastName, personalIdentityCode: null, dateOfBirth: null, address: null,
      taxAssessments: null, vehicles: null, drivingLicence: null, consents: null, disclosures: null,
    });
    expect(new Set(errorCodes(answer))).toEqual(new Set(['UNAUTHORIZED_FIELD_OR_TYPE']));
    expect(answer.body.errors.map((e: { path: string[] }) => e.path.join('.')).sort()).toEqual(
      ['address', 'consents', 'dateOfBirth', 'disclosures', 'drivingLicence', 'personalIdentityCode', 'taxAssessments', 'vehicles'].map((f) => `me.${f}`),
    );
    for (const value of await ownValues()) expect(answer.text).not.toContain(value);
    expectNoRegisterValues(answer.text, personas.filter((p) => p !== persona));
  });

  it('the disclosure record of that answer names exactly the two fields that left', async () => {
    const own = await hub.query(citizenToken, '{ me { disclosures { consentId fields } } }');
    const records = own.body.data.me.disclosures.filter((d: { consentId: string }) => d.consentId === granted.consentId);
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect([...records[0].fields].sort()).toEqual(['Person.firstNames', 'Person.lastName']);
  });
});

describe('API6 unrestricted access to a sensitive business flow: no consent without the citizen\'s screen', () => {
  it('prompt=none from a partner, even while the citizen has a session there, ends in consent_required and no code', async () => {
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] });
    const first = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name'));
    const { callback } = await walkBrowserSteps(browser, authorizeUrl(first.body.request_uri), { persona: persona.personalIdentityCode });
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));

    const silent = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...authorizationParams(DEMO_BANK, 'openid population:name'), prompt: 'none' });
    const page = await browser.get(authorizeUrl(silent.body.request_uri));
    expect(page.stopped).toBe(true);
    expect({ error: page.url.searchParams.get('error'), code: page.url.searchParams.get('code'), iss: page.url.searchParams.get('iss') })
      .toEqual({ error: 'consent_required', code: null, iss: issuer });
  });

  it('a partner\'s next authorization in the same session shows the consent screen again: consent is never reused silently', async () => {
    const browser = new TestBrowser({ stopAt: ['http://127.0.0.1:4300'] });
    for (let round = 0; round < 2; round += 1) {
      const pushed = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name'));
      const { callback, consentPage } = await walkBrowserSteps(browser, authorizeUrl(pushed.body.request_uri), { persona: persona.personalIdentityCode });
      expect(consentPage?.html).toContain('id="consent"');
      expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    }
  });
});

describe('API7 server-side request forgery: nothing fetches a URL a client supplies', () => {
  const nothingFetched = (before: number) => expect(attackerRequests.slice(before)).toEqual([]);

  it('a request_uri naming a URL (not a pushed request) at /auth: request_uri_not_supported, nothing fetched', async () => {
    const before = attackerRequests.length;
    const response = await getRaw(`${issuer}/auth?${new URLSearchParams({ client_id: DEMO_BANK.clientId, request_uri: `${attackerOrigin}/request.jwt` })}`);
    expectAuthorizationError(response, DEMO_BANK.redirectUri, 'request_uri_not_supported', issuer);
    nothingFetched(before);
  });

  it('a request_uri at PAR: request_uri_not_supported; a request object naming a jku: request_not_supported; nothing fetched', async () => {
    const before = attackerRequests.length;
    const withUri = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...authorizationParams(DEMO_BANK, 'openid population:name'), request_uri: `${attackerOrigin}/request.jwt` });
    expectOAuthError(withUri, 400, 'request_uri_not_supported');
    const key = (await importJWK(DEMO_BANK.privateJwk, 'ES256')) as CryptoKey;
    const requestObject = await new SignJWT({ ...authorizationParams(DEMO_BANK, 'openid population:name'), iss: DEMO_BANK.clientId, aud: issuer })
      .setProtectedHeader({ alg: 'ES256', kid: DEMO_BANK.privateJwk.kid, jku: `${attackerOrigin}/jwks.json` } as never).setIssuedAt().setExpirationTime('1m').sign(key);
    const withObject = await postForm(`${issuer}/request`, { client_id: DEMO_BANK.clientId, request: requestObject, ...(await clientAuthFields(issuer, DEMO_BANK)) });
    expectOAuthError(withObject, 400, 'request_not_supported');
    nothingFetched(before);
  });

  it('a client assertion whose header names jku and x5u: invalid_client, nothing fetched (partner keys are registered, not fetched)', async () => {
    const before = attackerRequests.length;
    const stranger = await strangerJwk('stranger');
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ iss: DEMO_BANK.clientId, sub: DEMO_BANK.clientId, aud: issuer, jti: randomUUID(), iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: 'stranger', jku: `${attackerOrigin}/jwks.json`, x5u: `${attackerOrigin}/cert.pem` } as never)
      .sign((await importJWK(stranger, 'ES256')) as CryptoKey);
    const response = await postForm(`${issuer}/request`, {
      ...authorizationParams(DEMO_BANK, 'openid population:name'), client_id: DEMO_BANK.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    });
    expectOAuthError(response, 401, 'invalid_client');
    nothingFetched(before);
  });

  it('a DPoP proof naming a jku instead of carrying its jwk: invalid_dpop_proof, nothing fetched', async () => {
    const before = attackerRequests.length;
    const key = await newDpopKey();
    const proof = await new SignJWT({ htm: 'POST', htu: `${issuer}/token`, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', kid: 'k', jku: `${attackerOrigin}/jwks.json` } as never).sign(key.privateKey);
    const response = await tokenRequest(issuer, DEMO_BANK, { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: DEMO_BANK.redirectUri, code_verifier: pkcePair().verifier }, { dpop: { proof } });
    expectOAuthError(response, 400, 'invalid_dpop_proof');
    nothingFetched(before);
  });

  it('a redirect_uri on the attacker\'s server is refused at PAR (invalid_request) and never called', async () => {
    const before = attackerRequests.length;
    const response = await pushAuthorizationRequest(issuer, DEMO_BANK, { ...authorizationParams(DEMO_BANK, 'openid population:name'), redirect_uri: `${attackerOrigin}/callback` });
    expectOAuthError(response, 400, 'invalid_request');
    nothingFetched(before);
  });
});

describe('API8 security misconfiguration: headers, CORS, no stack traces', () => {
  it('the gateway: every answer JSON and nosniff, GraphQL answers never cached, no server banner', async () => {
    const answers: Array<[RawResponse, number, string | null]> = [
      [await citizenPost(JSON.stringify({ query: NAME_QUERY })), 200, null],
      [await citizenPost('{"query": '), 400, 'BAD_REQUEST'],
      [await readResponse(await fetch(hub.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })), 401, 'UNAUTHENTICATED'],
      [await readResponse(await fetch(new URL('/nowhere', hub.gatewayUrl))), 404, 'NOT_FOUND'],
      [await readResponse(await fetch(hub.gatewayUrl, { method: 'DELETE', headers: { authorization: `Bearer ${citizenToken}` } })), 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [response, status, code] of answers) {
      expect({ status: response.status, code: errorCodes(response)?.[0] ?? null }).toEqual({ status, code });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('server')).toBeNull();
      expectNoInternals(response.text);
    }
    expect(answers[0]![0].headers.get('cache-control')).toBe('no-store');
    expect(answers[1]![0].headers.get('cache-control')).toBe('no-store');
  });

  it('the gateway grants no cross-origin access: no Access-Control-Allow-Origin for a stranger, on a preflight or a request', async () => {
    const origin = { origin: 'https://evil.example' };
    const preflight = await readResponse(await fetch(hub.gatewayUrl, {
      method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    }));
    const request = await citizenPost(JSON.stringify({ query: NAME_QUERY }), origin);
    expect(request.status).toBe(200);
    for (const response of [preflight, request]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    expect(preflight.status).toBe(401);
    expect(errorCodes(preflight)).toEqual(['UNAUTHENTICATED']);
  });

  it('the authorization server serves only the portal\'s origin cross-site: a stranger\'s token and PAR requests are invalid_request', async () => {
    const origin = { origin: 'https://evil.example' };
    const portalToken = await postForm(`${issuer}/token`, {
      grant_type: 'authorization_code', client_id: 'citizen-portal', code: 'no-such-code', redirect_uri: 'http://127.0.0.1:4200/callback', code_verifier: pkcePair().verifier,
    }, origin);
    expectOAuthError(portalToken, 400, 'invalid_request');
    expect(portalToken.body.error_description).toMatch(/origin .* not allowed/);
    const partnerPar = await pushAuthorizationRequest(issuer, DEMO_BANK, authorizationParams(DEMO_BANK, 'openid population:name'), { headers: origin });
    expectOAuthError(partnerPar, 400, 'invalid_request');
    for (const response of [portalToken, partnerPar]) {
      expect(response.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    // Discovery and the JWKS are public documents: readable from anywhere, never with credentials.
    const discovery = await readResponse(await fetch(`${issuer}/.well-known/openid-configuration`, { headers: origin }));
    expect(discovery.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('the authorization server: malformed requests get an OAuth error code, never a stack trace', async () => {
    expectOAuthError(await readResponse(await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' })), 400, 'invalid_request');
    expectOAuthError(await postForm(`${issuer}/token`, { grant_type: 'authorization_code', client_id: DEMO_BANK.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'e30.e30.' }), 401, 'invalid_client');
    expectOAuthError(await postForm(`${issuer}/request`, { client_id: 'x'.repeat(5000) }), 401, 'invalid_client');
    expectOAuthError(await postForm(`${issuer}/token/revocation`, { token: 'x' }), 400, 'invalid_request');
  });

  it('the portal: every page carries CSP with frame-ancestors, X-Frame-Options, nosniff, a referrer policy and no-store', async () => {
    const pages: Array<[string, RequestInit, number]> = [['/', {}, 200], ['/nowhere', {}, 404], ['/consents/not-a-uuid/receipt', {}, 404], ['/', { method: 'DELETE' }, 405]];
    for (const [path, init, status] of pages) {
      const response = await readResponse(await fetch(new URL(path, portal.url), { ...init, redirect: 'manual' }));
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(response.headers.get('content-security-policy') ?? '').toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toMatch(/^(no-referrer|same-origin)$/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expectNoInternals(response.text);
      expectNoRegisterValues(response.text);
    }
  });
});

describe('API9 improper inventory management: nothing is served that nobody needs', () => {
  it.each(['/playground', '/graphiql', '/sandbox', '/altair', '/voyager', '/.well-known/apollo/server-health', '/debug', '/graphql/schema', '/graphql/'])(
    'the gateway has no %s (404 NOT_FOUND)',
    async (path) => {
      const response = await readResponse(await fetch(new URL(path, hub.gatewayUrl), { headers: { authorization: `Bearer ${citizenToken}` } }));
      expectGraphQLRefusal(response, 404, 'NOT_FOUND');
    },
  );

  // /metrics exists for the operator's Prometheus only (operations issue): loopback and METRICS_ALLOW, never proxied.
  it('the gateway has no /metrics for a request that came through a proxy (404 NOT_FOUND)', async () => {
    const response = await readResponse(await fetch(new URL('/metrics', hub.gatewayUrl), { headers: { authorization: `Bearer ${citizenToken}`, 'x-forwarded-for': '203.0.113.7' } }));
    expectGraphQLRefusal(response, 404, 'NOT_FOUND');
  });

  it('the gateway\'s API has no federation internals: _service and _entities are GRAPHQL_VALIDATION_FAILED even for the citizen', async () => {
    expectGraphQLRefusal(await hub.query(citizenToken, '{ _service { sdl } }'), 400, 'GRAPHQL_VALIDATION_FAILED');
    expectGraphQLRefusal(await hub.query(citizenToken, '{ _entities(representations: [{ __typename: "Person", id: "x" }]) { __typename } }'), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('the authorization server advertises no dynamic registration, introspection, device or backchannel flow', async () => {
    const metadata = (await readResponse(await fetch(`${issuer}/.well-known/openid-configuration`))).body;
    for (const name of ['registration_endpoint', 'introspection_endpoint', 'device_authorization_endpoint', 'backchannel_authentication_endpoint', 'check_session_iframe']) {
      expect(metadata[name]).toBeUndefined();
    }
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.request_parameter_supported ?? false).toBe(false);
  });

  it.each(['/reg', '/token/introspection', '/device/auth', '/backchannel', '/session/check'])('the authorization server has no %s (404)', async (path) => {
    const response = await postForm(`${issuer}${path}`, { client_id: DEMO_BANK.clientId, token: 'x' });
    expect({ status: response.status, text: response.text }).toEqual({ status: 404, text: 'Not Found' });
  });
});

describe('API10 unsafe consumption of APIs: what a register answers is not passed on unchecked', () => {
  // Garbage, refusals and silence from a register: tests/faults.test.ts (SUBGRAPH_ERROR, _UNAVAILABLE, _TIMEOUT).
  let fake: Server;
  let gateway: RunningService;

  beforeAll(async () => {
    // An education register (maintained by another organisation) whose errors carry what no client may see. The
    // gateway asks it `{ me { qualifications { name } } }` (every register answers `me` itself, one round trip), and
    // its non-null field's error nulls its whole answer, as a GraphQL server's null propagation does.
    fake = createServer((req, res) => {
      if (req.url?.startsWith('/readyz') || req.url?.startsWith('/healthz')) return void res.end('ok');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        data: null,
        errors: [
          {
            message: `No qualifications for ${other.personalIdentityCode} (${other.firstNames} ${other.lastName}) at http://10.0.0.5:5432/education: SELECT * FROM persons`,
            path: ['me', 'qualifications'],
            extensions: { code: 'NOT_FOUND', stacktrace: ['Error: no rows', '    at find (/srv/education/register.js:12:3)'] },
          },
        ],
      }));
    });
    const url = `${await listen(fake)}/graphql`;
    gateway = await startGateway({ ...hub.env, GATEWAY_PORT: '0', EDUCATION_URL: url }, { logger });
  });
  afterAll(async () => {
    await gateway?.stop();
    if (fake) await close(fake);
  });

  async function askWithFakeRegister(): Promise<RawResponse> {
    return readResponse(await fetch(gateway.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${citizenToken}` },
      body: JSON.stringify({ query: '{ me { firstNames qualifications { name } } }' }),
    }));
  }

  it('a register\'s stack trace never reaches the client; its field is null with a pathed error and the rest is answered', async () => {
    const answer = await askWithFakeRegister();
    expect(answer.status).toBe(200);
    expect(answer.body.data.me).toEqual({ firstNames: persona.firstNames, qualifications: null });
    expect(answer.body.errors.map((e: { path: string[] }) => e.path)).toEqual([['me', 'qualifications']]);
    expect(answer.text).not.toMatch(/stacktrace|register\.js|\n\s+at /);
  });

  // API10: the gateway keeps a register's code and path but answers with its own fixed message per code
  // (gateway/executeOperation.ts), so nothing a register writes in a message reaches the client.
  it('a register\'s error message never carries an identity code, names, an internal URL or SQL to the client', async () => {
    const answer = await askWithFakeRegister();
    expect(errorCodes(answer)).toEqual(['NOT_FOUND']);
    // The citizen's own first names are in `data`, rightly; the errors hold none of what the register wrote.
    const errors = JSON.stringify(answer.body.errors);
    expect(answer.body.errors).toEqual([{ message: 'No such record', path: ['me', 'qualifications'], extensions: { code: 'NOT_FOUND' } }]);
    expectNoRegisterValues(errors);
    expectNoInternals(answer.text);
    expect(answer.text).not.toMatch(/10\.0\.0\.5|http:\/\//);
  });
});

describe('GraphQL cheat sheet: input validation and injection', () => {
  const VARIABLES = 'query Paged($first: Int, $before: String) { me { firstNames disclosures(first: $first, before: $before) { at } } }';

  it.each<[string, string, Record<string, unknown> | undefined]>([
    ['a string for an Int', VARIABLES, { first: 'abc' }],
    ['an object for an Int', VARIABLES, { first: { $gt: 0 } }],
    ['an Int beyond 32 bits', VARIABLES, { first: 2 ** 40 }],
    ['a list for a String', VARIABLES, { before: ['x'] }],
    ['a required variable left out', 'mutation Revoke($id: ID!) { revokeConsent(id: $id) { id } }', undefined],
    ['null for a required variable', 'mutation Revoke($id: ID!) { revokeConsent(id: $id) { id } }', { id: null }],
  ])('variables: %s is 400 BAD_USER_INPUT before any register is asked', async (_label, query, variables) => {
    const answer = await hub.query(citizenToken, query, variables);
    expectGraphQLRefusal(answer, 400, 'BAD_USER_INPUT');
  });

  it('a value that looks like an identity code is not echoed back in the refusal', async () => {
    const answer = await hub.query(citizenToken, VARIABLES, { first: other.personalIdentityCode });
    expectGraphQLRefusal(answer, 400, 'BAD_USER_INPUT');
    expect(answer.text).not.toContain(other.personalIdentityCode);
  });

  it.each([
    "' OR 1=1 --",
    "x'); DELETE FROM consents; --",
    '{"$ne": null}',
    '../../../etc/passwd',
    '$(id)',
    '\u0000',
  ])('injection into arguments (%j): revokeConsent is NOT_FOUND, paging is BAD_USER_INPUT, and nothing changed', async (payload) => {
    const before = (await hub.query(citizenToken, '{ me { consents { id status } } }')).body.data.me.consents;
    const revoke = await hub.query(citizenToken, 'mutation Revoke($id: ID!) { revokeConsent(id: $id) { id status } }', { id: payload });
    expect(revoke.status).toBe(200);
    expect(revoke.body.data).toBeNull();
    expect(errorCodes(revoke)).toEqual(['NOT_FOUND']);
    const paged = await hub.query(citizenToken, VARIABLES, { before: payload });
    expect(paged.body.data.me).toEqual({ firstNames: persona.firstNames, disclosures: null });
    expect(errorCodes(paged)).toEqual(['BAD_USER_INPUT']);
    for (const response of [revoke, paged]) {
      expectNoInternals(response.text);
      expectNoRegisterValues(response.text, personas.filter((p) => p !== persona));
    }
    const after = (await hub.query(citizenToken, '{ me { consents { id status } } }')).body.data.me.consents;
    expect(after).toEqual(before);
  });
});

/** `/auth` with a pushed request's `request_uri`, for demo-bank. */
function authorizeUrl(requestUri: string): URL {
  const url = new URL(`${issuer}/auth`);
  url.searchParams.set('client_id', DEMO_BANK.clientId);
  url.searchParams.set('request_uri', requestUri);
  return url;
}
