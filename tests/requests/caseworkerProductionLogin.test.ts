import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { DEV_CASEWORKERS_FILE } from '../../consent/caseworkerDirectory.js';
import { startConsentServer } from '../../consent/server.js';
import { UPSTREAM_CALLBACK_PATH } from '../../consent/upstreamLogin.js';
import { createLogger } from '../../lib/logger.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { TestBrowser, type BrowserHop, type BrowserPage } from '../support/browser.js';
import { freePort } from '../support/http.js';
import { personaWith } from '../support/hub.js';
import { startUpstreamProvider, upstreamStep, type UpstreamProvider } from '../support/upstreamProvider.js';

// The caseworkers' console in PRODUCTION mode: no test login; a caseworker signs in at the upstream OpenID Provider
// (the stand-in oidc-provider, as for citizens) and the upstream `sub` is looked up in CASEWORKERS_FILE. Only a
// listed subject becomes that caseworker (token: subject the caseworker's id, scope exactly `cases:<queue>`); any
// other upstream person, a citizen among them, is refused and the console gets no code.

const CITIZEN_CODE = personaWith('complete').personalIdentityCode;
/** Accounts of the stand-in provider: its login name is the ID token's `sub`. */
const UPSTREAM_ACCOUNTS: Record<string, Record<string, string>> = {
  'staff-veera': {},
  'citizen-aino': { personal_identity_code: CITIZEN_CODE },
};
const DIRECTORY = [
  { id: 'cw-tax-9', name: 'Veera Verottaja', queue: 'tax', upstreamSubject: 'staff-veera' },
  { id: 'cw-vehicles-9', name: 'Kalle Katsastaja', queue: 'vehicles', upstreamSubject: 'staff-kalle' },
];
const UPSTREAM_CLIENT_ID = 'personal-data-hub';
const UPSTREAM_CLIENT_SECRET = randomBytes(32).toString('base64url');
const CONSOLE_ORIGIN = 'http://127.0.0.1:4400';
const CONSOLE_REDIRECT = `${CONSOLE_ORIGIN}/callback`;
const PORTAL_ORIGIN = 'http://127.0.0.1:4200';
const ALL_CASES = 'cases:population cases:tax cases:vehicles cases:education cases:triage';

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let home: string;
let upstream: UpstreamProvider;
let hub: RunningService;
let hubIssuer: string;
let env: Record<string, string>;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hub-caseworker-production-'));
  const port = await freePort();
  hubIssuer = `http://127.0.0.1:${port}`;
  upstream = await startUpstreamProvider({
    clientId: UPSTREAM_CLIENT_ID,
    clientSecret: UPSTREAM_CLIENT_SECRET,
    redirectUri: `${hubIssuer}${UPSTREAM_CALLBACK_PATH}`,
    accounts: UPSTREAM_ACCOUNTS,
  });
  const issuerKey = await generateKeyPair('ES256', { extractable: true });
  const internalKey = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  const partnersFile = join(home, 'partners.json');
  writeFileSync(partnersFile, '[]');
  const caseworkersFile = join(home, 'caseworkers.json');
  writeFileSync(caseworkersFile, JSON.stringify(DIRECTORY));
  env = {
    HUB_MODE: 'production',
    HUB_HOME: join(home, 'never-used'),
    AUTH_PORT: String(port),
    ISSUER_URL: hubIssuer,
    GATEWAY_AUDIENCE: 'http://127.0.0.1:4000/graphql',
    PORTAL_URL: PORTAL_ORIGIN,
    CONSOLE_URL: CONSOLE_ORIGIN,
    CONSENT_DATABASE_URL: `sqlite:${join(home, 'consent.sqlite')}`,
    ISSUER_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(issuerKey.privateKey)), kid: 'issuer-test-1' }),
    GATEWAY_INTERNAL_PUBLIC_JWK: JSON.stringify({ ...(await exportJWK(internalKey.publicKey)), kid: 'gateway-internal-test', alg: 'EdDSA' }),
    HUB_PSEUDONYM_KEY: randomBytes(32).toString('base64url'),
    HUB_PAIRWISE_KEY: randomBytes(32).toString('base64url'),
    AUTH_COOKIE_KEY: randomBytes(32).toString('base64url'),
    PARTNERS_FILE: partnersFile,
    CASEWORKERS_FILE: caseworkersFile,
    UPSTREAM_ISSUER: upstream.issuer,
    UPSTREAM_CLIENT_ID,
    UPSTREAM_CLIENT_SECRET,
  };
  hub = await startConsentServer(env, { logger: createLogger({ service: 'auth', level: 'debug', destination: logSink }) });
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await upstream?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function discover(clientId: string): Promise<client.Configuration> {
  return client.discovery(new URL(hubIssuer), clientId, { token_endpoint_auth_method: 'none' }, client.None(), { execute: [client.allowInsecureRequests] });
}

async function request(clientId: string, redirectUri: string, scope: string, extra: Record<string, string> = {}) {
  const config = await discover(clientId);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', state, ...extra,
  });
  return { config, url, codeVerifier, state };
}

const consoleRequest = () => request('caseworker-console', CONSOLE_REDIRECT, `openid ${ALL_CASES}`, { prompt: 'login' });

/** A browser that records every hop, so a test can see that the hub served no login page and where codes went. */
function newBrowser(): { browser: TestBrowser; hops: BrowserHop[] } {
  const hops: BrowserHop[] = [];
  return { browser: new TestBrowser({ stopAt: [CONSOLE_ORIGIN, PORTAL_ORIGIN], onHop: (hop) => hops.push(hop) }), hops };
}

/** Walks from an authorization URL through the stand-in provider's pages (signing in as `account`) to wherever it ends. */
async function walk(browser: TestBrowser, url: URL, account: string): Promise<BrowserPage> {
  let page = await browser.get(url);
  for (let rounds = 0; rounds < 6 && !page.stopped && page.url.origin === upstream.issuer && page.status === 200; rounds++) {
    const step = upstreamStep(page.html, page.url, account);
    if (!step) break;
    page = step.fields ? await browser.submit(step.url, step.fields) : await browser.get(step.url);
  }
  return page;
}

describe('production: caseworkers sign in to the console through the upstream provider', () => {
  it('a listed caseworker signs in upstream and the console gets a token of exactly cases:<queue> for the caseworker id', async () => {
    const { browser, hops } = newBrowser();
    const signIn = await consoleRequest();
    const final = await walk(browser, signIn.url, 'staff-veera');
    // The hub sent the browser to the upstream provider (PKCE S256, state, nonce) and never served a login page.
    const toUpstream = hops.find((hop) => hop.url.origin === hubIssuer && /^\/interaction\/[\w-]+$/.test(hop.url.pathname));
    expect(toUpstream?.status).toBe(303);
    const upstreamParams = new URL(toUpstream!.location!).searchParams;
    expect(upstreamParams.get('redirect_uri')).toBe(`${hubIssuer}${UPSTREAM_CALLBACK_PATH}`);
    expect(upstreamParams.get('code_challenge_method')).toBe('S256');
    expect(upstreamParams.get('state')).toBeTruthy();
    expect(upstreamParams.get('nonce')).toBeTruthy();
    expect(hops.some((hop) => hop.url.href.startsWith(`${hubIssuer}${UPSTREAM_CALLBACK_PATH}?`) && hop.status === 303)).toBe(true);

    expect(final.stopped).toBe(true);
    expect(final.url.origin + final.url.pathname).toBe(CONSOLE_REDIRECT);
    expect(final.url.searchParams.get('error')).toBeNull();
    const tokens = await client.authorizationCodeGrant(signIn.config, final.url, { pkceCodeVerifier: signIn.codeVerifier, expectedState: signIn.state });
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ iss: hubIssuer, sub: 'cw-tax-9', client_id: 'caseworker-console', scope: 'cases:tax', aud: env.GATEWAY_AUDIENCE });
    expect(tokens.claims()?.sub).toBe('cw-tax-9');
  });

  it('an upstream person not in CASEWORKERS_FILE (a citizen) is refused with a page, and the console gets no code', async () => {
    const { browser, hops } = newBrowser();
    const final = await walk(browser, (await consoleRequest()).url, 'citizen-aino');
    expect(final.stopped).toBe(false);
    expect(final.status).toBe(403);
    expect(final.url.pathname).toBe(UPSTREAM_CALLBACK_PATH);
    expect(final.html).toContain('not registered as a caseworker');
    expect(hops.some((hop) => hop.location?.startsWith(CONSOLE_ORIGIN) || hop.url.origin === CONSOLE_ORIGIN)).toBe(false);
    expect(final.html).not.toContain(CITIZEN_CODE);
  });

  it('has no test login for the console: no persona list, and a test login posted by hand is refused', async () => {
    const { browser, hops } = newBrowser();
    await browser.get((await consoleRequest()).url);
    const interaction = hops.find((hop) => hop.url.origin === hubIssuer && /^\/interaction\/[\w-]+$/.test(hop.url.pathname));
    expect(interaction?.status).toBe(303);
    expect(new URL(interaction!.location!).origin).toBe(upstream.issuer);
    const uid = interaction!.url.pathname.split('/').pop()!;
    // A dev persona id and a listed caseworker's id: neither signs anyone in without the upstream provider.
    for (const persona of ['cw-tax-1', 'cw-tax-9']) {
      const forged = await browser.submit(`${hubIssuer}/interaction/${uid}/login`, [['persona', persona]]);
      expect(forged.status).toBe(400);
      expect(forged.stopped).toBe(false);
      expect(forged.html).not.toContain('name="persona"');
    }
  });

  it('keeps the two apart: a caseworker\'s session gets no citizen token, a citizen\'s session no caseworker token', async () => {
    // A caseworker signed in on the console, then the citizen portal in the same browser: access_denied, no code.
    const staff = newBrowser();
    expect((await walk(staff.browser, (await consoleRequest()).url, 'staff-veera')).url.searchParams.get('code')).toBeTruthy();
    const portal = await request('citizen-portal', `${PORTAL_ORIGIN}/callback`, `openid ${scopeCatalogue().map((e) => e.scope).join(' ')}`);
    const portalEnd = await walk(staff.browser, portal.url, 'staff-veera');
    expect(portalEnd.stopped).toBe(true);
    expect(portalEnd.url.searchParams.get('error')).toBe('access_denied');
    expect(portalEnd.url.searchParams.get('code')).toBeNull();

    // A citizen signed in on the portal, then the console: without a new login the console is denied; with one
    // (the upstream provider still knows the citizen) the citizen is not in the directory and is refused.
    const citizen = newBrowser();
    const portalAgain = await request('citizen-portal', `${PORTAL_ORIGIN}/callback`, `openid ${scopeCatalogue().map((e) => e.scope).join(' ')}`);
    expect((await walk(citizen.browser, portalAgain.url, 'citizen-aino')).url.searchParams.get('code')).toBeTruthy();
    const silent = await request('caseworker-console', CONSOLE_REDIRECT, `openid ${ALL_CASES}`);
    const silentEnd = await walk(citizen.browser, silent.url, 'citizen-aino');
    expect(silentEnd.url.searchParams.get('error')).toBe('access_denied');
    expect(silentEnd.url.searchParams.get('code')).toBeNull();
    const again = await walk(citizen.browser, (await consoleRequest()).url, 'citizen-aino');
    expect(again.status).toBe(403);
    expect(again.html).toContain('not registered as a caseworker');
  });

  it('logs no identity code and no upstream subject', () => {
    const all = logLines.join('\n');
    expect(all).toContain('upstream caseworker login verified');
    expect(all).not.toContain(CITIZEN_CODE);
    expect(all).not.toContain('staff-veera');
  });
});

describe('production: the caseworker directory is read and checked at start', () => {
  function variant(name: string, extra: Record<string, string>, omit: string[] = []): Record<string, string> {
    const copy: Record<string, string> = { ...env, AUTH_PORT: '0', CONSENT_DATABASE_URL: `sqlite:${join(home, `${name}.sqlite`)}`, ...extra };
    for (const key of ['ISSUER_URL', ...omit]) delete copy[key];
    return copy;
  }
  const quiet = () => ({ logger: createLogger({ service: 'auth', destination: logSink }) });
  const file = (name: string, content: string) => {
    const path = join(home, name);
    writeFileSync(path, content);
    return path;
  };

  it('refuses a bad CASEWORKERS_FILE with a TypeError naming it', async () => {
    const bad: Array<[string, string, RegExp]> = [
      ['not-json.json', '{ not json', /^CASEWORKERS_FILE .* is not readable JSON/],
      ['object.json', '{}', /^CASEWORKERS_FILE .* must hold a JSON array of caseworkers$/],
      ['no-subject.json', JSON.stringify([{ id: 'cw-tax-9', name: 'Veera', queue: 'tax' }]), /^CASEWORKERS_FILE .*\[0\]: "upstreamSubject" must be/],
      ['same-subject.json', JSON.stringify([DIRECTORY[0], { ...DIRECTORY[1], upstreamSubject: 'staff-veera' }]), /^CASEWORKERS_FILE .*\[1\]: "upstreamSubject" must be/],
      ['bad-queue.json', JSON.stringify([{ ...DIRECTORY[0], queue: 'health' }]), /^CASEWORKERS_FILE .*\[0\]: "queue" must be/],
    ];
    for (const [name, content, message] of bad) {
      const started = startConsentServer(variant(name, { CASEWORKERS_FILE: file(name, content) }), quiet());
      await expect(started).rejects.toThrow(TypeError);
      await expect(started).rejects.toThrow(message);
    }
    await expect(startConsentServer(variant('missing', { CASEWORKERS_FILE: join(home, 'absent.json') }), quiet())).rejects.toThrow(/^CASEWORKERS_FILE .* is not readable JSON/);
  });

  it('refuses the dev caseworker personas file in production', async () => {
    await expect(startConsentServer(variant('dev-file', { CASEWORKERS_FILE: DEV_CASEWORKERS_FILE }), quiet()))
      .rejects.toThrow(new TypeError(`CASEWORKERS_FILE ${DEV_CASEWORKERS_FILE} is the dev caseworker personas file: refused in production mode`));
  });

  it('without CASEWORKERS_FILE it starts, and the console\'s sign-in is refused (no upstream login, no code)', async () => {
    const server = await startConsentServer(variant('no-directory', {}, ['CASEWORKERS_FILE']), quiet());
    try {
      const config = await client.discovery(new URL(server.url), 'caseworker-console', { token_endpoint_auth_method: 'none' }, client.None(), { execute: [client.allowInsecureRequests] });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: CONSOLE_REDIRECT, scope: `openid ${ALL_CASES}`, code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256', state: client.randomState(), prompt: 'login',
      });
      const { browser, hops } = newBrowser();
      const page = await browser.get(url);
      expect(page.status).toBe(403);
      expect(page.html).toContain('Caseworker sign-in is not configured on this server');
      expect(hops.some((hop) => hop.location?.startsWith(upstream.issuer))).toBe(false);
    } finally {
      await server.stop();
    }
  });
});
