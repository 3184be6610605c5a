import { CENTURY_SIGNS, formatHetu, parseHetu } from '../hetu.js';
import { personIdFor } from '../personId.js';
import { createRandom, isoFromEpochDay, type Random } from '../random.js';
import { ageWeight, birthDayRange, MAX_AGE, referenceDay } from './birthDates.js';
import { GENERATED_SERIAL_OFFSET, resolveSeedOptions, type CorePerson } from './persons.js';
import {
  FEMALE_NAMES_OLDER,
  FEMALE_NAMES_YOUNGER,
  FINNISH_SURNAMES,
  MALE_NAMES_OLDER,
  MALE_NAMES_YOUNGER,
  SWEDISH_SURNAMES,
  YOUNGER_NAMES_FROM_YEAR,
} from './names.js';

/** Options for {@link generatePersons}. */
export interface GeneratePersonsOptions {
  count: number;
  seed: string;
  /** The day ages are relative to: an ISO date or a Date (its UTC day). */
  referenceDate: string | Date;
  pseudonymKey: Buffer;
  /** Identity codes already taken (the personas); generated codes never repeat them. */
  reserved?: Iterable<string>;
}

/** Most persons one run generates: registration plates are allotted four per person from a space of ~12 million. */
export const MAX_GENERATED_PERSONS = 3_000_000;

/**
 * How often each century-sign variant is used. The signs added in 2023 (`Y`-`U`, `B`-`F`) go to codes issued
 * since then, a small share of residents; the traditional `-` and `A` cover everyone else. No living person
 * was born in the 1800s, so `+` is never generated.
 */
const SIGN_VARIANT_WEIGHTS = [0.965, 0.02, 0.007, 0.004, 0.002, 0.002];
const VARIANTS = [0, 1, 2, 3, 4, 5];
const TEMPORARY_NUMBERS = 100; // 900-999

/**
 * Streams `count` synthetic persons with unique, valid, temporary identity codes (individual numbers 900-999).
 * Deterministic for (seed, referenceDate, reserved); the first N persons are the same whatever the count.
 * Memory stays flat: the only state is a bitmap of the codes taken (3 MB), never the persons themselves.
 */
export function generatePersons(options: GeneratePersonsOptions): Generator<CorePerson> {
  const { count, pseudonymKey } = options;
  if (!Number.isInteger(count) || count < 0 || count > MAX_GENERATED_PERSONS) {
    throw new TypeError(`generatePersons: option "count" must be an integer 0-${MAX_GENERATED_PERSONS}, got ${String(count)}`);
  }
  if (!Buffer.isBuffer(pseudonymKey)) throw new TypeError('generatePersons: option "pseudonymKey" must be a Buffer');
  const { seed, referenceDate } = resolveSeedOptions(options);
  const lastDay = referenceDay(referenceDate);
  const ages = Array.from({ length: MAX_AGE + 1 }, (_, age) => age);
  const weights = ages.map(ageWeight);
  // Each age's range of birth days, once: computing it per person was a tenth of generating one.
  const ranges = ages.map((age) => birthDayRange(referenceDate, age));
  const firstDay = birthDayRange(referenceDate, MAX_AGE)[0];
  const taken = new CodeBitmap(firstDay, lastDay);
  for (const code of options.reserved ?? []) taken.reserve(code);
  return stream();

  function* stream(): Generator<CorePerson> {
    const random = createRandom(`${seed}:persons`);
    for (let i = 0; i < count; i += 1) {
      const [from, to] = ranges[random.weighted(ages, weights)]!;
      const variant = random.weighted(VARIANTS, SIGN_VARIANT_WEIGHTS);
      const { day, individualNumber } = taken.claim(random.int(from, to), variant, random.int(900, 999));
      const dateOfBirth = isoFromEpochDay(day);
      const personalIdentityCode = formatHetu(dateOfBirth, individualNumber, variant);
      const sex = individualNumber % 2 === 0 ? 'female' : 'male';
      yield {
        personId: personIdFor(personalIdentityCode, pseudonymKey),
        personalIdentityCode,
        ...nameFor(random, sex, Number(dateOfBirth.slice(0, 4))),
        sex,
        dateOfBirth,
        tags: [],
        serial: GENERATED_SERIAL_OFFSET + i,
      };
    }
  }
}

function nameFor(random: Random, sex: 'female' | 'male', birthYear: number): { firstNames: string; lastName: string } {
  const younger = birthYear >= YOUNGER_NAMES_FROM_YEAR;
  const pool =
    sex === 'female' ? (younger ? FEMALE_NAMES_YOUNGER : FEMALE_NAMES_OLDER) : younger ? MALE_NAMES_YOUNGER : MALE_NAMES_OLDER;
  const wanted = random.weighted([1, 2, 3], [0.15, 0.65, 0.2]);
  const names: string[] = [];
  while (names.length < wanted) {
    // Middle names are often from the older pool (named after a grandparent).
    const name = random.pick(names.length > 0 && random.chance(0.4) ? (sex === 'female' ? FEMALE_NAMES_OLDER : MALE_NAMES_OLDER) : pool);
    if (!names.includes(name)) names.push(name);
  }
  const lastName = random.chance(0.06) ? random.pick(SWEDISH_SURNAMES) : random.pick(FINNISH_SURNAMES);
  return { firstNames: names.join(' '), lastName };
}

/** One bit per possible temporary code: (birth day, century-sign variant, individual number 900-999). */
class CodeBitmap {
  private readonly bits: Uint8Array;
  constructor(
    private readonly firstDay: number,
    private readonly lastDay: number,
  ) {
    this.bits = new Uint8Array(Math.ceil(((lastDay - firstDay + 1) * VARIANTS.length * TEMPORARY_NUMBERS) / 8));
  }

  reserve(code: string): void {
    const { dateOfBirth, centurySign, individualNumber } = parseHetu(code);
    const day = Math.round(Date.parse(`${dateOfBirth}T00:00:00Z`) / 86_400_000);
    const century = Number(dateOfBirth.slice(0, 2)) * 100;
    const variant = (CENTURY_SIGNS[century as 1900 | 2000] as readonly string[] | undefined)?.indexOf(centurySign) ?? -1;
    if (individualNumber < 900 || variant < 0 || day < this.firstDay || day > this.lastDay) return; // cannot collide
    this.set(this.index(day, variant, individualNumber));
  }

  /**
   * Takes the wanted code, or the next free individual number on that day, or else the same on the following
   * days: a deterministic dedupe that moves a birth date by a day only once a day's 100 numbers are all used.
   */
  claim(wantedDay: number, variant: number, wantedNumber: number): { day: number; individualNumber: number } {
    const span = this.lastDay - this.firstDay + 1;
    for (let shift = 0; shift < span; shift += 1) {
      const day = this.firstDay + ((wantedDay - this.firstDay + shift) % span);
      for (let step = 0; step < TEMPORARY_NUMBERS; step += 1) {
        const individualNumber = 900 + ((wantedNumber - 900 + step) % TEMPORARY_NUMBERS);
        const index = this.index(day, variant, individualNumber);
        if (!this.has(index)) {
          this.set(index);
          return { day, individualNumber };
        }
      }
    }
    throw new RangeError('generatePersons: every temporary identity code is taken');
  }

  private index(day: number, variant: number, individualNumber: number): number {
    return ((day - this.firstDay) * VARIANTS.length + variant) * TEMPORARY_NUMBERS + (individualNumber - 900);
  }
  private has(index: number): boolean {
    return (this.bits[index >> 3]! & (1 << (index & 7))) !== 0;
  }
  private set(index: number): void {
    this.bits[index >> 3] = this.bits[index >> 3]! | (1 << (index & 7));
  }
}
