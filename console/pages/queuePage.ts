import { escapeHtml, interpolate } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { fieldLabel } from '../../portal/fieldLabels.js';
import { dataTable, dateTime } from '../../portal/pages/parts.js';
import { caseAge } from '../age.js';
import { CASE_STATUSES, type CaseSummary } from '../cases.js';
import { messages } from '../messages.js';
import { renderLayout, type Caseworker } from './layout.js';

/** A one-time message after an action. */
export type ConsoleNotice = { kind: 'moved'; id: string; queue: string } | { kind: 'resolved' } | { kind: 'replied' };

/** What {@link renderQueuePage} needs. */
export interface QueuePageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  caseworker: Caseworker;
  cases: readonly CaseSummary[];
  now: number;
  notice?: ConsoleNotice;
}

const EXCERPT = 90;

/** A notice in plain words (`p#notice[data-notice]`). */
export function noticeHtml(lang: Language, notice: ConsoleNotice | undefined): string {
  if (notice === undefined) return '';
  const m = messages[lang];
  const text = notice.kind === 'moved'
    ? interpolate(m.notices.moved, { id: escapeHtml(notice.id), queue: escapeHtml(m.queueNames[notice.queue as keyof typeof m.queueNames] ?? notice.queue) })
    : escapeHtml(m.notices[notice.kind]);
  return `<p class="notice" id="notice" role="status" data-notice="${notice.kind}">${text}</p>\n`;
}

/**
 * The caseworker's queue: one `section.status-group[data-status]` per status (new, in progress, waiting for the
 * citizen, resolved), each a table of cases oldest first with their age; `a.case[data-case-id]` opens a case.
 */
export function renderQueuePage(input: QueuePageInput): string {
  const { lang } = input;
  const m = messages[lang];
  const t = m.queue;
  const nav = `<nav aria-label="${escapeHtml(t.statusNav)}"><ul>${CASE_STATUSES.map((status) => {
    const count = input.cases.filter((c) => c.status === status).length;
    return `<li><a href="#status-${status}">${escapeHtml(t.statuses[status])} (${count})</a></li>`;
  }).join('')}</ul></nav>`;
  const groups = CASE_STATUSES.map((status) => {
    const cases = input.cases.filter((c) => c.status === status).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const heading = `<h2 id="status-${status}-heading">${escapeHtml(t.statuses[status])} (${cases.length})</h2>`;
    const table = cases.length === 0
      ? `<p class="muted">${escapeHtml(t.none)}</p>`
      : dataTable(`cases-${status.toLowerCase().replace(/_/g, '-')}`, t.statuses[status], [{ text: t.case }, { text: t.received }, { text: t.age }, { text: t.about }, { text: t.language }, { text: t.excerpt }], cases.map((c) => [
          { html: `<a class="case" data-case-id="${escapeHtml(c.id)}" href="/cases/${encodeURIComponent(c.id)}">${escapeHtml(c.id)}</a>` },
          { html: dateTime(lang, c.createdAt) },
          { html: `<span class="age">${escapeHtml(caseAge(lang, c.createdAt, input.now))}</span>` },
          { html: c.about ? escapeHtml(fieldLabel(c.about, lang)) : '–' },
          { html: escapeHtml(m.case.languages[c.language] ?? c.language) },
          { html: `<span class="excerpt">${escapeHtml(c.text.length > EXCERPT ? `${c.text.slice(0, EXCERPT)}…` : c.text)}</span>` },
        ]));
    return `<section class="status-group" id="status-${status}" data-status="${status}" aria-labelledby="status-${status}-heading">\n${heading}\n${table}\n</section>`;
  }).join('\n');
  const body = `${noticeHtml(lang, input.notice)}<p>${escapeHtml(t.intro)}</p>\n${nav}\n${groups}`;
  return renderLayout({ lang, title: t.title.replace('{queue}', m.queueNames[input.caseworker.queue]), body, path: input.path, signedIn: { caseworker: input.caseworker, csrfToken: input.csrfToken } });
}
