import { escapeHtml, interpolate } from '../../lib/web/html.js';
import type { Language } from '../../lib/web/language.js';
import { fieldLabel } from '../fieldLabels.js';
import { messages } from '../messages.js';
import { MAX_REQUEST_LENGTH } from '../requestModel.js';
import { renderLayout } from './layout.js';

/** Why the form came back: the API's BAD_USER_INPUT (empty, too long, other) or RATE_LIMITED. */
export type AskError = 'empty' | 'tooLong' | 'refused' | 'rateLimited';

/** What {@link renderAskPage} needs. */
export interface AskPageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  /** The attached item (a schema coordinate from a Report an error link). */
  about?: string;
  /** The text to put back in the box after a refusal: never lost. */
  text?: string;
  error?: AskError;
}

/**
 * *Ask or report*: one text box (`form#request`, POST `/requests`), the attached item if a *Report an error* link
 * opened it, and after a refusal the reason right above the box (`p#request-error[data-error]`) with the text kept.
 */
export function renderAskPage(input: AskPageInput): string {
  const { lang } = input;
  const m = messages[lang];
  const t = m.requests;
  const errorText = (() => {
    switch (input.error) {
      case undefined: return undefined;
      case 'empty': return escapeHtml(t.emptyText);
      case 'tooLong': return interpolate(t.tooLong, { max: escapeHtml(MAX_REQUEST_LENGTH.toLocaleString(lang)), count: escapeHtml((input.text ?? '').length.toLocaleString(lang)) });
      case 'refused': return escapeHtml(t.refused);
      case 'rateLimited': return escapeHtml(t.rateLimited);
    }
  })();
  const about = input.about === undefined
    ? ''
    : `<dl id="about" data-about="${escapeHtml(input.about)}"><dt>${escapeHtml(t.aboutLabel)}</dt><dd>${escapeHtml(fieldLabel(input.about, lang))} <a id="remove-about" href="/requests/new">${escapeHtml(t.removeAbout)}</a></dd></dl>
<input type="hidden" name="about" value="${escapeHtml(input.about)}">\n`;
  const describedBy = errorText === undefined ? 'text-hint' : 'request-error text-hint';
  const error = errorText === undefined ? '' : `<p class="error" id="request-error" data-error="${input.error}">${errorText}</p>\n`;
  const invalid = input.error !== undefined && input.error !== 'rateLimited' ? ' aria-invalid="true"' : '';
  const body = `<p>${escapeHtml(input.about === undefined ? t.askIntro : t.reportIntro)}</p>
<form id="request" method="post" action="/requests">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
${about}<div class="field">
<label for="text">${escapeHtml(t.textLabel)}</label>
<p class="muted" id="text-hint">${interpolate(t.textHint, { max: escapeHtml(MAX_REQUEST_LENGTH.toLocaleString(lang)) })}</p>
${error}<textarea id="text" name="text" rows="8" required aria-describedby="${describedBy}"${invalid}>\n${escapeHtml(input.text ?? '')}</textarea>
</div>
<div class="actions"><button type="submit" class="primary">${escapeHtml(t.send)}</button></div>
</form>
<p class="muted">${escapeHtml(t.healthNote)}</p>`;
  return renderLayout({ lang, title: input.about === undefined ? t.askTitle : t.reportTitle, body, path: input.path, current: 'ask', csrfToken: input.csrfToken });
}
