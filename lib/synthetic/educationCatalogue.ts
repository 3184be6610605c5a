/** A qualification and the institutions that award it. */
export interface QualificationKind {
  name: string;
  /** ISCED 2011 level. */
  level: 3 | 6 | 7 | 8;
  institutions: readonly string[];
  /** Usual years of study (for enrolment and completion dates). */
  years: number;
}

const LUKIOT = ['Helsingin Suomalainen Yhteiskoulu', 'Tampereen lyseon lukio', 'Oulun Lyseon lukio', 'Kuopion lyseon lukio', 'Turun Katedralskolan', 'Jyväskylän Lyseon lukio', 'Lahden yhteiskoulun lukio', 'Vaasan lyseon lukio', 'Espoon yhteislyseon lukio', 'Ressun lukio'];
const AMMATTIOPISTOT = ['Stadin ammatti- ja aikuisopisto', 'Tampereen seudun ammattiopisto Tredu', 'Ammattiopisto Omnia', 'Jyväskylän koulutuskuntayhtymä Gradia', 'Turun ammatti-instituutti', 'Oulun seudun ammattiopisto OSAO', 'Savon ammattiopisto', 'Koulutuskeskus Salpaus', 'Yrkesinstitutet Prakticum'];
const AMKT = ['Metropolia Ammattikorkeakoulu', 'Tampereen ammattikorkeakoulu', 'Haaga-Helia ammattikorkeakoulu', 'Laurea-ammattikorkeakoulu', 'Oulun ammattikorkeakoulu', 'Turun ammattikorkeakoulu', 'Jyväskylän ammattikorkeakoulu', 'Savonia-ammattikorkeakoulu', 'Yrkeshögskolan Arcada'];
const YLIOPISTOT = ['Helsingin yliopisto', 'Aalto-yliopisto', 'Tampereen yliopisto', 'Turun yliopisto', 'Oulun yliopisto', 'Jyväskylän yliopisto', 'Itä-Suomen yliopisto', 'Åbo Akademi', 'LUT-yliopisto', 'Vaasan yliopisto', 'Lapin yliopisto'];

/** Upper secondary general education (lukio): the matriculation examination. */
export const GENERAL_UPPER_SECONDARY: readonly QualificationKind[] = Object.freeze([
  { name: 'Ylioppilastutkinto', level: 3, institutions: LUKIOT, years: 3 },
]);

/** Vocational upper secondary qualifications (ammatillinen perustutkinto). */
export const VOCATIONAL_UPPER_SECONDARY: readonly QualificationKind[] = Object.freeze(
  ['Sosiaali- ja terveysalan perustutkinto', 'Sähkö- ja automaatioalan perustutkinto', 'Liiketoiminnan perustutkinto', 'Rakennusalan perustutkinto', 'Logistiikan perustutkinto', 'Ravintola- ja catering-alan perustutkinto', 'Kone- ja tuotantotekniikan perustutkinto', 'Ajoneuvoalan perustutkinto', 'Tieto- ja viestintätekniikan perustutkinto'].map(
    (name) => ({ name, level: 3 as const, institutions: AMMATTIOPISTOT, years: 3 }),
  ),
);

/** Bachelor's degrees of universities of applied sciences (ammattikorkeakoulututkinto). */
export const APPLIED_BACHELORS: readonly QualificationKind[] = Object.freeze(
  ['Sairaanhoitaja (AMK)', 'Insinööri (AMK)', 'Tradenomi (AMK)', 'Sosionomi (AMK)', 'Fysioterapeutti (AMK)', 'Rakennusarkkitehti (AMK)', 'Restonomi (AMK)'].map(
    (name) => ({ name, level: 6 as const, institutions: AMKT, years: 4 }),
  ),
);

/** University degrees as bachelor/master pairs of the same field. */
export const UNIVERSITY_DEGREES: readonly { bachelor: string; master: string; doctor: string }[] = Object.freeze([
  { bachelor: 'Tekniikan kandidaatti', master: 'Diplomi-insinööri', doctor: 'Tekniikan tohtori' },
  { bachelor: 'Kauppatieteiden kandidaatti', master: 'Kauppatieteiden maisteri', doctor: 'Kauppatieteiden tohtori' },
  { bachelor: 'Humanististen tieteiden kandidaatti', master: 'Filosofian maisteri', doctor: 'Filosofian tohtori' },
  { bachelor: 'Luonnontieteiden kandidaatti', master: 'Filosofian maisteri', doctor: 'Filosofian tohtori' },
  { bachelor: 'Kasvatustieteen kandidaatti', master: 'Kasvatustieteen maisteri', doctor: 'Kasvatustieteen tohtori' },
  { bachelor: 'Oikeusnotaari', master: 'Oikeustieteen maisteri', doctor: 'Oikeustieteen tohtori' },
  { bachelor: 'Valtiotieteiden kandidaatti', master: 'Valtiotieteiden maisteri', doctor: 'Valtiotieteiden tohtori' },
]);

/** Universities (yliopistot). */
export const UNIVERSITIES: readonly string[] = Object.freeze(YLIOPISTOT);

/** Comprehensive schools, for the basic education enrolments of children. */
export const COMPREHENSIVE_SCHOOLS: readonly string[] = Object.freeze(['Kalevan koulu', 'Keskuskoulu', 'Puistolan peruskoulu', 'Tapanilan koulu', 'Hervannan koulu', 'Kastellin koulu', 'Mäntymäen koulu', 'Ruusuvuoren koulu', 'Kaitaan koulu', 'Sibbo svenska skola']);
