import { describe, expect, it } from '@jest/globals';
import { LANGUAGES } from '../../lib/web/language.js';
import { messages } from '../messages.js';
import { renderAskPage } from '../pages/askPage.js';
import { renderRequestsPage } from '../pages/requestsPage.js';
import { renderSentPage } from '../pages/sentPage.js';
import { REPORTABLE_ITEMS, reportableItem, type ServiceRequestItem } from '../requestModel.js';
import { routeName } from '../router.js';

// The requests pages are pure render functions: data in, HTML out (as pages.test.ts reads the other pages).

const CSRF = 'c'.repeat(43);
const request = (overrides: Partial<ServiceRequestItem> = {}): ServiceRequestItem => ({
  id: 'R-ABCDE-12345',
  queue: 'TAX',
  status: 'RECEIVED',
  text: 'My tax refund is missing',
  about: 'Person.taxAssessments',
  createdAt: '2026-12-01T10:00:00.000Z',
  messages: [],
  ...overrides,
});

describe('Ask or report', () => {
  it('is one box in a form with the CSRF token, in every language, with no script and no inline style', () => {
    for (const lang of LANGUAGES) {
      const html = renderAskPage({ lang, path: '/requests/new', csrfToken: CSRF });
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain('<form id="request" method="post" action="/requests">');
      expect(html).toContain(`<input type="hidden" name="csrf" value="${CSRF}">`);
      expect(html).toContain(`<label for="text">${messages[lang].requests.textLabel}</label>`);
      expect(html.match(/<textarea/g)).toHaveLength(1);
      expect(html).toContain(`<h1>${messages[lang].requests.askTitle}</h1>`);
      expect(html).toContain('<a id="nav-ask" href="/requests/new" aria-current="page">');
      expect(html).not.toMatch(/<script|\sstyle=/i);
      expect(html).not.toContain('name="about"');
    }
  });

  it('attaches the item of a Report an error link, named in the page language, with a way to remove it', () => {
    const html = renderAskPage({ lang: 'sv', path: '/requests/new?about=Person.address', csrfToken: CSRF, about: 'Person.address' });
    expect(html).toContain('<h1>Anmäl ett fel</h1>');
    expect(html).toContain('<dl id="about" data-about="Person.address"><dt>Gäller</dt><dd>Adress <a id="remove-about" href="/requests/new">');
    expect(html).toContain('<input type="hidden" name="about" value="Person.address">');
  });

  it('shows each refusal above the box, keeps the text escaped, and marks the box invalid (not for the daily limit)', () => {
    const text = '<script>alert(1)</script>\nsecond line';
    for (const error of ['empty', 'tooLong', 'refused', 'rateLimited'] as const) {
      const html = renderAskPage({ lang: 'en', path: '/requests/new', csrfToken: CSRF, text, error });
      expect(html).toContain(`<p class="error" id="request-error" data-error="${error}">`);
      expect(html).toContain('aria-describedby="request-error text-hint"');
      expect(html).toContain('>\n&lt;script&gt;alert(1)&lt;/script&gt;\nsecond line</textarea>');
      expect(html.includes('aria-invalid="true"')).toBe(error !== 'rateLimited');
      expect(html).not.toContain('<script>');
    }
    expect(renderAskPage({ lang: 'fi', path: '/', csrfToken: CSRF, text: 'x'.repeat(4001), error: 'tooLong' })).toContain('enintään 4\u00a0000 merkkiä, ja siinä on 4\u00a0001');
  });

  it('accepts only the items of the links as `about`', () => {
    expect(reportableItem('Person.address')).toBe('Person.address');
    expect(reportableItem('Person.health')).toBeUndefined();
    expect(reportableItem('<b>')).toBeUndefined();
    expect(reportableItem(null)).toBeUndefined();
    expect(Object.keys(REPORTABLE_ITEMS)).toEqual(['population', 'tax', 'vehicles', 'education']);
  });
});

describe('the result page', () => {
  it.each([
    ['fi', 'Verohallinto käsittelee asiasi.'],
    ['sv', 'Skatteförvaltningen handlägger ditt ärende.'],
    ['en', 'The Tax Administration will handle this.'],
  ] as const)('says in %s who handles it, and the case number', (lang, words) => {
    const html = renderSentPage({ lang, path: '/requests/sent', csrfToken: CSRF, receipt: { id: 'R-ABCDE-12345', queue: 'TAX', status: 'RECEIVED' } });
    expect(html).toContain(`<p class="notice" id="handled-by" data-queue="TAX">${words}</p>`);
    expect(html).toContain('<strong id="case-number">R-ABCDE-12345</strong>');
  });

  it('explains triage as a person who reads it and passes it on', () => {
    const html = renderSentPage({ lang: 'en', path: '/requests/sent', csrfToken: CSRF, receipt: { id: 'R-ABCDE-12345', queue: 'TRIAGE', status: 'RECEIVED' } });
    expect(html).toContain('data-queue="TRIAGE">We could not tell for sure which authority this belongs to, so a person will read it and pass it on to the right one.</p>');
  });

  it('tells a health matter where to turn instead, in every language, with no case number', () => {
    for (const lang of LANGUAGES) {
      const html = renderSentPage({ lang, path: '/requests/sent', csrfToken: CSRF, receipt: { id: null, queue: 'HEALTH', status: 'NOT_STORED' } });
      expect(html).toContain('<section id="health" data-queue="HEALTH" data-status="NOT_STORED">');
      expect(html).toContain(messages[lang].requests.healthNotStored.replace(/'/g, '&#39;'));
      expect(html).toContain('omakanta.fi');
      expect(html).toContain('112');
      expect(html).not.toContain('case-number');
    }
  });
});

describe('My requests', () => {
  it('lists each request with who handles it, its status, text and conversation, all escaped', () => {
    const html = renderRequestsPage({
      lang: 'en', path: '/requests', csrfToken: CSRF,
      requests: [request({ status: 'WAITING_FOR_CITIZEN', text: 'a <b>bold</b> claim', messages: [{ from: 'CASEWORKER', at: '2026-12-01T11:00:00Z', text: 'Which <i>year</i>?' }] })],
    });
    expect(html).toContain('<article class="request" id="request-1" data-request-id="R-ABCDE-12345" data-status="WAITING_FOR_CITIZEN" data-queue="TAX" aria-labelledby="request-1-heading">');
    expect(html).toContain('<h2 id="request-1-heading">Case R-ABCDE-12345</h2>');
    expect(html).toContain('<dt>Handled by</dt><dd>The Tax Administration</dd>');
    expect(html).toContain('<span class="status">Waiting for your answer</span>');
    expect(html).toContain('<dt>About</dt><dd>Tax assessments</dd>');
    expect(html).toContain('<p class="text">a &lt;b&gt;bold&lt;/b&gt; claim</p>');
    expect(html).toContain('<p class="text">Which &lt;i&gt;year&lt;/i&gt;?</p>');
    expect(html).toContain('<form class="answer" method="post" action="/requests/R-ABCDE-12345/answer">');
    expect(html).toContain('<form class="dispute" method="post" action="/requests/R-ABCDE-12345/dispute">');
    expect(html.match(new RegExp(`name="csrf" value="${CSRF}"`, 'g'))).toHaveLength(3); // sign-out, answer, dispute
    expect(html).toContain('<a id="nav-requests" href="/requests" aria-current="page">');
  });

  it('offers no actions on a resolved request, and no "wrong place" once it is with triage', () => {
    const resolved = renderRequestsPage({ lang: 'en', path: '/requests', csrfToken: CSRF, requests: [request({ status: 'RESOLVED' })] });
    expect(resolved).not.toContain('<form class="answer"');
    expect(resolved).not.toContain('<form class="dispute"');
    const triage = renderRequestsPage({ lang: 'en', path: '/requests', csrfToken: CSRF, requests: [request({ queue: 'TRIAGE' })] });
    expect(triage).toContain('<form class="answer"');
    expect(triage).not.toContain('<form class="dispute"');
  });

  it('shows a refused answer beside its own box with the text kept, and the notices after an answer or a dispute', () => {
    const html = renderRequestsPage({ lang: 'en', path: '/requests', csrfToken: CSRF, requests: [request(), request({ id: 'R-ZZZZZ-99999' })], answerError: { id: 'R-ZZZZZ-99999', error: 'empty', text: ' ' } });
    expect(html).not.toContain('id="request-1-answer-error"');
    expect(html).toContain('<p class="error" id="request-2-answer-error" data-error="empty">Write your message before sending.</p>');
    expect(renderRequestsPage({ lang: 'fi', path: '/requests', csrfToken: CSRF, requests: [], notice: { kind: 'answered' } })).toContain('<p class="notice" id="notice" role="status">Vastauksesi on lähetetty.</p>');
    expect(renderRequestsPage({ lang: 'sv', path: '/requests', csrfToken: CSRF, requests: [], notice: { kind: 'disputed' } })).toContain('id="notice" role="status">Tack.');
    expect(renderRequestsPage({ lang: 'en', path: '/requests', csrfToken: CSRF, requests: [] })).toContain('<p id="no-requests">You have not sent any messages yet.</p>');
  });

  it('logs request paths by a fixed name, never with the case number', () => {
    expect(routeName('/requests/R-ABCDE-12345/answer')).toBe('/requests/:id/answer');
    expect(routeName('/requests/R-ABCDE-12345/dispute')).toBe('/requests/:id/dispute');
    expect(routeName('/requests/R-ABCDE-12345')).toBeUndefined();
    expect(routeName('/requests/new')).toBe('/requests/new');
    expect(routeName('/.well-known/jwks.json')).toBe('/.well-known/jwks.json');
  });
});
