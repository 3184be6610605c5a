import type { Insertable, Kysely } from 'kysely';
import { createRandom, epochDay, isoFromEpochDay, type Random } from '../../lib/random.js';
import { insertTables } from '../../lib/synthetic/insertRows.js';
import { resolveSeedOptions, type CorePerson, type SeedOptions } from '../../lib/synthetic/persons.js';
import { profileOf, type PersonProfile } from '../../lib/synthetic/profile.js';
import { addYears, updatedAtFor } from '../../lib/synthetic/updatedAt.js';
import { LICENCE_CATEGORIES, MEDICAL_RESTRICTION_CODES, PLATE_LETTERS, VEHICLE_MODELS, type VehicleModel } from '../../lib/synthetic/vehicleCatalogue.js';
import type {
  VehiclesLicenceMedicalRestrictionTable,
  VehiclesLicenceTable,
  VehiclesPersonTable,
  VehiclesTables,
  VehiclesVehicleTable,
} from './tables.js';

/** Plates allotted to each person's serial; nobody gets more vehicles than this. */
const PLATES_PER_PERSON = 4;
const PLATE_SPACE = PLATE_LETTERS.length ** 3 * 999;
/** Multiplier coprime to the plate space (23³·3³·37), so that serial → plate is a bijection that looks random. */
const PLATE_STRIDE = 1_000_003;

/** Every table of the vehicles register, parents first: what seeding empties and bulk loading fills. */
export const VEHICLES_TABLE_NAMES: readonly string[] = Object.freeze(['vehicles_person', 'vehicles_vehicle', 'vehicles_licence', 'vehicles_licence_medical_restriction']);

/** Inserts the vehicles register's rows for a batch of persons, in one transaction (or in `db`'s, when it is one). */
export async function seedVehicles(db: Kysely<VehiclesTables>, persons: readonly CorePerson[], seedOptions: SeedOptions): Promise<void> {
  const options = resolveSeedOptions(seedOptions);
  const people: Insertable<VehiclesPersonTable>[] = [];
  const vehicles: Insertable<VehiclesVehicleTable>[] = [];
  const licences: Insertable<VehiclesLicenceTable>[] = [];
  const restrictions: Insertable<VehiclesLicenceMedicalRestrictionTable>[] = [];
  for (const person of persons) {
    const profile = profileOf(person, options);
    if (!profile.hasLicence && profile.vehicleCount === 0) continue; // children and non-drivers are not in the register
    const random = createRandom(`${options.seed}:vehicles:${person.personalIdentityCode}`);
    people.push({ person_id: person.personId, updated_at: updatedAtFor(random, person.dateOfBirth, options.referenceDate) });
    const categories = profile.hasLicence ? licenceCategories(random) : [];
    if (profile.hasLicence) {
      const issuedOn = random.date(
        isoFromEpochDay(Math.max(epochDay(addYears(person.dateOfBirth, 18)), epochDay(addYears(options.referenceDate, -15)) + 1)),
        options.referenceDate,
      );
      // A licence is valid for 15 years, and from the age of 70 for five at a time (Driving Licence Act 18 §).
      const validUntil = profile.age >= 65 ? addYears(issuedOn, 5) : addYears(issuedOn, 15);
      licences.push({ person_id: person.personId, categories: categories.join(','), issued_on: issuedOn, valid_until: validUntil });
      if (profile.licenceMedicalRestriction) {
        const codes = new Set([profile.age >= 60 && random.chance(0.6) ? '01.06' : random.pick(MEDICAL_RESTRICTION_CODES)]);
        if (random.chance(0.25)) codes.add(random.pick(MEDICAL_RESTRICTION_CODES));
        for (const code of codes) restrictions.push({ person_id: person.personId, code });
      }
    }
    const motorcycles = categories.includes('A') || categories.includes('A2');
    for (let index = 0; index < Math.min(profile.vehicleCount, PLATES_PER_PERSON); index += 1) {
      const model = pickModel(random, motorcycles);
      const firstYear = Math.max(model.from, Number(person.dateOfBirth.slice(0, 4)) + 18);
      const lastYear = Math.min(model.to, Number(options.referenceDate.slice(0, 4)));
      const year = random.int(Math.min(firstYear, lastYear), lastYear);
      const firstRegistered = random.date(`${year}-01-01`, `${year}-12-31`);
      vehicles.push({
        registration_number: plateFor(person.serial * PLATES_PER_PERSON + index),
        person_id: person.personId,
        role: random.chance(0.15) ? 'HOLDER' : 'OWNER', // holders drive leased or company cars
        make: model.make,
        model: model.model,
        vehicle_class: model.vehicleClass,
        first_registered: firstRegistered > options.referenceDate ? options.referenceDate : firstRegistered,
      });
    }
  }
  await insertTables(db, [
    ['vehicles_person', people],
    ['vehicles_vehicle', vehicles],
    ['vehicles_licence', licences],
    ['vehicles_licence_medical_restriction', restrictions],
  ]);
}

/** Deletes every row of the vehicles register, health data included. */
export async function clearVehicles(db: Kysely<VehiclesTables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('vehicles_licence_medical_restriction').execute();
    await trx.deleteFrom('vehicles_licence').execute();
    await trx.deleteFrom('vehicles_vehicle').execute();
    await trx.deleteFrom('vehicles_person').execute();
  });
}

/** A unique plate like `ABC-123` for a slot number: unique without a lookup, because the mapping is a bijection. */
function plateFor(slot: number): string {
  if (slot >= PLATE_SPACE) throw new RangeError('seedVehicles: out of registration plates');
  const n = (slot * PLATE_STRIDE + 7_919) % PLATE_SPACE;
  let letters = Math.floor(n / 999);
  let prefix = '';
  for (let i = 0; i < 3; i += 1) {
    prefix = PLATE_LETTERS[letters % PLATE_LETTERS.length]! + prefix;
    letters = Math.floor(letters / PLATE_LETTERS.length);
  }
  return `${prefix}-${(n % 999) + 1}`;
}

const CAR_MODELS = VEHICLE_MODELS.filter((m) => m.vehicleClass !== 'L3e');
const ALL_MODEL_WEIGHTS = VEHICLE_MODELS.map((m) => m.weight);
const CAR_MODEL_WEIGHTS = CAR_MODELS.map((m) => m.weight);
function pickModel(random: Random, motorcycles: boolean): VehicleModel {
  return motorcycles ? random.weighted(VEHICLE_MODELS, ALL_MODEL_WEIGHTS) : random.weighted(CAR_MODELS, CAR_MODEL_WEIGHTS);
}

/** Categories with what each implies (B gives AM in Finland; A gives A2 and A1; C gives C1; D gives D1). */
function licenceCategories(random: Random): string[] {
  const held = new Set(['AM', 'B']);
  if (random.chance(0.12)) ['A1', 'A2', 'A'].forEach((c) => held.add(c));
  else if (random.chance(0.04)) ['A1', 'A2'].forEach((c) => held.add(c));
  if (random.chance(0.2)) held.add('BE');
  if (random.chance(0.06)) ['C1', 'C'].forEach((c) => held.add(c));
  else if (random.chance(0.05)) held.add('C1');
  if (held.has('C') && random.chance(0.5)) ['C1E', 'CE'].forEach((c) => held.add(c));
  if (random.chance(0.015)) ['D1', 'D'].forEach((c) => held.add(c));
  if (held.has('D') && random.chance(0.2)) ['D1E', 'DE'].forEach((c) => held.add(c));
  return LICENCE_CATEGORIES.filter((c) => held.has(c));
}
