import { escapeHtml, interpolate } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { fieldLabel } from '../fieldLabels.js';
import { messages } from '../messages.js';
import { MAX_REQUEST_LENGTH, type ServiceRequestItem } from '../requestModel.js';
import type { Notice } from '../session.js';
import type { AskError } from './askPage.js';
import { renderLayout } from './layout.js';
import { dateTime, descriptionList } from './parts.js';

/** An answer the API refused, shown beside that request's box with its text kept. */
export interface AnswerError {
  id: string;
  error: Exclude<AskError, 'rateLimited'>;
  text: string;
}

/** What {@link renderRequestsPage} needs. */
export interface RequestsPageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  /** Newest first, as the API gives them. */
  requests: readonly ServiceRequestItem[];
  notice?: Notice;
  answerError?: AnswerError;
}

function answerForm(request: ServiceRequestItem, input: RequestsPageInput, domId: string): string {
  const t = messages[input.lang].requests;
  const id = encodeURIComponent(request.id);
  const failed = input.answerError?.id === request.id ? input.answerError : undefined;
  const errorText = failed === undefined
    ? undefined
    : failed.error === 'empty'
      ? escapeHtml(t.emptyText)
      : failed.error === 'tooLong'
        ? interpolate(t.tooLong, { max: escapeHtml(MAX_REQUEST_LENGTH.toLocaleString(input.lang)), count: escapeHtml(failed.text.length.toLocaleString(input.lang)) })
        : escapeHtml(t.refused);
  const error = errorText === undefined ? '' : `<p class="error" id="${domId}-answer-error" data-error="${failed!.error}">${errorText}</p>\n`;
  const aria = errorText === undefined ? '' : ` aria-invalid="true" aria-describedby="${domId}-answer-error"`;
  const context = `<span class="vh"> (${escapeHtml(request.id)})</span>`;
  return `<form class="answer" method="post" action="/requests/${id}/answer">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<div class="field"><label for="${domId}-answer">${escapeHtml(t.answerLabel)}</label>
${error}<textarea id="${domId}-answer" name="text" rows="3" required${aria}>\n${escapeHtml(failed?.text ?? '')}</textarea></div>
<div class="actions"><button type="submit" class="primary">${escapeHtml(t.answerSend)}${context}</button></div>
</form>`;
}

function disputeForm(request: ServiceRequestItem, input: RequestsPageInput): string {
  const t = messages[input.lang].requests;
  return `<form class="dispute" method="post" action="/requests/${encodeURIComponent(request.id)}/dispute">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<div class="actions"><button type="submit">${escapeHtml(t.wrongPlace)}<span class="vh"> (${escapeHtml(request.id)})</span></button><span class="muted">${escapeHtml(t.wrongPlaceHint)}</span></div>
</form>`;
}

function requestArticle(request: ServiceRequestItem, input: RequestsPageInput, index: number): string {
  const { lang } = input;
  const t = messages[lang].requests;
  const domId = `request-${index + 1}`;
  const rows: Array<[string, string]> = [
    [t.handledByLabel, escapeHtml(request.queue === 'TRIAGE' ? t.authorities.TRIAGE : t.authorities[request.queue] ?? request.queue)],
    [t.statusLabel, `<span class="status">${escapeHtml(t.statuses[request.status] ?? request.status)}</span>`],
    [t.sentOn, dateTime(lang, request.createdAt)],
  ];
  if (request.about) rows.push([t.aboutShort, escapeHtml(fieldLabel(request.about, lang))]);
  const conversation = request.messages.length === 0
    ? ''
    : `<h3>${escapeHtml(t.conversation)}</h3>
<ol class="conversation">
${request.messages.map((message) => `<li data-from="${escapeHtml(message.from)}"><p class="who">${escapeHtml(message.from === 'CITIZEN' ? t.you : t.caseworker)}, ${dateTime(lang, message.at)}</p><p class="text">${escapeHtml(message.text)}</p></li>`).join('\n')}
</ol>`;
  const open = request.status !== 'RESOLVED';
  const actions = open ? `${answerForm(request, input, domId)}\n${request.queue === 'TRIAGE' ? '' : disputeForm(request, input)}` : '';
  return `<article class="request" id="${domId}" data-request-id="${escapeHtml(request.id)}" data-status="${escapeHtml(request.status)}" data-queue="${escapeHtml(request.queue)}" aria-labelledby="${domId}-heading">
<h2 id="${domId}-heading">${interpolate(t.caseHeading, { number: escapeHtml(request.id) })}</h2>
${descriptionList(rows)}
<p class="text">${escapeHtml(request.text)}</p>
${conversation}
${actions}
</article>`;
}

/**
 * *My requests*: every request, newest first (`article.request[data-request-id][data-status][data-queue]`) with
 * who handles it, its status, the text and the conversation; while open, a box to answer (`form.answer`) and,
 * unless already with triage, *This went to the wrong place* (`form.dispute`). Every text is shown as text.
 */
export function renderRequestsPage(input: RequestsPageInput): string {
  const t = messages[input.lang].requests;
  const notice = input.notice?.kind === 'answered' || input.notice?.kind === 'disputed'
    ? `<p class="notice" id="notice" role="status">${escapeHtml(input.notice.kind === 'answered' ? t.answeredNotice : t.disputedNotice)}</p>\n`
    : '';
  const list = input.requests.length === 0
    ? `<p id="no-requests">${escapeHtml(t.none)}</p>`
    : input.requests.map((request, index) => requestArticle(request, input, index)).join('\n');
  const body = `${notice}<p>${escapeHtml(t.listIntro)}</p>
<p><a id="ask" href="/requests/new">${escapeHtml(t.askAnother)}</a></p>
${list}`;
  return renderLayout({ lang: input.lang, title: t.listTitle, body, path: input.path, current: 'requests', csrfToken: input.csrfToken });
}
