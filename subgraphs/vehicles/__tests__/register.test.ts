import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type HubDatabase } from '../../../lib/storage/database.js';
import { generatePersons } from '../../../lib/synthetic/generatePersons.js';
import { loadPersonas, personaPersons } from '../../../lib/synthetic/personas.js';
import type { CorePerson, PersonaTag } from '../../../lib/synthetic/persons.js';
import { migrateVehicles } from '../migrations.js';
import { createVehiclesRegister } from '../register.js';
import { clearVehicles, seedVehicles } from '../seed.js';
import type { VehiclesTables } from '../tables.js';

const key = Buffer.alloc(32, 7);
const options = { seed: 'test', referenceDate: '2025-06-15' };
const personas = loadPersonas();
const persons: CorePerson[] = [
  ...personaPersons(personas, key),
  ...generatePersons({ count: 300, ...options, pseudonymKey: key, reserved: personas.map((p) => p.personalIdentityCode) }),
];
const ids = persons.map((p) => p.personId);
const tagged = (tag: PersonaTag): CorePerson[] => persons.filter((p) => p.tags.includes(tag));

describe('vehicles register', () => {
  let database: HubDatabase<VehiclesTables>;
  beforeAll(async () => {
    database = openDatabase<VehiclesTables>({ url: 'sqlite::memory:' });
    await migrateVehicles(database.db);
    await seedVehicles(database.db, persons, options);
  });
  afterAll(async () => database.close());

  it('finds records in the order asked, null for unknown ids, in one SQL statement', async () => {
    const register = createVehiclesRegister(database.db, database.engine);
    const before = database.queryCount();
    const found = await register.findRecords(['p_unknown', persons[0]!.personId]);
    expect(database.queryCount() - before).toBe(1);
    expect(found[0]).toBeNull();
    expect(found[1]).not.toBeNull();
    const beforeMany = database.queryCount();
    expect(await register.findRecords(ids)).toHaveLength(ids.length);
    expect(database.queryCount() - beforeMany).toBe(1);
  });

  it('gives the vehicles persona two or more vehicles with Finnish plates', async () => {
    const records = await createVehiclesRegister(database.db).findRecords(tagged('vehicles').map((p) => p.personId));
    for (const record of records) {
      expect(record!.vehicles.length).toBeGreaterThanOrEqual(2);
      for (const v of record!.vehicles) {
        expect(v.registrationNumber).toMatch(/^[A-Z]{3}-[1-9]\d{0,2}$/);
        expect(['M1', 'N1', 'L3e']).toContain(v.vehicleClass);
        expect(['OWNER', 'HOLDER']).toContain(v.role);
        expect(v.firstRegistered <= options.referenceDate).toBe(true);
      }
      expect(record!.licence!.categories).toContain('B');
    }
  });

  it('gives minors neither vehicles nor a licence, and every plate once', async () => {
    const records = await createVehiclesRegister(database.db).findRecords(ids);
    persons.forEach((person, i) => {
      if (person.dateOfBirth > '2007-06-15' || person.tags.includes('minor')) expect(records[i]).toBeNull();
    });
    const plates = records.flatMap((r) => r?.vehicles.map((v) => v.registrationNumber) ?? []);
    expect(new Set(plates).size).toBe(plates.length);
    expect(plates.length).toBeGreaterThan(100);
  });

  it('keeps medical restriction codes in the register and never returns them', async () => {
    const restricted = tagged('licence-health-restriction');
    expect(restricted.length).toBeGreaterThan(0);
    const stored = await database.db
      .selectFrom('vehicles_licence_medical_restriction')
      .select(['person_id', 'code'])
      .where('person_id', 'in', restricted.map((p) => p.personId))
      .execute();
    for (const person of restricted) {
      const codes = stored.filter((row) => row.person_id === person.personId).map((row) => row.code);
      expect(codes.length).toBeGreaterThan(0);
      for (const code of codes) expect(code).toMatch(/^0[1-5](\.\d{2})?$/);
    }
    const output = JSON.stringify(await createVehiclesRegister(database.db).findRecords(ids));
    const allCodes = await database.db.selectFrom('vehicles_licence_medical_restriction').select('code').distinct().execute();
    expect(allCodes.length).toBeGreaterThan(1); // some generated adults have codes too
    for (const { code } of allCodes) expect(output).not.toContain(`"${code}"`);
    expect(output).not.toMatch(/medical|restriction/i);
    // And the read access does not even name the table.
    const source = readFileSync(new URL('../register.ts', import.meta.url), 'utf8');
    expect(source).not.toContain('vehicles_licence_medical_restriction');
  });

  it('clears every row', async () => {
    await clearVehicles(database.db);
    expect(await createVehiclesRegister(database.db).findRecords(ids.slice(0, 2))).toEqual([null, null]);
    expect(await database.db.selectFrom('vehicles_licence_medical_restriction').select('code').execute()).toEqual([]);
  });
});
