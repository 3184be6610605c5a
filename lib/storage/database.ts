import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, type LogEvent, type QueryResult, type SqliteDatabase } from 'kysely';
import { LruCache } from '../lru.js';
import { startBackgroundCheckpoints } from './backgroundCheckpoint.js';
import { createGroupCommit } from './groupCommit.js';
import { withSqliteErrorName } from './sqliteErrorCodes.js';

/** Which engine a database runs on; the query layer (Kysely) is the same for both. */
export type DatabaseEngine = 'sqlite' | 'postgres';

/** A connected database plus what tests and operators need to know about it. */
export interface HubDatabase<Schema> {
  readonly db: Kysely<Schema>;
  readonly engine: DatabaseEngine;
  /** Number of SQL statements sent so far; tests use it to prove batching. */
  queryCount(): number;
  /**
   * Runs one statement already compiled (SQL text and its parameters), as `db.executeQuery` would. On SQLite, outside
   * a transaction, it runs on the reused prepared statement, without Kysely's connection machinery (a mutex, logging
   * and result hops: about as much CPU as the statement itself for the request path's point reads and writes): a
   * read at once, a write in this turn's group commit (groupCommit.ts), resolving once committed; inside a
   * transaction it waits its turn through Kysely, so it never joins another caller's transaction.
   */
  execute<Row>(sql: string, parameters: readonly unknown[]): Promise<QueryResult<Row>>;
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
  /**
   * SQLite file: checkpoint the WAL on a thread of its own (backgroundCheckpoint.ts), not in the commits of this
   * connection, so that a service writing on its request path never stops for a checkpoint's `fsync`s.
   */
  checkpointInBackground?: boolean;
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
      execute: (text, parameters) => db.executeQuery(CompiledQuery.raw(text, [...parameters])),
      ping: () => pingWith(() => pool.query('select 1')),
      close: () => db.destroy(),
    };
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // Node's built-in SQLite (node:sqlite): no native addon to compile for the pinned runtime.
  const sqlite = new DatabaseSync(path, { timeout: 5000 });
  // WAL lets several processes read while one writes; NORMAL sync is durable across process crashes.
  sqlite.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
  const checkpoints = options.checkpointInBackground && path !== ':memory:' ? startBackgroundCheckpoints(sqlite, path) : undefined;
  const connection = kyselySqlite(sqlite, statementCacheSize);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: connection }), log });
  const commits = createGroupCommit({
    sqlite,
    // Kysely runs the compiled statement on its connection once the open transaction has ended.
    outsideTransaction: (write) => db.connection().execute(async () => write()),
  });
  return {
    db,
    engine: 'sqlite',
    queryCount: () => count,
    async execute<Row>(text: string, parameters: readonly unknown[]): Promise<QueryResult<Row>> {
      // A transaction holds Kysely's one connection across awaits: a statement run now would become part of it.
      if (!sqlite.isOpen || sqlite.isTransaction) return db.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]));
      count += 1;
      const statement = connection.prepare(text);
      // node:sqlite runs synchronously: a read is answered at once; a write waits for this turn's group commit.
      if (READ_ONLY.test(text)) return { rows: statement.all(parameters) as Row[] };
      return commits.write(() => runWrite(statement, parameters)) as Promise<QueryResult<Row>>;
    },
    ping: () => pingWith(() => sqlite.prepare('select 1').get()),
    close: async () => {
      commits.flush();
      // The thread checkpoints once more and closes its connection; then this one closes.
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

/**
 * node:sqlite as Kysely's SQLite dialect sees it (the better-sqlite3 shape: `prepare(sql)` giving a statement with
 * `reader`, `all`, `run` and `iterate` over an array of parameters), with prepared statements reused by SQL text.
 * Kysely prepares every query it runs, and preparing (parsing and planning the SQL) costs more than running a point
 * lookup; the same few statements come back on every request. A streamed query (`iterate`) gets a statement of its
 * own, so a reused one is never asked to run twice at once. SQLite re-prepares a reused statement itself should
 * the schema change under it.
 */
function kyselySqlite(sqlite: DatabaseSync, size: number): SqliteDatabase {
  const statements = size > 0 ? new LruCache<string, KyselyStatement>(size) : undefined;
  return {
    prepare(sql: string) {
      const cached = statements?.get(sql);
      if (cached) return cached;
      const statement = kyselyStatement(sqlite, sql);
      statements?.set(sql, statement);
      return statement;
    },
    close() {
      sqlite.close();
    },
  };
}

type KyselyStatement = ReturnType<SqliteDatabase['prepare']>;

/** A statement that only reads (no RETURNING write): run at once, outside any group commit. */
const READ_ONLY = /^\s*select\b/i;

/** Runs a write on its prepared statement, answering as Kysely's SQLite driver does (rows when it returns any). */
function runWrite(statement: KyselyStatement, parameters: readonly unknown[]): QueryResult<unknown> {
  if (statement.reader) return { rows: statement.all(parameters) as unknown[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { insertId: lastInsertRowid != null ? BigInt(lastInsertRowid) : undefined, numAffectedRows: changes != null ? BigInt(changes) : undefined, rows: [] };
}

function kyselyStatement(sqlite: DatabaseSync, sql: string): KyselyStatement {
  const statement: StatementSync = named(() => sqlite.prepare(sql));
  const bind = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
  return {
    // A statement that returns columns is a reader (SELECT, or anything with RETURNING).
    reader: statement.columns().length > 0,
    all: (parameters) => named(() => statement.all(...bind(parameters))),
    run: (parameters) => named(() => statement.run(...bind(parameters))),
    iterate: (parameters) => named(() => sqlite.prepare(sql)).iterate(...bind(parameters)),
  };
}

/** Runs a node:sqlite call, naming a failure by SQLite's result code (see sqliteErrorCodes.ts). */
function named<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw withSqliteErrorName(error);
  }
}

async function pingWith(probe: () => unknown): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}
