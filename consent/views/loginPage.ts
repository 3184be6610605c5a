import { assertSafeUrl, escapeHtml, interpolate, layout } from './html.js';
import { messages, type Language } from './messages.js';

/** A synthetic test persona as listed in `data/personas.json`. */
export interface LoginPersona {
  personalIdentityCode: string;
  firstNames: string;
  lastName: string;
  tags: readonly string[];
}

/** What {@link renderLoginPage} needs. */
export interface LoginPageInput {
  lang: Language;
  /** The URL the form posts to. */
  action: string;
  personas: ReadonlyArray<LoginPersona>;
  /** The client the person is signing in to. */
  clientName: string;
  error?: 'UNKNOWN_PERSONA';
  /** The page's own URL for the language links; '' (the default) means the current URL. */
  languageLinksBase?: string;
}

/**
 * The dev-mode test login: a TEST banner and `form#login` with `select[name=persona]` (option value = the
 * personal identity code). Identity codes are shown because these are synthetic personas on a dev-only page.
 */
export function renderLoginPage(input: LoginPageInput): string {
  const m = messages[input.lang];
  if (m === undefined) throw new TypeError(`renderLoginPage: "lang" must be fi, sv or en, got ${JSON.stringify(input.lang)}`);
  assertSafeUrl('action', input.action);
  if (!Array.isArray(input.personas) || input.personas.length === 0) {
    throw new TypeError('renderLoginPage: "personas" must be a non-empty array');
  }
  const t = m.login;
  const options = input.personas
    .map((p) => {
      const tags = p.tags.length > 0 ? ` — ${p.tags.join(', ')}` : '';
      const text = `${p.firstNames} ${p.lastName} (${p.personalIdentityCode})${tags}`;
      return `<option value="${escapeHtml(p.personalIdentityCode)}">${escapeHtml(text)}</option>`;
    })
    .join('\n');

  const errorText = input.error === undefined ? undefined : t.errors[input.error];
  if (input.error !== undefined && errorText === undefined) {
    throw new TypeError(`renderLoginPage: unknown "error" ${JSON.stringify(input.error)}`);
  }
  // The error is tied to the select so a screen reader announces it with the field (WCAG 3.3.1).
  const errorBlock = errorText === undefined ? '' : `<p class="error" id="persona-error">${escapeHtml(errorText)}</p>\n`;
  const describedBy = errorText === undefined ? 'persona-hint' : 'persona-hint persona-error';
  const invalid = errorText === undefined ? '' : ' aria-invalid="true"';

  const body = `<section class="banner" aria-labelledby="test-banner-title">
<p><strong id="test-banner-title">${escapeHtml(t.bannerTitle)}</strong></p>
<p>${escapeHtml(t.bannerText)}</p>
</section>
<p>${interpolate(t.intro, { client: `<strong>${escapeHtml(input.clientName)}</strong>` })}</p>
${errorBlock}<form id="login" method="post" action="${escapeHtml(input.action)}">
<label for="persona">${escapeHtml(t.personaLabel)}</label>
<p class="muted" id="persona-hint">${escapeHtml(t.personaHint)}</p>
<select id="persona" name="persona" aria-describedby="${describedBy}"${invalid}>
${options}
</select>
<div class="actions"><button type="submit">${escapeHtml(t.submit)}</button></div>
</form>`;

  return layout({ lang: input.lang, title: t.title, body, languageLinksBase: input.languageLinksBase ?? '' });
}
