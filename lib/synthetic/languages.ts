/** A native language (ISO 639-1), its share of residents and the nationalities its speakers usually hold. */
export interface LanguageGroup {
  language: string;
  weight: number;
  /** Nationality sets (ISO 3166-1 alpha-2) with weights. */
  nationalities: readonly (readonly [readonly string[], number])[];
}

/** Native languages of Finland's residents (after Statistics Finland, rounded to whole per mille). */
export const LANGUAGE_GROUPS: readonly LanguageGroup[] = Object.freeze([
  { language: 'fi', weight: 855, nationalities: [[['FI'], 99], [['FI', 'SE'], 1]] },
  { language: 'sv', weight: 52, nationalities: [[['FI'], 96], [['FI', 'SE'], 3], [['SE'], 1]] },
  { language: 'ru', weight: 17, nationalities: [[['FI'], 20], [['FI', 'RU'], 50], [['RU'], 30]] },
  { language: 'et', weight: 9, nationalities: [[['EE'], 60], [['FI', 'EE'], 20], [['FI'], 20]] },
  { language: 'ar', weight: 7, nationalities: [[['IQ'], 35], [['SY'], 25], [['FI', 'IQ'], 40]] },
  { language: 'en', weight: 6, nationalities: [[['GB'], 35], [['US'], 25], [['IN'], 20], [['FI', 'GB'], 20]] },
  { language: 'so', weight: 5, nationalities: [[['SO'], 30], [['FI', 'SO'], 45], [['FI'], 25]] },
  { language: 'fa', weight: 4, nationalities: [[['IR'], 50], [['AF'], 40], [['FI', 'IR'], 10]] },
  { language: 'zh', weight: 3, nationalities: [[['CN'], 80], [['FI'], 20]] },
  { language: 'vi', weight: 3, nationalities: [[['VN'], 50], [['FI', 'VN'], 50]] },
  { language: 'ku', weight: 3, nationalities: [[['IQ'], 60], [['FI', 'IQ'], 40]] },
  { language: 'th', weight: 2, nationalities: [[['TH'], 60], [['FI', 'TH'], 40]] },
]);
