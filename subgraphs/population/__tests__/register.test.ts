import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type HubDatabase } from '../../../lib/storage/database.js';
import { generatePersons } from '../../../lib/synthetic/generatePersons.js';
import { loadPersonas, personaPersons } from '../../../lib/synthetic/personas.js';
import type { CorePerson } from '../../../lib/synthetic/persons.js';
import { migratePopulation } from '../migrations.js';
import { createPopulationRegister } from '../register.js';
import { clearPopulation, seedPopulation } from '../seed.js';
import type { PopulationTables } from '../tables.js';

const key = Buffer.alloc(32, 7);
const options = { seed: 'test', referenceDate: '2025-06-15' };
const personas = loadPersonas();
const persons: CorePerson[] = [
  ...personaPersons(personas, key),
  ...generatePersons({ count: 40, ...options, pseudonymKey: key, reserved: personas.map((p) => p.personalIdentityCode) }),
];
const byTag = (tag: string): CorePerson => persons.find((p) => (p.tags as readonly string[]).includes(tag))!;

describe('population register', () => {
  let database: HubDatabase<PopulationTables>;
  beforeAll(async () => {
    database = openDatabase<PopulationTables>({ url: 'sqlite::memory:' });
    await migratePopulation(database.db);
    await seedPopulation(database.db, persons, options);
  });
  afterAll(async () => database.close());

  it('finds persons in the order asked, null for unknown ids, in one SQL statement', async () => {
    const register = createPopulationRegister(database.db, database.engine);
    const ids = [persons[12]!.personId, 'p_unknown', persons[0]!.personId, persons[12]!.personId];
    const before = database.queryCount();
    const found = await register.findPersons(ids);
    expect(database.queryCount() - before).toBe(1);
    expect(found.map((r) => r?.personId ?? null)).toEqual([ids[0], null, ids[2], ids[0]]);
    const many = persons.map((p) => p.personId);
    const beforeMany = database.queryCount();
    expect((await register.findPersons(many)).every((r) => r !== null)).toBe(true);
    expect(database.queryCount() - beforeMany).toBe(1);
    expect(await register.findPersons([])).toEqual([]);
  });

  it('returns the identity, the address and the family as the contract shapes them', async () => {
    const aino = persons[0]!;
    const [record] = await createPopulationRegister(database.db).findPersons([aino.personId]);
    expect(record).toMatchObject({
      personalIdentityCode: aino.personalIdentityCode,
      firstNames: 'Aino Maria',
      lastName: 'Virtanen',
      dateOfBirth: '1985-03-14',
    });
    expect(record!.nationalities.length).toBeGreaterThan(0);
    expect(['SINGLE', 'MARRIED', 'REGISTERED_PARTNERSHIP', 'DIVORCED', 'WIDOWED']).toContain(record!.maritalStatus);
    expect(record!.address).toMatchObject({ postalCode: expect.stringMatching(/^\d{5}$/), nonDisclosure: false });
    expect(record!.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    for (const child of record!.children) {
      expect(child.dateOfBirth > record!.dateOfBirth).toBe(true);
      expect(child.dateOfBirth < options.referenceDate).toBe(true);
    }
  });

  it('honours the non-disclosure and minor tags', async () => {
    const register = createPopulationRegister(database.db);
    const [protectedPerson, minor] = await register.findPersons([byTag('non-disclosure').personId, byTag('minor').personId]);
    expect(protectedPerson!.address!.nonDisclosure).toBe(true);
    expect(minor!.children).toEqual([]);
    expect(minor!.maritalStatus).toBe('SINGLE');
  });

  it('gives adults only children, and is deterministic for a seed', async () => {
    const all = await createPopulationRegister(database.db).findPersons(persons.map((p) => p.personId));
    for (const record of all) {
      if (record!.children.length > 0) expect(record!.dateOfBirth <= '2007-06-15').toBe(true);
    }
    const again = openDatabase<PopulationTables>({ url: 'sqlite::memory:' });
    await migratePopulation(again.db);
    await seedPopulation(again.db, persons, options);
    expect(await createPopulationRegister(again.db).findPersons(persons.map((p) => p.personId))).toEqual(all);
    await clearPopulation(again.db);
    expect(await createPopulationRegister(again.db).findPersons([persons[0]!.personId])).toEqual([null]);
    await again.close();
  });
});
