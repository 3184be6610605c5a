import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createLogger } from '../../lib/logger.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { startPortal } from '../../portal/server.js';
import { caseworkerToken, HEALTH_TEXT, TAX_TEXT } from '../requests/support.js';
import { freePort } from '../support/http.js';
import { personas, startTestHub, type TestHub } from '../support/hub.js';
import { WebUser, type WebPage } from '../support/webClient.js';

// The citizen's side of requests (issue 11 item 1) over HTTP against a whole hub: Report an error links on My data,
// Ask or report with the item attached, the result page per queue and for health, My requests with a caseworker's
// reply, the citizen's answer and "wrong place", bad input and the daily limit shown beside the box with the text
// kept, CSRF on every POST, HTML shown as text, and the signed download verified with the published key set.

const portalLog: string[] = [];
const portalLogger = createLogger({ service: 'portal', level: 'info', destination: { write: (line: string) => void portalLog.push(line) } });
let hub: TestHub;
let portal: RunningService;
let portalUrl: string;

beforeAll(async () => {
  const port = await freePort();
  portalUrl = `http://127.0.0.1:${port}`;
  hub = await startTestHub({ logger: createLogger({ service: 'test', level: 'error' }), env: { PORTAL_PORT: String(port), PORTAL_URL: portalUrl } });
  portal = await startPortal({ ...hub.env, GATEWAY_URL: hub.gatewayUrl }, { logger: portalLogger });
}, 120_000);
afterAll(async () => {
  await portal?.stop();
  await hub?.stop();
});

const citizen = (language = 'en') => new WebUser(portalUrl, hub.env.ISSUER_URL!, language);

/** Sends the Ask or report form as the page holds it (its CSRF token and attached item). */
async function send(user: WebUser, form: WebPage, text: string): Promise<WebPage> {
  const about = /<input type="hidden" name="about" value="([^"]+)">/.exec(form.text)?.[1];
  const fields: Array<[string, string]> = [['csrf', user.csrf(form)], ['text', text]];
  if (about) fields.push(['about', about]);
  return user.open('/requests', { method: 'POST', form: fields });
}

/** The article of one request on My requests. */
function article(html: string, id: string): string {
  const start = html.indexOf(`data-request-id="${id}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</article>', start));
}

const caseNumber = (page: WebPage) => /<strong id="case-number">([^<]+)<\/strong>/.exec(page.text)?.[1];

describe('requests in the citizen portal', () => {
  it.each([
    ['fi', 'Ilmoita virheestä:', 'Osoite', 'Verohallinto käsittelee asiasi.'],
    ['sv', 'Anmäl ett fel:', 'Adress', 'Skatteförvaltningen handlägger ditt ärende.'],
    ['en', 'Report an error:', 'Address', 'The Tax Administration will handle this.'],
  ])('in %s: Report an error links beside every register section open the box with the item attached; the result says who handles it', async (lang, report, address, handled) => {
    const user = citizen(lang);
    const home = await user.signIn(personas[0]!.personalIdentityCode);
    for (const register of ['population', 'tax', 'vehicles', 'education']) {
      const start = home.text.indexOf(`data-register="${register}"`);
      const section = home.text.slice(start, home.text.indexOf('</section>', start));
      expect(section).toContain(`<div class="report" id="report-${register}"><span>${report}</span>`);
    }
    expect(home.text).toContain(`<a class="report-error" data-about="Person.address" href="/requests/new?about=Person.address">${address}<span class="vh">`);
    const form = await user.open('/requests/new?about=Person.taxAssessments');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<dl id="about" data-about="Person.taxAssessments">');
    expect(form.text).toContain('<input type="hidden" name="about" value="Person.taxAssessments">');
    const sent = await send(user, form, TAX_TEXT);
    expect(sent.url.pathname).toBe('/requests/sent');
    expect(sent.text).toContain(`<p class="notice" id="handled-by" data-queue="TAX">${handled}</p>`);
    const id = caseNumber(sent)!;
    expect(id).toMatch(/^R-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    const mine = await user.open('/requests');
    expect(article(mine.text, id)).toContain('data-queue="TAX"');
    expect(article(mine.text, id)).toContain(`<p class="text">${TAX_TEXT.replace(/'/g, '&#39;')}</p>`);
  });

  it('accepts only the items of the links as `about`: anything else opens the plain box', async () => {
    const user = citizen();
    await user.signIn(personas[1]!.personalIdentityCode);
    const form = await user.open('/requests/new?about=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(form.status).toBe(200);
    expect(form.text).not.toContain('name="about"');
    expect(form.text).not.toContain('<script');
    expect(form.text).toContain('<h1>Ask or report</h1>');
  });

  it('tells a health matter where to turn instead, with no case number, and keeps it nowhere', async () => {
    const user = citizen();
    await user.signIn(personas[2]!.personalIdentityCode);
    const sent = await send(user, await user.open('/requests/new'), HEALTH_TEXT);
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('<section id="health" data-queue="HEALTH" data-status="NOT_STORED">');
    expect(sent.text).toContain('The hub never holds health data, so your message was not kept anywhere.');
    expect(sent.text).toContain('116 117');
    expect(caseNumber(sent)).toBeUndefined();
    const mine = await user.open('/requests');
    expect(mine.text).not.toContain('insulin');
  });

  it('shows bad input beside the box with the text kept (400), and HTML in a text as text', async () => {
    const user = citizen();
    await user.signIn(personas[3]!.personalIdentityCode);
    const form = await user.open('/requests/new');
    const blank = await send(user, form, '   ');
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('<p class="error" id="request-error" data-error="empty">Write your message before sending.</p>');
    expect(blank.text).toContain('aria-invalid="true"');
    const long = `<b>tax</b> ${'x'.repeat(4000)}`;
    const tooLong = await send(user, form, long);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('data-error="tooLong"');
    expect(tooLong.text).toContain('at most 4,000 characters, and it has 4,011');
    // The text is back in the box, escaped: the citizen loses nothing and no markup runs.
    expect(tooLong.text).toContain(`>\n&lt;b&gt;tax&lt;/b&gt; ${'x'.repeat(4000)}</textarea>`);
    const marked = await send(user, form, 'My <img src=x onerror=alert(1)> tax refund is missing');
    const id = caseNumber(marked)!;
    const mine = await user.open('/requests');
    expect(article(mine.text, id)).toContain('My &lt;img src=x onerror=alert(1)&gt; tax refund is missing');
    expect(mine.text).not.toContain('<img');
  });

  it('refuses every POST without the session’s CSRF token or from a foreign origin; nothing is sent', async () => {
    const user = citizen();
    await user.signIn(personas[4]!.personalIdentityCode);
    const form = await user.open('/requests/new');
    const csrf = user.csrf(form);
    const before = (await user.open('/requests')).text.match(/class="request"/g)?.length ?? 0;
    expect((await user.request('/requests', { method: 'POST', form: [['text', TAX_TEXT]] })).status).toBe(403);
    expect((await user.request('/requests', { method: 'POST', form: [['csrf', 'x'.repeat(43)], ['text', TAX_TEXT]] })).status).toBe(403);
    expect((await user.request('/requests', { method: 'POST', form: [['csrf', csrf], ['text', TAX_TEXT]], headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await user.request('/requests/R-AAAAA-AAAAA/answer', { method: 'POST', form: [['text', 'hi']] })).status).toBe(403);
    expect((await user.request('/requests/R-AAAAA-AAAAA/dispute', { method: 'POST', form: [] })).status).toBe(403);
    expect((await user.open('/requests')).text.match(/class="request"/g)?.length ?? 0).toBe(before);
  });

  it('shows the caseworker’s reply; the citizen answers, and says it went to the wrong place (then it is with triage)', async () => {
    const user = citizen();
    await user.signIn(personas[5]!.personalIdentityCode);
    const id = caseNumber(await send(user, await user.open('/requests/new'), TAX_TEXT))!;
    const taxWorker = await caseworkerToken(hub, 'cw-tax-1', 'tax');
    const reply = await hub.query(taxWorker, 'mutation R($id: ID!, $text: String!) { replyToRequest(id: $id, text: $text) { id } }', { id, text: 'Which tax year? <i>2024</i>?' });
    expect(reply.body.errors).toBeUndefined();
    let mine = await user.open('/requests');
    let request = article(mine.text, id);
    expect(request).toContain('data-status="WAITING_FOR_CITIZEN"');
    expect(request).toContain('<span class="status">Waiting for your answer</span>');
    expect(request).toContain('<li data-from="CASEWORKER"><p class="who">Caseworker, ');
    expect(request).toContain('Which tax year? &lt;i&gt;2024&lt;/i&gt;?');
    // An empty answer comes back beside that request's box.
    const csrf = user.csrf(mine);
    const empty = await user.open(`/requests/${id}/answer`, { method: 'POST', form: [['csrf', csrf], ['text', '']] });
    expect(empty.status).toBe(400);
    expect(article(empty.text, id)).toContain('data-error="empty"');
    const answered = await user.open(`/requests/${id}/answer`, { method: 'POST', form: [['csrf', csrf], ['text', 'The year 2024.']] });
    expect(answered.url.pathname).toBe('/requests');
    expect(answered.text).toContain('<p class="notice" id="notice" role="status">Your answer was sent.</p>');
    request = article(answered.text, id);
    expect(request).toContain('data-status="IN_PROGRESS"');
    expect(request).toContain('<li data-from="CITIZEN"><p class="who">You, ');
    expect(request).toContain('<form class="dispute"');
    const disputed = await user.open(`/requests/${id}/dispute`, { method: 'POST', form: [['csrf', csrf]] });
    expect(disputed.text).toContain('A person will read your message and send it to the right authority.');
    request = article(disputed.text, id);
    expect(request).toContain('data-queue="TRIAGE"');
    expect(request).not.toContain('<form class="dispute"');
    // Another citizen's case number is not found, and changes nothing.
    const other = citizen();
    await other.signIn(personas[6]!.personalIdentityCode);
    const foreign = await other.open(`/requests/${id}/answer`, { method: 'POST', form: [['csrf', other.csrf(await other.open('/requests'))], ['text', 'not mine']] });
    expect(foreign.status).toBe(404);
    mine = await user.open('/requests');
    expect(article(mine.text, id)).not.toContain('not mine');
  });

  it('says plainly when the day’s 20 requests are used up (429), the text kept', async () => {
    const user = citizen();
    await user.signIn(personas[7]!.personalIdentityCode);
    const form = await user.open('/requests/new');
    for (let i = 0; i < 20; i += 1) expect((await send(user, form, `${TAX_TEXT} (${i})`)).url.pathname).toBe('/requests/sent');
    const limited = await send(user, form, 'One more about my tax refund');
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('<p class="error" id="request-error" data-error="rateLimited">You have sent 20 messages today');
    expect(limited.text).toContain('>\nOne more about my tax refund</textarea>');
  });

  it('signs Download all my data (JWS) with a key published at /.well-known/jwks.json; the requests are in it; a changed byte fails', async () => {
    const user = citizen();
    await user.signIn(personas[5]!.personalIdentityCode);
    const file = await user.open('/download');
    expect(file.headers.get('content-type')).toBe('application/jwt');
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', portalUrl));
    const options = { algorithms: ['ES256'], typ: 'my-data+jwt', issuer: portalUrl };
    const { payload } = await jwtVerify(file.text, jwks, options);
    const requests = payload.requests as Array<{ queue: string; messages: unknown[] }>;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]).toMatchObject({ queue: 'TRIAGE', messages: expect.any(Array) });
    const [header, body, signature] = file.text.split('.') as [string, string, string];
    const changed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    changed.registers.population.data.lastName = 'Someone Else';
    await expect(jwtVerify(`${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`, jwks, options)).rejects.toThrow(/signature verification failed/);
    const jwksResponse = await fetch(new URL('/.well-known/jwks.json', portalUrl));
    const keys = (await jwksResponse.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys.keys[0]).not.toHaveProperty('d');
  });

  it('logs routes only: no request text, case number or identity code', async () => {
    const log = portalLog.join('\n');
    expect(log).not.toContain('tax refund');
    expect(log).not.toMatch(/R-[0-9A-Z]{5}-[0-9A-Z]{5}/);
    for (const persona of personas.slice(0, 8)) expect(log).not.toContain(persona.personalIdentityCode);
    const paths = new Set(portalLog.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request').map((line) => line.path));
    for (const path of ['/requests', '/requests/new', '/requests/sent', '/requests/:id/answer', '/requests/:id/dispute', '/download', '/.well-known/jwks.json']) expect(paths.has(path)).toBe(true);
  });
});
