import { escapeHtml, layout } from './html.js';
import type { Language } from './messages.js';

const TEXT: Readonly<Record<Language, { title: string; question: string; yes: string; no: string; doneTitle: string; done: string }>> = Object.freeze({
  fi: {
    title: 'Kirjaudu ulos',
    question: 'Haluatko kirjautua ulos Oma data -palvelusta?',
    yes: 'Kyllä, kirjaa minut ulos',
    no: 'Ei, pysy kirjautuneena',
    doneTitle: 'Olet kirjautunut ulos',
    done: 'Uloskirjautuminen onnistui. Voit sulkea selaimen.',
  },
  sv: {
    title: 'Logga ut',
    question: 'Vill du logga ut från tjänsten Mina data?',
    yes: 'Ja, logga ut mig',
    no: 'Nej, förbli inloggad',
    doneTitle: 'Du har loggat ut',
    done: 'Utloggningen lyckades. Du kan stänga webbläsaren.',
  },
  en: {
    title: 'Sign out',
    question: 'Do you want to sign out of My Data?',
    yes: 'Yes, sign me out',
    no: 'No, stay signed in',
    doneTitle: 'You have signed out',
    done: 'You signed out successfully. You can close the browser.',
  },
});

/**
 * The sign-out confirmation (oidc-provider's `logoutSource`): `form` is oidc-provider's own hidden form
 * (`id="op.logoutForm"`, with its CSRF value), trusted as given; the buttons submit it. No script, no fonts from afar.
 */
export function renderLogoutPage(input: { lang: Language; form: string }): string {
  const t = TEXT[input.lang];
  const body = `<p>${escapeHtml(t.question)}</p>
${input.form}
<p class="actions"><button type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(t.yes)}</button>
<button type="submit" form="op.logoutForm">${escapeHtml(t.no)}</button></p>`;
  return layout({ lang: input.lang, title: t.title, body, languageLinksBase: '' });
}

/** The page after a sign-out that named no place to return to (oidc-provider's `postLogoutSuccessSource`). */
export function renderLoggedOutPage(input: { lang: Language }): string {
  const t = TEXT[input.lang];
  return layout({ lang: input.lang, title: t.doneTitle, body: `<p>${escapeHtml(t.done)}</p>`, languageLinksBase: '' });
}
