import { escapeHtml, interpolate } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import type { ConsentItem } from '../hubClient.js';
import { messages } from '../messages.js';
import type { Notice } from '../session.js';
import { consentDetails } from './consentDetails.js';
import { renderLayout } from './layout.js';

/** What {@link renderConsentsPage} needs. */
export interface ConsentsPageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  consents: readonly ConsentItem[];
  notice?: Notice;
}

const GROUPS = [
  ['ACTIVE', 'active', 'noneActive'],
  ['EXPIRED', 'expired', 'noneExpired'],
  ['REVOKED', 'revoked', 'noneRevoked'],
] as const;

function consentArticle(consent: ConsentItem, lang: Language): string {
  const t = messages[lang].consents;
  const id = encodeURIComponent(consent.id);
  const partner = escapeHtml(consent.client.name);
  const context = `<span class="vh"> ${interpolate(t.revokeContext, { partner })}</span>`;
  const revoke = consent.status === 'ACTIVE' ? `<a class="button revoke" href="/consents/${id}/revoke">${escapeHtml(t.revoke)}${context}</a>` : '';
  return `<article class="consent" id="consent-${escapeHtml(consent.id)}" data-consent-id="${escapeHtml(consent.id)}" data-status="${escapeHtml(consent.status)}" aria-labelledby="consent-${escapeHtml(consent.id)}-partner">
<h3 id="consent-${escapeHtml(consent.id)}-partner">${partner}</h3>
${consentDetails(consent, lang)}
<p class="actions">${revoke}<a class="receipt" href="/consents/${id}/receipt" download="consent-${escapeHtml(consent.id)}.jwt">${escapeHtml(t.receipt)}<span class="vh"> (${partner})</span></a></p>
</article>`;
}

/** "Consents": active, expired and revoked consents, each with its details, a receipt link, and Revoke if active. */
export function renderConsentsPage(input: ConsentsPageInput): string {
  const t = messages[input.lang].consents;
  const notice = input.notice?.kind === 'revoked'
    ? `<p class="notice" id="notice" role="status">${interpolate(t.revokedNotice, { partner: escapeHtml(input.notice.partner) })}</p>\n`
    : '';
  const groups = GROUPS.map(([status, heading, none]) => {
    const consents = input.consents.filter((c) => c.status === status);
    const content = consents.length === 0 ? `<p class="muted">${escapeHtml(t[none])}</p>` : consents.map((c) => consentArticle(c, input.lang)).join('\n');
    return `<section id="consents-${heading}" data-status="${status}" aria-labelledby="consents-${heading}-heading">
<h2 id="consents-${heading}-heading">${escapeHtml(t[heading])} (${consents.length})</h2>
${content}
</section>`;
  }).join('\n');
  const body = `${notice}<p>${escapeHtml(t.intro)}</p>\n${groups}`;
  return renderLayout({ lang: input.lang, title: t.title, body, path: input.path, current: 'consents', csrfToken: input.csrfToken });
}
