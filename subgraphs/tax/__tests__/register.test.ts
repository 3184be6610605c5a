import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type HubDatabase } from '../../../lib/storage/database.js';
import { generatePersons } from '../../../lib/synthetic/generatePersons.js';
import { loadPersonas, personaPersons } from '../../../lib/synthetic/personas.js';
import type { CorePerson } from '../../../lib/synthetic/persons.js';
import { migrateTax } from '../migrations.js';
import { createTaxRegister } from '../register.js';
import { clearTax, seedTax } from '../seed.js';
import type { TaxTables } from '../tables.js';

const key = Buffer.alloc(32, 7);
const options = { seed: 'test', referenceDate: '2025-06-15' };
const personas = loadPersonas();
const persons: CorePerson[] = [
  ...personaPersons(personas, key),
  ...generatePersons({ count: 200, ...options, pseudonymKey: key, reserved: personas.map((p) => p.personalIdentityCode) }),
];
const ids = persons.map((p) => p.personId);

describe('tax register', () => {
  let database: HubDatabase<TaxTables>;
  beforeAll(async () => {
    database = openDatabase<TaxTables>({ url: 'sqlite::memory:' });
    await migrateTax(database.db);
    await seedTax(database.db, persons, options);
  });
  afterAll(async () => database.close());

  it('finds records in the order asked, null for unknown ids, in one SQL statement', async () => {
    const register = createTaxRegister(database.db, database.engine);
    const before = database.queryCount();
    const found = await register.findRecords([persons[0]!.personId, 'p_unknown', persons[1]!.personId]);
    expect(database.queryCount() - before).toBe(1);
    expect(found[0]).not.toBeNull();
    expect(found[1]).toBeNull();
    expect(found[2]).not.toBeNull();
    const beforeMany = database.queryCount();
    await register.findRecords(ids);
    expect(database.queryCount() - beforeMany).toBe(1);
  });

  it('holds the five tax years before the reference year, newest first, in euros and cents', async () => {
    const [aino] = await createTaxRegister(database.db).findRecords([persons[0]!.personId]);
    expect(aino!.assessments.map((a) => a.year)).toEqual([2024, 2023, 2022, 2021, 2020]);
    for (const a of aino!.assessments) {
      expect(a.earnedIncome).toBeGreaterThan(0);
      expect(a.taxesPaid).toBeGreaterThan(0);
      expect(a.taxesPaid).toBeLessThan(a.earnedIncome + a.capitalIncome);
      expect(Math.round(a.earnedIncome * 100) / 100).toBe(a.earnedIncome);
    }
    expect(aino!.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('gives a minority tax debt and leaves young children out', async () => {
    const records = await createTaxRegister(database.db).findRecords(ids);
    const withDebt = records.filter((r) => r?.debt);
    expect(withDebt.length).toBeGreaterThan(0);
    expect(withDebt.length).toBeLessThan(records.length / 4);
    for (const r of withDebt) expect(r!.debt!.amount).toBeGreaterThan(0);
    persons.forEach((person, i) => {
      if (person.dateOfBirth > '2010-01-01') expect(records[i]?.assessments.length ?? 0).toBe(0);
    });
    const complete = persons.filter((p) => p.tags.includes('complete'));
    for (const p of complete) expect(records[ids.indexOf(p.personId)]).not.toBeNull();
  });

  it('clears every row', async () => {
    await clearTax(database.db);
    expect(await createTaxRegister(database.db).findRecords(ids.slice(0, 3))).toEqual([null, null, null]);
  });
});
