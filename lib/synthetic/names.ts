/**
 * Common Finnish given names and surnames (after the Digital and Population Data Services Agency's name
 * statistics), split by when the names were popular so that a person's name fits their age.
 */

/** Given names popular for girls born before about 1975. */
export const FEMALE_NAMES_OLDER = Object.freeze([
  'Maria', 'Helena', 'Anneli', 'Kaarina', 'Marjatta', 'Liisa', 'Annikki', 'Hannele', 'Tuula', 'Leena',
  'Päivi', 'Sirpa', 'Pirjo', 'Ritva', 'Eila', 'Aila', 'Irmeli', 'Kristiina', 'Riitta', 'Marja',
  'Seija', 'Eeva', 'Orvokki', 'Tellervo', 'Hilkka', 'Raili', 'Sinikka', 'Elina', 'Tuulikki', 'Anja',
]);

/** Given names popular for girls born since about 1975. */
export const FEMALE_NAMES_YOUNGER = Object.freeze([
  'Johanna', 'Anna', 'Emilia', 'Sofia', 'Aino', 'Emma', 'Olivia', 'Aada', 'Ella', 'Venla',
  'Eevi', 'Linnea', 'Kerttu', 'Helmi', 'Iida', 'Sanna', 'Laura', 'Katariina', 'Elisa', 'Maija',
  'Matilda', 'Isabella', 'Lilja', 'Pihla', 'Siiri', 'Oona', 'Veera', 'Jenna', 'Noora', 'Emilia',
]);

/** Given names popular for boys born before about 1975. */
export const MALE_NAMES_OLDER = Object.freeze([
  'Juhani', 'Olavi', 'Antero', 'Tapani', 'Kalevi', 'Matti', 'Pekka', 'Kari', 'Jorma', 'Heikki',
  'Veikko', 'Seppo', 'Markku', 'Erkki', 'Raimo', 'Ilmari', 'Johannes', 'Mauri', 'Pentti', 'Timo',
  'Esa', 'Hannu', 'Reijo', 'Keijo', 'Ensio', 'Tapio', 'Martti', 'Lauri', 'Eero', 'Kalle',
]);

/** Given names popular for boys born since about 1975. */
export const MALE_NAMES_YOUNGER = Object.freeze([
  'Mikael', 'Juha', 'Mikko', 'Jari', 'Antti', 'Ville', 'Onni', 'Eino', 'Elias', 'Leo',
  'Väinö', 'Oliver', 'Aleksi', 'Eetu', 'Joonas', 'Lauri', 'Niko', 'Otto', 'Aatos', 'Toivo',
  'Jussi', 'Tuomas', 'Matias', 'Veeti', 'Emil', 'Valtteri', 'Janne', 'Teemu', 'Henrik', 'Olavi',
]);

/** The most common Finnish surnames. */
export const FINNISH_SURNAMES = Object.freeze([
  'Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen',
  'Järvinen', 'Lehtonen', 'Lehtinen', 'Saarinen', 'Salminen', 'Heinonen', 'Niemi', 'Heikkilä', 'Kinnunen',
  'Salonen', 'Turunen', 'Salo', 'Laitinen', 'Tuominen', 'Rantanen', 'Karjalainen', 'Jokinen', 'Mattila',
  'Savolainen', 'Lahtinen', 'Ahonen', 'Leinonen', 'Hiltunen', 'Hakala', 'Ojala', 'Leppänen', 'Kallio',
  'Räsänen', 'Väisänen', 'Miettinen', 'Pitkänen', 'Aaltonen', 'Manninen', 'Koivisto', 'Peltonen', 'Anttila',
  'Lappalainen', 'Kettunen', 'Rautiainen', 'Seppälä', 'Hirvonen', 'Toivonen', 'Huttunen', 'Kiiskinen',
]);

/** Common surnames of Swedish-speaking Finns. */
export const SWEDISH_SURNAMES = Object.freeze([
  'Lindqvist', 'Holmström', 'Nyman', 'Lindholm', 'Eriksson', 'Johansson', 'Andersson', 'Karlsson',
  'Lindroos', 'Sundström', 'Grönroos', 'Westerlund', 'Björklund', 'Forsman', 'Nyberg', 'Åberg',
]);

/** Year of birth from which the younger name lists apply. */
export const YOUNGER_NAMES_FROM_YEAR = 1975;
