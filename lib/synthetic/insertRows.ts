import type { Kysely } from 'kysely';

/**
 * Bound parameters per statement: SQLite allows 32,766 and PostgreSQL 65,535; staying under both lets one
 * seeder serve either engine.
 */
const MAX_PARAMETERS = 30_000;

/** Inserts rows with as few multi-row INSERT statements as the engines' parameter limits allow. */
export async function insertRows(db: Kysely<any>, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns)));
  for (let start = 0; start < rows.length; start += perStatement) {
    await db.insertInto(table).values(rows.slice(start, start + perStatement)).execute();
  }
}
