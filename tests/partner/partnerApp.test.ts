import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPartnerApp, type PartnerApp } from '../../examples/partner/server.js';
import { startGateway } from '../../gateway/start.js';
import { freePort } from '../support/http.js';
import { formAction, inputValues, TestBrowser, type BrowserPage } from '../support/browser.js';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { devPartnerEntries, makeTestPartner, type TestPartner } from '../support/partners.js';
import { devTrustedDocuments } from '../../scripts/devTrustedDocuments.js';

// The partner example app (examples/partner/) driven like a citizen's browser: the bank's form, the hub's login
// and consent screens, back to the bank's form prefilled with exactly what was shared; refetch before and after
// the citizen revokes. The app runs as a test partner with its own key and its own redirect URI on a free port,
// so the tests never need demo-bank's port 4300.

const DEMO_BANK_PURPOSE = (devPartnerEntries().find((entry) => entry.clientId === 'demo-bank')!.purpose as { en: string }).en;
const REGISTER_FIELDS = ['firstNames', 'lastName', 'streetAddress', 'postalCode', 'municipality', 'earnedIncome'];

let hub: TestHub;
let app: PartnerApp;
let partner: TestPartner;

let busyPort: number;
/** A second registration, for an app behind a gateway with a tiny rate limit (its own redirect URI's host and port). */
let busyPartner: TestPartner;

beforeAll(async () => {
  const port = await freePort();
  busyPort = await freePort();
  partner = await makeTestPartner('test-bank');
  busyPartner = await makeTestPartner('busy-bank');
  busyPartner.entry.redirectUris = [`http://127.0.0.1:${busyPort}/callback`];
  busyPartner.entry.purpose = devPartnerEntries()[0]!.purpose;
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  // Registered like demo-bank (same purpose), with a redirect URI on this test's port.
  partner.entry.redirectUris = [redirectUri];
  partner.entry.purpose = devPartnerEntries()[0]!.purpose;
  // The app sends Demo Bank's registered operation (prefill.graphql); here it is registered for test-bank.
  const prefill = devTrustedDocuments()['demo-bank']!.operations.map((o) => o.body);
  hub = await startTestHub({ partners: [partner.entry, busyPartner.entry], trustedDocuments: { 'test-bank': prefill, 'busy-bank': prefill } });
  app = await startPartnerApp({
    ...hub.env,
    GATEWAY_URL: hub.gatewayUrl,
    PARTNER_PORT: String(port),
    PARTNER_REDIRECT_URI: redirectUri,
    PARTNER_CLIENT_ID: partner.clientId,
    PARTNER_PRIVATE_JWK: JSON.stringify(partner.privateJwk),
  });
});
afterAll(async () => {
  await app?.stop();
  await hub?.stop();
});

/** The value of `input[name=<name>]`, entities decoded. */
function valueOf(page: BrowserPage, name: string): string {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page.html)?.[0];
  if (!tag) throw new Error(`no input[name=${name}]`);
  return (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
}
const notShared = (page: BrowserPage, name: string) => new RegExp(`class="not-shared"[^>]*data-field="${name}"`).test(page.html);
const sharedScopes = (page: BrowserPage) => {
  const list = /<ul id="shared-items">([\s\S]*?)<\/ul>/.exec(page.html)?.[1] ?? '';
  return [...list.matchAll(/data-scope="([^"]*)"/g)].map((m) => m[1]);
};
const notice = (page: BrowserPage) => /<div id="notice"[^>]*>([\s\S]*?)<\/div>/.exec(page.html)?.[1] ?? '';

/** A citizen opens the bank's form, types an e-mail, presses "Fill in", signs in and answers the consent screen. */
async function fillIn(persona: string, choices: { untick?: string[]; decision?: 'allow' | 'deny' } = {}, target: PartnerApp = app): Promise<{ browser: TestBrowser; page: BrowserPage }> {
  const app = target;
  const browser = new TestBrowser({ stopAt: [] });
  const start = await browser.get(`${app.url}/`);
  expect(start.status).toBe(200);
  expect(formAction(start, 'account').pathname).toBe('/apply');
  expect(start.html).toMatch(/<button id="fill"[^>]*formaction="\/fill"/);
  let page = await browser.submit(new URL('/fill', app.url), [['email', 'citizen@example.test'], ['phone', '']]);
  page = await browser.submit(formAction(page, 'login'), [['persona', persona]]);
  const untick = new Set(choices.untick ?? []);
  const scopes = [...inputValues(page, 'scope', 'checkbox').filter((scope) => !untick.has(scope)), ...inputValues(page, 'scope', 'hidden')];
  const fields: Array<[string, string]> = [...new Set(scopes)].map((scope) => ['scope', scope]);
  fields.push(['decision', choices.decision ?? 'allow']);
  page = await browser.submit(formAction(page, 'consent'), fields);
  expect(page.url.href).toBe(`${app.url}/`); // post/redirect/get: the code is not left in the address bar
  return { browser, page };
}

/** The persona's own data as the citizen sees it. */
async function ownData(persona: string) {
  const answer = await hub.query(await hub.token(persona), '{ me { address { streetAddress postalCode municipality } taxAssessments { year earnedIncome } } }');
  const me = answer.body.data.me;
  const latest = [...me.taxAssessments].sort((a: any, b: any) => b.year - a.year)[0];
  return { address: me.address, income: String(latest.earnedIncome) };
}

describe('the partner example app', () => {
  it('prefills name, address and income from the registers and says what was shared and why', async () => {
    const persona = personaWith('complete');
    const own = await ownData(persona.personalIdentityCode);
    const { page } = await fillIn(persona.personalIdentityCode);
    expect(page.status).toBe(200);
    expect(valueOf(page, 'firstNames')).toBe(persona.firstNames);
    expect(valueOf(page, 'lastName')).toBe(persona.lastName);
    expect(valueOf(page, 'streetAddress')).toBe(own.address.streetAddress);
    expect(valueOf(page, 'postalCode')).toBe(own.address.postalCode);
    expect(valueOf(page, 'municipality')).toBe(own.address.municipality);
    expect(valueOf(page, 'earnedIncome')).toBe(own.income);
    expect(valueOf(page, 'email')).toBe('citizen@example.test'); // what the citizen typed survives the trip
    for (const field of REGISTER_FIELDS) expect(notShared(page, field)).toBe(false);
    expect(sharedScopes(page)).toEqual(['population:name', 'population:address', 'tax:income']);
    expect(page.html).toContain(`<span id="purpose">${DEMO_BANK_PURPOSE}</span>`);
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toMatch(/<button id="refetch"/);
    expect(page.headers?.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).not.toContain('<script');
    // Every input has a label.
    for (const name of [...REGISTER_FIELDS, 'email', 'phone']) expect(page.html).toContain(`<label for="${name}">`);
    // Nothing of the token reaches the browser.
    expect(page.html).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('leaves an item the citizen did not share empty and marked, and does not list it', async () => {
    const persona = personaWith('complete');
    const { page } = await fillIn(persona.personalIdentityCode, { untick: ['tax:income'] });
    expect(valueOf(page, 'firstNames')).toBe(persona.firstNames);
    expect(valueOf(page, 'earnedIncome')).toBe('');
    expect(notShared(page, 'earnedIncome')).toBe(true);
    expect(page.html).toMatch(/data-field="earnedIncome">Not shared, please fill in</);
    expect(notShared(page, 'streetAddress')).toBe(false);
    expect(sharedScopes(page)).toEqual(['population:name', 'population:address']);
  });

  it('shows the empty form and a polite note when the citizen denies', async () => {
    const { page } = await fillIn(personaWith('complete').personalIdentityCode, { decision: 'deny' });
    expect(page.status).toBe(200);
    expect(notice(page)).toContain('You chose not to share your register data');
    for (const field of REGISTER_FIELDS) {
      expect(valueOf(page, field)).toBe('');
      expect(notShared(page, field)).toBe(false);
    }
    expect(page.html).not.toContain('id="shared-items"');
    expect(page.html).not.toContain('id="refetch"');
  });

  it('leaves a non-disclosure persona\'s address empty, marked like any item not shared, with no hint why', async () => {
    const persona = personaWith('non-disclosure');
    const { page } = await fillIn(persona.personalIdentityCode);
    expect(valueOf(page, 'firstNames')).toBe(persona.firstNames);
    for (const field of ['streetAddress', 'postalCode', 'municipality']) {
      expect(valueOf(page, field)).toBe('');
      expect(notShared(page, field)).toBe(true);
    }
    // The citizen did share the item: the bank just got nothing, and says nothing about why.
    expect(sharedScopes(page)).toContain('population:address');
    expect(page.html.toLowerCase()).not.toMatch(/non-disclosure|protected|secret|turvakielto/);
  });

  it('fetches again with a fresh proof, and says the consent has ended once the citizen revokes it', async () => {
    const persona = personaWith('complete');
    const { browser, page } = await fillIn(persona.personalIdentityCode);
    expect(formAction(page, 'account').origin).toBe(app.url);
    let again = await browser.submit(new URL('/refetch', app.url), [['email', 'citizen@example.test']]);
    expect(again.status).toBe(200);
    expect(notice(again)).toContain('Fetched again');
    expect(valueOf(again, 'firstNames')).toBe(persona.firstNames);

    const own = await hub.token(persona.personalIdentityCode);
    const consents = await hub.query(own, '{ me { consents { id status client { id } } } }');
    const active = consents.body.data.me.consents.filter((c: any) => c.client.id === partner.clientId && c.status === 'ACTIVE');
    expect(active.length).toBeGreaterThan(0);
    for (const consent of active) {
      const revoked = await hub.query(own, `mutation { revokeConsent(id: "${consent.id}") { status } }`);
      expect(revoked.body.data.revokeConsent.status).toBe('REVOKED');
    }

    again = await browser.submit(new URL('/refetch', app.url), [['email', 'citizen@example.test']]);
    expect(again.status).toBe(200);
    expect(notice(again)).toContain('Your consent has ended (revoked or expired); nothing was fetched');
    for (const field of REGISTER_FIELDS) expect(valueOf(again, field)).toBe('');
    expect(valueOf(again, 'email')).toBe('citizen@example.test');
    expect(again.html).not.toContain('id="refetch"');
  });

  it('says "slow down" when the hub answers 429 RATE_LIMITED, and fetches nothing', async () => {
    // A gateway on the same hub that allows this partner one request per citizen and window.
    const strict = await startGateway({ ...hub.env, GATEWAY_PORT: '0', RATE_LIMIT_CITIZEN_PER_MINUTE: '1' });
    const busy = await startPartnerApp({
      ...hub.env,
      GATEWAY_URL: strict.url,
      PARTNER_PORT: String(busyPort),
      PARTNER_REDIRECT_URI: `http://127.0.0.1:${busyPort}/callback`,
      PARTNER_CLIENT_ID: busyPartner.clientId,
      PARTNER_PRIVATE_JWK: JSON.stringify(busyPartner.privateJwk),
    });
    try {
      const persona = personaWith('vehicles');
      const { browser, page } = await fillIn(persona.personalIdentityCode, {}, busy);
      expect(valueOf(page, 'firstNames')).toBe(persona.firstNames);
      const again = await browser.submit(new URL('/refetch', busy.url), [['email', 'citizen@example.test']]);
      expect(again.status).toBe(200);
      expect(notice(again)).toContain('The hub asked us to slow down (too many requests); nothing was fetched');
      for (const field of REGISTER_FIELDS) expect(valueOf(again, field)).toBe('');
      expect(again.html).not.toContain(persona.firstNames);
    } finally {
      await busy.stop();
      await strict.stop();
    }
  });

  it('refuses an answer that does not belong to the browser session', async () => {
    const browser = new TestBrowser({ stopAt: [] });
    const page = await browser.get(`${app.url}/callback?code=stolen&state=guessed`);
    expect(page.status).toBe(400);
    expect(notice(page)).toContain('does not belong to this browser session');
  });

  it('refuses a cross-site POST', async () => {
    const response = await fetch(`${app.url}/fill`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
    expect(response.status).toBe(403);
  });

  it('answers /healthz, and /readyz only while the issuer answers', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    // Started before (without) its issuer: alive, not ready, and the form still works by hand.
    const lonely = await startPartnerApp({ ...hub.env, ISSUER_URL: `http://127.0.0.1:${await freePort()}`, PARTNER_PORT: '0', PARTNER_CLIENT_ID: partner.clientId, PARTNER_PRIVATE_JWK: JSON.stringify(partner.privateJwk) });
    try {
      expect((await fetch(`${lonely.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${lonely.url}/readyz`)).status).toBe(503);
      const browser = new TestBrowser({ stopAt: [] });
      const page = await browser.submit(new URL('/fill', lonely.url), []);
      expect(page.status).toBe(200);
      expect(notice(page)).toContain('could not be reached');
    } finally {
      await lonely.stop();
    }
  });

  it('refuses to start in production without its own key', async () => {
    await expect(startPartnerApp({ HUB_MODE: 'production', ISSUER_URL: 'https://issuer.example', GATEWAY_URL: 'https://gateway.example/graphql', PARTNER_PORT: '0' }))
      .rejects.toThrow(/PARTNER_PRIVATE_JWK/);
  });
});
