import { escapeHtml } from '../../lib/web/html.js';
import { formatDateTime } from '../../lib/web/format.js';
import type { Language } from '../../lib/web/language.js';
import { fieldLabels } from '../fieldLabels.js';
import type { DisclosureItem } from '../hubClient.js';
import { messages } from '../messages.js';
import { renderLayout } from './layout.js';
import { dataTable, time } from './parts.js';

/** What {@link renderDisclosuresPage} needs. */
export interface DisclosuresPageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  /** One page of the log, newest first. */
  disclosures: readonly DisclosureItem[];
  /** The cursor of the next (older) page, when there is one. */
  olderCursor?: string;
  /** True when this is not the newest page. */
  paged: boolean;
  /** The consents' purposes in the page language, by consent id (the log keeps the English one). */
  purposes: ReadonlyMap<string, string>;
}

/** "Who has seen my data": the disclosure log as a table, newest first, with `a#older` to the next page. */
export function renderDisclosuresPage(input: DisclosuresPageInput): string {
  const { lang } = input;
  const t = messages[lang].disclosures;
  const table = input.disclosures.length === 0
    ? `<p id="no-disclosures">${escapeHtml(t.none)}</p>`
    : dataTable('disclosures', t.caption, [{ text: t.time }, { text: t.partner }, { text: t.purpose }, { text: t.items }], input.disclosures.map((d) => {
        const at = new Date(d.at);
        const labels = fieldLabels(d.fields, lang);
        return [
          { html: Number.isNaN(at.getTime()) ? escapeHtml(d.at) : time(d.at, formatDateTime(lang, at)) },
          { html: escapeHtml(d.client.name) },
          { html: escapeHtml(input.purposes.get(d.consentId) ?? d.purpose) },
          { html: labels.length === 0 ? '–' : `<ul class="items">${labels.map((label) => `<li>${escapeHtml(label)}</li>`).join('')}</ul>` },
        ];
      }));
  const links = [
    input.paged ? `<li><a id="newest" href="/disclosures">${escapeHtml(t.newest)}</a></li>` : '',
    input.olderCursor !== undefined ? `<li><a id="older" rel="next" href="/disclosures?before=${encodeURIComponent(input.olderCursor)}">${escapeHtml(t.older)}</a></li>` : '',
  ].join('');
  const paging = links === '' ? '' : `\n<nav aria-label="${escapeHtml(t.pages)}"><ul>${links}</ul></nav>`;
  const body = `<p>${escapeHtml(t.intro)}</p>\n${table}${paging}`;
  return renderLayout({ lang, title: t.title, body, path: input.path, current: 'disclosures', csrfToken: input.csrfToken });
}
