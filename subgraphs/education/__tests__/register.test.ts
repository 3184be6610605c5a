import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type HubDatabase } from '../../../lib/storage/database.js';
import { generatePersons } from '../../../lib/synthetic/generatePersons.js';
import { loadPersonas, personaPersons } from '../../../lib/synthetic/personas.js';
import type { CorePerson, PersonaTag } from '../../../lib/synthetic/persons.js';
import { migrateEducation } from '../migrations.js';
import { createEducationRegister } from '../register.js';
import { clearEducation, seedEducation } from '../seed.js';
import type { EducationTables } from '../tables.js';

const key = Buffer.alloc(32, 7);
const options = { seed: 'test', referenceDate: '2025-06-15' };
const personas = loadPersonas();
const persons: CorePerson[] = [
  ...personaPersons(personas, key),
  ...generatePersons({ count: 300, ...options, pseudonymKey: key, reserved: personas.map((p) => p.personalIdentityCode) }),
];
const ids = persons.map((p) => p.personId);
const tagged = (tag: PersonaTag): CorePerson[] => persons.filter((p) => p.tags.includes(tag));

describe('education register', () => {
  let database: HubDatabase<EducationTables>;
  beforeAll(async () => {
    database = openDatabase<EducationTables>({ url: 'sqlite::memory:' });
    await migrateEducation(database.db);
    await seedEducation(database.db, persons, options);
  });
  afterAll(async () => database.close());

  it('finds records in the order asked, null for unknown ids, in one SQL statement', async () => {
    const register = createEducationRegister(database.db, database.engine);
    const before = database.queryCount();
    const found = await register.findRecords([persons[0]!.personId, 'p_unknown']);
    expect(database.queryCount() - before).toBe(1);
    expect(found[0]).not.toBeNull();
    expect(found[1]).toBeNull();
    const beforeMany = database.queryCount();
    expect(await register.findRecords(ids)).toHaveLength(ids.length);
    expect(database.queryCount() - beforeMany).toBe(1);
  });

  it('honours the complete and no-education tags', async () => {
    const register = createEducationRegister(database.db);
    for (const record of await register.findRecords(tagged('complete').map((p) => p.personId))) {
      expect(record!.qualifications.length).toBeGreaterThan(0);
    }
    expect(await register.findRecords(tagged('no-education').map((p) => p.personId))).toEqual(tagged('no-education').map(() => null));
  });

  it('keeps education consistent with age, on ISCED levels 3, 6, 7 and 8, newest first', async () => {
    const records = await createEducationRegister(database.db).findRecords(ids);
    const levels = new Set<number>();
    persons.forEach((person, i) => {
      const record = records[i];
      if (!record) return;
      const completed = record.qualifications.map((q) => q.completedOn);
      expect(completed).toEqual([...completed].sort().reverse());
      for (const q of record.qualifications) {
        levels.add(q.level);
        expect([3, 6, 7, 8]).toContain(q.level);
        expect(q.completedOn > person.dateOfBirth).toBe(true);
        expect(q.completedOn <= options.referenceDate).toBe(true);
        expect(Number(q.completedOn.slice(0, 4)) - Number(person.dateOfBirth.slice(0, 4))).toBeGreaterThanOrEqual(18);
      }
      for (const e of record.enrolments) expect(e.startedOn <= options.referenceDate).toBe(true);
      if (person.dateOfBirth > '2010-06-15') expect(record.qualifications).toEqual([]);
    });
    expect([...levels].sort()).toEqual([3, 6, 7, 8]);
  });

  it('clears every row', async () => {
    await clearEducation(database.db);
    expect(await createEducationRegister(database.db).findRecords(ids.slice(0, 2))).toEqual([null, null]);
  });
});
