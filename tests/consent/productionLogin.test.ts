import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { pairwiseSubject } from '../../consent/provider.js';
import { startConsentServer } from '../../consent/server.js';
import { UPSTREAM_CALLBACK_PATH } from '../../consent/upstreamLogin.js';
import { openConsentRecords } from '../../lib/consents/index.js';
import { createLogger } from '../../lib/logger.js';
import { personIdFor } from '../../lib/personId.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { freePort } from '../support/http.js';
import { personaWith } from '../support/hub.js';
import { partnerClient, exchangeCode } from '../support/partnerFlow.js';
import { makeTestPartner, type TestPartner } from '../support/partners.js';
import { CookieJar, startUpstreamProvider, upstreamStep, type UpstreamProvider } from '../support/upstreamProvider.js';

// The authorization and consent server in PRODUCTION mode: explicit keys, a partner registry without dev partners,
// and the citizen's login delegated to an upstream OpenID Provider (a stand-in oidc-provider started here, with its
// development login pages) whose ID token vouches for the personal identity code. No test login anywhere.

const persona = personaWith('complete');
const IDENTITY_CODE = persona.personalIdentityCode;
/** Accounts of the stand-in upstream provider: the login name is an alias, never the identity code. */
const UPSTREAM_ACCOUNTS: Record<string, Record<string, string>> = {
  'citizen-aino': { personal_identity_code: IDENTITY_CODE },
  'citizen-nobody': {},
  'citizen-bogus': { personal_identity_code: 'not-an-identity-code' },
};
const UPSTREAM_CLIENT_ID = 'personal-data-hub';
const UPSTREAM_CLIENT_SECRET = randomBytes(32).toString('base64url');
const PORTAL_ORIGIN = 'http://127.0.0.1:4200';
const PORTAL_REDIRECT = `${PORTAL_ORIGIN}/callback`;
const GATEWAY_AUDIENCE = 'http://127.0.0.1:4000/graphql';
const PARTNER_SCOPES = ['openid', 'population:name', 'population:address', 'tax:income'];

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let home: string;
let upstream: UpstreamProvider;
let upstreamIssuer: string;
let hub: RunningService;
let hubIssuer: string;
let env: Record<string, string>;
let pseudonymKey: Buffer;
let pairwiseKey: Buffer;
let partner: TestPartner;

/** The production environment, every secret generated for this run. */
async function productionEnv(port: number): Promise<Record<string, string>> {
  const issuerKey = await generateKeyPair('ES256', { extractable: true });
  const internalKey = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  const internalPublic = { ...(await exportJWK(internalKey.publicKey)), kid: 'gateway-internal-test', alg: 'EdDSA' };
  pseudonymKey = randomBytes(32);
  pairwiseKey = randomBytes(32);
  partner = await makeTestPartner('prod-partner', { scopes: PARTNER_SCOPES, requiredScopes: ['population:name'] });
  const partnersFile = join(home, 'partners.json');
  writeFileSync(partnersFile, JSON.stringify([{ ...partner.entry, dev: false }]));
  return {
    HUB_MODE: 'production',
    HUB_HOME: join(home, 'never-used'),
    AUTH_PORT: String(port),
    ISSUER_URL: `http://127.0.0.1:${port}`,
    GATEWAY_AUDIENCE,
    PORTAL_URL: PORTAL_ORIGIN,
    CONSENT_DATABASE_URL: `sqlite:${join(home, 'consent.sqlite')}`,
    ISSUER_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(issuerKey.privateKey)), kid: 'issuer-test-1' }),
    GATEWAY_INTERNAL_PUBLIC_JWK: JSON.stringify(internalPublic),
    HUB_PSEUDONYM_KEY: pseudonymKey.toString('base64url'),
    HUB_PAIRWISE_KEY: pairwiseKey.toString('base64url'),
    AUTH_COOKIE_KEY: randomBytes(32).toString('base64url'),
    PARTNERS_FILE: partnersFile,
    UPSTREAM_ISSUER: upstreamIssuer,
    UPSTREAM_CLIENT_ID,
    UPSTREAM_CLIENT_SECRET,
    UPSTREAM_IDENTITY_CLAIM: 'personal_identity_code',
  };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hub-production-'));
  const hubPort = await freePort();
  hubIssuer = `http://127.0.0.1:${hubPort}`;

  upstream = await startUpstreamProvider({
    clientId: UPSTREAM_CLIENT_ID,
    clientSecret: UPSTREAM_CLIENT_SECRET,
    redirectUri: `${hubIssuer}${UPSTREAM_CALLBACK_PATH}`,
    accounts: UPSTREAM_ACCOUNTS,
  });
  upstreamIssuer = upstream.issuer;

  env = await productionEnv(hubPort);
  hub = await startConsentServer(env, { logger: createLogger({ service: 'auth', level: 'debug', destination: logSink }) });
});

afterAll(async () => {
  await hub?.stop();
  await upstream?.stop();
  rmSync(home, { recursive: true, force: true });
});

interface Page {
  url: URL;
  status: number;
  html: string;
  /** Arrived at a client's redirect URI (nothing listens there). */
  stopped: boolean;
}

/** A browser that follows redirects by hand, keeps path-scoped cookies, and records every URL it visited. */
class Browser {
  readonly jar = new CookieJar();
  readonly visited: Array<{ method: string; url: URL; status: number; location?: URL }> = [];
  readonly pages: Page[] = [];

  constructor(private readonly stopAt: string[]) {}

  get(url: URL | string): Promise<Page> {
    return this.navigate(new URL(url), 'GET');
  }

  submit(url: URL, fields: Array<[string, string]>): Promise<Page> {
    return this.navigate(url, 'POST', new URLSearchParams(fields).toString());
  }

  private async navigate(start: URL, firstMethod: string, firstBody?: string): Promise<Page> {
    let url = start;
    let method = firstMethod;
    let body = firstBody;
    for (let hops = 0; hops < 25; hops++) {
      if (this.stopAt.some((prefix) => url.href.startsWith(prefix))) return { url, status: 0, html: '', stopped: true };
      const headers: Record<string, string> = { accept: 'text/html', 'accept-language': 'en' };
      const cookie = this.jar.header(url);
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(url, { method, headers, body, redirect: 'manual' });
      this.jar.store(url, response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        const next = new URL(location, url);
        this.visited.push({ method, url, status: response.status, location: next });
        url = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      this.visited.push({ method, url, status: response.status });
      const page = { url, status: response.status, html: await response.text(), stopped: false };
      this.pages.push(page);
      return page;
    }
    throw new Error('too many redirects');
  }
}

function formOf(page: Page, pattern: RegExp = /<form[^>]*>/i): URL {
  const form = pattern.exec(page.html)?.[0];
  if (!form) throw new Error(`no form on ${page.url.href} (status ${page.status}): ${page.html.slice(0, 300)}`);
  return new URL((/action="([^"]*)"/i.exec(form)?.[1] ?? '').replace(/&amp;/g, '&'), page.url);
}

function checkboxValues(page: Page, name: string): string[] {
  return [...page.html.matchAll(/<input[^>]*>/gi)]
    .map((m) => m[0])
    .filter((tag) => /type="(checkbox|hidden)"/i.test(tag) && new RegExp(`name="${name}"`).test(tag))
    .map((tag) => /value="([^"]*)"/.exec(tag)?.[1] ?? '');
}

/** What the citizen does: sign in upstream as an account (or cancel there), then answer the hub's consent screen. */
interface Citizen {
  upstreamAccount: string | 'cancel';
  decision?: 'allow' | 'deny';
}

/** Walks from an authorization URL through the upstream login and the hub's consent to the client's redirect URI. */
async function walk(browser: Browser, url: URL, citizen: Citizen): Promise<{ final: Page; sawUpstreamLogin: boolean; sawConsent: boolean }> {
  let page = await browser.get(url);
  let sawUpstreamLogin = false;
  let sawConsent = false;
  for (let rounds = 0; rounds < 8 && !page.stopped; rounds++) {
    if (page.url.origin === upstreamIssuer && page.status === 200) {
      const step = upstreamStep(page.html, page.url, citizen.upstreamAccount);
      if (!step) break;
      if (step.page === 'login') sawUpstreamLogin = true;
      page = step.fields ? await browser.submit(step.url, step.fields) : await browser.get(step.url);
    } else if (page.url.origin === hubIssuer && page.status === 200 && page.html.includes('id="consent"')) {
      sawConsent = true;
      const fields: Array<[string, string]> = [...new Set(checkboxValues(page, 'scope'))].map((scope) => ['scope', scope]);
      fields.push(['decision', citizen.decision ?? 'allow']);
      page = await browser.submit(formOf(page, /<form[^>]*id="consent"[^>]*>/i), fields);
    } else {
      break; // an error page, or a page this walk does not know: the caller looks at it
    }
  }
  return { final: page, sawUpstreamLogin, sawConsent };
}

async function portalConfiguration(): Promise<client.Configuration> {
  return client.discovery(new URL(hubIssuer), 'citizen-portal', { token_endpoint_auth_method: 'none' }, client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

async function portalRequest(portal: client.Configuration) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(portal, {
    redirect_uri: PORTAL_REDIRECT,
    scope: `openid ${scopeCatalogue().map((entry) => entry.scope).join(' ')}`,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  });
  return { url, codeVerifier, state };
}

async function partnerRequest(scope: string) {
  const configured = await partnerClient(hubIssuer, { clientId: partner.clientId, privateJwk: partner.privateJwk });
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = await client.buildAuthorizationUrlWithPAR(configured.config, {
    redirect_uri: partner.redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  }, { DPoP: configured.dpop });
  return { partner: configured, url, codeVerifier, state };
}

describe('production login through an upstream OpenID Provider', () => {
  it('starts in production mode and shows no test login: the interaction goes to the upstream provider', async () => {
    expect(hub.url).toBe(hubIssuer);
    const { url } = await portalRequest(await portalConfiguration());
    const browser = new Browser([PORTAL_ORIGIN]);
    const page = await browser.get(url);
    // /auth -> /interaction/<uid> -> the upstream provider's authorization endpoint, with PKCE, state and nonce.
    const interaction = browser.visited.find((step) => step.url.origin === hubIssuer && /^\/interaction\/[\w-]+$/.test(step.url.pathname));
    expect(interaction).toBeDefined();
    expect(interaction!.status).toBe(303);
    expect(interaction!.location!.origin + interaction!.location!.pathname).toBe(`${upstreamIssuer}/auth`);
    const upstreamParams = interaction!.location!.searchParams;
    expect(upstreamParams.get('client_id')).toBe(UPSTREAM_CLIENT_ID);
    expect(upstreamParams.get('redirect_uri')).toBe(`${hubIssuer}${UPSTREAM_CALLBACK_PATH}`);
    expect(upstreamParams.get('code_challenge_method')).toBe('S256');
    expect(upstreamParams.get('state')).toBeTruthy();
    expect(upstreamParams.get('nonce')).toBeTruthy();
    // The browser now stands on the upstream provider's own login page; the hub served no login page at all.
    expect(page.url.origin).toBe(upstreamIssuer);
    expect(page.html).toContain('name="prompt" value="login"');
    for (const hubPage of browser.pages.filter((p) => p.url.origin === hubIssuer)) {
      expect(hubPage.html).not.toContain('id="login"');
      expect(hubPage.html).not.toContain('name="persona"');
    }

    // A test login posted by hand is refused as well: production has no test login to post to.
    const uid = interaction!.url.pathname.split('/').pop()!;
    const forged = await fetch(`${hubIssuer}/interaction/${uid}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.jar.header(new URL(`${hubIssuer}/interaction/${uid}/login`)) },
      body: new URLSearchParams({ persona: IDENTITY_CODE }).toString(),
      redirect: 'manual',
    });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('location')).toBeNull();
  });

  it('the citizen portal gets the citizen\'s own token through the upstream login, sub = personIdFor(code, HUB_PSEUDONYM_KEY)', async () => {
    const portal = await portalConfiguration();
    const request = await portalRequest(portal);
    const browser = new Browser([PORTAL_ORIGIN]);
    const { final, sawUpstreamLogin, sawConsent } = await walk(browser, request.url, { upstreamAccount: 'citizen-aino' });
    expect(sawUpstreamLogin).toBe(true);
    expect(sawConsent).toBe(false); // first party: no consent screen at the hub
    expect(final.stopped).toBe(true);
    expect(final.url.searchParams.get('iss')).toBe(hubIssuer);
    expect(final.url.searchParams.get('error')).toBeNull();
    // The browser came back through the hub's callback for the upstream provider.
    expect(browser.visited.some((step) => step.url.href.startsWith(`${hubIssuer}${UPSTREAM_CALLBACK_PATH}?`) && step.status === 303)).toBe(true);

    const tokens = await client.authorizationCodeGrant(portal, final.url, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
    const claims = decodeJwt(tokens.access_token);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: 'issuer-test-1' });
    expect(claims.sub).toBe(personIdFor(IDENTITY_CODE, pseudonymKey));
    expect(claims).toMatchObject({ iss: hubIssuer, client_id: 'citizen-portal' });
    expect([claims.aud].flat()).toEqual([GATEWAY_AUDIENCE]);
    expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(scopeCatalogue().map((entry) => entry.scope)));
    expect(JSON.stringify(claims)).not.toContain(IDENTITY_CODE);
    expect(tokens.claims()?.sub).toBe(claims.sub);
  });

  it('a partner (PAR, private_key_jwt, DPoP) completes through the upstream login and the consent screen', async () => {
    const request = await partnerRequest('openid population:name population:address tax:income');
    const browser = new Browser([new URL(partner.redirectUri).origin]);
    const { final, sawUpstreamLogin, sawConsent } = await walk(browser, request.url, { upstreamAccount: 'citizen-aino' });
    expect(sawUpstreamLogin).toBe(true);
    expect(sawConsent).toBe(true);
    expect(final.stopped).toBe(true);
    expect(final.url.searchParams.get('iss')).toBe(hubIssuer);
    expect(final.url.searchParams.get('code')).toBeTruthy();

    const tokens = await exchangeCode(request.partner, { callback: final.url, codeVerifier: request.codeVerifier, state: request.state });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const claims = decodeJwt(tokens.access_token);
    const personId = personIdFor(IDENTITY_CODE, pseudonymKey);
    // Pairwise for the partner, and the consent behind it belongs to the persona the upstream provider vouched for.
    expect(claims.sub).toBe(pairwiseSubject(pairwiseKey, partner.clientId, personId));
    expect(claims).toMatchObject({ iss: hubIssuer, client_id: partner.clientId, scope: 'population:name population:address tax:income' });
    expect(JSON.stringify(claims)).not.toContain(IDENTITY_CODE);
    const records = await openConsentRecords(env.CONSENT_DATABASE_URL!);
    try {
      const consent = await records.consents.findConsent(String(claims.consent_id));
      expect(consent).toMatchObject({ personId, clientId: partner.clientId, status: 'ACTIVE', subject: claims.sub });
    } finally {
      await records.close();
    }
  });

  it('the upstream provider refusing (access_denied) ends the authorization with an error and no code', async () => {
    const request = await partnerRequest('openid population:name');
    const browser = new Browser([new URL(partner.redirectUri).origin]);
    const { final, sawConsent } = await walk(browser, request.url, { upstreamAccount: 'cancel' });
    expect(sawConsent).toBe(false);
    const upstreamError = browser.visited.find((step) => step.url.href.startsWith(`${hubIssuer}${UPSTREAM_CALLBACK_PATH}?`));
    expect(upstreamError?.url.searchParams.get('error')).toBe('access_denied');
    // The partner learns the outcome at its redirect URI: access_denied, no code.
    expect(final.stopped).toBe(true);
    expect(final.url.searchParams.get('error')).toBe('access_denied');
    expect(final.url.searchParams.get('code')).toBeNull();
    expect(final.url.searchParams.get('state')).toBe(request.state);
    expect(final.url.searchParams.get('iss')).toBe(hubIssuer);
  });

  it('an upstream ID token without a valid identity code ends in an error page and no code', async () => {
    for (const account of ['citizen-nobody', 'citizen-bogus']) {
      const { url } = await portalRequest(await portalConfiguration());
      const browser = new Browser([PORTAL_ORIGIN]);
      const { final } = await walk(browser, url, { upstreamAccount: account });
      expect(final.stopped).toBe(false);
      expect(final.status).toBe(403);
      expect(final.url.pathname).toBe(UPSTREAM_CALLBACK_PATH);
      // The upstream provider's code reached the hub's callback, but the hub issued none: nothing went to the portal.
      expect(browser.visited.some((step) => step.location?.origin === PORTAL_ORIGIN)).toBe(false);
      expect(final.html).toContain('did not vouch for a personal identity code');
    }
  });

  it('no log line holds the identity code, nor tried to', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const all = logLines.join('\n');
    expect(all).toContain('upstream login verified');
    expect(all).not.toContain(IDENTITY_CODE);
    // The logger scrubs identity codes as a last line of defence; nothing should have needed it.
    expect(all).not.toContain('[REDACTED-ID]');
    expect(all).not.toContain(persona.lastName);
    for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('production refuses to start on an unsafe configuration', () => {
  /** The working production environment without `omit`, on another port and database. */
  function variant(name: string, omit: string[], extra: Record<string, string> = {}): Record<string, string> {
    const copy: Record<string, string> = { ...env, AUTH_PORT: '0', CONSENT_DATABASE_URL: `sqlite:${join(home, `${name}.sqlite`)}`, ...extra };
    for (const key of ['ISSUER_URL', ...omit]) delete copy[key];
    return copy;
  }
  const quiet = () => ({ logger: createLogger({ service: 'auth', destination: logSink }) });

  it('with a dev partner in PARTNERS_FILE', async () => {
    const devFile = join(home, 'dev-partners.json');
    writeFileSync(devFile, JSON.stringify([partner.entry])); // makeTestPartner marks its partners dev: true
    await expect(startConsentServer(variant('dev-partner', [], { PARTNERS_FILE: devFile }), quiet()))
      .rejects.toThrow(new TypeError('partner "prod-partner" is a dev partner (its private key is committed): refused in production mode'));
  });

  it('without PARTNERS_FILE', async () => {
    await expect(startConsentServer(variant('no-partners', ['PARTNERS_FILE']), quiet()))
      .rejects.toThrow(new TypeError('PARTNERS_FILE must name the partner registry in production mode'));
  });

  it('without UPSTREAM_ISSUER', async () => {
    await expect(startConsentServer(variant('no-upstream', ['UPSTREAM_ISSUER']), quiet()))
      .rejects.toThrow(new TypeError('UPSTREAM_ISSUER must name the identity provider citizens sign in with in production mode (there is no test login)'));
  });

  it('with UPSTREAM_ISSUER but no client credentials', async () => {
    await expect(startConsentServer(variant('no-upstream-secret', ['UPSTREAM_CLIENT_SECRET']), quiet()))
      .rejects.toThrow(new TypeError('UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET must be set with UPSTREAM_ISSUER'));
  });
});
