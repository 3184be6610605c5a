import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { scopeCatalogue } from '../../../schema/scopes.js';
import { renderConsentPage, type ConsentPageInput } from '../consentPage.js';
import { renderErrorPage } from '../errorPage.js';
import { contentSecurityPolicy, escapeHtml, fillText, interpolate, languageHref, layout, STYLE, STYLE_CSP_SOURCE } from '../html.js';
import { renderLoginPage, type LoginPersona } from '../loginPage.js';
import { formatDateTime, formatDays, LANGUAGES, messages, negotiateLanguage, type Language } from '../messages.js';

// A tiny tag scanner: the views always write double-quoted, escaped attribute values, so no `"` or `>` occurs
// inside one and a regular expression reads every start tag exactly.
type Tag = { name: string; attrs: Record<string, string> };
function tags(html: string, name: string): Tag[] {
  const found: Tag[] = [];
  for (const match of html.matchAll(new RegExp(`<(${name})(\\s[^>]*)?>`, 'gi'))) {
    const attrs: Record<string, string> = {};
    for (const a of (match[2] ?? '').matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) attrs[a[1]!] = a[2] ?? '';
    found.push({ name: match[1]!.toLowerCase(), attrs });
  }
  return found;
}
function section(html: string, open: RegExp, close: string): string {
  const start = html.search(open);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf(close, start) + close.length);
}
function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

const personas = JSON.parse(readFileSync(new URL('../../../data/personas.json', import.meta.url), 'utf8')) as LoginPersona[];
const catalogue = scopeCatalogue();
const entry = (scope: string) => {
  const found = catalogue.find((e) => e.scope === scope);
  if (found === undefined) throw new Error(`no ${scope} in schema/scopes.json`);
  return found;
};
const demoBankScopes = ['population:name', 'population:address', 'population:adult', 'tax:income', 'vehicles:owned'];
const expiresAt = new Date('2026-03-29T21:00:00Z');

function consentInput(overrides: Partial<ConsentPageInput> = {}): ConsentPageInput {
  return {
    lang: 'en',
    action: '/interaction/abc123/confirm',
    partner: {
      name: 'Demo Bank',
      purpose: { fi: 'Pankkitilin avaaminen', sv: 'Öppning av bankkonto', en: 'Opening a bank account' },
    },
    items: demoBankScopes.map((scope) => {
      const e = entry(scope);
      return { scope, description: e.description, register: e.register, required: scope === 'population:name' };
    }),
    durationDays: 90,
    expiresAt,
    citizenName: 'Aino Virtanen',
    ...overrides,
  };
}

function allPages(lang: Language): string[] {
  return [
    renderLoginPage({ lang, action: '/interaction/x/login', personas, clientName: 'Demo Bank', error: 'UNKNOWN_PERSONA' }),
    renderConsentPage(consentInput({ lang, portalUrl: 'http://127.0.0.1:4200/' })),
    renderErrorPage({ lang, code: 'invalid_request', description: 'The request was malformed.' }),
  ];
}

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('leaves other text alone, including Finnish and Swedish letters, and stringifies numbers', () => {
    expect(escapeHtml('Äänekoski, Ålands skärgård — ok')).toBe('Äänekoski, Ålands skärgård — ok');
    expect(escapeHtml(90)).toBe('90');
  });
  it('does not double-decode: an escaped entity is escaped again', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
  it('throws a TypeError for a value that is not text', () => {
    expect(() => escapeHtml(undefined as unknown as string)).toThrow(new TypeError('escapeHtml: "value" must be a string or a number, got undefined'));
  });
});

describe('interpolate and fillText', () => {
  it('escapes the template but inserts values as given HTML', () => {
    expect(interpolate('a < {x} & b', { x: '<strong>X</strong>' })).toBe('a &lt; <strong>X</strong> &amp; b');
  });
  it('fills plain text without escaping', () => {
    expect(fillText('Share with {partner}?', { partner: '<Bank>' })).toBe('Share with <Bank>?');
  });
  it('throws for a missing placeholder value', () => {
    expect(() => interpolate('{a}', {})).toThrow(TypeError);
    expect(() => fillText('{a}', {})).toThrow('fillText: no value for placeholder "{a}" in "{a}"');
  });
});

describe('negotiateLanguage', () => {
  it.each<[string | undefined, string | undefined, Language]>([
    [undefined, undefined, 'fi'],
    [undefined, '', 'fi'],
    [undefined, 'de-DE,fr;q=0.8', 'fi'],
    [undefined, 'sv-FI', 'sv'],
    [undefined, 'SV-fi,en;q=0.5', 'sv'],
    [undefined, 'en-GB,en;q=0.9,fi;q=0.8', 'en'],
    [undefined, 'de;q=1, fi;q=0.2, sv;q=0.7, en;q=0.5', 'sv'],
    [undefined, 'en;q=0.5, sv;q=0.5', 'en'], // a tie goes to the earlier entry
    [undefined, 'sv;q=0, en;q=0.1', 'en'], // q=0 means "not acceptable"
    [undefined, 'sv;q=0', 'fi'],
    [undefined, 'sv;q=abc, en;q=0.3', 'en'], // a malformed q-value drops its entry
    [undefined, 'sv;q=1.5, en;q=0.3', 'en'],
    [undefined, 'sv-SE;q=0.2, sv-FI;q=0.9, en;q=0.5', 'sv'], // a language's best q counts
    [undefined, 'de, *;q=0.5', 'fi'],
    [undefined, 'sv;q=0.5, *', 'fi'], // * covers the unnamed languages, the default first
    [undefined, 'fi;q=0.1, sv;q=0.5, *', 'en'], // fi is named, so * stands for en
    ['sv', 'en', 'sv'], // the query wins
    ['EN', 'sv', 'en'],
    ['sv-FI', undefined, 'sv'],
    ['de', 'en', 'en'], // an unsupported query is ignored
    ['', 'sv', 'sv'],
  ])('query %p, Accept-Language %p -> %p', (query, acceptLanguage, expected) => {
    expect(negotiateLanguage(query, acceptLanguage)).toBe(expected);
  });
});

describe('dates and durations', () => {
  it('formats an expiry in each locale, in Finnish time', () => {
    expect(formatDateTime('fi', expiresAt)).toBe('30. maaliskuuta 2026 klo 00.00 UTC+3');
    expect(formatDateTime('sv', expiresAt)).toBe('30 mars 2026 kl. 00.00 EEST');
    expect(formatDateTime('en', expiresAt)).toBe('30 March 2026 at 00:00 EEST');
  });
  it('writes durations in plain words, singular and plural', () => {
    expect([formatDays('fi', 90), formatDays('sv', 90), formatDays('en', 90)]).toEqual(['90 päivää', '90 dagar', '90 days']);
    expect([formatDays('fi', 1), formatDays('sv', 1), formatDays('en', 1)]).toEqual(['1 päivä', '1 dag', '1 day']);
  });
  it('refuses a duration that is not a positive whole number of days and an invalid date', () => {
    expect(() => formatDays('en', 0)).toThrow(new TypeError('formatDays: "days" must be a positive integer, got 0'));
    expect(() => formatDays('en', 1.5)).toThrow(TypeError);
    expect(() => formatDateTime('en', new Date('nope'))).toThrow(TypeError);
  });
});

describe('layout and CSP', () => {
  it('STYLE_CSP_SOURCE is the sha256 of the style element content on every page', () => {
    const expected = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;
    expect(STYLE_CSP_SOURCE).toBe(expected);
    for (const lang of LANGUAGES) {
      for (const html of allPages(lang)) {
        const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)];
        expect(styles).toHaveLength(1);
        const content = styles[0]![1]!;
        expect(`'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`).toBe(STYLE_CSP_SOURCE);
      }
    }
  });
  it('builds the Content-Security-Policy header with the style hash', () => {
    expect(contentSecurityPolicy()).toBe(
      `default-src 'none'; style-src ${STYLE_CSP_SOURCE}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(contentSecurityPolicy({ formAction: ['http://127.0.0.1:4300'] })).toContain("form-action 'self' http://127.0.0.1:4300;");
    expect(() => contentSecurityPolicy({ formAction: ["'self'; script-src *"] })).toThrow(TypeError);
  });
  it('no page has a script, an inline style attribute, an event handler or an external resource', () => {
    for (const lang of LANGUAGES) {
      for (const html of allPages(lang)) {
        expect(html).not.toMatch(/<script/i);
        expect(html).not.toMatch(/\sstyle=/i);
        expect(html).not.toMatch(/\son[a-z]+=/i);
        expect(html).not.toMatch(/<link|<img|<iframe|@import|url\(/i);
      }
    }
  });
  it('every page is a complete accessible document: lang, charset, viewport, title, exactly one h1', () => {
    for (const lang of LANGUAGES) {
      for (const html of allPages(lang)) {
        expect(html.startsWith('<!doctype html>\n<html lang="' + lang + '">')).toBe(true);
        expect(html).toContain('<meta charset="utf-8">');
        expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
        expect(html).toMatch(/<title>[^<]+<\/title>/);
        expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
        expect(html).toContain(':focus-visible{outline:3px solid');
      }
    }
  });
  it('links to the same URL in each language, marking the current one', () => {
    const html = layout({ lang: 'sv', title: 'T', body: '', languageLinksBase: '/interaction/abc?lang=fi&x=1' });
    const links = tags(section(html, /<nav/, '</nav>'), 'a');
    expect(links.map((a) => a.attrs.href)).toEqual([
      '/interaction/abc?lang=fi&amp;x=1',
      '/interaction/abc?lang=sv&amp;x=1',
      '/interaction/abc?lang=en&amp;x=1',
    ]);
    expect(links.map((a) => a.attrs.lang)).toEqual(['fi', 'sv', 'en']);
    expect(links.filter((a) => 'aria-current' in a.attrs).map((a) => a.attrs.lang)).toEqual(['sv']);
    expect(languageHref('', 'en')).toBe('?lang=en');
    expect(languageHref('/a#top', 'fi')).toBe('/a?lang=fi');
  });
  it('escapes the title', () => {
    const html = layout({ lang: 'en', title: '<script>x</script>', body: '', languageLinksBase: '' });
    expect(html).toContain('<h1>&lt;script&gt;x&lt;/script&gt;</h1>');
    expect(html).not.toContain('<script>');
  });
});

describe('renderLoginPage', () => {
  const render = (lang: Language = 'en', error?: 'UNKNOWN_PERSONA') =>
    renderLoginPage({ lang, action: '/interaction/abc/login', personas, clientName: 'Citizen portal', error });

  it('has form#login posting to the action, a select named persona, and a submit button', () => {
    const html = render();
    const [form] = tags(html, 'form');
    expect(form?.attrs).toMatchObject({ id: 'login', method: 'post', action: '/interaction/abc/login' });
    const login = section(html, /<form id="login"/, '</form>');
    const selects = tags(login, 'select');
    expect(selects).toHaveLength(1);
    expect(selects[0]?.attrs.name).toBe('persona');
    expect(tags(login, 'button').filter((b) => b.attrs.type === 'submit')).toHaveLength(1);
  });

  it('offers every persona by personal identity code, labelled "Firstnames Lastname (code) — tags"', () => {
    const html = render();
    expect(tags(html, 'option').map((o) => o.attrs.value)).toEqual(personas.map((p) => p.personalIdentityCode));
    const first = personas[0]!;
    expect(html).toContain(`>${first.firstNames} ${first.lastName} (${first.personalIdentityCode}) — ${first.tags.join(', ')}</option>`);
  });

  it('binds the label to the select', () => {
    const html = render();
    expect(tags(html, 'label')[0]?.attrs.for).toBe('persona');
    expect(tags(html, 'select')[0]?.attrs.id).toBe('persona');
  });

  it('shows the TEST banner in each language', () => {
    for (const lang of LANGUAGES) {
      const html = render(lang);
      expect(html).toContain(escapeHtml(messages[lang].login.bannerTitle));
      expect(html).toContain(escapeHtml(messages[lang].login.bannerText));
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(`>${escapeHtml(messages[lang].login.submit)}</button>`);
    }
    expect(render('en')).toContain('TEST LOGIN');
    expect(render('fi')).toContain('TESTIKIRJAUTUMINEN');
    expect(render('sv')).toContain('TESTINLOGGNING');
  });

  it('shows UNKNOWN_PERSONA tied to the select', () => {
    expect(render('en')).not.toContain('persona-error');
    const html = render('fi', 'UNKNOWN_PERSONA');
    expect(html).toContain(`<p class="error" id="persona-error">${messages.fi.login.errors.UNKNOWN_PERSONA}</p>`);
    expect(tags(html, 'select')[0]?.attrs).toMatchObject({ 'aria-invalid': 'true', 'aria-describedby': 'persona-hint persona-error' });
  });

  it('escapes persona fields and the client name', () => {
    const html = renderLoginPage({
      lang: 'en',
      action: '/login?a=1&b=2',
      personas: [{ personalIdentityCode: '"><script>', firstNames: '<b>', lastName: 'O\'Hara', tags: ['<i>'] }],
      clientName: '<script>alert(1)</script>',
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<option value="&quot;&gt;&lt;script&gt;">&lt;b&gt; O&#39;Hara (&quot;&gt;&lt;script&gt;) — &lt;i&gt;</option>');
    expect(html).toContain('<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>');
    expect(html).toContain('action="/login?a=1&amp;b=2"');
  });

  it('refuses misuse with a TypeError', () => {
    expect(() => renderLoginPage({ lang: 'en', action: 'javascript:alert(1)', personas, clientName: 'x' })).toThrow(
      new TypeError('"action" must be a relative URL or an http(s) URL, got "javascript:alert(1)"'),
    );
    expect(() => renderLoginPage({ lang: 'en', action: '/x', personas: [], clientName: 'x' })).toThrow(
      new TypeError('renderLoginPage: "personas" must be a non-empty array'),
    );
    expect(() => renderLoginPage({ lang: 'de' as Language, action: '/x', personas, clientName: 'x' })).toThrow(TypeError);
  });
});

describe('renderConsentPage', () => {
  it('has form#consent with one checkbox per item whose value is the scope', () => {
    const input = consentInput();
    const html = renderConsentPage(input);
    const [form] = tags(html, 'form');
    expect(form?.attrs).toMatchObject({ id: 'consent', method: 'post', action: '/interaction/abc123/confirm' });
    const consent = section(html, /<form id="consent"/, '</form>');
    const boxes = tags(consent, 'input').filter((i) => i.attrs.type === 'checkbox' && i.attrs.name === 'scope');
    expect(boxes.map((b) => b.attrs.value)).toEqual(demoBankScopes);
    expect(boxes.every((b) => 'checked' in b.attrs)).toBe(true);
  });

  it('has allow and deny buttons, allow first, styled alike', () => {
    const html = renderConsentPage(consentInput());
    const consent = section(html, /<form id="consent"/, '</form>');
    const buttons = tags(consent, 'button');
    expect(buttons.map((b) => b.attrs)).toEqual([
      { type: 'submit', name: 'decision', value: 'allow' },
      { type: 'submit', name: 'decision', value: 'deny' },
    ]);
  });

  it('disables required items but submits them through a hidden input, and says they are required', () => {
    const html = renderConsentPage(consentInput());
    const inputs = tags(section(html, /<form id="consent"/, '</form>'), 'input');
    const required = inputs.filter((i) => i.attrs.value === 'population:name');
    expect(required.map((i) => i.attrs.type)).toEqual(['checkbox', 'hidden']);
    expect(required[0]?.attrs).toHaveProperty('disabled');
    expect(required[1]?.attrs.name).toBe('scope');
    // Optional items: enabled, no hidden copy, so unticking them really leaves them out.
    const optional = inputs.filter((i) => i.attrs.value === 'tax:income');
    expect(optional).toHaveLength(1);
    expect(optional[0]?.attrs).not.toHaveProperty('disabled');
    expect(inputs.filter((i) => i.attrs.type === 'hidden')).toHaveLength(1);
    expect(html).toMatch(/Your first names and last name <span class="required">\(required\)<\/span><\/label>/);
    expect(html).toContain(escapeHtml(messages.en.consent.requiredNote));
  });

  it('binds a label to every checkbox and groups items in fieldsets with legends', () => {
    const html = renderConsentPage(consentInput());
    const ids = tags(html, 'input').filter((i) => i.attrs.type === 'checkbox').map((i) => i.attrs.id);
    expect(tags(html, 'label').map((l) => l.attrs.for)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const legends = [...html.matchAll(/<legend>([\s\S]*?)<\/legend>/g)].map((m) => textOf(m[1]!));
    expect(legends).toEqual([
      'Information Demo Bank will receive',
      messages.en.registers.population,
      messages.en.registers.tax,
      messages.en.registers.vehicles,
    ]);
  });

  it('shows who asks, why, the items, the duration, the expiry and how to revoke, in each language', () => {
    const expected: Record<Language, string[]> = {
      fi: [
        'Pankkitilin avaaminen',
        'Väestötietojärjestelmä (Digi- ja väestötietovirasto)',
        'Etu- ja sukunimesi',
        '90 päivää',
        '30. maaliskuuta 2026 klo 00.00 UTC+3',
        '(pakollinen)',
        'Salli',
        'En salli',
      ],
      sv: [
        'Öppning av bankkonto',
        'Befolkningsdatasystemet (Myndigheten för digitalisering och befolkningsdata)',
        'Dina för- och efternamn',
        '90 dagar',
        '30 mars 2026 kl. 00.00 EEST',
        'Skatteförvaltningen',
        'Transport- och kommunikationsverket Traficom',
      ],
      en: [
        'Opening a bank account',
        'Population Information System (Digital and Population Data Services Agency)',
        'Your first names and last name',
        '90 days',
        '30 March 2026 at 00:00 EEST',
        'Tax Administration',
        'Traficom',
        'revoke the consent at any time',
      ],
    };
    for (const lang of LANGUAGES) {
      const html = renderConsentPage(consentInput({ lang }));
      const text = textOf(html);
      expect(html).toContain(`<html lang="${lang}">`);
      for (const s of expected[lang]) expect(text).toContain(s);
      expect(text).toContain('Demo Bank');
      expect(text).toContain('Aino Virtanen');
      expect(text).toContain(messages[lang].consent.revoke);
      expect(html).toContain('<time datetime="2026-03-29T21:00:00.000Z">');
      for (const scope of demoBankScopes) expect(text).toContain(entry(scope).description[lang]);
      // The other languages' descriptions do not leak in.
      for (const other of LANGUAGES.filter((l) => l !== lang)) expect(text).not.toContain(entry('tax:income').description[other]);
    }
  });

  it('labels education and hub items with their registers', () => {
    const items = ['education:qualifications', 'self'].map((scope) => {
      const e = entry(scope);
      return { scope, description: e.description, register: e.register, required: false };
    });
    const text = textOf(renderConsentPage(consentInput({ lang: 'sv', items })));
    expect(text).toContain('KOSKI (Utbildningsstyrelsen)');
    expect(text).toContain(messages.sv.registers.hub);
    expect(text).not.toContain('(obligatorisk)');
  });

  it('links the citizen portal when given', () => {
    const html = renderConsentPage(consentInput({ portalUrl: 'http://127.0.0.1:4200/' }));
    expect(html).toContain('<a href="http://127.0.0.1:4200/">the My Data citizen portal</a>');
  });

  it('escapes the partner name, purpose, descriptions, scopes and citizen name', () => {
    const evil = '<script>alert("x")</script>';
    const html = renderConsentPage(
      consentInput({
        partner: { name: evil, purpose: { fi: evil, sv: evil, en: evil } },
        items: [{ scope: `a"><script>`, description: { fi: evil, sv: evil, en: evil }, register: 'tax', required: true }],
        citizenName: evil,
      }),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<title>Share your information with &lt;script&gt;');
    expect(html).toContain('value="a&quot;&gt;&lt;script&gt;"');
  });

  it('renders an empty request without a fieldset', () => {
    const html = renderConsentPage(consentInput({ items: [] }));
    expect(html).toContain(messages.en.consent.noItems);
    expect(html).not.toContain('<fieldset');
  });

  it('refuses misuse with a TypeError naming the option', () => {
    const base = consentInput();
    expect(() => renderConsentPage({ ...base, items: [{ ...base.items[0]!, register: 'health' }] })).toThrow(
      new TypeError('renderConsentPage: "items[0].register" must be one of population, tax, vehicles, education, hub, got "health"'),
    );
    expect(() => renderConsentPage({ ...base, items: [base.items[0]!, base.items[0]!] })).toThrow(
      new TypeError('renderConsentPage: "items[1].scope" must be a non-empty, unique string, got "population:name"'),
    );
    expect(() => renderConsentPage({ ...base, partner: { name: 'x', purpose: { fi: 'a', sv: 'b', en: ' ' } } })).toThrow(
      new TypeError('renderConsentPage: "partner.purpose.en" must be a non-empty string, got " "'),
    );
    expect(() => renderConsentPage({ ...base, durationDays: -1 })).toThrow(TypeError);
    expect(() => renderConsentPage({ ...base, expiresAt: new Date(Number.NaN) })).toThrow(TypeError);
    expect(() => renderConsentPage({ ...base, action: 'data:text/html,x' })).toThrow(TypeError);
    expect(() => renderConsentPage({ ...base, portalUrl: 'javascript:x' })).toThrow(TypeError);
  });
});

describe('renderErrorPage', () => {
  it('shows the title, description and code, escaped, in the page language', () => {
    for (const lang of LANGUAGES) {
      const html = renderErrorPage({ lang, code: 'invalid_request', description: 'Bad <input> & more' });
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(`<h1>${messages[lang].error.defaultTitle}</h1>`);
      expect(html).toContain('<p>Bad &lt;input&gt; &amp; more</p>');
      expect(html).toContain('<code>invalid_request</code>');
      expect(html).toContain(escapeHtml(messages[lang].error.advice));
    }
  });
  it('takes a custom title and escapes the code', () => {
    const html = renderErrorPage({ lang: 'en', title: 'Sign-in expired', code: '<x>', description: 'd' });
    expect(html).toContain('<h1>Sign-in expired</h1>');
    expect(html).toContain('<code>&lt;x&gt;</code>');
  });
  it('refuses an empty code', () => {
    expect(() => renderErrorPage({ lang: 'en', code: '', description: 'd' })).toThrow(
      new TypeError('renderErrorPage: "code" must be a non-empty string, got ""'),
    );
  });
});
