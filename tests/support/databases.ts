import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from '@jest/globals';
import type { Kysely } from 'kysely';
import { openDatabase, type HubDatabase } from '../../lib/storage/database.js';
import { freshPostgresDatabase, type FreshPostgresDatabase } from './postgres.js';

/** A database made for one suite (its URL), and how to get rid of it. */
export type TestDatabase = FreshPostgresDatabase;

/** A fresh SQLite file in a new temporary folder; `drop()` removes the folder. */
export function freshSqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-db-'));
  return { url: `sqlite:${join(dir, 'consent.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Declares `suite` as "<name> on SQLite" and as "<name> on PostgreSQL"; the second is skipped loudly when there is no
 * PostgreSQL (freshPostgresDatabase warns; with CI=true it throws instead). `suite` opens and drops what `make` gives.
 */
export async function describeOnEachDatabase(name: string, suite: (make: () => TestDatabase) => void): Promise<void> {
  const fresh = await freshPostgresDatabase();
  describe(`${name} on SQLite`, () => suite(freshSqliteDatabase));
  (fresh ? describe : describe.skip)(`${name} on PostgreSQL${fresh ? '' : ' (SKIPPED: no PostgreSQL available)'}`, () => suite(() => fresh!));
}

/**
 * Opens `make()`'s database before the suite's tests, brings its tables up with `migrate`, and hands it (and what `make` made) to `use`;
 * closes and drops it after them. For a store's suite inside {@link describeOnEachDatabase}.
 */
export function useMigratedDatabase(make: () => TestDatabase, migrate: (db: Kysely<any>) => Promise<unknown>, use: (database: HubDatabase<any>, target: TestDatabase) => void): void {
  let target: TestDatabase | undefined;
  let database: HubDatabase<any> | undefined;
  beforeAll(async () => {
    target = make();
    database = openDatabase<any>({ url: target.url });
    await migrate(database.db);
    use(database, target);
  });
  afterAll(async () => {
    await database?.close();
    await target?.drop();
  });
}
