import { assertSafeUrl, escapeHtml, languageHref } from '../../lib/web/html.js';
import { LANGUAGES, type Language } from '../../lib/web/language.js';
import { messages } from '../messages.js';
import { STYLE } from './style.js';

/** The portal's own pages, for the main navigation. */
export type PageKey = 'data' | 'ask' | 'requests' | 'consents' | 'disclosures';

const NAV: ReadonlyArray<[PageKey, string]> = [['data', '/'], ['ask', '/requests/new'], ['requests', '/requests'], ['consents', '/consents'], ['disclosures', '/disclosures']];

/** What {@link renderLayout} needs: `body` is trusted HTML, everything else is text and gets escaped. */
export interface LayoutInput {
  lang: Language;
  title: string;
  body: string;
  /** The page's own GET URL (path and query), which the language links point at. */
  path: string;
  /** Which navigation entry is this page (none for error and confirmation pages). */
  current?: PageKey;
  /** Present when signed in: the navigation and the sign-out form (with the session's CSRF token) are shown. */
  csrfToken?: string;
}

/**
 * The whole document: a skip link, `header` with the service name, language links and sign-out, the main
 * navigation, `main#content` with the page's one `h1`, and a footer. No script anywhere.
 */
export function renderLayout(input: LayoutInput): string {
  const m = messages[input.lang];
  if (m === undefined) throw new TypeError(`renderLayout: "lang" must be one of ${LANGUAGES.join(', ')}, got ${JSON.stringify(input.lang)}`);
  assertSafeUrl('path', input.path);
  const languages = LANGUAGES.map((l) => {
    const current = l === input.lang ? ' aria-current="true"' : '';
    return `<li><a href="${escapeHtml(languageHref(input.path, l))}" lang="${l}" hreflang="${l}"${current}>${escapeHtml(messages[l].languageName)}</a></li>`;
  }).join('');
  const signedIn = input.csrfToken !== undefined;
  const signOut = signedIn
    ? `<form id="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken!)}"><button type="submit">${escapeHtml(m.signOut)}</button></form>`
    : '';
  const nav = signedIn
    ? `<nav class="main" aria-label="${escapeHtml(m.mainNav)}"><ul>${NAV.map(([key, href]) => {
        const current = key === input.current ? ' aria-current="page"' : '';
        return `<li><a id="nav-${key}" href="${href}"${current}>${escapeHtml(m.nav[key])}</a></li>`;
      }).join('')}</ul></nav>`
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
${signOut}
</div>
${nav}
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
