import { epochDay } from '../random.js';

/** Oldest age (in whole years) that generated persons reach; ages span 0 to this. */
export const MAX_AGE = 109;

/**
 * Relative number of residents of each age in Finland (after Statistics Finland's population structure,
 * rounded): fewer small children since the birth rate fell in the 2010s, the large post-war cohorts, then
 * the thinning of the oldest ages.
 */
export function ageWeight(age: number): number {
  if (age < 5) return 0.65;
  if (age < 10) return 0.78;
  if (age < 60) return 0.95;
  if (age < 75) return 1;
  if (age < 80) return 0.8;
  if (age < 85) return 0.55;
  if (age < 90) return 0.32;
  if (age < 95) return 0.12;
  if (age < 100) return 0.03;
  return 0.002;
}

/** The same calendar day `years` earlier, 29 February falling on 1 March; as an epoch day number. */
export function yearsBefore(isoDate: string, years: number): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y - years, m - 1, d) / 86_400_000);
}

/** Whole years from an ISO date of birth to an ISO reference date. */
export function ageOn(dateOfBirth: string, referenceDate: string): number {
  // Compared as MM-DD text: the same order as numbers for ISO dates, and cheaper (profiles ask once per person).
  const years = Number(referenceDate.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return years - (referenceDate.slice(5, 10) < dateOfBirth.slice(5, 10) ? 1 : 0);
}

/** The epoch-day range `[first, last]` of birth dates that make someone `age` years old on the reference date. */
export function birthDayRange(referenceDate: string, age: number): [number, number] {
  return [yearsBefore(referenceDate, age + 1) + 1, yearsBefore(referenceDate, age)];
}

/** Checks that a reference date is an ISO date; returns its epoch day. */
export function referenceDay(referenceDate: string): number {
  if (typeof referenceDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(referenceDate)) {
    throw new TypeError(`option "referenceDate" must be an ISO date (YYYY-MM-DD), got ${JSON.stringify(referenceDate)}`);
  }
  return epochDay(referenceDate);
}
