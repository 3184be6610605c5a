import { escapeHtml, interpolate } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { fieldLabel } from '../../portal/fieldLabels.js';
import { dateTime, descriptionList } from '../../portal/pages/parts.js';
import { MAX_REQUEST_LENGTH } from '../../portal/requestModel.js';
import { caseAge } from '../age.js';
import { CASE_QUEUES, type CaseDetail } from '../cases.js';
import { messages } from '../messages.js';
import { renderLayout, type Caseworker } from './layout.js';
import { noticeHtml, type ConsoleNotice } from './queuePage.js';

/** A reply the API refused, shown beside the box with its text kept. */
export interface ReplyError {
  error: 'empty' | 'tooLong' | 'refused';
  text: string;
}

/** What {@link renderCasePage} needs. */
export interface CasePageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  caseworker: Caseworker;
  case: CaseDetail;
  now: number;
  notice?: ConsoleNotice;
  replyError?: ReplyError;
}

/**
 * One case: the citizen's text (as text), the attached item, who it is about as the population register knows
 * the person, the conversation, and the actions: `form#reply`, `form#resolve`, `form#move` (a `select[name=queue]`
 * of the other queues; every move is a labelled correction, kept by the API).
 */
export function renderCasePage(input: CasePageInput): string {
  const { lang, case: c } = input;
  const m = messages[lang];
  const t = m.case;
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">`;
  const action = (name: string) => `/cases/${encodeURIComponent(c.id)}/${name}`;
  const subject = c.subject
    ? `<span id="subject">${escapeHtml(`${c.subject.firstNames} ${c.subject.lastName}`)}</span> <span class="muted">${escapeHtml(t.subjectNote)}</span>`
    : `<span id="subject" class="muted">${escapeHtml(t.noSubject)}</span>`;
  const details = descriptionList([
    [t.status, `<span id="case-status" data-status="${escapeHtml(c.status)}">${escapeHtml(m.queue.statuses[c.status as keyof typeof m.queue.statuses] ?? c.status)}</span>`],
    [t.received, `${dateTime(lang, c.createdAt)} (${escapeHtml(caseAge(lang, c.createdAt, input.now))})`],
    [t.language, escapeHtml(t.languages[c.language] ?? c.language)],
    [t.about, c.about ? `<span id="about" data-about="${escapeHtml(c.about)}">${escapeHtml(fieldLabel(c.about, lang))}</span>` : escapeHtml(t.nothingAttached)],
    [t.subject, subject],
  ]);
  const conversation = c.messages.length === 0
    ? `<p class="muted" id="no-messages">${escapeHtml(t.noMessages)}</p>`
    : `<ol class="conversation" id="conversation">
${c.messages.map((message) => `<li data-from="${escapeHtml(message.from)}"><p class="who">${escapeHtml(message.from === 'CITIZEN' ? t.citizen : t.caseworker)}, ${dateTime(lang, message.at)}</p><p class="text">${escapeHtml(message.text)}</p></li>`).join('\n')}
</ol>`;
  const failed = input.replyError;
  const errorText = failed === undefined
    ? undefined
    : failed.error === 'empty'
      ? escapeHtml(t.emptyText)
      : failed.error === 'tooLong'
        ? interpolate(t.tooLong, { max: escapeHtml(MAX_REQUEST_LENGTH.toLocaleString(lang)), count: escapeHtml(failed.text.length.toLocaleString(lang)) })
        : escapeHtml(t.refused);
  const replyError = errorText === undefined ? '' : `<p class="error" id="reply-error" data-error="${failed!.error}">${errorText}</p>\n`;
  const describedBy = errorText === undefined ? 'reply-hint' : 'reply-error reply-hint';
  const invalid = errorText === undefined ? '' : ' aria-invalid="true"';
  const otherQueues = CASE_QUEUES.filter((queue) => queue !== c.queue);
  const moveHeading = input.caseworker.queue === 'TRIAGE' ? t.routeByHand : t.move;
  const resolved = c.status === 'RESOLVED';
  const actions = `<div class="case-actions">
${resolved ? `<p class="notice" id="resolved">${escapeHtml(t.resolved)}</p>` : `<form id="reply" method="post" action="${action('reply')}" aria-labelledby="reply-heading">
${csrf}
<h2 id="reply-heading">${escapeHtml(t.reply)}</h2>
<div class="field"><label for="reply-text">${escapeHtml(t.replyLabel)}</label>
<p class="muted" id="reply-hint">${escapeHtml(t.replyHint)}</p>
${replyError}<textarea id="reply-text" name="text" rows="6" required aria-describedby="${describedBy}"${invalid}>\n${escapeHtml(failed?.text ?? '')}</textarea></div>
<div class="actions"><button type="submit" class="primary">${escapeHtml(t.send)}</button></div>
</form>
<form id="resolve" method="post" action="${action('resolve')}" aria-labelledby="resolve-heading">
${csrf}
<h2 id="resolve-heading">${escapeHtml(t.resolve)}</h2>
<p class="muted">${escapeHtml(t.resolveHint)}</p>
<div class="actions"><button type="submit">${escapeHtml(t.resolve)}</button></div>
</form>`}
<form id="move" method="post" action="${action('move')}" aria-labelledby="move-heading">
${csrf}
<h2 id="move-heading">${escapeHtml(moveHeading)}</h2>
<p class="muted" id="move-hint">${escapeHtml(t.moveHint)}</p>
<div class="field"><label for="move-queue">${escapeHtml(t.moveTo)}</label>
<select id="move-queue" name="queue" aria-describedby="move-hint">${otherQueues.map((queue) => `<option value="${queue}">${escapeHtml(m.queueNames[queue])}</option>`).join('')}</select></div>
<div class="actions"><button type="submit">${escapeHtml(t.moveButton)}</button></div>
</form>
</div>`;
  const body = `${noticeHtml(lang, input.notice)}<p><a id="back" href="/">${escapeHtml(t.back)}</a></p>
<article id="case" data-case-id="${escapeHtml(c.id)}" data-queue="${escapeHtml(c.queue)}" data-status="${escapeHtml(c.status)}" aria-labelledby="case-text-heading">
<h2 id="case-text-heading">${escapeHtml(t.text)}</h2>
<p class="text" id="case-text">${escapeHtml(c.text)}</p>
<h2>${escapeHtml(t.details)}</h2>
${details}
<h2>${escapeHtml(t.conversation)}</h2>
${conversation}
</article>
${actions}`;
  return renderLayout({ lang, title: t.title.replace('{id}', c.id), body, path: input.path, signedIn: { caseworker: input.caseworker, csrfToken: input.csrfToken } });
}
