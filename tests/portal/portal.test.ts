import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createLogger } from '../../lib/logger.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { startPortal } from '../../portal/server.js';
import { formAction, TestBrowser } from '../support/browser.js';
import { freePort } from '../support/http.js';
import { personas, personaWith, startTestHub, type TestHub, type TestPersona } from '../support/hub.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerQuery, type PartnerClient } from '../support/partnerFlow.js';

// The citizen portal over HTTP against a whole hub: sign-in as the OAuth public client, the pages, revocation with
// confirmation and CSRF token, receipts, the disclosure log, the download, languages, token expiry and sign-out.
// The portal's own cookies are kept here by hand (to look at them); the authorization server's pages are walked
// with TestBrowser, which keeps the issuer's cookies (its session makes a second sign-in quick).

const logger = createLogger({ service: 'test', level: 'error' });
/** What the portal logged, line by line. */
const portalLog: string[] = [];
const portalLogger = createLogger({ service: 'portal', level: 'info', destination: { write: (line: string) => void portalLog.push(line) } });
let hub: TestHub;
let portal: RunningService;
let portalUrl: string;
/** Added to the portal's clock: moves its sessions and tokens forward in time. */
let clockOffsetMs = 0;
/** Requests the portal made to the issuer's token endpoint (counts sign-ins). */
let tokenRequests = 0;
/** Every consent the tests made (none may appear in a log line). */
const consentIds: string[] = [];

beforeAll(async () => {
  // The authorization server registers the portal's redirect URI when it starts, so the port is fixed first.
  const port = await freePort();
  portalUrl = `http://127.0.0.1:${port}`;
  hub = await startTestHub({ logger, env: { PORTAL_PORT: String(port), PORTAL_URL: portalUrl }, trustedDocuments: { 'demo-bank': ['{ me { firstNames } }', '{ me { firstNames address { municipality } } }'] } });
  const countingFetch: typeof fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input).endsWith('/token')) tokenRequests += 1;
    return fetch(input, init);
  };
  portal = await startPortal({ ...hub.env, GATEWAY_URL: hub.gatewayUrl }, { logger: portalLogger, fetch: countingFetch, now: () => Date.now() + clockOffsetMs });
});
afterAll(async () => {
  await portal?.stop();
  await hub?.stop();
});

/** A response from the portal (or where a redirect chain ended). */
interface Page {
  url: URL;
  status: number;
  headers: Headers;
  text: string;
  /** Every portal response's Set-Cookie lines on the way. */
  setCookies: string[];
  /** The portal paths passed through. */
  trail: string[];
}

/** A citizen with a browser: portal cookies by hand, the issuer's pages through TestBrowser. */
class Citizen {
  readonly jar = new Map<string, string>();
  readonly issuer: TestBrowser;
  constructor(readonly language = 'en') {
    this.issuer = new TestBrowser({ stopAt: [portalUrl], language });
  }

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** One request to the portal, no redirects followed. */
  async request(path: string, init: { method?: string; form?: Array<[string, string]>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'accept-language': this.language, ...init.headers };
    if (this.jar.size > 0) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(new URL(path, portalUrl), { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects through the portal and the issuer until a page that is not a redirect. */
  async open(path: string, init: { method?: string; form?: Array<[string, string]>; headers?: Record<string, string> } = {}): Promise<Page> {
    const setCookies: string[] = [];
    const trail: string[] = [];
    let url = new URL(path, portalUrl);
    let next = init;
    for (let hops = 0; hops < 10; hops += 1) {
      if (url.origin !== portalUrl) {
        const page = await this.issuer.get(url);
        if (!page.stopped) return { url: page.url, status: page.status, headers: page.headers!, text: page.html, setCookies, trail };
        url = page.url;
        continue;
      }
      trail.push(url.pathname);
      const response = await this.request(url.pathname + url.search, next);
      setCookies.push(...response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status === 303 && location) {
        await response.arrayBuffer();
        url = new URL(location, url);
        next = {};
        continue;
      }
      return { url, status: response.status, headers: response.headers, text: await response.text(), setCookies, trail };
    }
    throw new Error('too many redirects');
  }

  /** Signs in from the front page's button; resolves with the page the portal shows afterwards. */
  async signIn(persona: TestPersona, path = '/'): Promise<Page> {
    const front = await this.open('/');
    expect(front.text).toContain('id="sign-in" href="/login"');
    const login = await this.open(path === '/' ? '/login' : `/login?return=${encodeURIComponent(path)}`);
    expect(login.url.origin).toBe(hub.env.ISSUER_URL);
    expect(login.text).toContain('id="login"');
    const callback = await this.issuer.submit(formAction({ url: login.url, status: login.status, html: login.text, stopped: false }, 'login'), [['persona', persona.personalIdentityCode]]);
    expect(callback.stopped).toBe(true);
    expect(callback.url.pathname).toBe('/callback');
    return this.open(callback.url.pathname + callback.url.search);
  }

  csrf(page: Page): string {
    const token = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token on ${page.url.pathname}`);
    return token;
  }
}

function section(html: string, register: string): string {
  const start = html.indexOf(`data-register="${register}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

async function partnerWithConsent(persona: TestPersona, scope = 'openid population:name tax:income'): Promise<{ partner: PartnerClient; accessToken: string }> {
  const partner = await partnerClient(hub.env.ISSUER_URL!);
  const authorization = await authorizeWithPar(partner, { persona: persona.personalIdentityCode }, scope);
  const tokens = await exchangeCode(partner, authorization);
  consentIds.push(String(decodeJwt(tokens.access_token).consent_id));
  return { partner, accessToken: tokens.access_token };
}

describe('the citizen portal', () => {
  it('starts ready once the issuer and the gateway answer', async () => {
    expect((await fetch(`${portalUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${portalUrl}/readyz`)).status).toBe(200);
  });

  it('explains itself to a signed-out visitor under a strict CSP, with no script', async () => {
    const page = await new Citizen().open('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('<a class="button" id="sign-in" href="/login">Sign in</a>');
    expect(page.text).not.toMatch(/<script/i);
    expect(page.headers.get('content-security-policy')).toMatch(
      new RegExp(`^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]{44}'; img-src 'self'; form-action 'self' ${hub.env.ISSUER_URL!.replace(/[.]/g, '\\.')}; frame-ancestors 'none'; base-uri 'none'$`),
    );
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('signs the citizen in (PKCE, new session id) and shows their data from all four registers', async () => {
    const persona = personaWith('complete');
    const citizen = new Citizen();
    const login = await citizen.request('/login');
    expect(login.status).toBe(303);
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin).toBe(hub.env.ISSUER_URL);
    expect(authorize.searchParams.get('client_id')).toBe('citizen-portal');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${portalUrl}/callback`);
    expect(authorize.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'self', 'population:identity', 'tax:income', 'vehicles:licence', 'education:enrolments']));
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('portal_session='))!;
    expect(cookie).toMatch(/^portal_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const before = citizen.jar.get('portal_session');

    const page = await citizen.signIn(persona);
    expect(page.status).toBe(200);
    expect(page.url.pathname).toBe('/');
    expect(citizen.jar.get('portal_session')).not.toBe(before); // rotated at sign-in (session fixation)
    expect(page.text).toContain('<main id="content" tabindex="-1">');
    expect(page.text).toContain('<h1>My data</h1>');
    expect(page.text).toContain(persona.firstNames);
    expect(page.text).toContain(persona.lastName);
    expect(page.text).toContain(persona.personalIdentityCode);
    for (const register of ['population', 'tax', 'vehicles', 'education']) expect(section(page.text, register)).toContain('data-state="data"');
    expect(section(page.text, 'population')).toContain('Population Information System (Digital and Population Data Services Agency)');
    expect(section(page.text, 'tax')).toMatch(/<table id="tax-assessments">[\s\S]*€/);
    expect(section(page.text, 'vehicles')).toMatch(/<th scope="row">[A-Z]{2,3}-\d{1,3}<\/th>/);
    expect(section(page.text, 'education')).toContain('<table id="qualifications">');
    expect(section(page.text, 'education')).toMatch(/Last updated <time datetime=/);
    expect(page.text).toContain('<a id="download" href="/download"');
    expect(page.text).toMatch(/<form id="logout" method="post" action="\/logout">/);
  });

  it('says plainly that the education register holds nothing about a no-education persona', async () => {
    const page = await new Citizen().signIn(personaWith('no-education'));
    expect(section(page.text, 'education')).toContain('data-state="empty"');
    expect(section(page.text, 'education')).toContain('The education register holds nothing about you.');
    expect(section(page.text, 'vehicles')).toContain('data-state="data"');
  });

  it('lists a consent, and revokes it only after confirmation with the CSRF token; the partner is then refused', async () => {
    const persona = personaWith('complete');
    const { partner, accessToken } = await partnerWithConsent(persona);
    expect((await partnerQuery(partner, hub.gatewayUrl, accessToken, '{ me { firstNames } }')).status).toBe(200);
    const citizen = new Citizen();
    await citizen.signIn(persona);
    const consentId = String(decodeJwt(accessToken).consent_id);

    const consents = await citizen.open('/consents');
    expect(consents.status).toBe(200);
    const article = consents.text.slice(consents.text.indexOf(`<article class="consent" id="consent-${consentId}"`));
    expect(article).toContain('data-status="ACTIVE"');
    expect(article).toContain('>Demo Bank</h3>');
    expect(article).toContain('<li>Your first names and last name</li>');
    expect(article).toMatch(/<dt>Purpose<\/dt><dd>[^<]+<\/dd>/);
    expect(article).toContain(`<a class="button revoke" href="/consents/${consentId}/revoke">`);

    const confirm = await citizen.open(`/consents/${consentId}/revoke`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<h1>Revoke the consent you gave to Demo Bank?</h1>');
    expect(confirm.text).toContain(`<form id="revoke" method="post" action="/consents/${consentId}/revoke">`);
    const csrf = citizen.csrf(confirm);

    // Without the token, with a wrong one, or from another origin: refused, and nothing happens.
    for (const attempt of [
      { form: [] as Array<[string, string]> },
      { form: [['csrf', 'x'.repeat(43)]] as Array<[string, string]> },
      { form: [['csrf', csrf]] as Array<[string, string]>, headers: { origin: 'http://evil.example' } },
    ]) {
      const refused = await citizen.request(`/consents/${consentId}/revoke`, { method: 'POST', ...attempt });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('data-error="forbidden"');
    }
    expect((await partnerQuery(partner, hub.gatewayUrl, accessToken, '{ me { firstNames } }')).status).toBe(200);

    const done = await citizen.open(`/consents/${consentId}/revoke`, { method: 'POST', form: [['csrf', csrf]], headers: { origin: portalUrl } });
    expect(done.trail).toEqual([`/consents/${consentId}/revoke`, '/consents']);
    expect(done.status).toBe(200);
    expect(done.text).toContain('<p class="notice" id="notice" role="status">You revoked the consent you gave to Demo Bank.');
    const revokedSection = done.text.slice(done.text.indexOf('<section id="consents-revoked"'));
    expect(revokedSection).toContain(`data-consent-id="${consentId}" data-status="REVOKED"`);
    expect(revokedSection).toMatch(/<dt>Revoked<\/dt><dd><time/);
    // The notice is shown once.
    expect((await citizen.open('/consents')).text).not.toContain('id="notice"');
    const after = await partnerQuery(partner, hub.gatewayUrl, accessToken, '{ me { firstNames } }');
    expect(after.status).toBe(401);
    // A revoked consent has no revoke form any more.
    expect((await citizen.open(`/consents/${consentId}/revoke`)).text).not.toContain('id="revoke"');
  });

  it('downloads a consent receipt as an application/jwt attachment, and refuses ids that are not the citizen’s', async () => {
    const persona = personas.find((p) => p.tags.includes('complete') && p !== personaWith('complete'))!;
    const { accessToken } = await partnerWithConsent(persona);
    const consentId = String(decodeJwt(accessToken).consent_id);
    const citizen = new Citizen();
    await citizen.signIn(persona);
    const receipt = await citizen.open(`/consents/${consentId}/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toBe('application/jwt');
    expect(receipt.headers.get('content-disposition')).toBe(`attachment; filename="consent-${consentId}.jwt"`);
    expect(decodeProtectedHeader(receipt.text).typ).toBe('consent-receipt+jwt');
    expect(JSON.stringify(decodeJwt(receipt.text))).toContain(consentId);
    // Another citizen cannot fetch it, revoke it, or tell that it exists.
    const other = new Citizen();
    await other.signIn(personaWith('no-education'));
    expect((await other.open(`/consents/${consentId}/receipt`)).status).toBe(404);
    expect((await other.open(`/consents/${consentId}/revoke`)).status).toBe(404);
    expect((await other.open('/consents/not-a-uuid/receipt')).status).toBe(404);
  });

  it('shows who has seen the data, newest first, 20 to a page with an Older link, in plain language', async () => {
    const target = personas.find((p) => p.tags.includes('licence-health-restriction') && !p.tags.includes('complete'))!;
    expect(target).toBeDefined();
    const { partner, accessToken } = await partnerWithConsent(target, 'openid population:name population:address');
    for (let i = 0; i < 23; i += 1) {
      expect((await partnerQuery(partner, hub.gatewayUrl, accessToken, '{ me { firstNames address { municipality } } }')).status).toBe(200);
    }
    const citizen = new Citizen('fi');
    await citizen.signIn(target);
    const first = await citizen.open('/disclosures');
    expect(first.status).toBe(200);
    expect(first.text).toContain('<h1>Kuka on nähnyt tietojani</h1>');
    expect(first.text).toContain('<caption id="disclosures-caption">Tietojesi luovutukset</caption>');
    const rows = first.text.match(/<tr><th scope="row">/g) ?? [];
    expect(rows).toHaveLength(20);
    expect(first.text).toContain('<li>Etunimet</li>');
    expect(first.text).toContain('<li>Kotikunta</li>');
    expect(first.text).toContain('<td>Demo Bank</td>');
    expect(first.text).toContain('Pankkitilin avaaminen'); // the purpose in the page language
    const times = [...first.text.matchAll(/<tr><th scope="row"><time datetime="([^"]+)"/g)].map((m) => m[1]!);
    expect([...times].sort().reverse()).toEqual(times); // newest first
    const older = /<a id="older" rel="next" href="([^"]+)">Vanhemmat<\/a>/.exec(first.text)?.[1];
    expect(older).toMatch(/^\/disclosures\?before=\d+$/);
    const second = await citizen.open(older!.replace(/&amp;/g, '&'));
    expect(second.text.match(/<tr><th scope="row">/g)).toHaveLength(3);
    expect(second.text).not.toContain('id="older"');
    expect(second.text).toContain('<a id="newest" href="/disclosures">Uusimmat</a>');
    expect((await citizen.open('/disclosures?before=abc')).status).toBe(404);
    // Someone whose data nobody has read is told so.
    const quiet = new Citizen();
    await quiet.signIn(personaWith('minor'));
    expect((await quiet.open('/disclosures')).text).toContain('<p id="no-disclosures">');
  });

  it('downloads everything as one signed document (JWS): every register, consents with receipts, every disclosure', async () => {
    const persona = personas.find((p) => p.tags.includes('non-disclosure') && !p.tags.includes('minor'))!;
    const { partner, accessToken } = await partnerWithConsent(persona, 'openid population:name');
    for (let i = 0; i < 3; i += 1) await partnerQuery(partner, hub.gatewayUrl, accessToken, '{ me { firstNames } }');
    const citizen = new Citizen();
    await citizen.signIn(persona);
    const file = await citizen.open('/download');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/jwt');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="my-data.jwt"');
    // Verified as a third party would: the portal's published key set, ES256 and the type pinned.
    const { payload: data, protectedHeader } = await jwtVerify(file.text, createRemoteJWKSet(new URL('/.well-known/jwks.json', portalUrl)), {
      algorithms: ['ES256'], typ: 'my-data+jwt', issuer: portalUrl,
    }) as { payload: any; protectedHeader: { kid?: string } };
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(Object.keys(data.registers)).toEqual(['population', 'tax', 'vehicles', 'education']);
    expect(data.registers.population).toMatchObject({ source: 'Population Information System (Digital and Population Data Services Agency)', available: true });
    expect(data.registers.population.data).toMatchObject({ firstNames: persona.firstNames, lastName: persona.lastName, personalIdentityCode: persona.personalIdentityCode });
    // The citizen sees their own protected address.
    expect(data.registers.population.data.address).toEqual({ streetAddress: expect.any(String), postalCode: expect.any(String), municipality: expect.any(String) });
    for (const register of ['tax', 'vehicles', 'education']) expect(data.registers[register].available).toBe(true);
    expect(data.consents).toHaveLength(1);
    expect(data.consents[0]).toMatchObject({ id: decodeJwt(accessToken).consent_id, status: 'ACTIVE', client: { id: 'demo-bank', name: 'Demo Bank' }, purpose: { fi: expect.any(String), sv: expect.any(String), en: expect.any(String) } });
    expect(decodeProtectedHeader(data.consents[0].receipt).typ).toBe('consent-receipt+jwt');
    expect(data.disclosures).toHaveLength(3);
    expect(data.disclosures[0].fields).toEqual(['Person.firstNames']);
    expect(JSON.stringify(data)).not.toMatch(/restriction|medical/i);
  });

  it('speaks the Accept-Language, switches with ?lang= and remembers the choice', async () => {
    const swedish = new Citizen('sv-FI,sv;q=0.9,en;q=0.5');
    const front = await swedish.open('/');
    expect(front.text).toContain('<html lang="sv">');
    expect(front.text).toContain('>Logga in</a>');
    const page = await swedish.signIn(personaWith('complete'));
    expect(page.text).toContain('<html lang="sv">');
    expect(page.text).toContain('Befolkningsdatasystemet (Myndigheten för digitalisering och befolkningsdata)');
    expect(page.text).toContain('Skatteförvaltningen');
    const finnish = await swedish.open('/?lang=fi');
    expect(finnish.text).toContain('<html lang="fi">');
    expect(finnish.text).toContain('Väestötietojärjestelmä (Digi- ja väestötietovirasto)');
    expect(finnish.text).toContain('<a href="/?lang=fi" lang="fi" hreflang="fi" aria-current="true">Suomeksi</a>');
    expect(finnish.setCookies.some((c) => /^portal_lang=fi; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/.test(c))).toBe(true);
    // Remembered: the next page, without ?lang=, despite the Swedish Accept-Language.
    const consents = await swedish.open('/consents');
    expect(consents.text).toContain('<html lang="fi">');
    expect(consents.text).toContain('<h1>Suostumukset</h1>');
    // Signed out, the language cookie still remembers.
    const anonymous = new Citizen('en');
    await anonymous.open('/?lang=sv');
    expect((await anonymous.open('/')).text).toContain('<html lang="sv">');
  });

  it('sends the citizen through sign-in again when the access token has expired, and back to the page', async () => {
    const citizen = new Citizen();
    await citizen.signIn(personaWith('complete'));
    const signIns = tokenRequests;
    clockOffsetMs = 16 * 60_000; // past the portal token's 15 minutes, within the session's 30 idle minutes
    try {
      const page = await citizen.open('/consents');
      expect(page.trail).toEqual(['/consents', '/login', '/callback', '/consents']);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Consents</h1>');
      expect(tokenRequests).toBe(signIns + 1);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('sends someone who is not signed in to sign in, and keeps pages and forms apart from the callback', async () => {
    const stranger = new Citizen();
    const response = await stranger.request('/consents');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?return=%2Fconsents');
    // A callback without a sign-in under way in this browser is refused.
    const callback = await stranger.request('/callback?code=x&state=y');
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain('data-error="signInFailed"');
    expect((await stranger.request('/logout')).status).toBe(405);
    expect((await stranger.request('/nowhere')).status).toBe(404);
  });

  it('signs out: the session is gone at the portal and the issuer is asked to end its own', async () => {
    const citizen = new Citizen();
    const page = await citizen.signIn(personaWith('complete'));
    const session = citizen.jar.get('portal_session')!;
    const csrf = citizen.csrf(page);
    const refused = await citizen.request('/logout', { method: 'POST', form: [['csrf', 'wrong']] });
    expect(refused.status).toBe(403);
    const response = await citizen.request('/logout', { method: 'POST', form: [['csrf', csrf]] });
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie()).toContain('portal_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    const endSession = new URL(response.headers.get('location')!);
    expect(endSession.origin + endSession.pathname).toBe(`${hub.env.ISSUER_URL}/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${portalUrl}/`);
    expect(endSession.searchParams.get('id_token_hint')).toEqual(expect.any(String));
    expect(citizen.jar.has('portal_session')).toBe(false);
    expect((await citizen.open('/')).text).toContain('id="sign-in"');
    // The old session id is worth nothing now.
    const replay = await fetch(`${portalUrl}/consents`, { headers: { cookie: `portal_session=${session}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toMatch(/^\/login/);
  });

  it('serves a signed-in citizen from any replica, keeps them signed in across a restart, and signs out everywhere', async () => {
    const persona = personaWith('complete');
    const citizen = new Citizen();
    await citizen.signIn(persona);
    // A second portal process on the same shared database and secret, behind the same public URL.
    const replica = await startPortal({ ...hub.env, GATEWAY_URL: hub.gatewayUrl, PORTAL_PORT: '0' }, { logger: portalLogger });
    const onReplica = async () => {
      const response = await fetch(`http://127.0.0.1:${replica.port}/`, { headers: { cookie: citizen.cookieHeader(), 'accept-language': 'en' }, redirect: 'manual' });
      return { status: response.status, text: await response.text() };
    };
    try {
      const served = await onReplica();
      expect(served.status).toBe(200);
      expect(served.text).toContain('<h1>My data</h1>');
      expect(served.text).toContain(persona.lastName);
      await portal.stop();
      portal = await startPortal({ ...hub.env, GATEWAY_URL: hub.gatewayUrl }, { logger: portalLogger, fetch: (input, init) => fetch(input, init), now: () => Date.now() + clockOffsetMs });
      // A browser retries an idempotent request whose kept-alive connection the stopped process had closed.
      const afterRestart = await citizen.open('/').catch(() => citizen.open('/'));
      expect(afterRestart.trail).toEqual(['/']);
      expect(afterRestart.text).toContain(persona.lastName);
      const cookieBefore = citizen.cookieHeader();
      expect((await citizen.request('/logout', { method: 'POST', form: [['csrf', citizen.csrf(afterRestart)]] })).status).toBe(303);
      const stale = await fetch(`http://127.0.0.1:${replica.port}/`, { headers: { cookie: cookieBefore } });
      expect(await stale.text()).not.toContain(persona.lastName);
    } finally {
      await replica.stop();
    }
  });

  it('logs method, route and status only: no identity code, name, token or consent id', () => {
    const log = portalLog.join('');
    expect(portalLog.length).toBeGreaterThan(50);
    for (const persona of personas) {
      expect(log).not.toContain(persona.personalIdentityCode);
      expect(log).not.toContain(persona.lastName);
    }
    expect(log).not.toMatch(/eyJ[\w-]+\./);
    expect(consentIds.length).toBeGreaterThan(0);
    for (const id of consentIds) expect(log).not.toContain(id);
    const paths = new Set(portalLog.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request').map((line) => line.path));
    expect([...paths].sort()).toEqual(['(unknown)', '/', '/.well-known/jwks.json', '/callback', '/consents', '/consents/:id/receipt', '/consents/:id/revoke', '/disclosures', '/download', '/login', '/logout']);
  });

  // Last: it stops a register for good.
  it('shows a register that cannot be reached as such, never as empty, and the rest as usual', async () => {
    const citizen = new Citizen();
    await citizen.signIn(personaWith('complete'));
    await hub.subgraphs.education!.stop();
    const page = await citizen.open('/');
    expect(page.status).toBe(200);
    expect(section(page.text, 'education')).toContain('data-state="unavailable"');
    expect(section(page.text, 'education')).toContain('This register could not be reached right now.');
    expect(section(page.text, 'education')).not.toContain('holds nothing');
    for (const register of ['population', 'tax', 'vehicles']) expect(section(page.text, register)).toContain('data-state="data"');
    const file = decodeJwt((await citizen.open('/download')).text) as any;
    expect(file.registers.education).toEqual({ source: 'KOSKI: national registers of studies and degrees', available: false, updatedAt: null, data: null });
    expect(file.registers.tax.available).toBe(true);
  });
});
