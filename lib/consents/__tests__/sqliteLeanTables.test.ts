import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { freshSqliteDatabase, type TestDatabase } from '../../../tests/support/databases.js';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { checkDisclosures } from '../disclosureCheckpoints.js';
import { createDisclosureLog, type NewDisclosure } from '../disclosureLog.js';
import { consentMigrations, migrateConsents } from '../migrations.js';
import { createRateLimitStore } from '../rateLimitStore.js';
import { createReplayStore } from '../replayStore.js';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const through = (last: string) => Object.fromEntries(Object.entries(consentMigrations).filter(([name]) => name <= last));

function disclosure(personId: string, requestId: string): NewDisclosure {
  return { personId, clientId: 'demo-bank', clientName: 'Demo Bank', consentId: 'c-1', purpose: 'Loan application', fields: ['Person.lastName'], requestId, at: NOW };
}

describe('migration 0005 on SQLite: the request path\'s tables with one B-tree less', () => {
  let target: TestDatabase;
  let database: HubDatabase<any>;

  beforeEach(() => {
    target = freshSqliteDatabase();
    database = openDatabase<any>({ url: target.url });
  });
  afterEach(async () => {
    await database.close();
    await target.drop();
  });

  const append = async (personId: string, count: number, from = 0) => {
    const log = createDisclosureLog(database); // a new log each time: no head remembered from before a migration
    for (let i = from; i < from + count; i += 1) await log.append(disclosure(personId, `r-${i}`));
  };
  const records = async () =>
    (await sql<{ id: string; person_id: string; seq: number; hash: string; pos: number }>`select id, person_id, seq, hash, pos from disclosures order by pos`.execute(database.db)).rows;
  const heads = async () => (await sql<{ person_id: string; seq: number; pos: number }>`select person_id, seq, pos from disclosure_heads order by person_id`.execute(database.db)).rows;
  const tableSql = async (name: string) =>
    (await sql<{ sql: string }>`select sql from sqlite_master where name = ${name}`.execute(database.db)).rows[0]?.sql ?? '';

  /** Records from before positions (0002), records with positions (0004), a checkpoint, a proof and a counter. */
  async function before0005(): Promise<void> {
    await migrate(database.db, 'consents', through('0002_create_rate_limits'));
    await append('p_old', 3);
    await append('p_both', 2);
    await migrate(database.db, 'consents', through('0004_head_positions'));
    await append('p_both', 2, 2);
    await append('p_new', 2);
    expect(await checkDisclosures(database, { now: () => NOW })).toMatchObject({ mode: 'full', ok: true, records: 9 });
    await createReplayStore(database).remember('jti-before', new Date(Date.now() + 60_000));
    await createRateLimitStore(database).hit('client:demo-bank', 10, 60_000);
  }

  it('keeps every record in its order, positions as they were (older ones below all), and every chain verifies', async () => {
    await before0005();
    const old = await records();
    expect(old.filter((r) => Number(r.pos) === 0)).toHaveLength(5);
    const oldHeads = await heads();

    await migrateConsents(database.db);

    const now = await records();
    expect(now.map((r) => r.id).sort()).toEqual(old.map((r) => r.id).sort());
    // Positioned records keep their position; the five from before positions get negative ones, in writing order.
    for (const record of old.filter((r) => Number(r.pos) > 0)) expect(now.find((r) => r.id === record.id)!.pos).toBe(Number(record.pos));
    const legacy = now.filter((r) => Number(r.pos) < 0);
    expect(legacy.map((r) => `${r.person_id}:${r.seq}`)).toEqual(['p_old:1', 'p_old:2', 'p_old:3', 'p_both:1', 'p_both:2']);
    expect(await heads()).toEqual(oldHeads);
    expect(await checkDisclosures(database, { full: true, now: () => NOW })).toMatchObject({ ok: true, records: 9, persons: 3 });

    // The proof and the counter came along.
    expect(await createReplayStore(database).remember('jti-before', new Date(Date.now() + 60_000))).toBe(false);
    expect((await createRateLimitStore(database).hit('client:demo-bank', 10, 60_000)).hits).toBe(2);
  });

  it('gives a new record the next position, as the head does, and incremental checks go on from the checkpoint', async () => {
    await before0005();
    const before = Math.max(...(await records()).map((r) => Number(r.pos)));
    await migrateConsents(database.db);

    await append('p_new', 1, 2);
    await append('p_third', 1);
    const appended = (await records()).slice(-2);
    expect(appended.map((r) => [r.person_id, Number(r.pos)])).toEqual([['p_new', before + 1], ['p_third', before + 2]]);
    expect((await heads()).find((h) => h.person_id === 'p_third')).toMatchObject({ seq: 1, pos: before + 2 });
    expect(await checkDisclosures(database)).toMatchObject({ mode: 'incremental', ok: true, records: 2, persons: 2 });

    // Deleting the newest record still shows (its head names it), as before 0005.
    await sql`delete from disclosures where person_id = 'p_third'`.execute(database.db);
    expect(await checkDisclosures(database, { full: true })).toMatchObject({ ok: false, problems: [{ personId: 'p_third', reason: 'HEAD_MISMATCH' }] });
  });

  it('is the lean shape: WITHOUT ROWID keyed tables, the position as the rowid, no position index', async () => {
    await migrateConsents(database.db);
    for (const table of ['dpop_proofs', 'rate_limits', 'disclosure_heads']) expect(await tableSql(table)).toMatch(/without rowid\s*$/i);
    expect(await tableSql('disclosures')).toMatch(/\bpos integer primary key\b/i);
    expect(await tableSql('disclosures_pos')).toBe('');
    for (const index of ['dpop_proofs_expires_at', 'rate_limits_window_start', 'disclosure_heads_pos']) expect(await tableSql(index)).not.toBe('');
  });

  it('goes back down to the 0004 shape with every row, and appends still get the next position', async () => {
    await before0005();
    await migrateConsents(database.db);
    const migrator = new Migrator({
      db: database.db,
      provider: { getMigrations: async () => consentMigrations },
      migrationTableName: 'consents_migration',
      migrationLockTableName: 'consents_migration_lock',
    });
    const { error } = await migrator.migrateDown();
    expect(error).toBeUndefined();

    expect(await tableSql('dpop_proofs')).not.toMatch(/without rowid/i);
    expect(await tableSql('disclosures_pos')).not.toBe('');
    const kept = await records();
    expect(kept).toHaveLength(9);
    const top = Math.max(...kept.map((r) => Number(r.pos)));
    await append('p_new', 1, 2);
    expect(Number((await records()).at(-1)!.pos)).toBe(top + 1);
    expect(await checkDisclosures(database, { full: true })).toMatchObject({ ok: true, records: 10 });
  });
});
