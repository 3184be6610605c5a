import { escapeHtml } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { messages } from '../messages.js';
import { renderLayout } from './layout.js';

/** The front page for someone not signed in: what the portal shows, and `a#sign-in` to `/login`. */
export function renderSignedOutPage(input: { lang: Language; path: string }): string {
  const m = messages[input.lang];
  const t = m.signedOut;
  const body = `<p>${escapeHtml(t.intro)}</p>
<ul>
${t.points.map((point) => `<li>${escapeHtml(point)}</li>`).join('\n')}
</ul>
<p>${escapeHtml(t.note)}</p>
<p class="actions"><a class="button" id="sign-in" href="/login">${escapeHtml(m.signIn)}</a></p>`;
  return renderLayout({ lang: input.lang, title: t.title, body, path: input.path });
}
