import { createRandom } from '../random.js';
import { ageOn } from './birthDates.js';
import type { CorePerson, ResolvedSeedOptions } from './persons.js';

/** ISCED 2011 level of the highest qualification a person reaches; 0 means basic education only. */
export type EducationLevel = 0 | 3 | 6 | 7 | 8;

/**
 * The facts that more than one register depends on, derived from (seed, person) alone so that every register
 * seeder computes the same answer without seeing the others: adults own vehicles, income follows education.
 */
export interface PersonProfile {
  age: number;
  isAdult: boolean;
  educationLevel: EducationLevel;
  /** Upper secondary track (`general` = lukio) and level-6 track (`applied` = ammattikorkeakoulu). */
  educationTrack: 'general' | 'vocational' | 'applied' | 'university';
  /** Nothing at all in the education register. */
  noEducation: boolean;
  hasLicence: boolean;
  /** Medical restriction codes on the licence (health data; stays in the vehicles register). */
  licenceMedicalRestriction: boolean;
  vehicleCount: number;
  childrenCount: number;
  nonDisclosure: boolean;
  hasTaxDebt: boolean;
}

/** Profiles already derived, per person object: seeding one batch into four registers derives each once. */
const derived = new WeakMap<CorePerson, { seed: string; referenceDate: string; profile: PersonProfile }>();

/** Derives a person's cross-register profile; persona tags override chance. */
export function profileOf(person: CorePerson, options: ResolvedSeedOptions): PersonProfile {
  const { seed, referenceDate } = options;
  const known = derived.get(person);
  if (known?.seed === seed && known.referenceDate === referenceDate) return known.profile;
  const profile = deriveProfile(person, options);
  derived.set(person, { seed, referenceDate, profile });
  return profile;
}

function deriveProfile(person: CorePerson, options: ResolvedSeedOptions): PersonProfile {
  // Keyed by the identity code, not the pseudonymous id, so that the data do not change with the pseudonym key.
  const random = createRandom(`${options.seed}:profile:${person.personalIdentityCode}`);
  const tags = new Set(person.tags);
  const age = ageOn(person.dateOfBirth, options.referenceDate);
  const isAdult = age >= 18 && !tags.has('minor');
  const older = Number(person.dateOfBirth.slice(0, 4)) < 1960;
  let educationLevel = random.weighted<EducationLevel>([0, 3, 6, 7, 8], older ? [35, 40, 13, 10, 2] : [12, 45, 25, 16, 2]);
  if (tags.has('complete') && educationLevel === 0) educationLevel = 3;
  const educationTrack =
    educationLevel === 3 || educationLevel === 0
      ? random.chance(0.45) ? 'general' : 'vocational'
      : educationLevel === 6 && random.chance(0.65) ? 'applied' : 'university';
  let hasLicence = isAdult && random.chance(age >= 75 ? 0.6 : 0.82);
  if (isAdult && (tags.has('vehicles') || tags.has('complete') || tags.has('licence-health-restriction'))) hasLicence = true;
  let vehicleCount = isAdult ? random.weighted([0, 1, 2, 3, 4], hasLicence ? [38, 42, 15, 4, 1] : [90, 10, 0, 0, 0]) : 0;
  if (isAdult && tags.has('vehicles')) vehicleCount = Math.max(vehicleCount, 2);
  if (isAdult && tags.has('complete')) vehicleCount = Math.max(vehicleCount, 1);
  const licenceMedicalRestriction =
    hasLicence && (tags.has('licence-health-restriction') || random.chance(age >= 60 ? 0.2 : 0.05));
  return {
    age,
    isAdult,
    educationLevel,
    educationTrack,
    // Adults with basic education only have nothing in the register (it holds basic education since 2018).
    noEducation: tags.has('no-education') || (age >= 25 && educationLevel === 0) || age < 6,
    hasLicence,
    licenceMedicalRestriction,
    vehicleCount,
    childrenCount: isAdult ? childrenFor(random.next(), age) : 0,
    nonDisclosure: tags.has('non-disclosure') || random.chance(0.003),
    hasTaxDebt: isAdult && random.chance(0.04),
  };
}

/** Children by the parent's age, after Statistics Finland's family statistics (rounded). */
function childrenFor(draw: number, age: number): number {
  const shares = age < 25 ? [0.9, 0.08, 0.02] : age < 35 ? [0.5, 0.25, 0.2, 0.05] : [0.22, 0.18, 0.35, 0.17, 0.08];
  let left = draw;
  for (let count = 0; count < shares.length; count += 1) {
    left -= shares[count]!;
    if (left < 0) return count;
  }
  return shares.length - 1;
}
