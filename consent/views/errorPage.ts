import { escapeHtml, interpolate, layout } from './html.js';
import { messages, type Language } from './messages.js';

/** What {@link renderErrorPage} needs. */
export interface ErrorPageInput {
  lang: Language;
  /** Defaults to "Something went wrong" in the page language. */
  title?: string;
  /** A stable code such as `invalid_request` (RFC 6749 §4.1.2.1). */
  code: string;
  /** Text that is safe to show: never a stack trace, an internal URL or a personal identity code. */
  description: string;
  /** The page's own URL for the language links; '' (the default) means the current URL. */
  languageLinksBase?: string;
}

/** The page for an OAuth or interaction error shown to the person: title, description, code, what to do next. */
export function renderErrorPage(input: ErrorPageInput): string {
  const m = messages[input.lang];
  if (m === undefined) throw new TypeError(`renderErrorPage: "lang" must be fi, sv or en, got ${JSON.stringify(input.lang)}`);
  if (typeof input.code !== 'string' || input.code === '') {
    throw new TypeError(`renderErrorPage: "code" must be a non-empty string, got ${JSON.stringify(input.code)}`);
  }
  const t = m.error;
  const body = `<p>${escapeHtml(input.description)}</p>
<p>${escapeHtml(t.advice)}</p>
<p class="muted">${interpolate(t.code, { code: `<code>${escapeHtml(input.code)}</code>` })}</p>`;
  return layout({ lang: input.lang, title: input.title ?? t.defaultTitle, body, languageLinksBase: input.languageLinksBase ?? '' });
}
