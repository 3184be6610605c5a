import { escapeHtml } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import type { ConsentItem } from '../hubClient.js';
import { messages } from '../messages.js';
import { consentDetails } from './consentDetails.js';
import { renderLayout } from './layout.js';

/** What {@link renderRevokePage} needs. */
export interface RevokePageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  consent: ConsentItem;
}

/**
 * The confirmation before a consent is revoked: what was agreed, what revoking means, `form#revoke` (POST, with
 * the session's CSRF token) and a way back. A consent that is no longer active gets no form.
 */
export function renderRevokePage(input: RevokePageInput): string {
  const m = messages[input.lang];
  const t = m.revoke;
  const { consent } = input;
  const title = t.title.replace('{partner}', consent.client.name); // text: the layout escapes it
  const action = `/consents/${encodeURIComponent(consent.id)}/revoke`;
  const form = consent.status === 'ACTIVE'
    ? `<p>${escapeHtml(t.explain)}</p>
<form id="revoke" method="post" action="${escapeHtml(action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<div class="actions"><button type="submit" class="danger">${escapeHtml(t.confirm)}</button><a id="cancel" href="/consents">${escapeHtml(t.cancel)}</a></div>
</form>`
    : `<p class="notice" id="not-active">${escapeHtml(t.notActive)}</p>
<p><a id="cancel" href="/consents">${escapeHtml(m.nav.consents)}</a></p>`;
  const body = `${consentDetails(consent, input.lang)}\n${form}`;
  return renderLayout({ lang: input.lang, title, body, path: input.path, current: 'consents', csrfToken: input.csrfToken });
}
