import { createHash } from 'node:crypto';
import { expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { describeOnEachDatabase, useMigratedDatabase, type TestDatabase as Target } from '../../../tests/support/databases.js';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { migrateConsents } from '../migrations.js';
import { createRateLimitStore } from '../rateLimitStore.js';

const WINDOW = 60_000;
// 12:00:00.000 is a window boundary (windows are aligned to the epoch).
const WINDOW_START = new Date('2025-06-15T12:00:00.000Z');
const at = (ms: number) => new Date(WINDOW_START.getTime() + ms);

await describeOnEachDatabase('rate limit store', rateLimitStoreSuite);

function rateLimitStoreSuite(make: () => Target): void {
  let target: Target;
  let database: HubDatabase<any>;
  let clock = WINDOW_START;
  const store = () => createRateLimitStore(database, { now: () => clock });
  const rowCount = async () => Number((await sql<{ n: number | string }>`select count(*) as n from rate_limits`.execute(database.db)).rows[0]!.n);

  useMigratedDatabase(make, migrateConsents, (opened, made) => {
    database = opened;
    target = made;
  });

  it('counts requests per key up to the limit, then refuses, with what is left and when the window ends', async () => {
    clock = at(15_000);
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await store().hit('citizen:count', 3, WINDOW));
    expect(results.map((r) => [r.hits, r.allowed, r.remaining])).toEqual([[1, true, 2], [2, true, 1], [3, true, 0], [4, false, 0], [5, false, 0]]);
    expect(results[4]!.resetAt).toEqual(at(WINDOW));
    expect(results[4]!.retryAfterSeconds).toBe(45);
    expect(results[4]!.limit).toBe(3);
    // Another key has its own count; another handle on the same database sees the same count.
    expect((await store().hit('citizen:other', 3, WINDOW)).hits).toBe(1);
    const other = openDatabase<any>({ url: target.url });
    try {
      expect((await createRateLimitStore(other, { now: () => clock }).hit('citizen:count', 3, WINDOW)).hits).toBe(6);
    } finally {
      await other.close();
    }
  });

  it('starts the count again in the next window, and rounds Retry-After up to whole seconds within the window', async () => {
    clock = at(WINDOW - 1);
    expect((await store().hit('citizen:rollover', 2, WINDOW)).hits).toBe(1);
    expect((await store().hit('citizen:rollover', 2, WINDOW)).hits).toBe(2);
    const last = await store().hit('citizen:rollover', 2, WINDOW);
    expect(last).toMatchObject({ hits: 3, allowed: false, retryAfterSeconds: 1 }); // 1 ms left: never 0
    clock = at(WINDOW); // the boundary itself belongs to the new window
    const fresh = await store().hit('citizen:rollover', 2, WINDOW);
    expect(fresh).toMatchObject({ hits: 1, allowed: true, remaining: 1, retryAfterSeconds: 60 });
    expect(fresh.resetAt).toEqual(at(2 * WINDOW));
    clock = at(WINDOW + 500);
    expect((await store().hit('citizen:rollover', 2, WINDOW)).retryAfterSeconds).toBe(60); // 59.5 s rounds up
  });

  it('lets a lagging clock count in the newer window instead of resetting it', async () => {
    clock = at(WINDOW + 10);
    await store().hit('citizen:skew', 10, WINDOW);
    await store().hit('citizen:skew', 10, WINDOW);
    // A process whose clock is still in the previous window.
    const lagging = await store().hit('citizen:skew', 10, WINDOW, at(WINDOW - 10));
    expect(lagging.hits).toBe(3);
    expect(lagging.resetAt).toEqual(at(2 * WINDOW));
    expect(lagging.retryAfterSeconds).toBe(60); // capped at the window although the reset is 60.01 s away for it
  });

  it('counts several counters in one call, each on its own, results in input order', async () => {
    clock = at(1000);
    await store().hit('partner:b', 5, WINDOW);
    const results = await store().hitAll([{ key: 'partner:b', limit: 5 }, { key: 'partner:b:citizen:x', limit: 1 }], WINDOW);
    expect(results.map((r) => [r.key, r.hits, r.allowed])).toEqual([['partner:b', 2, true], ['partner:b:citizen:x', 1, true]]);
    const again = await store().hitAll([{ key: 'partner:b:citizen:x', limit: 1 }, { key: 'partner:b', limit: 5 }], WINDOW);
    expect(again.map((r) => [r.key, r.hits, r.allowed])).toEqual([['partner:b:citizen:x', 2, false], ['partner:b', 3, true]]);
  });

  it('allows exactly `limit` of many concurrent hits, across two handles', async () => {
    clock = at(2000);
    const other = openDatabase<any>({ url: target.url });
    try {
      const stores = [store(), createRateLimitStore(other, { now: () => clock })];
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        stores[i % 2]!.hitAll([{ key: 'partner:race', limit: 100 }, { key: 'citizen:race', limit: 25 }], WINDOW)));
      const citizen = results.map((r) => r[1]!);
      expect(citizen.filter((r) => r.allowed)).toHaveLength(25);
      // Every hit got its own count: no two requests saw the same number.
      expect(citizen.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(results.map((r) => r[0]!.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      await other.close();
    }
  });

  it('stores only a SHA-256 of each key', async () => {
    clock = at(3000);
    await store().hit('citizen:secret-person-id', 5, WINDOW);
    const { rows } = await sql<{ key_hash: string }>`select key_hash from rate_limits`.execute(database.db);
    expect(rows.map((r) => r.key_hash)).toContain(createHash('sha256').update('citizen:secret-person-id').digest('hex'));
    expect(JSON.stringify(rows)).not.toContain('secret-person-id');
  });

  it('purges the counters whose window has ended, and only those', async () => {
    clock = at(5 * WINDOW + 100);
    await store().hit('citizen:purge-live', 5, WINDOW);
    const before = await rowCount();
    expect(before).toBeGreaterThan(1);
    // Every other counter is in an ended window.
    expect(await store().purge(WINDOW)).toBe(before - 1);
    expect(await rowCount()).toBe(1);
    expect(await store().purge(WINDOW)).toBe(0);
    expect((await store().hit('citizen:purge-live', 5, WINDOW)).hits).toBe(2); // the live count survived
    // At the end of its window, it goes too.
    expect(await store().purge(WINDOW, at(6 * WINDOW))).toBe(1);
    expect((await store().hit('citizen:purge-live', 5, WINDOW, at(6 * WINDOW))).hits).toBe(1);
  });

  it('rejects misuse with a TypeError naming the option', async () => {
    await expect(store().hit('', 1, WINDOW)).rejects.toThrow(new TypeError('hit: option "key" must be a non-empty string'));
    await expect(store().hit('k', 0, WINDOW)).rejects.toThrow(new TypeError('hit: option "limit" must be a positive integer, got 0'));
    await expect(store().hit('k', 1.5, WINDOW)).rejects.toThrow(new TypeError('hit: option "limit" must be a positive integer, got 1.5'));
    await expect(store().hit('k', 1, 0)).rejects.toThrow(new TypeError('hit: option "windowMs" must be a positive integer, got 0'));
    await expect(store().hit('k', 1, WINDOW, new Date('x'))).rejects.toThrow(new TypeError('hit: option "now" must be a valid Date'));
    await expect(store().hitAll([], WINDOW)).rejects.toThrow(new TypeError('hitAll: option "counters" must be a non-empty array'));
    await expect(store().hitAll([{ key: 'k', limit: 1 }, { key: 'k', limit: 2 }], WINDOW)).rejects.toThrow(new TypeError('hitAll: option "counters" must not name a key twice'));
    await expect(store().purge(-1)).rejects.toThrow(new TypeError('purge: option "windowMs" must be a positive integer, got -1'));
    await expect(store().purge(WINDOW, new Date('x'))).rejects.toThrow(new TypeError('purge: option "now" must be a valid Date'));
    expect(() => createRateLimitStore(database, { now: 5 as unknown as () => Date })).toThrow(new TypeError('createRateLimitStore: option "now" must be a function'));
  });
}
