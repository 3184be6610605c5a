import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent, type SqliteDatabase } from 'kysely';
import { LruCache } from '../lru.js';

/** Which engine a database runs on; the query layer (Kysely) is the same for both. */
export type DatabaseEngine = 'sqlite' | 'postgres';

/** A connected database plus what tests and operators need to know about it. */
export interface HubDatabase<Schema> {
  readonly db: Kysely<Schema>;
  readonly engine: DatabaseEngine;
  /** Number of SQL statements sent so far; tests use it to prove batching. */
  queryCount(): number;
  /** Cheap liveness probe used by `/readyz`. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** `postgres://…` / `postgresql://…` for PostgreSQL, or `sqlite:<path>` / a plain file path for SQLite. */
  url: string;
  /** Upper bound of pooled PostgreSQL connections. */
  maxConnections?: number;
  /** SQLite: how many prepared statements to keep for reuse, by SQL text; default 500. */
  statementCacheSize?: number;
}

/** Opens a database by URL: PostgreSQL when the URL says so, otherwise an embedded SQLite file. */
export function openDatabase<Schema>(options: OpenDatabaseOptions): HubDatabase<Schema> {
  const { url } = options;
  if (typeof url !== 'string' || url.length === 0) {
    throw new TypeError(`openDatabase: option "url" must be a non-empty string, got ${JSON.stringify(url)}`);
  }
  const statementCacheSize = options.statementCacheSize ?? 500;
  if (!Number.isInteger(statementCacheSize) || statementCacheSize < 0) {
    throw new TypeError(`openDatabase: option "statementCacheSize" must be an integer of 0 or more, got ${statementCacheSize}`);
  }
  let count = 0;
  const log = (event: LogEvent): void => {
    if (event.level === 'query') count += 1;
  };
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), log });
    return {
      db,
      engine: 'postgres',
      queryCount: () => count,
      ping: () => pingWith(() => pool.query('select 1')),
      close: () => db.destroy(),
    };
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets several processes read while one writes; NORMAL sync is durable across process crashes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite, statementCacheSize) }), log });
  return {
    db,
    engine: 'sqlite',
    queryCount: () => count,
    ping: () => pingWith(() => sqlite.prepare('select 1').get()),
    close: () => db.destroy(),
  };
}

/**
 * The SQLite database as Kysely's dialect sees it, with prepared statements reused by SQL text. Kysely prepares
 * every query it runs, and preparing (parsing and planning the SQL) costs more than running a point lookup; the
 * same few statements come back on every request. A statement still iterating (a streamed query) is busy and
 * cannot run twice at once: then a fresh one is prepared. SQLite re-prepares a reused statement itself should
 * the schema change under it.
 */
function reusingStatements(sqlite: SQLite.Database, size: number): SqliteDatabase {
  if (size === 0) return sqlite;
  const statements = new LruCache<string, SQLite.Statement>(size);
  return {
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (!cached) statements.set(sql, statement);
      return statement;
    },
    close() {
      sqlite.close();
    },
  };
}

async function pingWith(probe: () => unknown): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}
