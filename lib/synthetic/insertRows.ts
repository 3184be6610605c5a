import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Bound parameters per statement: SQLite allows 32,766 and PostgreSQL 65,535; staying under both lets one
 * seeder serve either engine.
 */
const MAX_PARAMETERS = 30_000;

/**
 * Inserts rows with as few statements as possible. On PostgreSQL one `INSERT … SELECT FROM unnest(arrays)`
 * per call: one parameter per column instead of one per value, several times faster to build, send and plan
 * than multi-row VALUES. On SQLite, multi-row VALUES within its parameter limit.
 */
export async function insertRows(db: Kysely<any>, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // A column that is null throughout is left out (it defaults to null): its values carry no type to cast by.
    const present = columns.filter((column) => rows.some((row) => row[column] !== null && row[column] !== undefined));
    const arrays = present.map((column) => rows.map((row) => row[column] ?? null));
    const casts = arrays.map((values) => sql.raw(`${arrayTypeOf(values)}[]`));
    await sql`insert into ${sql.table(table)} (${sql.join(present.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(
      arrays.map((values, i) => sql`${values}::${casts[i]!}`),
    )})`.execute(db);
    return;
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    await db.insertInto(table).values(rows.slice(start, start + perStatement)).execute();
  }
}

/** The PostgreSQL element type for a column's values; assignment casts take it to the column's own type. */
function arrayTypeOf(values: readonly unknown[]): string {
  const sample = values.find((value) => value !== null);
  if (typeof sample === 'number') return values.every((v) => v === null || Number.isInteger(v)) ? 'int8' : 'float8';
  if (typeof sample === 'boolean') return 'bool';
  return 'text';
}
