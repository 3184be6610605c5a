/** Tags of the test personas (CONTRACT.md, "Test personas"); the seeders honour each. */
export const PERSONA_TAGS = Object.freeze([
  'complete',
  'vehicles',
  'no-education',
  'minor',
  'non-disclosure',
  'licence-health-restriction',
] as const);

/** One of {@link PERSONA_TAGS}. */
export type PersonaTag = (typeof PERSONA_TAGS)[number];

/**
 * The identity every register's seeder starts from. Registers derive the rest of their data from the seed and
 * this person alone, so the four registers agree about each person without talking to each other.
 */
export interface CorePerson {
  /** The pseudonymous id that every register is keyed by (`personIdFor`). */
  personId: string;
  personalIdentityCode: string;
  firstNames: string;
  lastName: string;
  sex: 'female' | 'male';
  /** ISO 8601 date. */
  dateOfBirth: string;
  /** Persona tags; empty for generated persons. */
  tags: readonly PersonaTag[];
  /**
   * A number unique to this person within one seeding run (personas 0-999, generated persons from 1000); it
   * gives values that must be unique across the whole register, like registration plates, without a lookup.
   */
  serial: number;
}

/** What every register seeder needs besides the persons. */
export interface SeedOptions {
  /** The run's seed; the same seed gives the same data. */
  seed: string;
  /** The day that ages, tax years and validity dates are computed from: an ISO date, or a Date (its UTC day). */
  referenceDate: string | Date;
}

/** {@link SeedOptions} with the reference date as an ISO date. */
export interface ResolvedSeedOptions {
  seed: string;
  referenceDate: string;
}

/** Checks seed options and turns the reference date into an ISO date. */
export function resolveSeedOptions(options: SeedOptions): ResolvedSeedOptions {
  if (typeof options?.seed !== 'string') throw new TypeError('option "seed" must be a string');
  const { referenceDate } = options;
  const iso =
    referenceDate instanceof Date && !Number.isNaN(referenceDate.getTime())
      ? referenceDate.toISOString().slice(0, 10)
      : referenceDate;
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(Date.parse(iso))) {
    throw new TypeError('option "referenceDate" must be an ISO date (YYYY-MM-DD) or a valid Date');
  }
  return { seed: options.seed, referenceDate: iso };
}

/** First serial of generated persons; serials below it belong to personas. */
export const GENERATED_SERIAL_OFFSET = 1000;
