import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { describeOnEachDatabase, useMigratedDatabase, type TestDatabase as Target } from '../../../tests/support/databases.js';
import type { HubDatabase } from '../../storage/database.js';
import { checkDisclosures, lastCheckpoint } from '../disclosureCheckpoints.js';
import { disclosureHash } from '../disclosureHash.js';
import { createDisclosureLog, type NewDisclosure } from '../disclosureLog.js';
import { migrateConsents } from '../migrations.js';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const verifyScript = new URL('../../../scripts/verifyDisclosures.ts', import.meta.url).pathname;

function disclosure(personId: string, requestId = 'req'): NewDisclosure {
  return { personId, clientId: 'demo-bank', clientName: 'Demo Bank', consentId: 'c-1', purpose: 'Loan application', fields: ['Person.lastName'], requestId };
}

function cli(url: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', verifyScript, '--database-url', url, ...args], {
    env: { ...process.env, HUB_MODE: 'dev', HUB_HOME: join(tmpdir(), 'hub-verify-unused') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

await describeOnEachDatabase('checkpointed disclosure verification', (make: () => Target) => {
  let target: Target;
  let database: HubDatabase<any>;
  const log = () => createDisclosureLog(database, { now: () => NOW });
  const append = async (personId: string, count: number) => {
    for (let i = 0; i < count; i += 1) await log().append(disclosure(personId, `r-${i}`));
  };
  useMigratedDatabase(make, migrateConsents, (opened, made) => {
    database = opened;
    target = made;
  });

  it('checks everything first, then only the records appended since the last checkpoint', async () => {
    await append('p_a', 3);
    await append('p_b', 2);
    const first = await checkDisclosures(database, { now: () => NOW });
    expect(first).toMatchObject({ mode: 'full', ok: true, records: 5, persons: 2, written: { id: 1, full: true, records: 5, at: NOW } });
    expect(first.since).toBeUndefined();

    await append('p_a', 2);
    await append('p_c', 1);
    const second = await checkDisclosures(database);
    expect(second).toMatchObject({ mode: 'incremental', ok: true, records: 3, persons: 2, since: { id: 1 }, written: { id: 2, full: false } });
    expect(second.written!.verifiedBelow).toBeGreaterThanOrEqual(first.written!.verifiedBelow);
    expect(await checkDisclosures(database)).toMatchObject({ mode: 'incremental', records: 0, persons: 0, ok: true, written: { id: 3 } });
    expect(await checkDisclosures(database, { full: true })).toMatchObject({ mode: 'full', records: 8, persons: 3, ok: true, written: { id: 4, full: true } });
  });

  it('finds an edit of a record appended after the checkpoint, and writes no checkpoint', async () => {
    await checkDisclosures(database);
    await append('p_after', 3);
    await sql`update disclosures set purpose = 'Marketing' where person_id = 'p_after' and seq = 2`.execute(database.db);
    const before = await lastCheckpoint(database);
    const result = await checkDisclosures(database);
    expect(result).toMatchObject({ mode: 'incremental', ok: false, problems: [{ personId: 'p_after', seq: 2, reason: 'HASH_MISMATCH' }] });
    expect(result.written).toBeUndefined();
    expect(await lastCheckpoint(database)).toEqual(before);
    const run = cli(target.url);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`verify-disclosures: incremental since checkpoint ${before!.id} at ${before!.at.toISOString()}: `);
    expect(run.stdout).toContain('p_after seq 2: HASH_MISMATCH');
    expect(run.stdout).not.toMatch(/Demo Bank|Loan application|Marketing|demo-bank|req|sqlite:|postgres/);
    await sql`update disclosures set purpose = 'Loan application' where person_id = 'p_after' and seq = 2`.execute(database.db);
    expect((await checkDisclosures(database)).ok).toBe(true);
  });

  it('finds deleted newest records and a re-hashed record after the checkpoint (head, link)', async () => {
    await checkDisclosures(database);
    await append('p_tail', 3);
    await sql`delete from disclosures where person_id = 'p_tail' and seq = 3`.execute(database.db);
    await append('p_gone', 1);
    await sql`delete from disclosures where person_id = 'p_gone'`.execute(database.db);
    await append('p_rehash', 3);
    const [second] = await log().list('p_rehash', { beforeSeq: 3, limit: 1 });
    const forged = disclosureHash({ ...second!, purpose: 'Other', at: second!.at.getTime() });
    await sql`update disclosures set purpose = 'Other', hash = ${forged} where person_id = 'p_rehash' and seq = 2`.execute(database.db);
    const result = await checkDisclosures(database);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(expect.arrayContaining([
      { personId: 'p_tail', seq: 3, reason: 'HEAD_MISMATCH' },
      { personId: 'p_gone', seq: 1, reason: 'HEAD_MISMATCH' },
      { personId: 'p_rehash', seq: 3, reason: 'BROKEN_LINK' },
    ]));
    expect(result.problems).toHaveLength(3);
    await sql`delete from disclosures where person_id in ('p_tail', 'p_gone', 'p_rehash')`.execute(database.db);
    await sql`delete from disclosure_heads where person_id in ('p_tail', 'p_gone', 'p_rehash')`.execute(database.db);
  });

  it('does not see an edit of a record older than the checkpoint: --full does (and the CLI says so)', async () => {
    await append('p_old', 2);
    expect(cli(target.url).status).toBe(0);
    await sql`update disclosures set fields = '["Person.personalIdentityCode"]' where person_id = 'p_old' and seq = 1`.execute(database.db);
    await append('p_new', 1);
    const incremental = cli(target.url);
    expect(incremental.status).toBe(0);
    expect(incremental.stdout).toMatch(/^verify-disclosures: incremental since checkpoint \d+ at \S+Z: 1 records of 1 persons, 0 problems\n/);
    expect(incremental.stdout).toContain('an edit of one is found by --full');
    const full = cli(target.url, '--full');
    expect(full.status).toBe(1);
    expect(full.stdout).toMatch(/^verify-disclosures: full: \d+ records of \d+ persons, 1 problems\np_old seq 1: HASH_MISMATCH\n$/);
    expect(cli(target.url, '--full=yes').status).toBe(2);
    await sql`update disclosures set fields = '["Person.lastName"]' where person_id = 'p_old' and seq = 1`.execute(database.db);
    expect(cli(target.url, '--full').stdout).toMatch(/^verify-disclosures: full: \d+ records of \d+ persons, 0 problems\nverify-disclosures: checkpoint \d+ written\n$/);
  }, 60_000);

  it('never checkpoints past a record whose transaction commits after a later one (PostgreSQL)', async () => {
    if (database.engine !== 'postgres') return; // SQLite has one writer at a time: positions are the commit order
    await checkDisclosures(database);
    const slow = new pg.Client({ connectionString: target.url });
    await slow.connect();
    try {
      // The slow transaction takes its position (its id) first, then others append and commit, then it commits.
      await slow.query('begin');
      const hash = disclosureHash({ id: 'slow-1', personId: 'p_slow', seq: 1, clientId: 'c', clientName: 'C', consentId: 'c', purpose: 'p', fields: [], requestId: 'r', at: 1, prevHash: '0'.repeat(64) });
      await slow.query(`insert into disclosures (id, person_id, seq, client_id, client_name, consent_id, purpose, fields, request_id, at, prev_hash, hash)
        values ('slow-1', 'p_slow', 1, 'c', 'C', 'c', 'p', '[]', 'r', 1, $1, $2)`, ['0'.repeat(64), hash]);
      await append('p_fast', 2);
      const during = await checkDisclosures(database);
      expect(during).toMatchObject({ ok: true, records: 0 }); // p_fast is above the in-flight position too
      const { rows } = await slow.query(`select pos from disclosures where id = 'slow-1'`);
      expect(during.written!.verifiedBelow).toBeLessThanOrEqual(Number(rows[0].pos));
      await slow.query('commit');
    } finally {
      await slow.end();
    }
    const after = await checkDisclosures(database);
    expect(after).toMatchObject({ ok: true, records: 3, persons: 2 });
  });
});
