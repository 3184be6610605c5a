import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { LANGUAGES, type Language } from '../../lib/web/language.js';
import { fieldLabel, fieldLabels } from '../fieldLabels.js';
import type { ConsentItem, DisclosureItem } from '../hubClient.js';
import { messages } from '../messages.js';
import { renderConsentsPage } from '../pages/consentsPage.js';
import { renderDisclosuresPage } from '../pages/disclosuresPage.js';
import { renderErrorPage } from '../pages/errorPage.js';
import { renderMyDataPage } from '../pages/myDataPage.js';
import { renderRevokePage } from '../pages/revokePage.js';
import { renderSignedOutPage } from '../pages/signedOutPage.js';
import { contentSecurityPolicy, STYLE, STYLE_CSP_SOURCE } from '../pages/style.js';
import { REGISTERS, type MyData, type PersonData, type Register } from '../registers.js';

// The render functions are pure: data in, HTML out. These tests read the HTML with small regular expressions,
// which works because every attribute the pages write is double-quoted and escaped.

const CSRF = 'c'.repeat(43);

function person(overrides: Partial<PersonData> = {}): PersonData {
  return {
    personalIdentityCode: '140385-962D',
    dateOfBirth: '1985-03-14',
    firstNames: 'Aino Maria',
    lastName: 'Virtanen',
    isAdult: true,
    nationalities: ['FI', 'SE'],
    nativeLanguage: 'fi',
    address: { streetAddress: 'Kauppakatu 63 C 24', postalCode: '15200', municipality: 'Lahti' },
    maritalStatus: 'MARRIED',
    children: [{ firstNames: 'Eino', lastName: 'Virtanen', dateOfBirth: '2015-06-01' }],
    populationUpdatedAt: '2024-11-17T14:58:06Z',
    taxAssessments: [{ year: 2025, earnedIncome: 43792.25, capitalIncome: 771.2, taxesPaid: 10877.45 }],
    taxDebt: { amount: 1250.5, recordedOn: '2025-02-01' },
    taxUpdatedAt: '2024-12-14T07:42:12Z',
    vehicles: [{ registrationNumber: 'AAH-927', make: 'Kia', model: 'Ceed', vehicleClass: 'M1', role: 'OWNER', firstRegistered: '2022-08-08' }],
    drivingLicence: { categories: ['AM', 'B'], validUntil: '2034-02-11' },
    vehiclesUpdatedAt: '2024-12-18T15:16:43Z',
    qualifications: [{ name: 'Ylioppilastutkinto', level: 3, institution: 'Vaasan lyseon lukio', completedOn: '2004-06-02' }],
    enrolments: [{ programme: 'Tietojenkäsittelytiede', institution: 'Helsingin yliopisto', startedOn: '2024-09-01' }],
    educationUpdatedAt: '2026-10-24T14:58:43Z',
    ...overrides,
  };
}

function myData(p: PersonData | null, unavailable: Register[] = []): MyData {
  return { person: p, unavailable: new Set(unavailable) };
}

const consent = (overrides: Partial<ConsentItem> = {}): ConsentItem => ({
  id: '5fe29296-bb87-48b0-b158-7e70e9d40005',
  status: 'ACTIVE',
  scopes: ['population:name', 'tax:income'],
  purpose: 'Opening a bank account',
  grantedAt: '2026-11-28T00:06:48.706Z',
  expiresAt: '2026-12-28T00:06:48.706Z',
  revokedAt: null,
  client: { id: 'demo-bank', name: 'Demo Bank' },
  ...overrides,
});

const disclosure = (n: number, overrides: Partial<DisclosureItem> = {}): DisclosureItem => ({
  cursor: String(n),
  at: '2026-11-28T10:15:00.000Z',
  consentId: '5fe29296-bb87-48b0-b158-7e70e9d40005',
  purpose: 'Opening a bank account',
  fields: ['Person.firstNames', 'Person.lastName'],
  requestId: `req-${n}`,
  client: { id: 'demo-bank', name: 'Demo Bank' },
  ...overrides,
});

function section(html: string, register: Register): string {
  const start = html.indexOf(`<section class="register" data-register="${register}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

/** Every page the portal renders, in one language. */
function allPages(lang: Language): Record<string, string> {
  const purposes = new Map([[consent().id, 'Pankkitilin avaaminen']]);
  return {
    signedOut: renderSignedOutPage({ lang, path: '/' }),
    myData: renderMyDataPage({ lang, path: '/', csrfToken: CSRF, data: myData(person()) }),
    myDataPartial: renderMyDataPage({ lang, path: '/', csrfToken: CSRF, data: myData(person({ taxAssessments: null }), ['tax']) }),
    consents: renderConsentsPage({ lang, path: '/consents', csrfToken: CSRF, consents: [consent(), consent({ id: 'e2b7c6a8-0000-4000-8000-000000000001', status: 'REVOKED', revokedAt: '2026-11-29T08:00:00Z' })], notice: { kind: 'revoked', partner: 'Demo Bank' } }),
    revoke: renderRevokePage({ lang, path: `/consents/${consent().id}/revoke`, csrfToken: CSRF, consent: consent() }),
    disclosures: renderDisclosuresPage({ lang, path: '/disclosures?before=40', csrfToken: CSRF, disclosures: [disclosure(39), disclosure(38)], olderCursor: '38', paged: true, purposes }),
    noDisclosures: renderDisclosuresPage({ lang, path: '/disclosures', csrfToken: CSRF, disclosures: [], paged: false, purposes }),
    error: renderErrorPage({ lang, kind: 'hubUnavailable', path: '/', retry: '/', csrfToken: CSRF }),
    rateLimited: renderErrorPage({ lang, kind: 'rateLimited', path: '/', retry: '/', csrfToken: CSRF }),
  };
}

describe('every page', () => {
  for (const lang of LANGUAGES) {
    for (const [name, html] of Object.entries(allPages(lang))) {
      it(`${lang} ${name}: one h1, headings in order, landmarks, a skip link, no script, no inline style attributes`, () => {
        expect(html.startsWith('<!doctype html>\n<html lang="' + lang + '">')).toBe(true);
        expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
        // Heading levels never skip one on the way down (WCAG 1.3.1, 2.4.6).
        const levels = [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
        levels.forEach((level, i) => {
          if (i > 0) expect(level).toBeLessThanOrEqual(levels[i - 1]! + 1);
        });
        expect(levels[0]).toBe(1);
        expect(html).toMatch(/<header>[\s\S]*<\/header>\s*<main id="content" tabindex="-1">[\s\S]*<\/main>/);
        expect(html).toContain('<nav aria-label="');
        // The skip link is the first thing in the body and points at main.
        expect(html).toMatch(/<body>\s*<a class="skip" href="#content">/);
        expect(html).not.toMatch(/<script|\son[a-z]+=|\sstyle=|javascript:/i);
        expect(html.match(/<style>/g)).toHaveLength(1);
        // Ids are unique: labels, captions and aria references point at exactly one element.
        const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
        expect(new Set(ids).size).toBe(ids.length);
        for (const ref of html.matchAll(/aria-labelledby="([^"]+)"/g)) expect(ids).toContain(ref[1]);
        // Every table has a caption and scoped header cells.
        const tables = html.match(/<table[\s\S]*?<\/table>/g) ?? [];
        for (const table of tables) {
          expect(table).toMatch(/<caption id="[^"]+">[^<]+<\/caption>/);
          expect(table.match(/<th(?![^>]*scope="(col|row)")[\s>]/g)).toBeNull();
        }
        // Links and buttons have text.
        for (const m of html.matchAll(/<(a|button)\b[^>]*>([\s\S]*?)<\/\1>/g)) expect(textOf(m[2]!).trim()).not.toBe('');
      });
    }
  }

  it('signed in, the header has the main navigation and a sign-out form with the CSRF token; signed out it has neither', () => {
    const signedIn = allPages('en').myData;
    expect(signedIn).toContain('<nav class="main" aria-label="Main">');
    expect(signedIn).toContain('<a id="nav-data" href="/" aria-current="page">My data</a>');
    expect(signedIn).toMatch(/<form id="logout" method="post" action="\/logout"><input type="hidden" name="csrf" value="c{43}"><button type="submit">Sign out<\/button><\/form>/);
    const signedOut = allPages('en').signedOut;
    expect(signedOut).not.toContain('id="logout"');
    expect(signedOut).not.toContain('class="main"');
    expect(signedOut).toContain('<a class="button" id="sign-in" href="/login">Sign in</a>');
  });

  it('links to itself in every language, keeping the query, with lang and hreflang', () => {
    const html = allPages('en').disclosures;
    expect(html).toContain('<a href="/disclosures?before=40&amp;lang=fi" lang="fi" hreflang="fi">Suomeksi</a>');
    expect(html).toContain('<a href="/disclosures?before=40&amp;lang=sv" lang="sv" hreflang="sv">På svenska</a>');
    expect(html).toContain('<a href="/disclosures?before=40&amp;lang=en" lang="en" hreflang="en" aria-current="true">In English</a>');
  });

  it('is styled only by the inline style the CSP hash allows', () => {
    expect(STYLE_CSP_SOURCE).toBe(`'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`);
    expect(allPages('fi').myData).toContain(`<style>${STYLE}</style>`);
    expect(contentSecurityPolicy('http://127.0.0.1:4100')).toBe(
      `default-src 'none'; style-src ${STYLE_CSP_SOURCE}; img-src 'self'; form-action 'self' http://127.0.0.1:4100; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(() => contentSecurityPolicy("http://x; script-src 'unsafe-inline'")).toThrow(TypeError);
  });

  it('has a visible focus style, a responsive layout and tables that scroll by keyboard', () => {
    expect(STYLE).toMatch(/a:focus-visible,button:focus-visible[^{]*\{outline:3px solid/);
    expect(STYLE).toMatch(/@media \(max-width:30rem\)/);
    expect(STYLE).toContain('.table-wrap{overflow-x:auto');
    expect(allPages('en').myData).toMatch(/<div class="table-wrap" role="region" aria-labelledby="tax-assessments-caption" tabindex="0">/);
  });
});

describe('my data', () => {
  it('groups the data by register, names each register and when it was last updated', () => {
    const html = renderMyDataPage({ lang: 'en', path: '/', csrfToken: CSRF, data: myData(person()) });
    expect([...html.matchAll(/data-register="([a-z]+)"/g)].map((m) => m[1])).toEqual([...REGISTERS]);
    expect(section(html, 'population')).toContain('<h2 id="register-population">Population Information System (Digital and Population Data Services Agency)</h2>');
    expect(section(html, 'tax')).toContain('>Tax Administration</h2>');
    expect(section(html, 'vehicles')).toContain('>Traficom vehicle and driving licence registers</h2>');
    expect(section(html, 'education')).toContain('>KOSKI: national registers of studies and degrees</h2>');
    expect(section(html, 'population')).toContain('Last updated <time datetime="2024-11-17T14:58:06Z">17 November 2024</time>');
    expect(section(html, 'education')).toContain('Last updated <time datetime="2026-10-24T14:58:43Z">24 October 2026</time>');
    expect(html).toContain('<a id="download" href="/download" download="my-data.jwt">');
  });

  it('shows every field of every register in plain language', () => {
    const text = textOf(renderMyDataPage({ lang: 'en', path: '/', csrfToken: CSRF, data: myData(person()) }));
    for (const expected of [
      '140385-962D', '14 March 1985', 'Aino Maria', 'Virtanen', '18 or olderYes', 'Finland, Sweden', 'Finnish',
      'Kauppakatu 63 C 24', '15200 Lahti', 'Married', 'Eino Virtanen', '1 June 2015',
      '2025', '€43,792.25', '€771.20', '€10,877.45', '€1,250.50, recorded on 1 February 2025',
      'AAH-927', 'Kia Ceed', 'M1', 'Owner', '8 August 2022', 'AM, B', '11 February 2034',
      'Ylioppilastutkinto', 'Upper secondary (ISCED 3)', 'Vaasan lyseon lukio', '2 June 2004',
      'Tietojenkäsittelytiede', 'Helsingin yliopisto', '1 September 2024',
    ]) expect(text).toContain(expected);
  });

  it('formats dates and euros for the language', () => {
    const fi = textOf(renderMyDataPage({ lang: 'fi', path: '/', csrfToken: CSRF, data: myData(person()) }));
    expect(fi).toContain('14. maaliskuuta 1985');
    expect(fi).toContain('43\u00a0792,25\u00a0€');
    expect(fi).toContain('Väestötietojärjestelmä (Digi- ja väestötietovirasto)');
    expect(fi).toContain('Naimisissa');
    expect(fi).toContain('Suomi, Ruotsi');
    const sv = textOf(renderMyDataPage({ lang: 'sv', path: '/', csrfToken: CSRF, data: myData(person()) }));
    expect(sv).toContain('14 mars 1985');
    expect(sv).toContain('43\u00a0792,25\u00a0€');
    expect(sv).toContain('Befolkningsdatasystemet (Myndigheten för digitalisering och befolkningsdata)');
    expect(sv).toContain('Skatteförvaltningen');
  });

  it('says plainly when a register holds nothing', () => {
    const empty = person({ qualifications: [], enrolments: [], educationUpdatedAt: null, taxAssessments: [], taxDebt: null, taxUpdatedAt: null });
    for (const lang of LANGUAGES) {
      const html = renderMyDataPage({ lang, path: '/', csrfToken: CSRF, data: myData(empty) });
      expect(section(html, 'education')).toContain('data-state="empty"');
      expect(section(html, 'education')).toContain(`<p class="empty">${messages[lang].myData.empty.education}</p>`);
      expect(section(html, 'tax')).toContain('data-state="empty"');
      expect(section(html, 'vehicles')).toContain('data-state="data"');
    }
    expect(textOf(renderMyDataPage({ lang: 'en', path: '/', csrfToken: CSRF, data: myData(empty) }))).toContain('The education register holds nothing about you.');
  });

  it('shows a register that failed as unreachable, never as empty', () => {
    const failed = person({ qualifications: null, enrolments: null, educationUpdatedAt: null });
    const html = renderMyDataPage({ lang: 'en', path: '/', csrfToken: CSRF, data: myData(failed, ['education']) });
    expect(section(html, 'education')).toContain('data-state="unavailable"');
    expect(section(html, 'education')).toContain('could not be reached right now');
    expect(section(html, 'education')).not.toContain('holds nothing');
    expect(section(html, 'population')).toContain('data-state="data"');
    // Nothing at all (the population register, which answers `me`, was down): every register unreachable.
    const none = renderMyDataPage({ lang: 'fi', path: '/', csrfToken: CSRF, data: myData(null, [...REGISTERS]) });
    expect(none.match(/data-state="unavailable"/g)).toHaveLength(4);
    expect(none).toContain(messages.fi.myData.unavailable);
  });

  it('escapes every register value', () => {
    const hostile = person({ firstNames: '<script>alert(1)</script>', lastName: '"Quote" & \'apos\'', address: { streetAddress: '<img src=x onerror=alert(1)>', postalCode: '00100', municipality: 'Helsinki' } });
    const html = renderMyDataPage({ lang: 'en', path: '/', csrfToken: CSRF, data: myData(hostile) });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;Quote&quot; &amp; &#39;apos&#39;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img/);
  });

  it('shows unknown codes as they are', () => {
    const odd = person({ maritalStatus: 'SEPARATED', vehicles: [{ registrationNumber: 'XYZ-1', make: 'A', model: 'B', vehicleClass: 'N1', role: 'LESSEE', firstRegistered: 'not a date' }], qualifications: [{ name: 'Q', level: 9, institution: 'I', completedOn: '2020-01-01' }] });
    const text = textOf(renderMyDataPage({ lang: 'en', path: '/', csrfToken: CSRF, data: myData(odd) }));
    expect(text).toContain('SEPARATED');
    expect(text).toContain('LESSEE');
    expect(text).toContain('not a date');
    expect(text).toContain('ISCED level 9');
  });
});

describe('consents', () => {
  it('lists active, expired and revoked consents with partner, purpose, items in plain words and dates', () => {
    const consents = [
      consent(),
      consent({ id: 'e2b7c6a8-0000-4000-8000-000000000001', status: 'EXPIRED', expiresAt: '2026-01-01T10:00:00Z' }),
      consent({ id: 'e2b7c6a8-0000-4000-8000-000000000002', status: 'REVOKED', revokedAt: '2026-11-29T08:00:00Z' }),
    ];
    const html = renderConsentsPage({ lang: 'en', path: '/consents', csrfToken: CSRF, consents });
    expect(html).toContain('<h2 id="consents-active-heading">Active (1)</h2>');
    expect(html).toContain('<h2 id="consents-expired-heading">Expired (1)</h2>');
    expect(html).toContain('<h2 id="consents-revoked-heading">Revoked (1)</h2>');
    const active = html.slice(html.indexOf('<article class="consent" id="consent-5fe29296'), html.indexOf('</article>'));
    expect(active).toContain('<h3 id="consent-5fe29296-bb87-48b0-b158-7e70e9d40005-partner">Demo Bank</h3>');
    expect(active).toContain('<dd>Opening a bank account</dd>');
    expect(active).toContain('<li>Your first names and last name</li>');
    expect(active).toContain('<li>Your tax assessments: earned and capital income and taxes paid over the last five years</li>');
    expect(textOf(active)).toContain('Granted28 November 2026 at 02:06 EET');
    expect(textOf(active)).toContain('Valid until28 December 2026 at 02:06 EET');
    expect(active).toContain('<a class="button revoke" href="/consents/5fe29296-bb87-48b0-b158-7e70e9d40005/revoke">Revoke consent<span class="vh"> given to Demo Bank</span></a>');
    expect(active).toContain('href="/consents/5fe29296-bb87-48b0-b158-7e70e9d40005/receipt" download="consent-5fe29296-bb87-48b0-b158-7e70e9d40005.jwt"');
    expect(html.match(/class="button revoke"/g)).toHaveLength(1); // only the active one can be revoked
    expect(html.match(/class="receipt"/g)).toHaveLength(3);
    expect(textOf(html)).toContain('Revoked29 November 2026 at 10:00 EET');
    expect(textOf(html)).toContain('Expired1 January 2026 at 12:00 EET');
  });

  it('describes items in the page language and shows an unknown scope as is', () => {
    const html = renderConsentsPage({ lang: 'sv', path: '/consents', csrfToken: CSRF, consents: [consent({ scopes: ['population:name', 'future:thing'] })] });
    expect(html).toContain('<li>Dina för- och efternamn</li>');
    expect(html).toContain('<li>future:thing</li>');
    expect(html).toContain('<h2 id="consents-active-heading">Gällande (1)</h2>');
  });

  it('shows the notice after a revocation, as a status message', () => {
    const html = renderConsentsPage({ lang: 'fi', path: '/consents', csrfToken: CSRF, consents: [], notice: { kind: 'revoked', partner: '<Pankki>' } });
    expect(html).toContain('<p class="notice" id="notice" role="status">Peruit suostumuksen, jonka annoit palvelulle &lt;Pankki&gt;.');
    expect(html).toContain('Sinulla ei ole voimassa olevia suostumuksia.');
  });

  it('escapes partner names and purposes', () => {
    const html = renderConsentsPage({ lang: 'en', path: '/consents', csrfToken: CSRF, consents: [consent({ purpose: '"><script>x</script>', client: { id: 'x', name: '<b>Evil</b>' } })] });
    expect(html).not.toMatch(/<script|<b>/);
    expect(html).toContain('&lt;b&gt;Evil&lt;/b&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
  });

  it('asks for confirmation before revoking, with a form that carries the CSRF token', () => {
    const html = renderRevokePage({ lang: 'en', path: '/consents/x/revoke', csrfToken: CSRF, consent: consent() });
    expect(html).toContain('<h1>Revoke the consent you gave to Demo Bank?</h1>');
    expect(html).toContain('<form id="revoke" method="post" action="/consents/5fe29296-bb87-48b0-b158-7e70e9d40005/revoke">');
    expect(html).toContain(`<input type="hidden" name="csrf" value="${CSRF}">`);
    expect(html).toContain('<button type="submit" class="danger">Yes, revoke the consent</button>');
    expect(html).toContain('<a id="cancel" href="/consents">Do not revoke</a>');
    const ended = renderRevokePage({ lang: 'en', path: '/consents/x/revoke', csrfToken: CSRF, consent: consent({ status: 'REVOKED', revokedAt: '2026-11-29T08:00:00Z' }) });
    expect(ended).not.toContain('id="revoke"');
    expect(ended).toContain('This consent is no longer active.');
    const hostile = renderRevokePage({ lang: 'en', path: '/', csrfToken: CSRF, consent: consent({ client: { id: 'x', name: '<i>Bank</i>' } }) });
    expect(hostile).toContain('<h1>Revoke the consent you gave to &lt;i&gt;Bank&lt;/i&gt;?</h1>');
  });
});

describe('who has seen my data', () => {
  it('shows the log as a table, newest first, with items in plain language and the purpose in the page language', () => {
    const purposes = new Map([[consent().id, 'Pankkitilin avaaminen']]);
    const html = renderDisclosuresPage({ lang: 'fi', path: '/disclosures', csrfToken: CSRF, disclosures: [disclosure(2, { fields: ['Person.firstNames', 'Person.address', 'Address.municipality', 'Foo.bar'] }), disclosure(1, { consentId: 'other' })], olderCursor: '1', paged: false, purposes });
    expect(html).toContain('<caption id="disclosures-caption">Tietojesi luovutukset</caption>');
    expect(html).toContain('<th scope="col">Aika</th><th scope="col">Palvelu</th><th scope="col">Käyttötarkoitus</th><th scope="col">Luovutetut tiedot</th>');
    expect(html).toContain('<ul class="items"><li>Etunimet</li><li>Kotikunta</li><li>Foo.bar</li></ul>');
    expect(html).toContain('<td>Pankkitilin avaaminen</td>');
    expect(html).toContain('<td>Opening a bank account</td>'); // no consent in the map: the log's own purpose
    expect(html).toContain('<time datetime="2026-11-28T10:15:00.000Z">28. marraskuuta 2026 klo 12.15');
    expect(html).toContain('<a id="older" rel="next" href="/disclosures?before=1">Vanhemmat</a>');
    expect(html).not.toContain('id="newest"');
  });

  it('links back to the newest page from an older one, and says plainly when nothing was disclosed', () => {
    const last = renderDisclosuresPage({ lang: 'en', path: '/disclosures?before=5', csrfToken: CSRF, disclosures: [disclosure(4)], paged: true, purposes: new Map() });
    expect(last).toContain('<a id="newest" href="/disclosures">Newest</a>');
    expect(last).not.toContain('id="older"');
    const none = renderDisclosuresPage({ lang: 'en', path: '/disclosures', csrfToken: CSRF, disclosures: [], paged: false, purposes: new Map() });
    expect(none).toContain('<p id="no-disclosures">Your data has not been disclosed to anyone.</p>');
    expect(none).not.toContain('<nav aria-label="Pages">');
  });

  it('labels coordinates per language and shows unknown ones as they are', () => {
    expect(LANGUAGES.map((lang) => fieldLabel('Person.firstNames', lang))).toEqual(['Etunimet', 'Förnamn', 'First names']);
    expect(fieldLabel('Person.shoeSize', 'en')).toBe('Person.shoeSize');
    expect(fieldLabels(['Person.vehicles', 'Vehicle.make', 'Person.drivingLicence'], 'en')).toEqual(['Vehicle make', 'Driving licence']);
    expect(fieldLabels(['Person.vehicles'], 'en')).toEqual(['Vehicles']); // an empty list was disclosed too
  });
});

describe('errors and the signed-out page', () => {
  it('explains an error plainly, with a way to try again', () => {
    const html = renderErrorPage({ lang: 'sv', kind: 'issuerUnavailable', path: '/login', retry: '/login' });
    expect(html).toContain('<h1>Något gick fel</h1>');
    expect(html).toContain('data-error="issuerUnavailable"');
    expect(html).toContain('<a class="button" id="retry" href="/login">Försök igen</a>');
    expect(() => renderErrorPage({ lang: 'en', kind: 'notFound', path: '/', retry: 'javascript:alert(1)' })).toThrow(TypeError);
  });

  it('tells a signed-out visitor what the portal shows', () => {
    const html = renderSignedOutPage({ lang: 'en', path: '/' });
    expect(html).toContain('<h1>Your data in public registers</h1>');
    expect(html).not.toMatch(/health/i);
  });
});
