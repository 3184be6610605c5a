import type { Insertable, Kysely } from 'kysely';
import { createRandom, epochDay, isoFromEpochDay, type Random } from '../../lib/random.js';
import { resolveSeedOptions, type CorePerson, type SeedOptions } from '../../lib/synthetic/persons.js';
import { insertTables } from '../../lib/synthetic/insertRows.js';
import { LANGUAGE_GROUPS } from '../../lib/synthetic/languages.js';
import {
  FEMALE_NAMES_OLDER,
  FEMALE_NAMES_YOUNGER,
  MALE_NAMES_OLDER,
  MALE_NAMES_YOUNGER,
  SWEDISH_SURNAMES,
  YOUNGER_NAMES_FROM_YEAR,
} from '../../lib/synthetic/names.js';
import { MUNICIPALITIES, STREET_NAMES } from '../../lib/synthetic/places.js';
import { profileOf, type PersonProfile } from '../../lib/synthetic/profile.js';
import { updatedAtFor } from '../../lib/synthetic/updatedAt.js';
import type { PopulationAddressTable, PopulationChildTable, PopulationPersonTable, PopulationTables } from './tables.js';

const SWEDISH = new Set(SWEDISH_SURNAMES);
const SWEDISH_MUNICIPALITIES = MUNICIPALITIES.filter((m) => m.swedishSpeaking);
const MUNICIPALITY_WEIGHTS = MUNICIPALITIES.map((m) => m.weight);
const LANGUAGE_WEIGHTS = LANGUAGE_GROUPS.map((g) => g.weight);
/** Each language group's nationality sets and their weights, split once rather than per person. */
const NATIONALITY_CHOICES = new Map(
  LANGUAGE_GROUPS.map((g) => [g, { sets: g.nationalities.map(([set]) => set.join(',')), weights: g.nationalities.map(([, w]) => w) }]),
);

/** Every table of the population register, parents first: what seeding empties and bulk loading fills. */
export const POPULATION_TABLE_NAMES: readonly string[] = Object.freeze(['population_person', 'population_address', 'population_child']);

/** Inserts the population register's rows for a batch of persons, in one transaction (or in `db`'s, when it is one). */
export async function seedPopulation(
  db: Kysely<PopulationTables>,
  persons: readonly CorePerson[],
  seedOptions: SeedOptions,
): Promise<void> {
  const options = resolveSeedOptions(seedOptions);
  const people: Insertable<PopulationPersonTable>[] = [];
  const addresses: Insertable<PopulationAddressTable>[] = [];
  const children: Insertable<PopulationChildTable>[] = [];
  for (const person of persons) {
    const random = createRandom(`${options.seed}:population:${person.personalIdentityCode}`);
    const profile = profileOf(person, options);
    const swedish = SWEDISH.has(person.lastName) && random.chance(0.7);
    const group = swedish ? LANGUAGE_GROUPS[1]! : random.weighted(LANGUAGE_GROUPS, LANGUAGE_WEIGHTS);
    people.push({
      person_id: person.personId,
      personal_identity_code: person.personalIdentityCode,
      first_names: person.firstNames,
      last_name: person.lastName,
      date_of_birth: person.dateOfBirth,
      nationalities: random.weighted(NATIONALITY_CHOICES.get(group)!.sets, NATIONALITY_CHOICES.get(group)!.weights),
      native_language: person.tags.length === 0 && random.chance(0.002) ? null : group.language,
      marital_status: maritalStatus(random, profile),
      updated_at: updatedAtFor(random, person.dateOfBirth, options.referenceDate),
    });
    // A few residents have no permanent address (abroad, or homeless); personas always have one.
    if (person.tags.length > 0 || !random.chance(0.002)) {
      addresses.push(address(random, person.personId, group.language === 'sv', profile.nonDisclosure));
    }
    children.push(...childrenOf(random, person, profile, options.referenceDate));
  }
  await insertTables(db, [
    ['population_person', people],
    ['population_address', addresses],
    ['population_child', children],
  ]);
}

/** Deletes every row of the population register. */
export async function clearPopulation(db: Kysely<PopulationTables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('population_child').execute();
    await trx.deleteFrom('population_address').execute();
    await trx.deleteFrom('population_person').execute();
  });
}

/** Marital status by age (after Statistics Finland's population structure, rounded). */
function maritalStatus(random: Random, profile: PersonProfile): string {
  const statuses = ['SINGLE', 'MARRIED', 'DIVORCED', 'WIDOWED', 'REGISTERED_PARTNERSHIP'];
  const { age } = profile;
  if (!profile.isAdult) return 'SINGLE';
  if (age < 25) return random.weighted(statuses, [90, 9.5, 0.5, 0, 0]);
  if (age < 35) return random.weighted(statuses, [55, 38, 6, 0.2, 0.3]);
  if (age < 65) return random.weighted(statuses, [25, 51, 20, 2, 0.5]);
  if (age < 80) return random.weighted(statuses, [10, 55, 15, 20, 0.2]);
  return random.weighted(statuses, [8, 30, 10, 52, 0]);
}

function address(random: Random, personId: string, swedish: boolean, nonDisclosure: boolean): Insertable<PopulationAddressTable> {
  const municipality =
    swedish && random.chance(0.6) ? random.pick(SWEDISH_MUNICIPALITIES) : random.weighted(MUNICIPALITIES, MUNICIPALITY_WEIGHTS);
  const apartment = random.chance(0.6) ? ` ${random.pick(['A', 'B', 'C', 'D'])} ${random.int(1, 60)}` : '';
  return {
    person_id: personId,
    street_address: `${random.pick(STREET_NAMES)} ${random.int(1, 120)}${apartment}`,
    postal_code: random.pick(municipality.postalCodes),
    municipality: municipality.name,
    non_disclosure: nonDisclosure ? 1 : 0,
  };
}

function childrenOf(random: Random, person: CorePerson, profile: PersonProfile, referenceDate: string): Insertable<PopulationChildTable>[] {
  const rows: Insertable<PopulationChildTable>[] = [];
  const born = epochDay(person.dateOfBirth);
  let earliest = born + 20 * 365 + random.int(0, 8 * 365); // first child at 20-28
  for (let ordinal = 0; ordinal < profile.childrenCount; ordinal += 1) {
    const day = earliest + random.int(0, 4 * 365);
    // The parent is at most 45 at the birth, and the child is born before the reference date; else no more children.
    if (day >= epochDay(referenceDate) || day > born + 45 * 365) break;
    const dateOfBirth = isoFromEpochDay(day);
    const girl = random.chance(0.49);
    const younger = Number(dateOfBirth.slice(0, 4)) >= YOUNGER_NAMES_FROM_YEAR;
    const pool = girl ? (younger ? FEMALE_NAMES_YOUNGER : FEMALE_NAMES_OLDER) : younger ? MALE_NAMES_YOUNGER : MALE_NAMES_OLDER;
    const first = random.pick(pool);
    let second = random.pick(girl ? FEMALE_NAMES_OLDER : MALE_NAMES_OLDER);
    if (second === first) second = random.pick(pool);
    rows.push({
      person_id: person.personId,
      ordinal,
      first_names: second === first ? first : `${first} ${second}`,
      last_name: person.lastName,
      date_of_birth: dateOfBirth,
    });
    earliest = day + 300; // siblings are at least ten months apart
  }
  return rows;
}
