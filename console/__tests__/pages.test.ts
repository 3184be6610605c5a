import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { LANGUAGES } from '../../lib/web/language.js';
import { caseAge } from '../age.js';
import { queueOfScope, type CaseDetail, type CaseSummary } from '../cases.js';
import { messages } from '../messages.js';
import { renderCasePage } from '../pages/casePage.js';
import { renderQueuePage } from '../pages/queuePage.js';
import { renderErrorPage, renderSignedOutPage } from '../pages/simplePages.js';
import { contentSecurityPolicy, STYLE, STYLE_CSP_SOURCE } from '../pages/style.js';
import { routeName } from '../router.js';
import { CONSOLE_SCOPE } from '../server.js';

// The console's render functions are pure: data in, HTML out.

const CSRF = 'k'.repeat(43);
const NOW = Date.parse('2026-12-03T12:00:00Z');
const caseworker = { name: 'Veera Verottaja (TEST)', queue: 'TAX' as const };
const summary = (overrides: Partial<CaseSummary> = {}): CaseSummary => ({
  id: 'R-ABCDE-12345', queue: 'TAX', status: 'RECEIVED', text: 'My tax refund is missing', about: 'Person.taxAssessments', language: 'en',
  createdAt: '2026-12-03T09:00:00Z', updatedAt: '2026-12-03T09:00:00Z', ...overrides,
});
const detail = (overrides: Partial<CaseDetail> = {}): CaseDetail => ({ ...summary(), subject: { firstNames: 'Aino Maria', lastName: 'Virtanen' }, messages: [], ...overrides });

describe('the queue page', () => {
  it('lists the cases by status, oldest first, with their age, in every language', () => {
    const cases = [
      summary({ id: 'R-NEWER-00002', createdAt: '2026-12-03T11:30:00Z' }),
      summary({ id: 'R-OLDER-00001', createdAt: '2026-12-01T12:00:00Z' }),
      summary({ id: 'R-WAITS-00003', status: 'WAITING_FOR_CITIZEN' }),
    ];
    for (const lang of LANGUAGES) {
      const html = renderQueuePage({ lang, path: '/', csrfToken: CSRF, caseworker, cases, now: NOW });
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(`<h1>${messages[lang].queue.title.replace('{queue}', messages[lang].queueNames.TAX)}</h1>`);
      for (const status of ['RECEIVED', 'IN_PROGRESS', 'WAITING_FOR_CITIZEN', 'RESOLVED']) expect(html).toContain(`<section class="status-group" id="status-${status}" data-status="${status}"`);
      expect(html).not.toMatch(/<script|\sstyle=/i);
    }
    const html = renderQueuePage({ lang: 'en', path: '/', csrfToken: CSRF, caseworker, cases, now: NOW });
    const received = html.slice(html.indexOf('id="status-RECEIVED"'), html.indexOf('id="status-IN_PROGRESS"'));
    expect(received.indexOf('R-OLDER-00001')).toBeLessThan(received.indexOf('R-NEWER-00002'));
    expect(received).toContain('<span class="age">2 days ago</span>');
    expect(received).toContain('<span class="age">30 minutes ago</span>');
    expect(received).toContain('<a class="case" data-case-id="R-OLDER-00001" href="/cases/R-OLDER-00001">R-OLDER-00001</a>');
    expect(html).toContain('<p class="signed-in-as" id="signed-in-as" data-queue="TAX">Veera Verottaja (TEST), Tax queue</p>');
    expect(html).toContain(`<form id="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="${CSRF}">`);
  });

  it('escapes the texts and says where a moved case went', () => {
    const html = renderQueuePage({ lang: 'en', path: '/', csrfToken: CSRF, caseworker, cases: [summary({ text: '<img src=x onerror=alert(1)>' })], now: NOW, notice: { kind: 'moved', id: 'R-ABCDE-12345', queue: 'VEHICLES' } });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('<p class="notice" id="notice" role="status" data-notice="moved">Case R-ABCDE-12345 was moved to the Vehicles queue and kept as a correction for the router.</p>');
  });
});

describe('the case page', () => {
  it('shows the text, the attached item, who it is about, the conversation, and reply, resolve and move', () => {
    const html = renderCasePage({
      lang: 'en', path: '/cases/R-ABCDE-12345', csrfToken: CSRF, caseworker, now: NOW,
      case: detail({ text: 'a <b>claim</b>', messages: [{ from: 'CITIZEN', at: '2026-12-03T10:00:00Z', text: 'More: <i>x</i>' }] }),
    });
    expect(html).toContain('<h1>Case R-ABCDE-12345</h1>');
    expect(html).toContain('<p class="text" id="case-text">a &lt;b&gt;claim&lt;/b&gt;</p>');
    expect(html).toContain('<span id="about" data-about="Person.taxAssessments">Tax assessments</span>');
    expect(html).toContain('<span id="subject">Aino Maria Virtanen</span>');
    expect(html).toContain('<li data-from="CITIZEN"><p class="who">Citizen, ');
    expect(html).toContain('More: &lt;i&gt;x&lt;/i&gt;');
    expect(html).toContain('<form id="reply" method="post" action="/cases/R-ABCDE-12345/reply"');
    expect(html).toContain('<form id="resolve" method="post" action="/cases/R-ABCDE-12345/resolve"');
    expect(html).toContain('<form id="move" method="post" action="/cases/R-ABCDE-12345/move"');
    expect(html).toContain('<h2 id="move-heading">Move to another queue</h2>');
    // The other queues, never the case's own and never health.
    const options = [...html.matchAll(/<option value="([A-Z]+)">/g)].map((m) => m[1]);
    expect(options).toEqual(['POPULATION', 'VEHICLES', 'EDUCATION', 'TRIAGE']);
    expect(html.match(new RegExp(`name="csrf" value="${CSRF}"`, 'g'))).toHaveLength(4);
    expect(html).toContain('Every move is kept as a labelled correction');
  });

  it('says when the register has no record of the person; a triage caseworker routes by hand; resolved cases take no reply', () => {
    const html = renderCasePage({ lang: 'fi', path: '/cases/x', csrfToken: CSRF, caseworker: { name: 'T', queue: 'TRIAGE' }, now: NOW, case: detail({ queue: 'TRIAGE', subject: null, about: null, status: 'RESOLVED' }) });
    expect(html).toContain('Väestötietojärjestelmässä ei ole tietoja tästä henkilöstä.');
    expect(html).toContain('<h2 id="move-heading">Lähetä oikeaan jonoon</h2>');
    expect(html).toContain('<p class="notice" id="resolved">');
    expect(html).not.toContain('<form id="reply"');
    expect([...html.matchAll(/<option value="([A-Z]+)">/g)].map((m) => m[1])).toEqual(['POPULATION', 'TAX', 'VEHICLES', 'EDUCATION']);
  });

  it('shows a refused reply beside the box with the text kept', () => {
    const html = renderCasePage({ lang: 'sv', path: '/cases/x', csrfToken: CSRF, caseworker, now: NOW, case: detail(), replyError: { error: 'empty', text: '  <b>' } });
    expect(html).toContain('<p class="error" id="reply-error" data-error="empty">Skriv ditt svar innan du skickar.</p>');
    expect(html).toContain('aria-invalid="true">\n  &lt;b&gt;</textarea>');
  });
});

describe('the console’s frame', () => {
  it('has a strict CSP that allows exactly its one style', () => {
    expect(STYLE_CSP_SOURCE).toBe(`'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`);
    expect(contentSecurityPolicy('http://127.0.0.1:4100')).toBe(`default-src 'none'; style-src ${STYLE_CSP_SOURCE}; img-src 'self'; form-action 'self' http://127.0.0.1:4100; frame-ancestors 'none'; base-uri 'none'`);
    expect(() => contentSecurityPolicy("http://x; script-src 'unsafe-inline'")).toThrow(TypeError);
  });

  it('signed out: a Sign in button; errors in plain words', () => {
    expect(renderSignedOutPage({ lang: 'sv', path: '/' })).toContain('<a class="button" id="sign-in" href="/login">Logga in</a>');
    expect(renderErrorPage({ lang: 'en', kind: 'notFound', path: '/cases/x' })).toContain('<p class="error" id="error" data-error="notFound">There is no such case in your queue.</p>');
  });

  it('learns the queue from the token’s scope: exactly one cases:<queue>, never health', () => {
    expect(queueOfScope('openid cases:tax')).toBe('TAX');
    expect(queueOfScope('cases:triage')).toBe('TRIAGE');
    expect(queueOfScope('cases:tax cases:vehicles')).toBeUndefined();
    expect(queueOfScope('cases:health')).toBeUndefined();
    expect(queueOfScope('self population:name')).toBeUndefined();
    expect(queueOfScope(undefined)).toBeUndefined();
    expect(CONSOLE_SCOPE).toBe('openid cases:population cases:tax cases:vehicles cases:education cases:triage');
  });

  it('says a case’s age in the page language', () => {
    expect(caseAge('fi', '2026-12-03T09:00:00Z', NOW)).toBe('3 tuntia sitten');
    expect(caseAge('sv', '2026-12-02T12:00:00Z', NOW)).toBe('i går');
    expect(caseAge('en', '2026-12-03T11:59:30Z', NOW)).toBe('now');
  });

  it('logs case paths by a fixed name, never with the case number', () => {
    expect(routeName('/cases/R-ABCDE-12345')).toBe('/cases/:id');
    expect(routeName('/cases/R-ABCDE-12345/move')).toBe('/cases/:id/move');
    expect(routeName('/cases/R-ABCDE-12345/other')).toBeUndefined();
  });
});
