import { assertSafeUrl, escapeHtml, interpolate, languageHref } from '../../lib/web/html.js';
import { LANGUAGES, type Language } from '../../lib/web/language.js';
import type { CaseQueue } from '../cases.js';
import { messages } from '../messages.js';
import { STYLE } from './style.js';

/** Who is signed in, for the header. */
export interface Caseworker {
  name: string;
  queue: CaseQueue;
}

/** What {@link renderLayout} needs: `body` is trusted HTML, everything else is text and gets escaped. */
export interface LayoutInput {
  lang: Language;
  title: string;
  body: string;
  /** The page's own GET URL, which the language links point at. */
  path: string;
  /** Present when signed in: the caseworker's name and queue, and sign-out with the session's CSRF token. */
  signedIn?: { caseworker: Caseworker; csrfToken: string };
}

/** The whole document: skip link, header (service, languages, who is signed in, sign-out), `main#content` with one `h1`. */
export function renderLayout(input: LayoutInput): string {
  const m = messages[input.lang];
  if (m === undefined) throw new TypeError(`renderLayout: "lang" must be one of ${LANGUAGES.join(', ')}, got ${JSON.stringify(input.lang)}`);
  assertSafeUrl('path', input.path);
  const languages = LANGUAGES.map((l) => {
    const current = l === input.lang ? ' aria-current="true"' : '';
    return `<li><a href="${escapeHtml(languageHref(input.path, l))}" lang="${l}" hreflang="${l}"${current}>${escapeHtml(messages[l].languageName)}</a></li>`;
  }).join('');
  const signedIn = input.signedIn;
  const who = signedIn
    ? `<p class="signed-in-as" id="signed-in-as" data-queue="${signedIn.caseworker.queue}">${interpolate(m.signedInAs, { name: escapeHtml(signedIn.caseworker.name), queue: escapeHtml(m.queueNames[signedIn.caseworker.queue]) })}</p>
<form id="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="${escapeHtml(signedIn.csrfToken)}"><button type="submit">${escapeHtml(m.signOut)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(input.title)} – ${escapeHtml(m.serviceName)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#content">${escapeHtml(m.skipLink)}</a>
<div class="page">
<header>
<div class="bar">
<p class="service"><a href="/">${escapeHtml(m.serviceName)}</a></p>
<nav aria-label="${escapeHtml(m.languageNav)}"><ul>${languages}</ul></nav>
${who}
</div>
</header>
<main id="content" tabindex="-1">
<h1>${escapeHtml(input.title)}</h1>
${input.body}
</main>
<footer><p class="muted">${escapeHtml(m.footer)}</p></footer>
</div>
</body>
</html>
`;
}
