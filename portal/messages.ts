import type { Language } from '../lib/web/language.js';
import type { Register } from './registers.js';

/**
 * The portal's UI strings in one language. Plain text only: `{name}` placeholders are filled by `interpolate()`
 * (lib/web/html.ts), which escapes the text around them.
 */
export interface PortalMessages {
  /** The language's name in itself, for the language links. */
  languageName: string;
  serviceName: string;
  skipLink: string;
  mainNav: string;
  languageNav: string;
  nav: { data: string; consents: string; disclosures: string };
  signIn: string;
  signOut: string;
  footer: string;
  signedOut: { title: string; intro: string; points: [string, string, string]; note: string };
  registers: Record<Register, string>;
  myData: {
    title: string;
    intro: string;
    download: string;
    downloadHint: string;
    /** {date} */
    updated: string;
    unavailable: string;
    empty: Record<Register, string>;
  };
  population: {
    personalIdentityCode: string;
    dateOfBirth: string;
    firstNames: string;
    lastName: string;
    isAdult: string;
    yes: string;
    no: string;
    nationalities: string;
    nativeLanguage: string;
    notRecorded: string;
    address: string;
    maritalStatus: string;
    maritalStatuses: Record<string, string>;
    children: string;
    childrenCaption: string;
    noChildren: string;
    childName: string;
  };
  tax: {
    assessments: string;
    assessmentsCaption: string;
    noAssessments: string;
    year: string;
    earnedIncome: string;
    capitalIncome: string;
    taxesPaid: string;
    debt: string;
    /** {amount} {date} */
    debtAmount: string;
    noDebt: string;
  };
  vehicles: {
    vehicles: string;
    vehiclesCaption: string;
    noVehicles: string;
    registrationNumber: string;
    makeModel: string;
    vehicleClass: string;
    role: string;
    roles: Record<string, string>;
    firstRegistered: string;
    licence: string;
    categories: string;
    validUntil: string;
    noLicence: string;
  };
  education: {
    qualifications: string;
    qualificationsCaption: string;
    noQualifications: string;
    name: string;
    level: string;
    levels: Record<number, string>;
    /** {level} */
    levelOther: string;
    institution: string;
    completedOn: string;
    enrolments: string;
    enrolmentsCaption: string;
    noEnrolments: string;
    programme: string;
    startedOn: string;
  };
  consents: {
    title: string;
    intro: string;
    active: string;
    expired: string;
    revoked: string;
    noneActive: string;
    noneExpired: string;
    noneRevoked: string;
    purpose: string;
    items: string;
    granted: string;
    expires: string;
    expiredOn: string;
    revokedOn: string;
    revoke: string;
    /** {partner} (visually hidden context for the button) */
    revokeContext: string;
    receipt: string;
    /** {partner} */
    revokedNotice: string;
  };
  revoke: {
    /** {partner} */
    title: string;
    explain: string;
    confirm: string;
    cancel: string;
    notActive: string;
  };
  disclosures: {
    title: string;
    intro: string;
    caption: string;
    partner: string;
    purpose: string;
    items: string;
    time: string;
    none: string;
    older: string;
    newest: string;
    pages: string;
  };
  errors: {
    title: string;
    notFound: string;
    forbidden: string;
    hubUnavailable: string;
    rateLimited: string;
    issuerUnavailable: string;
    signInCancelled: string;
    signInFailed: string;
    internal: string;
    tryAgain: string;
    home: string;
  };
}

/** All portal strings, by language. Add a key to {@link PortalMessages} and to all three languages at once. */
export const messages: Readonly<Record<Language, PortalMessages>> = Object.freeze({
  fi: {
    languageName: 'Suomeksi',
    serviceName: 'Omat tiedot',
    skipLink: 'Siirry sisältöön',
    mainNav: 'Päävalikko',
    languageNav: 'Kieli',
    nav: { data: 'Tietoni', consents: 'Suostumukset', disclosures: 'Kuka on nähnyt tietojani' },
    signIn: 'Kirjaudu sisään',
    signOut: 'Kirjaudu ulos',
    footer: 'Omat tiedot näyttää, mitä viranomaisten rekisterit sinusta sisältävät ja kenelle tietojasi on luovutettu.',
    signedOut: {
      title: 'Omat tietosi viranomaisten rekistereissä',
      intro: 'Kirjauduttuasi näet yhdessä paikassa:',
      points: [
        'mitä väestötietojärjestelmä, verohallinto, Traficom ja KOSKI-rekisterit sinusta sisältävät',
        'kenelle olet antanut suostumuksen tietojesi käyttöön – ja voit perua sen',
        'kuka on saanut tietojasi, milloin ja mihin tarkoitukseen',
      ],
      note: 'Voit myös ladata kaikki tietosi yhtenä tiedostona.',
    },
    registers: {
      population: 'Väestötietojärjestelmä (Digi- ja väestötietovirasto)',
      tax: 'Verohallinto',
      vehicles: 'Traficomin ajoneuvo- ja ajokorttirekisterit',
      education: 'KOSKI: valtakunnalliset opinto- ja tutkintorekisterit',
    },
    myData: {
      title: 'Tietoni',
      intro: 'Nämä tiedot viranomaisten rekisterit sisältävät sinusta, rekisterin mukaan ryhmiteltyinä.',
      download: 'Lataa kaikki tietoni',
      downloadHint: 'JSON-tiedosto: rekisteritiedot, suostumukset ja luovutusloki.',
      updated: 'Päivitetty viimeksi {date}',
      unavailable: 'Rekisteriin ei juuri nyt saatu yhteyttä. Yritä myöhemmin uudelleen.',
      empty: {
        population: 'Väestötietojärjestelmässä ei ole sinusta tietoja.',
        tax: 'Verohallinnon rekistereissä ei ole sinusta tietoja.',
        vehicles: 'Ajoneuvo- ja ajokorttirekistereissä ei ole sinusta tietoja.',
        education: 'Koulutusrekisterissä ei ole sinusta tietoja.',
      },
    },
    population: {
      personalIdentityCode: 'Henkilötunnus',
      dateOfBirth: 'Syntymäaika',
      firstNames: 'Etunimet',
      lastName: 'Sukunimi',
      isAdult: 'Täysi-ikäinen',
      yes: 'Kyllä',
      no: 'Ei',
      nationalities: 'Kansalaisuus',
      nativeLanguage: 'Äidinkieli',
      notRecorded: 'Ei merkitty',
      address: 'Vakinainen osoite',
      maritalStatus: 'Siviilisääty',
      maritalStatuses: {
        SINGLE: 'Naimaton',
        MARRIED: 'Naimisissa',
        REGISTERED_PARTNERSHIP: 'Rekisteröidyssä parisuhteessa',
        DIVORCED: 'Eronnut',
        WIDOWED: 'Leski',
      },
      children: 'Lapset',
      childrenCaption: 'Lapsesi väestötietojärjestelmässä',
      noChildren: 'Lapsia ei ole merkitty.',
      childName: 'Nimi',
    },
    tax: {
      assessments: 'Verotuspäätökset',
      assessmentsCaption: 'Verotuspäätökset verovuosittain',
      noAssessments: 'Verotuspäätöksiä ei ole.',
      year: 'Verovuosi',
      earnedIncome: 'Ansiotulot',
      capitalIncome: 'Pääomatulot',
      taxesPaid: 'Maksetut verot',
      debt: 'Verovelka',
      debtAmount: '{amount}, merkitty {date}',
      noDebt: 'Verovelkarekisterissä ei ole sinusta merkintää.',
    },
    vehicles: {
      vehicles: 'Ajoneuvot',
      vehiclesCaption: 'Ajoneuvot, jotka omistat tai jotka ovat hallinnassasi',
      noVehicles: 'Sinulla ei ole rekisteröityjä ajoneuvoja.',
      registrationNumber: 'Rekisteritunnus',
      makeModel: 'Merkki ja malli',
      vehicleClass: 'Ajoneuvoluokka',
      role: 'Roolisi',
      roles: { OWNER: 'Omistaja', HOLDER: 'Haltija' },
      firstRegistered: 'Ensirekisteröity',
      licence: 'Ajokortti',
      categories: 'Luokat',
      validUntil: 'Voimassa',
      noLicence: 'Sinulla ei ole ajokorttia.',
    },
    education: {
      qualifications: 'Tutkinnot',
      qualificationsCaption: 'Suorittamasi tutkinnot',
      noQualifications: 'Suoritettuja tutkintoja ei ole.',
      name: 'Tutkinto',
      level: 'Koulutusaste',
      levels: { 3: 'Toinen aste', 4: 'Erikoisammattikoulutusaste', 5: 'Alin korkea-aste', 6: 'Alempi korkeakouluaste', 7: 'Ylempi korkeakouluaste', 8: 'Tutkijakoulutusaste' },
      levelOther: 'ISCED-taso {level}',
      institution: 'Oppilaitos',
      completedOn: 'Suoritettu',
      enrolments: 'Käynnissä olevat opinnot',
      enrolmentsCaption: 'Opinnot, joihin olet ilmoittautunut',
      noEnrolments: 'Käynnissä olevia opintoja ei ole.',
      programme: 'Koulutus',
      startedOn: 'Aloitettu',
    },
    consents: {
      title: 'Suostumukset',
      intro: 'Näille palveluille olet antanut luvan lukea tietojasi. Voit perua voimassa olevan suostumuksen milloin tahansa.',
      active: 'Voimassa olevat',
      expired: 'Päättyneet',
      revoked: 'Perutut',
      noneActive: 'Sinulla ei ole voimassa olevia suostumuksia.',
      noneExpired: 'Päättyneitä suostumuksia ei ole.',
      noneRevoked: 'Perumiasi suostumuksia ei ole.',
      purpose: 'Käyttötarkoitus',
      items: 'Tiedot',
      granted: 'Annettu',
      expires: 'Voimassa',
      expiredOn: 'Päättyi',
      revokedOn: 'Peruttu',
      revoke: 'Peru suostumus',
      revokeContext: 'palvelulle {partner}',
      receipt: 'Lataa kuitti',
      revokedNotice: 'Peruit suostumuksen, jonka annoit palvelulle {partner}. Se ei voi enää lukea tietojasi.',
    },
    revoke: {
      title: 'Perutaanko palvelulle {partner} antamasi suostumus?',
      explain: 'Kun perut suostumuksen, palvelu ei voi enää lukea tietojasi. Jo luovutettuja tietoja perumisella ei saa takaisin. Jos haluat myöhemmin antaa tiedot uudelleen, palvelu pyytää uuden suostumuksen.',
      confirm: 'Kyllä, peru suostumus',
      cancel: 'Älä peru',
      notActive: 'Tämä suostumus ei ole enää voimassa.',
    },
    disclosures: {
      title: 'Kuka on nähnyt tietojani',
      intro: 'Jokainen kerta, kun palvelu on saanut tietojasi suostumuksesi perusteella, uusin ensin.',
      caption: 'Tietojesi luovutukset',
      partner: 'Palvelu',
      purpose: 'Käyttötarkoitus',
      items: 'Luovutetut tiedot',
      time: 'Aika',
      none: 'Tietojasi ei ole luovutettu kenellekään.',
      older: 'Vanhemmat',
      newest: 'Uusimmat',
      pages: 'Sivut',
    },
    errors: {
      title: 'Jokin meni vikaan',
      notFound: 'Sivua tai suostumusta ei löytynyt.',
      forbidden: 'Lomake oli vanhentunut. Palaa sivulle ja yritä uudelleen.',
      hubUnavailable: 'Tietojasi ei juuri nyt saatu haettua. Yritä hetken kuluttua uudelleen.',
      rateLimited: 'Olet avannut sivuja hyvin tiheään. Odota hetki ja yritä sitten uudelleen.',
      issuerUnavailable: 'Kirjautumispalveluun ei juuri nyt saatu yhteyttä. Yritä hetken kuluttua uudelleen.',
      signInCancelled: 'Kirjautuminen keskeytettiin.',
      signInFailed: 'Kirjautuminen ei onnistunut. Yritä uudelleen.',
      internal: 'Palvelussa tapahtui virhe. Yritä hetken kuluttua uudelleen.',
      tryAgain: 'Yritä uudelleen',
      home: 'Etusivulle',
    },
  },
  sv: {
    languageName: 'På svenska',
    serviceName: 'Mina uppgifter',
    skipLink: 'Hoppa till innehållet',
    mainNav: 'Huvudmeny',
    languageNav: 'Språk',
    nav: { data: 'Mina uppgifter', consents: 'Samtycken', disclosures: 'Vem har sett mina uppgifter' },
    signIn: 'Logga in',
    signOut: 'Logga ut',
    footer: 'Mina uppgifter visar vad myndigheternas register innehåller om dig och till vem dina uppgifter har lämnats ut.',
    signedOut: {
      title: 'Dina uppgifter i myndigheternas register',
      intro: 'När du har loggat in ser du på ett ställe:',
      points: [
        'vad befolkningsdatasystemet, Skatteförvaltningen, Traficom och KOSKI-registren innehåller om dig',
        'vilka tjänster du har gett samtycke att använda dina uppgifter – och du kan återkalla det',
        'vem som har fått dina uppgifter, när och för vilket ändamål',
      ],
      note: 'Du kan också ladda ner alla dina uppgifter som en fil.',
    },
    registers: {
      population: 'Befolkningsdatasystemet (Myndigheten för digitalisering och befolkningsdata)',
      tax: 'Skatteförvaltningen',
      vehicles: 'Traficoms fordons- och körkortsregister',
      education: 'KOSKI: de nationella studie- och examensregistren',
    },
    myData: {
      title: 'Mina uppgifter',
      intro: 'Det här innehåller myndigheternas register om dig, grupperat efter register.',
      download: 'Ladda ner alla mina uppgifter',
      downloadHint: 'En JSON-fil: registeruppgifter, samtycken och utlämningsloggen.',
      updated: 'Senast uppdaterad {date}',
      unavailable: 'Registret gick inte att nå just nu. Försök igen senare.',
      empty: {
        population: 'Befolkningsdatasystemet har inga uppgifter om dig.',
        tax: 'Skatteförvaltningens register har inga uppgifter om dig.',
        vehicles: 'Fordons- och körkortsregistren har inga uppgifter om dig.',
        education: 'Utbildningsregistret har inga uppgifter om dig.',
      },
    },
    population: {
      personalIdentityCode: 'Personbeteckning',
      dateOfBirth: 'Födelsedatum',
      firstNames: 'Förnamn',
      lastName: 'Efternamn',
      isAdult: 'Myndig',
      yes: 'Ja',
      no: 'Nej',
      nationalities: 'Medborgarskap',
      nativeLanguage: 'Modersmål',
      notRecorded: 'Inte antecknat',
      address: 'Stadigvarande adress',
      maritalStatus: 'Civilstånd',
      maritalStatuses: {
        SINGLE: 'Ogift',
        MARRIED: 'Gift',
        REGISTERED_PARTNERSHIP: 'I registrerat partnerskap',
        DIVORCED: 'Frånskild',
        WIDOWED: 'Änka eller änkling',
      },
      children: 'Barn',
      childrenCaption: 'Dina barn i befolkningsdatasystemet',
      noChildren: 'Inga barn antecknade.',
      childName: 'Namn',
    },
    tax: {
      assessments: 'Beskattningsbeslut',
      assessmentsCaption: 'Beskattningsbeslut per skatteår',
      noAssessments: 'Inga beskattningsbeslut.',
      year: 'Skatteår',
      earnedIncome: 'Förvärvsinkomster',
      capitalIncome: 'Kapitalinkomster',
      taxesPaid: 'Betalda skatter',
      debt: 'Skatteskuld',
      debtAmount: '{amount}, antecknad {date}',
      noDebt: 'Skatteskuldsregistret har ingen anteckning om dig.',
    },
    vehicles: {
      vehicles: 'Fordon',
      vehiclesCaption: 'Fordon som du äger eller innehar',
      noVehicles: 'Du har inga registrerade fordon.',
      registrationNumber: 'Registreringsnummer',
      makeModel: 'Märke och modell',
      vehicleClass: 'Fordonsklass',
      role: 'Din roll',
      roles: { OWNER: 'Ägare', HOLDER: 'Innehavare' },
      firstRegistered: 'Första registrering',
      licence: 'Körkort',
      categories: 'Behörigheter',
      validUntil: 'Giltigt till',
      noLicence: 'Du har inget körkort.',
    },
    education: {
      qualifications: 'Examina',
      qualificationsCaption: 'Dina avlagda examina',
      noQualifications: 'Inga avlagda examina.',
      name: 'Examen',
      level: 'Utbildningsnivå',
      levels: { 3: 'Andra stadiet', 4: 'Specialyrkesutbildning', 5: 'Lägsta högre nivå', 6: 'Lägre högskolenivå', 7: 'Högre högskolenivå', 8: 'Forskarutbildningsnivå' },
      levelOther: 'ISCED-nivå {level}',
      institution: 'Läroanstalt',
      completedOn: 'Avlagd',
      enrolments: 'Pågående studier',
      enrolmentsCaption: 'Studier du är inskriven i',
      noEnrolments: 'Inga pågående studier.',
      programme: 'Utbildning',
      startedOn: 'Påbörjad',
    },
    consents: {
      title: 'Samtycken',
      intro: 'Du har gett de här tjänsterna lov att läsa dina uppgifter. Du kan när som helst återkalla ett gällande samtycke.',
      active: 'Gällande',
      expired: 'Upphörda',
      revoked: 'Återkallade',
      noneActive: 'Du har inga gällande samtycken.',
      noneExpired: 'Inga upphörda samtycken.',
      noneRevoked: 'Inga återkallade samtycken.',
      purpose: 'Ändamål',
      items: 'Uppgifter',
      granted: 'Givet',
      expires: 'Gäller till',
      expiredOn: 'Upphörde',
      revokedOn: 'Återkallat',
      revoke: 'Återkalla samtycket',
      revokeContext: 'till {partner}',
      receipt: 'Ladda ner kvittot',
      revokedNotice: 'Du återkallade samtycket du gav till {partner}. Tjänsten kan inte längre läsa dina uppgifter.',
    },
    revoke: {
      title: 'Vill du återkalla samtycket du gav till {partner}?',
      explain: 'När du återkallar samtycket kan tjänsten inte längre läsa dina uppgifter. Uppgifter som redan lämnats ut kan inte tas tillbaka. Vill du senare lämna ut dem igen ber tjänsten om ett nytt samtycke.',
      confirm: 'Ja, återkalla samtycket',
      cancel: 'Återkalla inte',
      notActive: 'Det här samtycket gäller inte längre.',
    },
    disclosures: {
      title: 'Vem har sett mina uppgifter',
      intro: 'Varje gång en tjänst har fått dina uppgifter med ditt samtycke, de senaste först.',
      caption: 'Utlämningar av dina uppgifter',
      partner: 'Tjänst',
      purpose: 'Ändamål',
      items: 'Utlämnade uppgifter',
      time: 'Tid',
      none: 'Dina uppgifter har inte lämnats ut till någon.',
      older: 'Äldre',
      newest: 'Senaste',
      pages: 'Sidor',
    },
    errors: {
      title: 'Något gick fel',
      notFound: 'Sidan eller samtycket hittades inte.',
      forbidden: 'Formuläret hade gått ut. Gå tillbaka till sidan och försök igen.',
      hubUnavailable: 'Dina uppgifter kunde inte hämtas just nu. Försök igen om en stund.',
      rateLimited: 'Du har öppnat sidor mycket tätt. Vänta en stund och försök sedan igen.',
      issuerUnavailable: 'Inloggningstjänsten gick inte att nå just nu. Försök igen om en stund.',
      signInCancelled: 'Inloggningen avbröts.',
      signInFailed: 'Inloggningen misslyckades. Försök igen.',
      internal: 'Ett fel uppstod i tjänsten. Försök igen om en stund.',
      tryAgain: 'Försök igen',
      home: 'Till startsidan',
    },
  },
  en: {
    languageName: 'In English',
    serviceName: 'My Data',
    skipLink: 'Skip to content',
    mainNav: 'Main',
    languageNav: 'Language',
    nav: { data: 'My data', consents: 'Consents', disclosures: 'Who has seen my data' },
    signIn: 'Sign in',
    signOut: 'Sign out',
    footer: 'My Data shows what public registers hold about you and to whom your data has been disclosed.',
    signedOut: {
      title: 'Your data in public registers',
      intro: 'Once you sign in, you see in one place:',
      points: [
        'what the population register, the Tax Administration, Traficom and the KOSKI registers hold about you',
        'which services you have allowed to use your data – and you can revoke that',
        'who has received your data, when and for what purpose',
      ],
      note: 'You can also download all your data as one file.',
    },
    registers: {
      population: 'Population Information System (Digital and Population Data Services Agency)',
      tax: 'Tax Administration',
      vehicles: 'Traficom vehicle and driving licence registers',
      education: 'KOSKI: national registers of studies and degrees',
    },
    myData: {
      title: 'My data',
      intro: 'This is what public registers hold about you, grouped by register.',
      download: 'Download all my data',
      downloadHint: 'A JSON file: register data, consents and the disclosure log.',
      updated: 'Last updated {date}',
      unavailable: 'This register could not be reached right now. Please try again later.',
      empty: {
        population: 'The population register holds nothing about you.',
        tax: 'The tax register holds nothing about you.',
        vehicles: 'The vehicle and driving licence registers hold nothing about you.',
        education: 'The education register holds nothing about you.',
      },
    },
    population: {
      personalIdentityCode: 'Personal identity code',
      dateOfBirth: 'Date of birth',
      firstNames: 'First names',
      lastName: 'Last name',
      isAdult: '18 or older',
      yes: 'Yes',
      no: 'No',
      nationalities: 'Nationality',
      nativeLanguage: 'Native language',
      notRecorded: 'Not recorded',
      address: 'Permanent address',
      maritalStatus: 'Marital status',
      maritalStatuses: {
        SINGLE: 'Single',
        MARRIED: 'Married',
        REGISTERED_PARTNERSHIP: 'In a registered partnership',
        DIVORCED: 'Divorced',
        WIDOWED: 'Widowed',
      },
      children: 'Children',
      childrenCaption: 'Your children in the population register',
      noChildren: 'No children recorded.',
      childName: 'Name',
    },
    tax: {
      assessments: 'Tax assessments',
      assessmentsCaption: 'Tax assessments by tax year',
      noAssessments: 'No tax assessments.',
      year: 'Tax year',
      earnedIncome: 'Earned income',
      capitalIncome: 'Capital income',
      taxesPaid: 'Taxes paid',
      debt: 'Tax debt',
      debtAmount: '{amount}, recorded on {date}',
      noDebt: 'The register of tax debts has no entry about you.',
    },
    vehicles: {
      vehicles: 'Vehicles',
      vehiclesCaption: 'Vehicles you own or hold',
      noVehicles: 'You have no registered vehicles.',
      registrationNumber: 'Registration number',
      makeModel: 'Make and model',
      vehicleClass: 'Vehicle class',
      role: 'Your role',
      roles: { OWNER: 'Owner', HOLDER: 'Holder' },
      firstRegistered: 'First registered',
      licence: 'Driving licence',
      categories: 'Categories',
      validUntil: 'Valid until',
      noLicence: 'You have no driving licence.',
    },
    education: {
      qualifications: 'Qualifications',
      qualificationsCaption: 'Qualifications you have completed',
      noQualifications: 'No completed qualifications.',
      name: 'Qualification',
      level: 'Level',
      levels: { 3: 'Upper secondary', 4: 'Post-secondary non-tertiary', 5: 'Short-cycle tertiary', 6: "Bachelor's or equivalent", 7: "Master's or equivalent", 8: 'Doctoral or equivalent' },
      levelOther: 'ISCED level {level}',
      institution: 'Institution',
      completedOn: 'Completed',
      enrolments: 'Current studies',
      enrolmentsCaption: 'Studies you are enrolled in',
      noEnrolments: 'No current studies.',
      programme: 'Programme',
      startedOn: 'Started',
    },
    consents: {
      title: 'Consents',
      intro: 'You have allowed these services to read your data. You can revoke an active consent at any time.',
      active: 'Active',
      expired: 'Expired',
      revoked: 'Revoked',
      noneActive: 'You have no active consents.',
      noneExpired: 'No expired consents.',
      noneRevoked: 'No revoked consents.',
      purpose: 'Purpose',
      items: 'Items',
      granted: 'Granted',
      expires: 'Valid until',
      expiredOn: 'Expired',
      revokedOn: 'Revoked',
      revoke: 'Revoke consent',
      revokeContext: 'given to {partner}',
      receipt: 'Download receipt',
      revokedNotice: 'You revoked the consent you gave to {partner}. It can no longer read your data.',
    },
    revoke: {
      title: 'Revoke the consent you gave to {partner}?',
      explain: 'Once you revoke it, the service can no longer read your data. Data already disclosed cannot be taken back. If you later want to share it again, the service will ask for a new consent.',
      confirm: 'Yes, revoke the consent',
      cancel: 'Do not revoke',
      notActive: 'This consent is no longer active.',
    },
    disclosures: {
      title: 'Who has seen my data',
      intro: 'Every time a service received your data under your consent, newest first.',
      caption: 'Disclosures of your data',
      partner: 'Service',
      purpose: 'Purpose',
      items: 'Data disclosed',
      time: 'Time',
      none: 'Your data has not been disclosed to anyone.',
      older: 'Older',
      newest: 'Newest',
      pages: 'Pages',
    },
    errors: {
      title: 'Something went wrong',
      notFound: 'The page or consent was not found.',
      forbidden: 'The form had expired. Go back to the page and try again.',
      hubUnavailable: 'Your data could not be fetched right now. Please try again in a moment.',
      rateLimited: 'You have opened pages very often in a short time. Please wait a moment, then try again.',
      issuerUnavailable: 'The sign-in service could not be reached right now. Please try again in a moment.',
      signInCancelled: 'The sign-in was cancelled.',
      signInFailed: 'The sign-in did not succeed. Please try again.',
      internal: 'Something went wrong in the service. Please try again in a moment.',
      tryAgain: 'Try again',
      home: 'Front page',
    },
  },
});
