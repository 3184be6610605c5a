import { assertSafeUrl, escapeHtml } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { messages, type PortalMessages } from '../messages.js';
import { renderLayout } from './layout.js';

/** Which error text to show; each is safe to show (no internal detail). */
export type ErrorKind = keyof Omit<PortalMessages['errors'], 'title' | 'tryAgain' | 'home'>;

/** What {@link renderErrorPage} needs. */
export interface ErrorPageInput {
  lang: Language;
  kind: ErrorKind;
  path: string;
  /** Where "Try again" leads (a portal path); omitted: no such link. */
  retry?: string;
  /** Present when signed in (keeps the navigation and sign-out). */
  csrfToken?: string;
}

/** An error for the citizen: what happened in plain words, and where to go next. */
export function renderErrorPage(input: ErrorPageInput): string {
  const m = messages[input.lang];
  const text = m.errors[input.kind];
  if (text === undefined) throw new TypeError(`renderErrorPage: unknown "kind" ${JSON.stringify(input.kind)}`);
  if (input.retry !== undefined) assertSafeUrl('retry', input.retry);
  const retry = input.retry === undefined ? '' : `<a class="button" id="retry" href="${escapeHtml(input.retry)}">${escapeHtml(m.errors.tryAgain)}</a>`;
  const body = `<p class="error" id="error" data-error="${escapeHtml(input.kind)}">${escapeHtml(text)}</p>
<p class="actions">${retry}<a href="/">${escapeHtml(m.errors.home)}</a></p>`;
  return renderLayout({ lang: input.lang, title: m.errors.title, body, path: input.path, csrfToken: input.csrfToken });
}
