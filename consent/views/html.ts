import { createHash } from 'node:crypto';
import { assertSafeUrl, escapeHtml, interpolate, languageHref } from '../../lib/web/html.js';
import { LANGUAGES, messages, type Language } from './messages.js';

// Shared with the citizen portal: escaping, interpolation, URL checks and language links live in lib/web/.
export { assertSafeUrl, escapeHtml, interpolate, languageHref };

/** Fills `{name}` placeholders in a plain-text message with plain-text values; the result is text, not HTML. */
export function fillText(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TypeError(`fillText: no value for placeholder "${placeholder}" in "${template}"`);
    return value;
  });
}

/**
 * The pages' only styling. Served inline and allowed by its hash, so it must stay byte-for-byte what the hash
 * covers; no `style=` attributes anywhere (CSP would block them). Colours meet WCAG 2.2 AA contrast on white.
 */
export const STYLE = `*,*::before,*::after{box-sizing:border-box}
html{color-scheme:light;-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:#1a1a1a;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.page{max-width:42rem;margin:0 auto;padding:1rem}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.5rem;border-bottom:1px solid #767676;padding-bottom:.5rem;margin-bottom:1rem}
.service{margin:0;font-weight:700}
nav ul{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;margin:0;padding:0}
a{color:#0b3d91;text-decoration:underline}
a[aria-current]{font-weight:700;text-decoration:none}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
.muted{color:#4a4a4a}
.banner{border:2px solid #7a5c00;background:#fff4c2;color:#1a1a1a;padding:.75rem 1rem;margin:0 0 1rem}
.error{border:2px solid #a00000;background:#fff;color:#a00000;padding:.75rem 1rem;margin:0 0 1rem}
label,legend{font-weight:600}
select{display:block;width:100%;max-width:100%;margin:.25rem 0 1rem;padding:.5rem;font:inherit;color:#1a1a1a;background:#fff;border:2px solid #4a4a4a;border-radius:4px}
fieldset{border:1px solid #767676;border-radius:4px;margin:0 0 1rem;padding:.5rem 1rem 1rem;min-width:0}
fieldset fieldset{border:0;border-top:1px solid #767676;border-radius:0;padding:.5rem 0 0;margin:.75rem 0 0}
.item{display:flex;gap:.75rem;align-items:flex-start;margin:.5rem 0}
.item label{font-weight:400}
input[type=checkbox]{flex:none;width:1.25rem;height:1.25rem;margin:.15rem 0 0;accent-color:#0b3d91}
.required{color:#4a4a4a;font-style:italic}
.actions{display:flex;flex-wrap:wrap;gap:1rem;margin:1.5rem 0 1rem}
button{flex:1 1 10rem;min-height:2.75rem;padding:.5rem 1rem;font:inherit;font-weight:700;color:#0b3d91;background:#fff;border:2px solid #0b3d91;border-radius:4px;cursor:pointer}
button:hover{background:#e8eef9}
a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
`;

/** The CSP source expression that allows exactly {@link STYLE} (CSP Level 3, hash-source). */
export const STYLE_CSP_SOURCE = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/**
 * The Content-Security-Policy header for these pages. `formAction` adds sources to `form-action 'self'`: Chrome
 * applies form-action to the redirects that follow a form POST as well, so a consent POST that ends in a redirect
 * to a partner's redirect_uri on another origin needs that origin listed here.
 */
export function contentSecurityPolicy(options: { formAction?: readonly string[] } = {}): string {
  const formAction = ["'self'", ...(options.formAction ?? [])];
  for (const source of formAction) {
    if (/[;,\s]/.test(source) || source.length === 0) {
      throw new TypeError(`contentSecurityPolicy: "formAction" holds an invalid source ${JSON.stringify(source)}`);
    }
  }
  return `default-src 'none'; style-src ${STYLE_CSP_SOURCE}; form-action ${formAction.join(' ')}; frame-ancestors 'none'; base-uri 'none'`;
}

/** What {@link layout} needs: `body` is trusted HTML, everything else is text and gets escaped. */
export interface LayoutInput {
  lang: Language;
  title: string;
  body: string;
  /** The page's own URL (path, optionally with a query) the language links point at; '' means the current URL. */
  languageLinksBase: string;
}

/** The whole HTML document around a page body: one `<h1>` (the title), language links, the inline style. */
export function layout(input: LayoutInput): string {
  const m = messages[input.lang];
  if (m === undefined) throw new TypeError(`layout: "lang" must be one of ${LANGUAGES.join(', ')}, got ${JSON.stringify(input.lang)}`);
  assertSafeUrl('languageLinksBase', input.languageLinksBase === '' ? '?' : input.languageLinksBase);
  const links = LANGUAGES.map((l) => {
    const current = l === input.lang ? ' aria-current="true"' : '';
    const href = escapeHtml(languageHref(input.languageLinksBase, l));
    return `<li><a href="${href}" lang="${l}" hreflang="${l}"${current}>${escapeHtml(messages[l].languageName)}</a></li>`;
  }).join('');
  return `<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(input.title)} – ${escapeHtml(m.serviceName)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="page">
<header>
<p class="service">${escapeHtml(m.serviceName)}</p>
<nav aria-label="${escapeHtml(m.languageNav)}"><ul>${links}</ul></nav>
</header>
<main>
<h1>${escapeHtml(input.title)}</h1>
${input.body}
</main>
</div>
</body>
</html>
`;
}
