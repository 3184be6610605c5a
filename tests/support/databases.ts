import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '@jest/globals';
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
