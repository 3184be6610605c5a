import { createHash } from 'node:crypto';
import { expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { describeOnEachDatabase, useMigratedDatabase, type TestDatabase as Target } from '../../../tests/support/databases.js';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { migrateConsents } from '../migrations.js';
import { createReplayStore } from '../replayStore.js';

const NOW = new Date('2025-06-15T12:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

await describeOnEachDatabase('DPoP replay store', replayStoreSuite);

function replayStoreSuite(make: () => Target): void {
  let target: Target;
  let database: HubDatabase<any>;
  let clock = NOW;
  const store = () => createReplayStore(database, { now: () => clock });

  useMigratedDatabase(make, migrateConsents, (opened, made) => {
    database = opened;
    target = made;
  });

  it('accepts a jti once and refuses it again while it is live, from any handle', async () => {
    clock = NOW;
    expect(await store().remember('jti-1', later(300))).toBe(true);
    expect(await store().remember('jti-1', later(300))).toBe(false);
    expect(await store().remember('jti-1', later(900))).toBe(false); // a later expiry does not reopen it
    expect(await store().remember('jti-2', later(300))).toBe(true);
    const other = openDatabase<any>({ url: target.url });
    try {
      expect(await createReplayStore(other, { now: () => clock }).remember('jti-1', later(300))).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('lets exactly one of many concurrent checks of the same jti through', async () => {
    clock = NOW;
    const other = openDatabase<any>({ url: target.url });
    try {
      const stores = [store(), createReplayStore(other, { now: () => clock })];
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.remember('jti-race', later(60))));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('stores only a SHA-256 of the jti', async () => {
    clock = NOW;
    await store().remember('secret-jti-value', later(60));
    const { rows } = await sql<{ jti_hash: string }>`select jti_hash from dpop_proofs`.execute(database.db);
    expect(rows.map((r) => r.jti_hash)).toContain(createHash('sha256').update('secret-jti-value').digest('hex'));
    expect(JSON.stringify(rows)).not.toContain('secret-jti-value');
  });

  it('accepts a jti again once its earlier use has expired, purged or not', async () => {
    clock = NOW;
    expect(await store().remember('jti-expiring', later(10))).toBe(true);
    clock = later(10); // at expiresAt the earlier use no longer counts
    expect(await store().remember('jti-expiring', later(20))).toBe(true);
    expect(await store().remember('jti-expiring', later(20))).toBe(false);
  });

  it('purges the expired uses only', async () => {
    clock = NOW;
    await store().remember('jti-purge-a', later(5));
    await store().remember('jti-purge-b', later(5));
    await store().remember('jti-purge-keep', later(100_000));
    const { rows: before } = await sql<{ n: number | string }>`select count(*) as n from dpop_proofs`.execute(database.db);
    const purged = await store().purge(later(50_000));
    const { rows: after } = await sql<{ n: number | string }>`select count(*) as n from dpop_proofs`.execute(database.db);
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) - purged);
    expect(await store().purge(later(50_000))).toBe(0);
    clock = later(50_000);
    expect(await store().remember('jti-purge-keep', later(100_001))).toBe(false);
    expect(await store().remember('jti-purge-a', later(60_000))).toBe(true);
    // Without an argument, the store's clock decides.
    clock = later(200_000);
    expect(await store().purge()).toBeGreaterThanOrEqual(2);
  });

  it('rejects misuse with a TypeError naming the option', async () => {
    await expect(store().remember('', later(1))).rejects.toThrow(new TypeError('remember: option "jti" must be a non-empty string'));
    await expect(store().remember('j', new Date('x'))).rejects.toThrow(new TypeError('remember: option "expiresAt" must be a valid Date'));
    await expect(store().remember('j', 123 as unknown as Date)).rejects.toThrow(new TypeError('remember: option "expiresAt" must be a valid Date'));
    await expect(store().purge(new Date('x'))).rejects.toThrow(new TypeError('purge: option "now" must be a valid Date'));
    expect(() => createReplayStore(database, { now: 5 as unknown as () => Date })).toThrow(new TypeError('createReplayStore: option "now" must be a function'));
  });
}
