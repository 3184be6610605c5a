import { describe, expect, it } from '@jest/globals';
import { REGISTERS, type Register } from '../../config.js';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { REGISTER_SEEDERS } from '../../../scripts/registerSeeders.js';
import { seedRegisters } from '../seedAll.js';

const key = Buffer.alloc(32, 5);

async function counts(database: HubDatabase<any>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['population_person', 'population_child', 'tax_assessment', 'vehicles_vehicle', 'vehicles_licence_medical_restriction', 'education_qualification']) {
    const [row] = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).execute();
    out[table] = Number(row?.n);
  }
  return out;
}

describe('seedRegisters', () => {
  it('seeds personas and 1,000 persons into all four registers on SQLite in well under 3 s, and again identically', async () => {
    const database = openDatabase<any>({ url: 'sqlite::memory:' });
    const databases = Object.fromEntries(REGISTERS.map((r) => [r, database])) as Record<Register, HubDatabase<any>>;
    const progress: number[] = [];
    const started = Date.now();
    const { persons } = await seedRegisters({
      databases,
      seeders: REGISTER_SEEDERS,
      persons: 1000,
      seed: 'hub',
      referenceDate: '2025-06-15',
      pseudonymKey: key,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(persons).toBe(1010);
    expect(progress.at(-1)).toBe(1);
    const first = await counts(database);
    expect(first.population_person).toBe(1010);
    expect(first.tax_assessment).toBeGreaterThan(3000);
    expect(first.vehicles_vehicle).toBeGreaterThan(300);
    expect(first.vehicles_licence_medical_restriction).toBeGreaterThan(0);
    expect(first.education_qualification).toBeGreaterThan(500);
    // A second run clears first, and a Date reference date means its UTC day.
    await seedRegisters({ databases, seeders: REGISTER_SEEDERS, persons: 1000, seed: 'hub', referenceDate: new Date('2025-06-15T12:00:00Z'), pseudonymKey: key });
    expect(await counts(database)).toEqual(first);
    await database.close();
  });

  it('throws a TypeError naming the option on misuse', async () => {
    const database = openDatabase<any>({ url: 'sqlite::memory:' });
    const base = { seeders: REGISTER_SEEDERS, seed: 'hub', referenceDate: '2025-06-15', pseudonymKey: key };
    const all = Object.fromEntries(REGISTERS.map((r) => [r, database])) as Record<Register, HubDatabase<any>>;
    await expect(seedRegisters({ ...base, databases: all, persons: -1 })).rejects.toThrow('option "persons"');
    const { tax: _tax, ...missing } = all;
    await expect(seedRegisters({ ...base, databases: missing as typeof all, persons: 1 })).rejects.toThrow('option "databases"');
    await expect(seedRegisters({ ...base, databases: all, persons: 1, referenceDate: 'soon' })).rejects.toThrow('option "referenceDate"');
    await database.close();
  });
});
