import { escapeHtml, interpolate } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { messages } from '../messages.js';
import type { RequestReceipt } from '../requestModel.js';
import { renderLayout } from './layout.js';

/** What {@link renderSentPage} needs. */
export interface SentPageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  receipt: RequestReceipt;
}

/**
 * After sending: in plain words where it went (`p#handled-by[data-queue]`: "The Tax Administration will handle
 * this", or for triage that a person will read it and pass it on) and the case number (`#case-number`); for a
 * health matter (`section#health`) that it was kept nowhere and where to turn instead.
 */
export function renderSentPage(input: SentPageInput): string {
  const { lang, receipt } = input;
  const t = messages[lang].requests;
  if (receipt.queue === 'HEALTH' || receipt.id === null) {
    const body = `<section id="health" data-queue="HEALTH" data-status="${escapeHtml(receipt.status)}">
<p>${escapeHtml(t.healthNotStored)}</p>
<ul>
${t.healthWhere.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n')}
</ul>
</section>
<p class="actions"><a class="button" id="ask-another" href="/requests/new">${escapeHtml(t.askAnother)}</a></p>`;
    return renderLayout({ lang, title: t.healthTitle, body, path: input.path, current: 'ask', csrfToken: input.csrfToken });
  }
  const where = receipt.queue === 'TRIAGE'
    ? escapeHtml(t.triage)
    : interpolate(t.handledBy, { authority: escapeHtml(t.authorities[receipt.queue] ?? receipt.queue) });
  const body = `<p class="notice" id="handled-by" data-queue="${escapeHtml(receipt.queue)}">${where}</p>
<dl><dt>${escapeHtml(t.caseNumber)}</dt><dd><strong id="case-number">${escapeHtml(receipt.id)}</strong></dd>
<dt>${escapeHtml(t.statusLabel)}</dt><dd>${escapeHtml(t.statuses[receipt.status] ?? receipt.status)}</dd></dl>
<p>${escapeHtml(t.followUp)}</p>
<p class="actions"><a class="button" id="to-requests" href="/requests">${escapeHtml(messages[lang].nav.requests)}</a><a id="ask-another" href="/requests/new">${escapeHtml(t.askAnother)}</a></p>`;
  return renderLayout({ lang, title: t.sentTitle, body, path: input.path, current: 'ask', csrfToken: input.csrfToken });
}
