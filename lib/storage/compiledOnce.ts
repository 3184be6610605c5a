import type { Compilable, QueryResult } from 'kysely';
import type { HubDatabase } from './database.js';

/** Runs a statement compiled once with the values of one call, in the order of its stand-ins. */
export type CompiledStatement<Row> = (database: Pick<HubDatabase<unknown>, 'execute'>, values: readonly unknown[]) => Promise<QueryResult<Row>>;

/**
 * A statement built and compiled by Kysely once, with stand-in values, then run with each call's values in their
 * place: on the request path, building and compiling a statement cost about as much as running it on SQLite. The
 * stand-ins must all differ, so that finding them in order among the compiled parameters proves where each value goes;
 * should a Kysely version ever compile them otherwise, this fails at start, never with a value in the wrong column.
 * It runs through {@link HubDatabase.execute} (on SQLite, straight on the prepared statement).
 */
export function compiledOnce<Row>(query: Compilable<Row>, standIns: readonly unknown[]): CompiledStatement<Row> {
  if (new Set(standIns).size !== standIns.length) throw new TypeError('compiledOnce: the stand-ins must all differ');
  const { sql, parameters } = query.compile();
  if (parameters.length !== standIns.length || parameters.some((parameter, i) => parameter !== standIns[i])) {
    throw new TypeError('compiledOnce: the compiled parameters are not the stand-ins in order');
  }
  return (database, values) => {
    if (values.length !== standIns.length) throw new TypeError(`compiledOnce: expected ${standIns.length} values, got ${values.length}`);
    return database.execute<Row>(sql, values);
  };
}
