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
    const arrays = columns.map((column) => arrayLiteral(rows, column)).filter((array) => array.type !== null);
    await sql`insert into ${sql.table(table)} (${sql.join(arrays.map((a) => sql.ref(a.column)))}) select * from unnest(${sql.join(
      arrays.map((a) => sql`${a.literal}::${sql.raw(`${a.type}[]`)}`),
    )})`.execute(db);
    return;
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    await db.insertInto(table).values(rows.slice(start, start + perStatement)).execute();
  }
}

/**
 * Inserts each table's rows in the order given (parents before children), in one transaction: `db`'s own when
 * it is a transaction already (bulk loading runs a whole register in one), else a new one.
 */
export async function insertTables(db: Kysely<any>, tables: readonly (readonly [table: string, rows: readonly Record<string, unknown>[]])[]): Promise<void> {
  const write = async (trx: Kysely<any>): Promise<void> => {
    for (const [table, rows] of tables) await insertRows(trx, table, rows);
  };
  await (db.isTransaction ? write(db) : db.transaction().execute(write));
}

/** One column's values as a PostgreSQL array literal, and the element type to cast it to (null: no values). */
interface ArrayLiteral {
  column: string;
  literal: string;
  type: 'text' | 'int8' | 'float8' | 'bool' | null;
}

/**
 * Writes the array literal itself (PostgreSQL manual, "Arrays: Array Value Input") rather than handing pg a JS
 * array: pg escapes every element with two regular expressions and concatenates the literal piece by piece, which
 * was a fifth of the seeder's CPU time. Strings are always quoted, so no value can be mistaken for NULL or split
 * at a comma or space; numbers and booleans need no quotes. Parts joined once cost a third less than a string
 * grown by `+=`. Assignment casts take the element type to the column's own type.
 */
function arrayLiteral(rows: readonly Record<string, unknown>[], column: string): ArrayLiteral {
  let type: ArrayLiteral['type'] = null;
  let nulls = false;
  const parts = new Array<string | null>(rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const value = rows[i]![column];
    if (value === null || value === undefined) {
      nulls = true;
      parts[i] = null;
    } else if (typeof value === 'number') {
      if (type !== 'float8') type = Number.isInteger(value) ? 'int8' : 'float8';
      parts[i] = String(value);
    } else if (typeof value === 'boolean') {
      type = 'bool';
      parts[i] = value ? 't' : 'f';
    } else {
      type = 'text';
      const text = String(value);
      parts[i] = text.includes('"') || text.includes('\\') ? text.replace(/["\\]/g, '\\$&') : text;
    }
  }
  if (type !== 'text') return { column, type, literal: `{${(nulls ? parts.map((p) => p ?? 'NULL') : parts).join(',')}}` };
  if (!nulls) return { column, type, literal: `{"${parts.join('","')}"}` };
  return { column, type, literal: `{${parts.map((p) => (p === null ? 'NULL' : `"${p}"`)).join(',')}}` };
}
