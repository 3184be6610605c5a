/** A municipality with real postal codes in it and its share of the population. */
export interface Municipality {
  name: string;
  /** Relative population (thousands of residents, rounded). */
  weight: number;
  postalCodes: readonly string[];
  /** Swedish-speaking or bilingual with a large Swedish-speaking share. */
  swedishSpeaking?: boolean;
}

/** The larger Finnish municipalities with a sample of their postal codes. */
export const MUNICIPALITIES: readonly Municipality[] = Object.freeze([
  { name: 'Helsinki', weight: 675, postalCodes: ['00100', '00120', '00140', '00150', '00170', '00180', '00200', '00250', '00300', '00320', '00380', '00400', '00430', '00500', '00530', '00560', '00610', '00650', '00700', '00720', '00800', '00840', '00900', '00940', '00980'] },
  { name: 'Espoo', weight: 310, postalCodes: ['02100', '02130', '02150', '02160', '02180', '02200', '02230', '02320', '02600', '02650', '02700', '02750', '02770', '02940'] },
  { name: 'Tampere', weight: 255, postalCodes: ['33100', '33180', '33200', '33230', '33270', '33400', '33500', '33540', '33560', '33580', '33710', '33720', '33800', '33900'] },
  { name: 'Vantaa', weight: 245, postalCodes: ['01300', '01350', '01360', '01400', '01450', '01480', '01510', '01600', '01620', '01660', '01730', '01760'] },
  { name: 'Oulu', weight: 215, postalCodes: ['90100', '90120', '90130', '90220', '90230', '90240', '90400', '90420', '90500', '90540', '90570', '90650', '90800'] },
  { name: 'Turku', weight: 205, postalCodes: ['20100', '20200', '20240', '20300', '20320', '20360', '20400', '20500', '20520', '20610', '20700', '20740', '20810', '20880'] },
  { name: 'Jyväskylä', weight: 148, postalCodes: ['40100', '40200', '40250', '40320', '40340', '40400', '40520', '40530', '40600', '40640', '40700', '40800'] },
  { name: 'Lahti', weight: 121, postalCodes: ['15100', '15110', '15140', '15150', '15170', '15200', '15300', '15500', '15610', '15700', '15800', '15900'] },
  { name: 'Kuopio', weight: 125, postalCodes: ['70100', '70110', '70150', '70200', '70300', '70340', '70420', '70500', '70620', '70780', '70800', '70840'] },
  { name: 'Pori', weight: 83, postalCodes: ['28100', '28120', '28130', '28190', '28220', '28300', '28360', '28400', '28500', '28600'] },
  { name: 'Kouvola', weight: 79, postalCodes: ['45100', '45130', '45160', '45200', '45610', '45700', '45720', '45910'] },
  { name: 'Joensuu', weight: 78, postalCodes: ['80100', '80110', '80130', '80140', '80160', '80200', '80220', '80230'] },
  { name: 'Lappeenranta', weight: 73, postalCodes: ['53100', '53130', '53300', '53500', '53600', '53810', '53850', '53920'] },
  { name: 'Hämeenlinna', weight: 68, postalCodes: ['13100', '13130', '13200', '13210', '13270', '13300', '13500', '13600'] },
  { name: 'Vaasa', weight: 68, postalCodes: ['65100', '65200', '65230', '65280', '65300', '65320', '65350', '65370'], swedishSpeaking: true },
  { name: 'Seinäjoki', weight: 65, postalCodes: ['60100', '60120', '60150', '60200', '60320', '60510', '60550', '60800'] },
  { name: 'Rovaniemi', weight: 65, postalCodes: ['96100', '96190', '96200', '96300', '96400', '96440', '96500', '96600'] },
  { name: 'Mikkeli', weight: 52, postalCodes: ['50100', '50130', '50150', '50170', '50180', '50190', '50600', '50670'] },
  { name: 'Porvoo', weight: 51, postalCodes: ['06100', '06150', '06400', '06450', '06500', '06650', '06750'], swedishSpeaking: true },
  { name: 'Salo', weight: 51, postalCodes: ['24100', '24130', '24240', '24260', '24280', '24800', '24910'] },
  { name: 'Kotka', weight: 51, postalCodes: ['48100', '48200', '48230', '48300', '48400', '48600', '48800', '48910'] },
  { name: 'Kokkola', weight: 48, postalCodes: ['67100', '67200', '67300', '67400', '67600', '67700', '67800'], swedishSpeaking: true },
  { name: 'Kajaani', weight: 36, postalCodes: ['87100', '87200', '87250', '87300', '87400', '87500', '87700', '87900'] },
  { name: 'Savonlinna', weight: 32, postalCodes: ['57100', '57130', '57170', '57200', '57220', '57230', '57600', '57710'] },
  { name: 'Raasepori', weight: 27, postalCodes: ['10300', '10600', '10650', '10900', '10960'], swedishSpeaking: true },
  { name: 'Pietarsaari', weight: 19, postalCodes: ['68600', '68620', '68660'], swedishSpeaking: true },
  { name: 'Maarianhamina', weight: 12, postalCodes: ['22100', '22110', '22120'], swedishSpeaking: true },
]);

/** Street names found in most Finnish towns. */
export const STREET_NAMES = Object.freeze([
  'Koulukatu', 'Rantatie', 'Puistokatu', 'Kirkkokatu', 'Asemakatu', 'Kauppakatu', 'Mäkitie', 'Koivukuja',
  'Mäntytie', 'Kuusitie', 'Pihlajatie', 'Rauhankatu', 'Tehtaankatu', 'Satamakatu', 'Myllytie', 'Kalliotie',
  'Harjukatu', 'Aleksanterinkatu', 'Linnankatu', 'Sairaalakatu', 'Urheilukatu', 'Tapiolantie', 'Jokikatu',
  'Niittytie', 'Peltotie', 'Metsätie', 'Vaahterakuja', 'Lehtotie', 'Kanervatie', 'Ojatie', 'Suvantokatu',
  'Hämeenkatu', 'Kalevankatu', 'Sibeliuksenkatu', 'Runebergintie', 'Topeliuksenkatu', 'Väinölänkatu',
]);
