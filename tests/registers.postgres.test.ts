import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { REGISTERS, type Register } from '../lib/config.js';
import { openDatabase, type HubDatabase } from '../lib/storage/database.js';
import { generatePersons } from '../lib/synthetic/generatePersons.js';
import { loadPersonas, personaPersons } from '../lib/synthetic/personas.js';
import { seedRegisters } from '../lib/synthetic/seedAll.js';
import { REGISTER_SEEDERS } from '../scripts/registerSeeders.js';
import { createEducationRegister } from '../subgraphs/education/register.js';
import { createPopulationRegister } from '../subgraphs/population/register.js';
import { createTaxRegister } from '../subgraphs/tax/register.js';
import { createVehiclesRegister } from '../subgraphs/vehicles/register.js';
import { freshPostgresDatabase } from './support/postgres.js';

const fresh = await freshPostgresDatabase();
const key = Buffer.alloc(32, 9);
const options = { seed: 'pg-test', referenceDate: '2025-06-15' };
const personas = loadPersonas();
const personaIds = personaPersons(personas, key).map((p) => p.personId);
const generatedIds = [...generatePersons({ count: 200, ...options, pseudonymKey: key, reserved: personas.map((p) => p.personalIdentityCode) })].map(
  (p) => p.personId,
);
const allIds = [...personaIds, ...generatedIds];

// Skipped loudly (freshPostgresDatabase warns) when there is no PostgreSQL; with CI=true it throws instead.
const describeWithPostgres = fresh ? describe : describe.skip;

describeWithPostgres(`registers on PostgreSQL${fresh ? '' : ' (SKIPPED: no PostgreSQL available)'}`, () => {
  let database: HubDatabase<any>;
  beforeAll(async () => {
    database = openDatabase<any>({ url: fresh!.url });
    const databases = Object.fromEntries(REGISTERS.map((r) => [r, database])) as Record<Register, HubDatabase<any>>;
    await seedRegisters({ databases, seeders: REGISTER_SEEDERS, persons: 200, ...options, pseudonymKey: key, batchSize: 64 });
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('migrates every register into the one database, with prefixed tables', async () => {
    const { rows } = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(database.db);
    const tables = rows.map((r) => r.table_name);
    for (const table of ['population_person', 'population_child', 'tax_assessment', 'vehicles_vehicle', 'vehicles_licence_medical_restriction', 'education_qualification']) {
      expect(tables).toContain(table);
    }
  });

  it('finds every seeded person in each register with one statement per call', async () => {
    const registers = {
      population: (ids: readonly string[]) => createPopulationRegister(database.db, database.engine).findPersons(ids),
      tax: (ids: readonly string[]) => createTaxRegister(database.db, database.engine).findRecords(ids),
      vehicles: (ids: readonly string[]) => createVehiclesRegister(database.db, database.engine).findRecords(ids),
      education: (ids: readonly string[]) => createEducationRegister(database.db, database.engine).findRecords(ids),
    };
    for (const [name, find] of Object.entries(registers)) {
      const before = database.queryCount();
      const found = await find([...allIds, 'p_unknown']);
      expect({ name, statements: database.queryCount() - before }).toEqual({ name, statements: 1 });
      expect(found).toHaveLength(allIds.length + 1);
      expect(found[allIds.length]).toBeNull();
    }
    const population = await registers.population(allIds);
    expect(population.every((record) => record !== null)).toBe(true);
    expect(population[0]).toMatchObject({ firstNames: 'Aino Maria', lastName: 'Virtanen', dateOfBirth: '1985-03-14' });
  });

  it('returns the same shapes as on SQLite: numbers, booleans and parsed arrays', async () => {
    const complete = personas.findIndex((p) => p.tags.includes('complete'));
    const id = personaIds[complete]!;
    const [tax] = await createTaxRegister(database.db).findRecords([id]);
    expect(tax!.assessments.map((a) => a.year)).toEqual([2024, 2023, 2022, 2021, 2020]);
    expect(typeof tax!.assessments[0]!.earnedIncome).toBe('number');
    const [vehicles] = await createVehiclesRegister(database.db).findRecords([id]);
    expect(vehicles!.vehicles.length).toBeGreaterThan(0);
    const [education] = await createEducationRegister(database.db).findRecords([id]);
    expect(typeof education!.qualifications[0]!.level).toBe('number');
    const protectedIndex = personas.findIndex((p) => p.tags.includes('non-disclosure'));
    const [person] = await createPopulationRegister(database.db).findPersons([personaIds[protectedIndex]!]);
    expect(person!.address!.nonDisclosure).toBe(true);
  });

  it('keeps medical restriction codes out of what the vehicles register returns', async () => {
    const index = personas.findIndex((p) => p.tags.includes('licence-health-restriction'));
    const codes = await database.db
      .selectFrom('vehicles_licence_medical_restriction')
      .select('code')
      .where('person_id', '=', personaIds[index]!)
      .execute();
    expect(codes.length).toBeGreaterThan(0);
    const output = JSON.stringify(await createVehiclesRegister(database.db).findRecords(allIds));
    for (const { code } of codes) expect(output).not.toContain(`"${code}"`);
  });
});

if (!fresh) {
  // A visible placeholder, so that the skip shows up in the summary and not only in the console.
  describe('registers on PostgreSQL', () => {
    it.skip('SKIPPED: PostgreSQL tests (no PostgreSQL available)', () => undefined);
  });
}
