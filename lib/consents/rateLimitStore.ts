import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { HubDatabase } from '../storage/database.js';
import type { ConsentTables, RateLimitsTable } from './migrations.js';

/** One counter to advance: its key (never stored as such) and how many requests its window allows. */
export interface RateLimitCounter {
  readonly key: string;
  readonly limit: number;
}

/** A counter after one more request was counted in its window. */
export interface RateLimitResult {
  readonly key: string;
  readonly limit: number;
  /** Requests counted in the current window, this one included (refused ones count too). */
  readonly hits: number;
  /** True while `hits` is within `limit`. */
  readonly allowed: boolean;
  /** Requests still allowed in this window. */
  readonly remaining: number;
  /** When the current window ends and the count starts again. */
  readonly resetAt: Date;
  /** Whole seconds until `resetAt`, at least 1 and at most the window (what `Retry-After` says, RFC 9110 §10.2.3). */
  readonly retryAfterSeconds: number;
}

/** Fixed-window request counters, shared by every gateway process through the consent database. */
export interface RateLimitStore {
  /** Counts one request against `key` in the fixed window of `windowMs` that holds `now`. */
  hit(key: string, limit: number, windowMs: number, now?: Date): Promise<RateLimitResult>;
  /** Counts one request against each counter, atomically per counter and in one statement; results in input order. */
  hitAll(counters: readonly RateLimitCounter[], windowMs: number, now?: Date): Promise<RateLimitResult[]>;
  /** Deletes the counters whose window ended at or before `now`; returns how many went. */
  purge(windowMs: number, now?: Date): Promise<number>;
}

/** Options for {@link createRateLimitStore}. */
export interface RateLimitStoreOptions {
  /** Clock placing a request in its window; tests freeze it. */
  now?: () => Date;
}

/** The rate limit store on a database migrated with `migrateConsents`. */
export function createRateLimitStore(database: HubDatabase<any>, options: RateLimitStoreOptions = {}): RateLimitStore {
  const clock = options.now ?? (() => new Date());
  if (typeof clock !== 'function') throw new TypeError('createRateLimitStore: option "now" must be a function');
  const db = database.db as Kysely<ConsentTables>;

  // The statement's SQL text, built once per number of counters: building and compiling it with Kysely on every
  // request cost about as much as running it (measured on SQLite: ~60 µs of ~95 µs per request).
  const statements = new Map<number, string>();
  function upsertSql(counters: number): string {
    let text = statements.get(counters);
    if (text === undefined) {
      // One statement per request, atomic per row on both engines: a new window starts the count again; a request
      // placed in an older window than the row's (a process whose clock lags) counts in the row's newer window, so
      // a lagging clock can never reset anyone's count.
      const newer = sql<boolean>`excluded.window_start > ${sql.ref('rate_limits.window_start')}`;
      const compiled = db
        .insertInto('rate_limits')
        .values(Array.from({ length: counters }, (_, i) => ({ key_hash: `#${i}`, window_start: -i, hits: 1 })))
        .onConflict((oc) =>
          oc.column('key_hash').doUpdateSet({
            hits: sql<number>`case when ${newer} then 1 else ${sql.ref('rate_limits.hits')} + 1 end`,
            window_start: sql<number>`case when ${newer} then excluded.window_start else ${sql.ref('rate_limits.window_start')} end`,
          }),
        )
        .returning(['key_hash', 'window_start', 'hits'])
        .compile();
      // Each request supplies its values in this order; should Kysely ever compile them otherwise, fail loudly.
      const expected = Array.from({ length: counters }, (_, i) => [`#${i}`, -i, 1]).flat();
      if (JSON.stringify(compiled.parameters) !== JSON.stringify(expected)) throw new Error('rate limit upsert: unexpected parameter order');
      text = compiled.sql;
      statements.set(counters, text);
    }
    return text;
  }

  async function count(method: string, counters: readonly RateLimitCounter[], windowMs: number, at: Date | undefined): Promise<RateLimitResult[]> {
    const window = validWindow(method, windowMs);
    const now = validMillis(method, 'now', at ?? clock());
    const hashed = validCounters(method, counters).map((counter) => ({ ...counter, hash: keyHash(counter.key) }));
    const windowStart = Math.floor(now / window) * window;
    // Rows in one order for every statement: on PostgreSQL two statements that lock the same rows in opposite
    // orders could deadlock.
    const sorted = [...hashed].sort((a, b) => (a.hash < b.hash ? -1 : 1));
    const { rows } = await database.execute<Pick<RateLimitsTable, 'key_hash' | 'window_start' | 'hits'>>(
      upsertSql(sorted.length),
      sorted.flatMap((c) => [c.hash, windowStart, 1]),
    );
    const byHash = new Map(rows.map((row) => [row.key_hash, row]));
    return hashed.map((counter) => {
      const row = byHash.get(counter.hash);
      if (!row) throw new Error('rate limit counter was not returned by the database');
      return resultOf(counter, Number(row.hits), Number(row.window_start), window, now);
    });
  }

  return {
    async hit(key, limit, windowMs, now) {
      const [result] = await count('hit', [{ key, limit }], windowMs, now);
      return result!;
    },
    hitAll: (counters, windowMs, now) => count('hitAll', counters, windowMs, now),
    async purge(windowMs, at) {
      const window = validWindow('purge', windowMs);
      const now = validMillis('purge', 'now', at ?? clock());
      const result = await db.deleteFrom('rate_limits').where('window_start', '<=', now - window).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** What a counter at `hits` in the window that began at `windowStart` means at `now`; shared with in-memory stores. */
export function resultOf(counter: RateLimitCounter, hits: number, windowStart: number, windowMs: number, now: number): RateLimitResult {
  const reset = windowStart + windowMs;
  // At least 1 (0 would invite an immediate retry into the same window); at most the window, even when another
  // process's clock runs ahead and started a window later than this one would.
  const retryAfterSeconds = Math.min(Math.ceil(windowMs / 1000), Math.max(1, Math.ceil((reset - now) / 1000)));
  return {
    key: counter.key,
    limit: counter.limit,
    hits,
    allowed: hits <= counter.limit,
    remaining: Math.max(0, counter.limit - hits),
    resetAt: new Date(reset),
    retryAfterSeconds,
  };
}

/** Validates counters as {@link RateLimitStore.hitAll} takes them; exported for in-memory stores. */
export function validCounters(method: string, counters: readonly RateLimitCounter[]): readonly RateLimitCounter[] {
  if (!Array.isArray(counters) || counters.length === 0) throw new TypeError(`${method}: option "counters" must be a non-empty array`);
  const keys = new Set<string>();
  for (const counter of counters) {
    if (typeof counter?.key !== 'string' || counter.key.length === 0) throw new TypeError(`${method}: option "key" must be a non-empty string`);
    if (!Number.isSafeInteger(counter.limit) || counter.limit <= 0) throw new TypeError(`${method}: option "limit" must be a positive integer, got ${counter.limit}`);
    // PostgreSQL refuses an upsert that would touch one row twice; and a request counts once per counter.
    if (keys.has(counter.key)) throw new TypeError(`${method}: option "counters" must not name a key twice`);
    keys.add(counter.key);
  }
  return counters;
}

/** Validates a window length in milliseconds; exported for in-memory stores. */
export function validWindow(method: string, windowMs: unknown): number {
  if (!Number.isSafeInteger(windowMs) || (windowMs as number) <= 0) throw new TypeError(`${method}: option "windowMs" must be a positive integer, got ${windowMs}`);
  return windowMs as number;
}

/** Validates a Date and returns its epoch milliseconds; exported for in-memory stores. */
export function validMillis(method: string, name: string, value: unknown): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${method}: option "${name}" must be a valid Date`);
  return value.getTime();
}

// Only a digest is kept: the table needs equality, not the key, so it holds no client or person id.
function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
