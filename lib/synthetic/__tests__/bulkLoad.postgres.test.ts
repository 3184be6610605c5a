import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { REGISTERS, type Register } from '../../config.js';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { REGISTER_SEEDERS } from '../../../scripts/registerSeeders.js';
import { freshPostgresDatabase } from '../../../tests/support/postgres.js';
import { insertRows } from '../insertRows.js';
import { seedRegisters, type RegisterSeeder } from '../seedAll.js';
import { suspendIndexes } from '../suspendIndexes.js';

const fresh = await freshPostgresDatabase();
const key = Buffer.alloc(32, 7);
const options = { seed: 'bulk', referenceDate: '2025-06-15', pseudonymKey: key };
const TABLES = REGISTERS.flatMap((r) => REGISTER_SEEDERS[r].tables);

/** Every constraint and index of the public schema, as the catalog describes them (validated or not included). */
async function catalog(database: HubDatabase<any>): Promise<string[]> {
  const { rows: constraints } = await sql<{ line: string }>`
    select concat_ws(' | ', t.relname, c.conname, c.contype, c.convalidated, c.condeferrable, pg_get_constraintdef(c.oid)) as line
    from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' order by 1`.execute(database.db);
  const { rows: indexes } = await sql<{ line: string }>`
    select concat_ws(' | ', tablename, indexname, indexdef) as line from pg_indexes where schemaname = 'public' order by 1`.execute(database.db);
  return [...constraints, ...indexes].map((r) => r.line);
}

/** Every row of every register table, sorted, as JSON lines: what a seed run wrote. */
async function contents(database: HubDatabase<any>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await database.db.selectFrom(table).selectAll().execute();
    out[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

function allRegisters(database: HubDatabase<any>): Record<Register, HubDatabase<any>> {
  return Object.fromEntries(REGISTERS.map((r) => [r, database])) as Record<Register, HubDatabase<any>>;
}

const describeWithPostgres = fresh ? describe : describe.skip;

describeWithPostgres(`bulk loading on PostgreSQL${fresh ? '' : ' (SKIPPED: no PostgreSQL available)'}`, () => {
  let database: HubDatabase<any>;
  let migrated: string[];
  beforeAll(async () => {
    database = openDatabase<any>({ url: fresh!.url });
    for (const register of REGISTERS) await REGISTER_SEEDERS[register].migrate(database.db);
    migrated = await catalog(database);
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('writes exactly the rows that batch-by-batch seeding writes on SQLite, and puts back every index and constraint', async () => {
    const indexing: number[] = [];
    await seedRegisters({ databases: allRegisters(database), seeders: REGISTER_SEEDERS, persons: 300, batchSize: 64, ...options, onIndexing: () => indexing.push(1) });
    expect(indexing).toEqual([1]);
    expect(migrated.length).toBeGreaterThan(20);
    expect(await catalog(database)).toEqual(migrated);

    const sqlite = openDatabase<any>({ url: 'sqlite::memory:' });
    await seedRegisters({ databases: allRegisters(sqlite), seeders: REGISTER_SEEDERS, persons: 300, batchSize: 100, ...options });
    const expected = await contents(sqlite);
    await sqlite.close();
    expect(expected.population_person).toHaveLength(310);
    expect(await contents(database)).toEqual(expected);
  });

  it('leaves a register as it was, indexes included, when seeding fails half-way', async () => {
    await seedRegisters({ databases: allRegisters(database), seeders: REGISTER_SEEDERS, persons: 100, ...options });
    const before = await contents(database);
    let batches = 0;
    const failing: RegisterSeeder = {
      ...REGISTER_SEEDERS.tax,
      async seed(db, persons, seedOptions) {
        batches += 1;
        if (batches === 3) throw new Error('disk full');
        await REGISTER_SEEDERS.tax.seed(db, persons, seedOptions);
      },
    };
    await expect(
      seedRegisters({ databases: allRegisters(database), seeders: { ...REGISTER_SEEDERS, tax: failing }, persons: 500, batchSize: 50, ...options }),
    ).rejects.toThrow('disk full');
    expect(await catalog(database)).toEqual(migrated);
    expect(await contents(database)).toEqual(before);
    // Nothing is left locked: the registers can be seeded again at once.
    await seedRegisters({ databases: allRegisters(database), seeders: REGISTER_SEEDERS, persons: 10, ...options });
    expect((await contents(database)).population_person).toHaveLength(20);
  });

  it('refuses to drop indexes outside a transaction', async () => {
    await expect(suspendIndexes(database.db, ['tax_person'])).rejects.toThrow(/suspendIndexes: argument "trx" must be a transaction/);
    expect(await catalog(database)).toEqual(migrated);
  });

  it('writes array literals that survive quotes, backslashes, commas, braces, "NULL" and nulls', async () => {
    await sql`create table literal_check (n integer, t text, f double precision, b boolean, ordinal integer)`.execute(database.db);
    const texts = ['plain', 'two words', 'a,b', '{braces}', 'say "hi"', 'back\\slash', '\\"', 'NULL', '', ' padded ', 'Åke Ärlig', null];
    const rows = texts.map((t, i) => ({ n: i % 3 === 0 ? null : i, t, f: i / 4, b: i % 2 === 0, ordinal: i }));
    await insertRows(database.db, 'literal_check', rows);
    const back = await database.db.selectFrom('literal_check').selectAll().orderBy('ordinal').execute();
    expect(back).toEqual(rows);
    await sql`drop table literal_check`.execute(database.db);
  });
});

if (!fresh) {
  describe('bulk loading on PostgreSQL', () => {
    it.skip('SKIPPED: PostgreSQL tests (no PostgreSQL available)', () => undefined);
  });
}
