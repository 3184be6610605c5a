import { assertSafeUrl, escapeHtml, fillText, interpolate, layout } from './html.js';
import { formatDateTime, formatDays, messages, type Language, type RegisterKey } from './messages.js';

/** Text in each page language. */
export type LocalizedText = { fi: string; sv: string; en: string };

/** One requested item: a scope, what it means in plain words, and the register it comes from. */
export interface ConsentItem {
  scope: string;
  description: LocalizedText;
  /** `population`, `tax`, `vehicles`, `education` or `hub` (as in `schema/scopes.json`). */
  register: string;
  /** Required items cannot be unticked; they are submitted through a hidden input. */
  required: boolean;
}

/** What {@link renderConsentPage} needs. */
export interface ConsentPageInput {
  lang: Language;
  /** The URL the form posts to. */
  action: string;
  partner: { name: string; purpose: LocalizedText };
  items: ReadonlyArray<ConsentItem>;
  durationDays: number;
  expiresAt: Date;
  citizenName?: string;
  /** The citizen portal, linked from the revocation text when given. */
  portalUrl?: string;
  /** The page's own URL for the language links; '' (the default) means the current URL. */
  languageLinksBase?: string;
  /** IANA zone for the expiry time; default `Europe/Helsinki`. */
  timeZone?: string;
}

const REGISTERS: readonly RegisterKey[] = ['population', 'tax', 'vehicles', 'education', 'hub'];

function isRegister(value: string): value is RegisterKey {
  return (REGISTERS as readonly string[]).includes(value);
}

function localized(option: string, text: LocalizedText, lang: Language): string {
  const value = text?.[lang];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`renderConsentPage: "${option}.${lang}" must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The consent screen: who asks, why, each item in plain words grouped by register, how long and until when,
 * how to revoke; `form#consent` with one `input[type=checkbox][name=scope]` per item and the buttons
 * `decision=allow` and `decision=deny`, given equal visual weight.
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const { lang } = input;
  const m = messages[lang];
  if (m === undefined) throw new TypeError(`renderConsentPage: "lang" must be fi, sv or en, got ${JSON.stringify(lang)}`);
  assertSafeUrl('action', input.action);
  if (input.portalUrl !== undefined) assertSafeUrl('portalUrl', input.portalUrl);
  const t = m.consent;
  const purpose = localized('partner.purpose', input.partner.purpose, lang);
  const partner = `<strong>${escapeHtml(input.partner.name)}</strong>`;

  // Group by register, keeping the order in which the caller listed the items.
  const groups = new Map<RegisterKey, { item: ConsentItem; index: number }[]>();
  const seen = new Set<string>();
  input.items.forEach((item, index) => {
    if (!isRegister(item.register)) {
      throw new TypeError(`renderConsentPage: "items[${index}].register" must be one of ${REGISTERS.join(', ')}, got ${JSON.stringify(item.register)}`);
    }
    if (typeof item.scope !== 'string' || item.scope === '' || seen.has(item.scope)) {
      throw new TypeError(`renderConsentPage: "items[${index}].scope" must be a non-empty, unique string, got ${JSON.stringify(item.scope)}`);
    }
    seen.add(item.scope);
    const group = groups.get(item.register) ?? [];
    group.push({ item, index });
    groups.set(item.register, group);
  });

  const renderItem = ({ item, index }: { item: ConsentItem; index: number }): string => {
    const id = `scope-${index}`;
    const value = escapeHtml(item.scope);
    const description = escapeHtml(localized(`items[${index}].description`, item.description, lang));
    if (!item.required) {
      return `<div class="item"><input type="checkbox" id="${id}" name="scope" value="${value}" checked><label for="${id}">${description}</label></div>`;
    }
    // A disabled control is never submitted (HTML §4.10.21.4), so the hidden input carries the required scope.
    return `<div class="item"><input type="checkbox" id="${id}" name="scope" value="${value}" checked disabled><label for="${id}">${description} <span class="required">${escapeHtml(t.required)}</span></label><input type="hidden" name="scope" value="${value}"></div>`;
  };

  const fieldsets = [...groups]
    .map(
      ([register, items]) =>
        `<fieldset>\n<legend>${escapeHtml(m.registers[register])}</legend>\n${items.map(renderItem).join('\n')}\n</fieldset>`,
    )
    .join('\n');
  const notes = [
    input.items.some((i) => i.required) ? `<p class="muted">${escapeHtml(t.requiredNote)}</p>` : '',
    input.items.some((i) => !i.required) ? `<p class="muted">${escapeHtml(t.optionalNote)}</p>` : '',
  ].join('');
  const itemsBlock =
    input.items.length === 0
      ? `<p>${escapeHtml(t.noItems)}</p>`
      : `<fieldset>\n<legend>${interpolate(t.itemsLegend, { partner: escapeHtml(input.partner.name) })}</legend>\n${notes}\n${fieldsets}\n</fieldset>`;

  const expiresText = formatDateTime(lang, input.expiresAt, input.timeZone); // validates expiresAt first
  const expires = `<time datetime="${escapeHtml(input.expiresAt.toISOString())}">${escapeHtml(expiresText)}</time>`;
  const revoke =
    input.portalUrl === undefined
      ? escapeHtml(t.revoke)
      : interpolate(t.revokeWithLink, { portal: `<a href="${escapeHtml(input.portalUrl)}">${escapeHtml(t.portalLinkText)}</a>` });
  const signedIn =
    input.citizenName === undefined ? '' : `<p class="muted">${interpolate(t.signedInAs, { citizen: escapeHtml(input.citizenName) })}</p>\n`;

  const body = `${signedIn}<p>${interpolate(t.intro, { partner })}</p>
<h2>${escapeHtml(t.purposeHeading)}</h2>
<p>${escapeHtml(purpose)}</p>
<form id="consent" method="post" action="${escapeHtml(input.action)}">
<h2>${escapeHtml(t.itemsHeading)}</h2>
${itemsBlock}
<h2>${escapeHtml(t.durationHeading)}</h2>
<p>${interpolate(t.duration, { duration: escapeHtml(formatDays(lang, input.durationDays)), date: expires })}</p>
<p>${revoke}</p>
<div class="actions">
<button type="submit" name="decision" value="allow">${escapeHtml(t.allow)}</button>
<button type="submit" name="decision" value="deny">${escapeHtml(t.deny)}</button>
</div>
<p class="muted">${escapeHtml(t.denyNote)}</p>
</form>`;

  return layout({
    lang,
    title: fillText(t.title, { partner: input.partner.name }),
    body,
    languageLinksBase: input.languageLinksBase ?? '',
  });
}
