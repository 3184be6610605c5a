import type { Language } from '../lib/web/language.js';

type Label = Readonly<Record<Language, string>>;

/**
 * Plain-language names of the schema coordinates (`Type.field`) the disclosure log records, in each language.
 * A coordinate missing here (a field added later) is shown as is, never hidden.
 */
const LABELS: Readonly<Record<string, Label>> = Object.freeze({
  'Person.personalIdentityCode': { fi: 'Henkilötunnus', sv: 'Personbeteckning', en: 'Personal identity code' },
  'Person.dateOfBirth': { fi: 'Syntymäaika', sv: 'Födelsedatum', en: 'Date of birth' },
  'Person.firstNames': { fi: 'Etunimet', sv: 'Förnamn', en: 'First names' },
  'Person.lastName': { fi: 'Sukunimi', sv: 'Efternamn', en: 'Last name' },
  'Person.isAdult': { fi: 'Täysi-ikäisyys (kyllä tai ei)', sv: 'Myndighet (ja eller nej)', en: 'Whether 18 or older (yes or no)' },
  'Person.nationalities': { fi: 'Kansalaisuus', sv: 'Medborgarskap', en: 'Nationality' },
  'Person.nativeLanguage': { fi: 'Äidinkieli', sv: 'Modersmål', en: 'Native language' },
  'Person.address': { fi: 'Osoite', sv: 'Adress', en: 'Address' },
  'Address.streetAddress': { fi: 'Katuosoite', sv: 'Gatuadress', en: 'Street address' },
  'Address.postalCode': { fi: 'Postinumero', sv: 'Postnummer', en: 'Postal code' },
  'Address.municipality': { fi: 'Kotikunta', sv: 'Hemkommun', en: 'Municipality' },
  'Person.maritalStatus': { fi: 'Siviilisääty', sv: 'Civilstånd', en: 'Marital status' },
  'Person.children': { fi: 'Lapset', sv: 'Barn', en: 'Children' },
  'Child.firstNames': { fi: 'Lasten etunimet', sv: 'Barnens förnamn', en: "Children's first names" },
  'Child.lastName': { fi: 'Lasten sukunimet', sv: 'Barnens efternamn', en: "Children's last names" },
  'Child.dateOfBirth': { fi: 'Lasten syntymäajat', sv: 'Barnens födelsedatum', en: "Children's dates of birth" },
  'Person.populationUpdatedAt': { fi: 'Väestötietojen päivitysaika', sv: 'När befolkningsuppgifterna uppdaterades', en: 'When the population record was updated' },
  'Person.taxAssessments': { fi: 'Verotuspäätökset', sv: 'Beskattningsbeslut', en: 'Tax assessments' },
  'TaxAssessment.year': { fi: 'Verovuosi', sv: 'Skatteår', en: 'Tax year' },
  'TaxAssessment.earnedIncome': { fi: 'Ansiotulot', sv: 'Förvärvsinkomster', en: 'Earned income' },
  'TaxAssessment.capitalIncome': { fi: 'Pääomatulot', sv: 'Kapitalinkomster', en: 'Capital income' },
  'TaxAssessment.taxesPaid': { fi: 'Maksetut verot', sv: 'Betalda skatter', en: 'Taxes paid' },
  'Person.taxDebt': { fi: 'Verovelka', sv: 'Skatteskuld', en: 'Tax debt' },
  'TaxDebt.amount': { fi: 'Verovelan määrä', sv: 'Skatteskuldens belopp', en: 'Tax debt amount' },
  'TaxDebt.recordedOn': { fi: 'Verovelan merkintäpäivä', sv: 'När skatteskulden antecknades', en: 'When the tax debt was recorded' },
  'Person.taxUpdatedAt': { fi: 'Verotietojen päivitysaika', sv: 'När skatteuppgifterna uppdaterades', en: 'When the tax records were updated' },
  'Person.vehicles': { fi: 'Ajoneuvot', sv: 'Fordon', en: 'Vehicles' },
  'Vehicle.registrationNumber': { fi: 'Ajoneuvon rekisteritunnus', sv: 'Fordonets registreringsnummer', en: 'Vehicle registration number' },
  'Vehicle.make': { fi: 'Ajoneuvon merkki', sv: 'Fordonets märke', en: 'Vehicle make' },
  'Vehicle.model': { fi: 'Ajoneuvon malli', sv: 'Fordonets modell', en: 'Vehicle model' },
  'Vehicle.vehicleClass': { fi: 'Ajoneuvoluokka', sv: 'Fordonsklass', en: 'Vehicle class' },
  'Vehicle.role': { fi: 'Omistaja vai haltija', sv: 'Ägare eller innehavare', en: 'Owner or holder' },
  'Vehicle.firstRegistered': { fi: 'Ajoneuvon ensirekisteröinti', sv: 'Fordonets första registrering', en: 'Vehicle first registered' },
  'Person.drivingLicence': { fi: 'Ajokortti', sv: 'Körkort', en: 'Driving licence' },
  'DrivingLicence.categories': { fi: 'Ajokorttiluokat', sv: 'Körkortsbehörigheter', en: 'Driving licence categories' },
  'DrivingLicence.validUntil': { fi: 'Ajokortin voimassaolo', sv: 'Körkortets giltighetstid', en: 'Driving licence expiry' },
  'Person.vehiclesUpdatedAt': { fi: 'Ajoneuvotietojen päivitysaika', sv: 'När fordonsuppgifterna uppdaterades', en: 'When the vehicle records were updated' },
  'Person.qualifications': { fi: 'Tutkinnot', sv: 'Examina', en: 'Qualifications' },
  'Qualification.name': { fi: 'Tutkinnon nimi', sv: 'Examens namn', en: 'Qualification name' },
  'Qualification.level': { fi: 'Tutkinnon koulutusaste', sv: 'Examens utbildningsnivå', en: 'Qualification level' },
  'Qualification.institution': { fi: 'Tutkinnon oppilaitos', sv: 'Examens läroanstalt', en: 'Qualification institution' },
  'Qualification.completedOn': { fi: 'Tutkinnon suorituspäivä', sv: 'När examen avlades', en: 'Qualification completion date' },
  'Person.enrolments': { fi: 'Käynnissä olevat opinnot', sv: 'Pågående studier', en: 'Current studies' },
  'Enrolment.programme': { fi: 'Koulutus', sv: 'Utbildning', en: 'Study programme' },
  'Enrolment.institution': { fi: 'Opintojen oppilaitos', sv: 'Studiernas läroanstalt', en: 'Institution of studies' },
  'Enrolment.startedOn': { fi: 'Opintojen aloituspäivä', sv: 'När studierna började', en: 'When studies started' },
  'Person.educationUpdatedAt': { fi: 'Koulutustietojen päivitysaika', sv: 'När utbildningsuppgifterna uppdaterades', en: 'When the education records were updated' },
});

/** Fields that hold objects, and the type of those objects. */
const CONTAINERS: Readonly<Record<string, string>> = Object.freeze({
  'Person.address': 'Address',
  'Person.children': 'Child',
  'Person.taxAssessments': 'TaxAssessment',
  'Person.taxDebt': 'TaxDebt',
  'Person.vehicles': 'Vehicle',
  'Person.drivingLicence': 'DrivingLicence',
  'Person.qualifications': 'Qualification',
  'Person.enrolments': 'Enrolment',
});

/** The plain-language label of a schema coordinate, or the coordinate itself when it has none. */
export function fieldLabel(coordinate: string, lang: Language): string {
  return LABELS[coordinate]?.[lang] ?? coordinate;
}

/**
 * The labels of a disclosure's fields, without the containers whose own parts are listed too (`Person.address`
 * when `Address.streetAddress` is there), in the order given, each once.
 */
export function fieldLabels(coordinates: readonly string[], lang: Language): string[] {
  const types = new Set(coordinates.map((c) => c.split('.')[0]));
  const shown = coordinates.filter((c) => !(CONTAINERS[c] !== undefined && types.has(CONTAINERS[c])));
  return [...new Set(shown.map((c) => fieldLabel(c, lang)))];
}
