import { PostgresAdapter, type Kysely } from 'kysely';
import { jsonArrayFrom as postgresJsonArrayFrom } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import type { DatabaseEngine } from './database.js';

/** The engine behind a Kysely instance, read from its dialect's adapter. */
export function engineOf(db: Kysely<any>): DatabaseEngine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Kysely's `jsonArrayFrom` for the engine: a subquery aggregated into one JSON array column, so a register reads
 * a person and their child rows in one statement (json_agg on PostgreSQL, json_group_array on SQLite).
 */
export function jsonArrayFromFor(engine: DatabaseEngine): typeof sqliteJsonArrayFrom {
  return (engine === 'postgres' ? postgresJsonArrayFrom : sqliteJsonArrayFrom) as typeof sqliteJsonArrayFrom;
}

/** SQLite hands the JSON aggregate back as text, PostgreSQL (through pg) already parsed. */
export function parseJsonArray<T>(value: unknown): T[] {
  return (typeof value === 'string' ? JSON.parse(value) : value ?? []) as T[];
}
