import { assertSafeUrl, escapeHtml } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { messages, type ConsoleMessages } from '../messages.js';
import { renderLayout, type LayoutInput } from './layout.js';

/** Which error text to show; each is safe to show (no internal detail). */
export type ConsoleErrorKind = keyof Omit<ConsoleMessages['errors'], 'title' | 'tryAgain' | 'home'>;

/** The front page for someone not signed in: `a#sign-in` to `/login`. */
export function renderSignedOutPage(input: { lang: Language; path: string }): string {
  const m = messages[input.lang];
  const body = `<p>${escapeHtml(m.signedOut.intro)}</p>
<p class="actions"><a class="button" id="sign-in" href="/login">${escapeHtml(m.signIn)}</a></p>`;
  return renderLayout({ lang: input.lang, title: m.signedOut.title, body, path: input.path });
}

/** An error in plain words (`p#error[data-error]`), with `a#retry` when there is something to retry. */
export function renderErrorPage(input: { lang: Language; kind: ConsoleErrorKind; path: string; retry?: string; signedIn?: LayoutInput['signedIn'] }): string {
  const m = messages[input.lang];
  const text = m.errors[input.kind];
  if (text === undefined) throw new TypeError(`renderErrorPage: unknown "kind" ${JSON.stringify(input.kind)}`);
  if (input.retry !== undefined) assertSafeUrl('retry', input.retry);
  const retry = input.retry === undefined ? '' : `<a class="button" id="retry" href="${escapeHtml(input.retry)}">${escapeHtml(m.errors.tryAgain)}</a>`;
  const body = `<p class="error" id="error" data-error="${escapeHtml(input.kind)}">${escapeHtml(text)}</p>
<p class="actions">${retry}<a href="/">${escapeHtml(m.errors.home)}</a></p>`;
  return renderLayout({ lang: input.lang, title: m.errors.title, body, path: input.path, signedIn: input.signedIn });
}
