import type { Language } from '../../lib/web/language.js';

// The languages, their negotiation and date formatting are shared with the citizen portal (lib/web/).
export { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, negotiateLanguage, type Language } from '../../lib/web/language.js';
export { formatDateTime } from '../../lib/web/format.js';

/** A register label: the register in plain words and the authority that keeps it. */
export type RegisterKey = 'population' | 'tax' | 'vehicles' | 'education' | 'hub';

/**
 * The UI strings of one language. Plain text only: `{name}` placeholders are filled by `interpolate()`, which
 * escapes the text around them.
 */
export interface Messages {
  /** BCP 47 locale for Intl formatting. */
  locale: 'fi-FI' | 'sv-FI' | 'en-GB';
  /** The language's name in itself, for the language links. */
  languageName: string;
  languageNav: string;
  serviceName: string;
  days: { one: string; other: string };
  registers: Record<RegisterKey, string>;
  login: {
    title: string;
    /** {client} */
    intro: string;
    bannerTitle: string;
    bannerText: string;
    personaLabel: string;
    personaHint: string;
    submit: string;
    errors: { UNKNOWN_PERSONA: string };
  };
  consent: {
    /** {partner} */
    title: string;
    /** {citizen} */
    signedInAs: string;
    /** {partner} */
    intro: string;
    purposeHeading: string;
    itemsHeading: string;
    /** {partner} */
    itemsLegend: string;
    required: string;
    requiredNote: string;
    optionalNote: string;
    noItems: string;
    durationHeading: string;
    /** {duration} {date} */
    duration: string;
    revoke: string;
    /** {portal} */
    revokeWithLink: string;
    portalLinkText: string;
    allow: string;
    deny: string;
    denyNote: string;
  };
  error: {
    defaultTitle: string;
    /** {code} */
    code: string;
    advice: string;
  };
}

/** All UI strings, by language. Add a string to {@link Messages} and to all three languages at once. */
export const messages: Readonly<Record<Language, Messages>> = Object.freeze({
  fi: {
    locale: 'fi-FI',
    languageName: 'Suomeksi',
    languageNav: 'Kieli',
    serviceName: 'Omat tiedot -palvelu',
    days: { one: '{n} päivä', other: '{n} päivää' },
    registers: {
      population: 'Väestötietojärjestelmä (Digi- ja väestötietovirasto)',
      tax: 'Verotustiedot (Verohallinto)',
      vehicles: 'Ajoneuvo- ja ajokorttirekisterit (Liikenne- ja viestintävirasto Traficom)',
      education: 'Valtakunnalliset opinto- ja tutkintorekisterit KOSKI (Opetushallitus)',
      hub: 'Tämä palvelu: suostumuksesi ja luovutusloki',
    },
    login: {
      title: 'Testikirjautuminen',
      intro: 'Kirjaudu jatkaaksesi palveluun {client}.',
      bannerTitle: 'TESTIKIRJAUTUMINEN – vain kehitystilassa',
      bannerText:
        'Tämä ei ole oikea tunnistautuminen. Alla olevat henkilöt ovat keksittyjä testihenkilöitä: heidän henkilötunnuksensa ovat väliaikaisia tunnuksia (yksilönumero 900–999), joita ei ole annettu kenellekään oikealle ihmiselle. Tuotantokäytössä tätä sivua ei ole.',
      personaLabel: 'Testihenkilö',
      personaHint: 'Valitse henkilö, jona haluat kirjautua.',
      submit: 'Kirjaudu',
      errors: { UNKNOWN_PERSONA: 'Valitsemaasi testihenkilöä ei löytynyt. Valitse henkilö luettelosta.' },
    },
    consent: {
      title: 'Annatko tietojasi palvelulle {partner}?',
      signedInAs: 'Olet kirjautunut nimellä {citizen}.',
      intro: '{partner} pyytää lupaasi saada alla luetellut tiedot viranomaisten rekistereistä.',
      purposeHeading: 'Mihin tietoja käytetään',
      itemsHeading: 'Mitä tietoja luovutetaan',
      itemsLegend: 'Tiedot, jotka {partner} saa',
      required: '(pakollinen)',
      requiredNote: 'Pakollisia tietoja ei voi jättää pois. Jos et halua antaa niitä, valitse ”En salli”.',
      optionalNote: 'Voit poistaa valinnan tiedoista, joita et halua antaa.',
      noItems: 'Palvelu ei pyydä rekisteritietojasi.',
      durationHeading: 'Kuinka kauan suostumus on voimassa',
      duration: 'Suostumus on voimassa {duration}, {date} asti.',
      revoke:
        'Voit perua suostumuksen milloin tahansa Omat tiedot -palvelussa. Näet siellä myös jokaisen kerran, kun tietojasi on luovutettu.',
      revokeWithLink:
        'Voit perua suostumuksen milloin tahansa {portal}. Näet siellä myös jokaisen kerran, kun tietojasi on luovutettu.',
      portalLinkText: 'Omat tiedot -palvelussa',
      allow: 'Salli',
      deny: 'En salli',
      denyNote: 'Jos et salli, tietoja ei luovuteta.',
    },
    error: {
      defaultTitle: 'Jokin meni vikaan',
      code: 'Virhekoodi: {code}',
      advice: 'Palaa palveluun, josta tulit, ja yritä uudelleen.',
    },
  },
  sv: {
    locale: 'sv-FI',
    languageName: 'På svenska',
    languageNav: 'Språk',
    serviceName: 'Mina uppgifter',
    days: { one: '{n} dag', other: '{n} dagar' },
    registers: {
      population: 'Befolkningsdatasystemet (Myndigheten för digitalisering och befolkningsdata)',
      tax: 'Beskattningsuppgifter (Skatteförvaltningen)',
      vehicles: 'Fordons- och körkortsregistren (Transport- och kommunikationsverket Traficom)',
      education: 'De nationella studie- och examensregistren KOSKI (Utbildningsstyrelsen)',
      hub: 'Den här tjänsten: dina samtycken och utlämningsloggen',
    },
    login: {
      title: 'Testinloggning',
      intro: 'Logga in för att fortsätta till {client}.',
      bannerTitle: 'TESTINLOGGNING – endast i utvecklingsläge',
      bannerText:
        'Det här är ingen riktig identifiering. Personerna nedan är påhittade testpersoner: deras personbeteckningar är tillfälliga beteckningar (individnummer 900–999) som aldrig har getts till en verklig person. I produktion finns inte den här sidan.',
      personaLabel: 'Testperson',
      personaHint: 'Välj den person du vill logga in som.',
      submit: 'Logga in',
      errors: { UNKNOWN_PERSONA: 'Testpersonen du valde hittades inte. Välj en person i listan.' },
    },
    consent: {
      title: 'Vill du dela dina uppgifter med {partner}?',
      signedInAs: 'Du är inloggad som {citizen}.',
      intro: '{partner} ber om ditt samtycke till att få uppgifterna nedan ur myndigheternas register.',
      purposeHeading: 'Vad uppgifterna används till',
      itemsHeading: 'Vilka uppgifter som lämnas ut',
      itemsLegend: 'Uppgifter som {partner} får',
      required: '(obligatorisk)',
      requiredNote: 'Obligatoriska uppgifter kan inte väljas bort. Om du inte vill lämna ut dem, välj ”Tillåt inte”.',
      optionalNote: 'Du kan avmarkera uppgifter som du inte vill lämna ut.',
      noItems: 'Tjänsten ber inte om några registeruppgifter.',
      durationHeading: 'Hur länge samtycket gäller',
      duration: 'Samtycket gäller i {duration}, fram till {date}.',
      revoke:
        'Du kan när som helst återkalla samtycket i tjänsten Mina uppgifter. Där ser du också varje gång dina uppgifter har lämnats ut.',
      revokeWithLink:
        'Du kan när som helst återkalla samtycket i {portal}. Där ser du också varje gång dina uppgifter har lämnats ut.',
      portalLinkText: 'tjänsten Mina uppgifter',
      allow: 'Tillåt',
      deny: 'Tillåt inte',
      denyNote: 'Om du inte tillåter lämnas inga uppgifter ut.',
    },
    error: {
      defaultTitle: 'Något gick fel',
      code: 'Felkod: {code}',
      advice: 'Gå tillbaka till tjänsten du kom från och försök igen.',
    },
  },
  en: {
    locale: 'en-GB',
    languageName: 'In English',
    languageNav: 'Language',
    serviceName: 'My Data',
    days: { one: '{n} day', other: '{n} days' },
    registers: {
      population: 'Population Information System (Digital and Population Data Services Agency)',
      tax: 'Tax information (Finnish Tax Administration)',
      vehicles: 'Vehicle and driving licence registers (Finnish Transport and Communications Agency Traficom)',
      education: 'National registers of studies and degrees, KOSKI (Finnish National Agency for Education)',
      hub: 'This service: your consents and the disclosure log',
    },
    login: {
      title: 'Test login',
      intro: 'Sign in to continue to {client}.',
      bannerTitle: 'TEST LOGIN – development mode only',
      bannerText:
        'This is not a real identification. The persons below are synthetic test persons: their personal identity codes are temporary codes (individual number 900–999) never given to a real person. This page does not exist in production.',
      personaLabel: 'Test person',
      personaHint: 'Choose the person you want to sign in as.',
      submit: 'Sign in',
      errors: { UNKNOWN_PERSONA: 'The test person you chose was not found. Choose a person from the list.' },
    },
    consent: {
      title: 'Share your information with {partner}?',
      signedInAs: 'You are signed in as {citizen}.',
      intro: '{partner} asks for your consent to receive the information below from public registers.',
      purposeHeading: 'What the information is used for',
      itemsHeading: 'What information is shared',
      itemsLegend: 'Information {partner} will receive',
      required: '(required)',
      requiredNote: 'Required items cannot be left out. If you do not want to share them, choose “Deny”.',
      optionalNote: 'You can untick items you do not want to share.',
      noItems: 'The service does not ask for any register information.',
      durationHeading: 'How long the consent lasts',
      duration: 'The consent is valid for {duration}, until {date}.',
      revoke:
        'You can revoke the consent at any time in the My Data citizen portal. There you also see every time your information has been disclosed.',
      revokeWithLink:
        'You can revoke the consent at any time in {portal}. There you also see every time your information has been disclosed.',
      portalLinkText: 'the My Data citizen portal',
      allow: 'Allow',
      deny: 'Deny',
      denyNote: 'If you deny, nothing is shared.',
    },
    error: {
      defaultTitle: 'Something went wrong',
      code: 'Error code: {code}',
      advice: 'Go back to the service you came from and try again.',
    },
  },
});

/** A number of days in plain words: "90 days", "90 päivää", "90 dagar". */
export function formatDays(lang: Language, days: number): string {
  if (!Number.isInteger(days) || days <= 0) {
    throw new TypeError(`formatDays: "days" must be a positive integer, got ${days}`);
  }
  const m = messages[lang];
  const form = new Intl.PluralRules(m.locale).select(days) === 'one' ? m.days.one : m.days.other;
  return form.replace('{n}', new Intl.NumberFormat(m.locale).format(days));
}
