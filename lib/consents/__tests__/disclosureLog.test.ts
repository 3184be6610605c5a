import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { HubError } from '../../errors.js';
import { describeOnEachDatabase, useMigratedDatabase, freshSqliteDatabase, type TestDatabase as Target } from '../../../tests/support/databases.js';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { canonicalJson, disclosureHash, GENESIS_HASH } from '../disclosureHash.js';
import { timeOfOrderedId } from '../../timeOrderedId.js';
import { createDisclosureLog, type DisclosureLog, type NewDisclosure } from '../disclosureLog.js';
import { openConsentRecords } from '../index.js';
import { migrateConsents } from '../migrations.js';

const NOW = new Date('2025-06-15T12:00:00.000Z');
const indexModule = new URL('../index.ts', import.meta.url).href;
const verifyScript = new URL('../../../scripts/verifyDisclosures.ts', import.meta.url).pathname;

function disclosure(personId: string, overrides: Partial<NewDisclosure> = {}): NewDisclosure {
  return {
    personId,
    clientId: 'demo-bank',
    clientName: 'Demo Bank',
    consentId: 'c-1',
    purpose: 'Loan application',
    fields: ['firstNames', 'lastName', 'address'],
    requestId: 'req-1',
    ...overrides,
  };
}

async function appendMany(log: DisclosureLog, personId: string, count: number, tag: string): Promise<void> {
  // All at once: the log must order them itself.
  await Promise.all(Array.from({ length: count }, (_, i) => log.append(disclosure(personId, { requestId: `${tag}-${i}` }))));
}

// The hashes of a chain, recomputed here from what list() returns, independently of verify().
function expectUnbrokenChain(records: Awaited<ReturnType<DisclosureLog['list']>>, length: number): void {
  const chain = [...records].reverse();
  expect(chain.map((r) => r.seq)).toEqual(Array.from({ length }, (_, i) => i + 1));
  chain.forEach((record, i) => {
    expect(record.prevHash).toBe(i === 0 ? GENESIS_HASH : chain[i - 1]!.hash);
    expect(record.hash).toBe(disclosureHash({ ...record, at: record.at.getTime() }));
  });
}

function runVerifyScript(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', verifyScript, ...args], {
    env: { ...process.env, HUB_MODE: 'dev', HUB_HOME: join(tmpdir(), 'hub-verify-unused') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('disclosure hash', () => {
  it('is SHA-256 over canonical JSON with sorted keys, so field order in code cannot change it', () => {
    expect(canonicalJson({ b: 1, a: ['x', 'ä"'], c: { z: 'z', y: 2 } })).toBe('{"a":["x","ä\\""],"b":1,"c":{"y":2,"z":"z"}}');
    expect(() => canonicalJson(1.5)).toThrow(new TypeError('canonicalJson: numbers must be safe integers'));
    const record = {
      id: 'd-1', personId: 'p_a', seq: 1, clientId: 'demo-bank', clientName: 'Demo Bank', consentId: 'c-1',
      purpose: 'Loan application', fields: ['lastName'], requestId: 'r-1', at: NOW.getTime(), prevHash: GENESIS_HASH,
    };
    const hash = disclosureHash(record);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(disclosureHash({ ...record })).toBe(hash);
    for (const change of [{ purpose: 'Other' }, { fields: ['firstNames'] }, { at: NOW.getTime() + 1 }, { prevHash: '1'.repeat(64) }, { seq: 2 }]) {
      expect(disclosureHash({ ...record, ...change })).not.toBe(hash);
    }
  });
});

await describeOnEachDatabase('disclosure log', disclosureLogSuite);

function disclosureLogSuite(make: () => Target): void {
  let target: Target;
  let database: HubDatabase<any>;
  const log = () => createDisclosureLog(database, { now: () => NOW });
  const tampered = new Map<string, unknown[]>();

  /** Appends `count` records for `personId`, one after another. */
  async function appendOneByOne(personId: string, count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) await log().append(disclosure(personId));
  }

  /** verify(personId) finds exactly `problems` (with `records`, the whole result); the verify-everyone test expects them again. */
  async function expectTampered(personId: string, problems: unknown[], whole?: { records: number }): Promise<void> {
    const result = await log().verify(personId);
    if (whole) expect(result).toEqual({ ok: false, persons: 1, records: whole.records, problems });
    else expect(result.problems).toEqual(problems);
    tampered.set(personId, problems);
  }

  useMigratedDatabase(make, migrateConsents, (opened, made) => {
    database = opened;
    target = made;
  });

  it('appends a chain per person and lists it newest first, in pages', async () => {
    const l = log();
    const first = await l.append(disclosure('p_list', { at: new Date(NOW.getTime() - 1000) }));
    expect(first).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      personId: 'p_list',
      clientId: 'demo-bank',
      clientName: 'Demo Bank',
      consentId: 'c-1',
      purpose: 'Loan application',
      fields: ['firstNames', 'lastName', 'address'],
      requestId: 'req-1',
      at: new Date(NOW.getTime() - 1000),
      seq: 1,
      prevHash: GENESIS_HASH,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    for (let i = 2; i <= 7; i += 1) await l.append(disclosure('p_list', { requestId: `req-${i}` }));
    await l.append(disclosure('p_other'));

    const all = await l.list('p_list');
    expect(all[0]).toMatchObject({ seq: 7, at: NOW, requestId: 'req-7' });
    expect(all[6]).toEqual(first);
    expectUnbrokenChain(all, 7);
    expect((await l.list('p_list', { limit: 3 })).map((r) => r.seq)).toEqual([7, 6, 5]);
    expect((await l.list('p_list', { limit: 3, beforeSeq: 5 })).map((r) => r.seq)).toEqual([4, 3, 2]);
    expect((await l.list('p_list', { beforeSeq: 2 })).map((r) => r.seq)).toEqual([1]);
    expect(await l.list('p_nobody')).toEqual([]);
    expect(await l.count('p_list')).toBe(7);
    expect(await l.count('p_nobody')).toBe(0);
    expect(await l.count()).toBe(8);
    expect(await l.verify('p_list')).toEqual({ ok: true, persons: 1, records: 7, problems: [] });
    expect(await l.verify('p_nobody')).toEqual({ ok: true, persons: 0, records: 0, problems: [] });
  });

  it('names records by time-ordered ids (UUIDv7, of the time of writing), so that appends land at the right edge of the id index', async () => {
    const l = log();
    const before = Date.now();
    // A record dated in the past still gets an id of now: the id orders writes, `at` says when the disclosure was.
    const written = [await l.append(disclosure('p_ids', { at: new Date(NOW.getTime() - 86_400_000) }))];
    for (let i = 0; i < 4; i += 1) written.push(await l.append(disclosure(i % 2 ? 'p_ids' : 'p_ids_other')));
    const times = written.map((record) => timeOfOrderedId(record.id));
    for (const time of times) expect(time).toBeGreaterThanOrEqual(before);
    for (const time of times) expect(time).toBeLessThanOrEqual(Date.now());
    expect(times).toEqual([...times].sort((a, b) => a! - b!));
    expect(new Set(written.map((record) => record.id)).size).toBe(written.length);
  });

  it('keeps one unbroken chain when two database handles (two processes) append for the same person at once', async () => {
    const other = openDatabase<any>({ url: target.url });
    try {
      const logs = [log(), createDisclosureLog(other, { now: () => NOW })];
      await Promise.all(logs.map((l, n) => appendMany(l, 'p_busy', 50, `handle${n}`)));
      expectUnbrokenChain(await log().list('p_busy', { limit: 500 }), 100);
      expect(await log().verify('p_busy')).toEqual({ ok: true, persons: 1, records: 100, problems: [] });
    } finally {
      await other.close();
    }
  });

  it('extends the chain after another handle moved the head since this log last appended', async () => {
    const other = openDatabase<any>({ url: target.url });
    try {
      const mine = log();
      const theirs = createDisclosureLog(other, { now: () => NOW });
      expect((await mine.append(disclosure('p_moved'))).seq).toBe(1);
      expect((await theirs.append(disclosure('p_moved'))).seq).toBe(2);
      // This log remembers the head at seq 1; the database refuses that guess and the record goes at seq 3.
      const third = await mine.append(disclosure('p_moved'));
      expect(third.seq).toBe(3);
      expectUnbrokenChain(await mine.list('p_moved'), 3);
      expect(await mine.verify('p_moved')).toEqual({ ok: true, persons: 1, records: 3, problems: [] });
    } finally {
      await other.close();
    }
  });

  it('keeps one unbroken chain when separate OS processes append for the same person at once', async () => {
    // Each child opens its own records, as a gateway process does; the parent appends too.
    const child = (tag: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const code = `
          const { openConsentRecords } = await import(process.env.CONSENTS_MODULE);
          const records = await openConsentRecords(process.env.CONSENTS_URL);
          await Promise.all(Array.from({ length: 30 }, (_, i) => records.disclosures.append({
            personId: 'p_processes', clientId: 'demo-bank', clientName: 'Demo Bank', consentId: 'c-1',
            purpose: 'Loan application', fields: ['lastName'], requestId: process.env.TAG + '-' + i })));
          await records.close();`;
        const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
          env: { ...process.env, CONSENTS_MODULE: indexModule, CONSENTS_URL: target.url, TAG: tag },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        proc.on('close', (exitCode) => resolve({ code: exitCode, stderr }));
      });
    const results = await Promise.all([child('a'), child('b'), child('c'), appendMany(log(), 'p_processes', 30, 'parent')]);
    for (const result of results.slice(0, 3)) expect(result).toEqual({ code: 0, stderr: expect.any(String) });
    expectUnbrokenChain(await log().list('p_processes', { limit: 500 }), 120);
    expect(await log().verify('p_processes')).toMatchObject({ ok: true, records: 120 });
  }, 60_000);

  it('verifies everyone across pages of records (more than one page, several persons)', async () => {
    const l = log();
    await Promise.all(['p_page_a', 'p_page_b', 'p_page_c'].map((p) => appendMany(l, p, 350, p)));
    const total = await l.count();
    // The earlier tests' records (8 + 5 ids + 100 + 3 + 120, of 7 persons) and these three persons' 1050.
    expect(total).toBe(8 + 5 + 100 + 3 + 120 + 1050);
    expect(await l.verify()).toEqual({ ok: true, persons: 10, records: total, problems: [] });
  }, 60_000);

  it('detects a changed record (HASH_MISMATCH), and a re-hashed one by its broken link', async () => {
    const l = log();
    await appendOneByOne('p_edit', 5);
    await sql`update disclosures set purpose = 'Marketing', fields = '["personalIdentityCode"]' where person_id = 'p_edit' and seq = 3`.execute(database.db);
    expect(await l.verify('p_edit')).toEqual({ ok: false, persons: 1, records: 5, problems: [{ personId: 'p_edit', seq: 3, reason: 'HASH_MISMATCH' }] });

    // An attacker who also recomputes the changed record's hash breaks the next record's link instead.
    const [third] = await l.list('p_edit', { beforeSeq: 4, limit: 1 });
    await sql`update disclosures set hash = ${disclosureHash({ ...third!, at: third!.at.getTime() })} where person_id = 'p_edit' and seq = 3`.execute(database.db);
    await expectTampered('p_edit', [{ personId: 'p_edit', seq: 4, reason: 'BROKEN_LINK' }]);

    // A changed time or an unreadable field list is a mismatch too, not a crash.
    await appendOneByOne('p_edit2', 2);
    await sql`update disclosures set at = at + 1 where person_id = 'p_edit2' and seq = 1`.execute(database.db);
    await sql`update disclosures set fields = 'not json' where person_id = 'p_edit2' and seq = 2`.execute(database.db);
    await expectTampered('p_edit2', [
      { personId: 'p_edit2', seq: 1, reason: 'HASH_MISMATCH' },
      { personId: 'p_edit2', seq: 2, reason: 'HASH_MISMATCH' },
    ]);
  });

  it('detects a deleted middle record (MISSING_RECORD) and a deleted first record', async () => {
    await appendOneByOne('p_gap', 5);
    await sql`delete from disclosures where person_id = 'p_gap' and seq = 3`.execute(database.db);
    await expectTampered('p_gap', [{ personId: 'p_gap', seq: 3, reason: 'MISSING_RECORD' }], { records: 4 });

    await appendOneByOne('p_headless', 2);
    await sql`delete from disclosures where person_id = 'p_headless' and seq = 1`.execute(database.db);
    await expectTampered('p_headless', [{ personId: 'p_headless', seq: 1, reason: 'MISSING_RECORD' }]);
  });

  it('detects a deleted last record, all records deleted, and a deleted head (HEAD_MISMATCH)', async () => {
    await appendOneByOne('p_tail', 4);
    await sql`delete from disclosures where person_id = 'p_tail' and seq = 4`.execute(database.db);
    await expectTampered('p_tail', [{ personId: 'p_tail', seq: 3, reason: 'HEAD_MISMATCH' }], { records: 3 });

    await appendOneByOne('p_erased', 2);
    await sql`delete from disclosures where person_id = 'p_erased'`.execute(database.db);
    await expectTampered('p_erased', [{ personId: 'p_erased', seq: 2, reason: 'HEAD_MISMATCH' }], { records: 0 });

    await appendOneByOne('p_no_head', 1);
    await sql`delete from disclosure_heads where person_id = 'p_no_head'`.execute(database.db);
    await expectTampered('p_no_head', [{ personId: 'p_no_head', seq: 1, reason: 'HEAD_MISMATCH' }]);
  });

  it('refuses, in the database, a record that does not extend the head', async () => {
    const l = log();
    const first = await l.append(disclosure('p_guard'));
    const row = (seq: number, prevHash: string) => ({
      id: `forged-${seq}-${prevHash.slice(0, 4)}`, person_id: 'p_guard', seq, client_id: 'x', client_name: 'x', consent_id: 'x',
      purpose: 'x', fields: '[]', request_id: 'x', at: NOW.getTime(), prev_hash: prevHash, hash: 'f'.repeat(64),
    });
    // The head guard's error, by code: SQLite's RAISE(ABORT) in the trigger, PostgreSQL's serialization_failure.
    const refused = { code: expect.stringMatching(/^(SQLITE_CONSTRAINT_TRIGGER|40001)$/) };
    await expect(database.db.insertInto('disclosures').values(row(3, first.hash)).execute()).rejects.toMatchObject(refused); // skips seq 2
    await expect(database.db.insertInto('disclosures').values(row(2, GENESIS_HASH)).execute()).rejects.toMatchObject(refused); // wrong link
    expect(await l.verify('p_guard')).toEqual({ ok: true, persons: 1, records: 1, problems: [] });
    expect((await l.append(disclosure('p_guard'))).seq).toBe(2);
  });

  it('gives up with DISCLOSURE_UNAVAILABLE when the chain cannot be extended', async () => {
    // A head deleted under a live chain: every attempt collides with the existing seq 1.
    const l = log();
    await l.append(disclosure('p_stuck'));
    await sql`delete from disclosure_heads where person_id = 'p_stuck'`.execute(database.db);
    const error = await l.append(disclosure('p_stuck')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ code: 'DISCLOSURE_UNAVAILABLE', message: 'The disclosure could not be recorded' });
    expect(await l.count('p_stuck')).toBe(1);
    tampered.set('p_stuck', [{ personId: 'p_stuck', seq: 1, reason: 'HEAD_MISMATCH' }]);
  });

  it('verifies everyone: only the tampered chains are reported, and the CLI says the same', async () => {
    const result = await log().verify();
    const expected = [...tampered.values()].flat();
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(expected.length);
    expect(result.problems).toEqual(expect.arrayContaining(expected));

    const cli = runVerifyScript('--database-url', target.url, '--full');
    expect(cli.status).toBe(1);
    const lines = cli.stdout.trim().split('\n');
    expect(lines[0]).toBe(`verify-disclosures: full: ${result.records} records of ${result.persons} persons, ${expected.length} problems`);
    expect(lines.slice(1).sort()).toEqual(result.problems.map((p) => `${p.personId} seq ${p.seq ?? '-'}: ${p.reason}`).sort());
    expect(cli.stdout + cli.stderr).not.toMatch(/Demo Bank|Loan application|demo-bank|req-|sqlite:|postgres/);
  }, 60_000);

  it('rejects misuse with a TypeError naming the option and not the value', async () => {
    const l = log();
    const cases: Array<[Partial<NewDisclosure>, string]> = [
      [{ personId: '' }, 'append: option "personId" must be a non-empty string'],
      [{ consentId: undefined as unknown as string }, 'append: option "consentId" must be a non-empty string'],
      [{ fields: 'lastName' as unknown as string[] }, 'append: option "fields" must be an array of non-empty strings'],
      [{ fields: [''] }, 'append: option "fields" must be an array of non-empty strings'],
      [{ at: new Date('nope') }, 'append: option "at" must be a valid Date'],
    ];
    for (const [overrides, message] of cases) {
      await expect(l.append(disclosure('p_misuse', overrides))).rejects.toThrow(new TypeError(message));
    }
    await expect(l.list('p_x', { limit: 501 })).rejects.toThrow(new TypeError('list: option "limit" must be an integer from 1 to 500'));
    await expect(l.list('p_x', { limit: 0 })).rejects.toThrow(TypeError);
    await expect(l.list('p_x', { beforeSeq: 1.5 })).rejects.toThrow(new TypeError('list: option "beforeSeq" must be a positive integer'));
    await expect(l.count('')).rejects.toThrow(new TypeError('count: option "personId" must be a non-empty string'));
    expect(await l.count('p_misuse')).toBe(0);
  });
}

describe('npm run verify-disclosures', () => {
  it('exits 0 on an intact log, 2 on a usage error, 3 when there is no log to read', async () => {
    const target = freshSqliteDatabase();
    try {
      const records = await openConsentRecords(target.url);
      await records.disclosures.append(disclosure('p_cli'));
      await records.close();
      const ok = runVerifyScript('--database-url', target.url);
      expect(ok).toMatchObject({ status: 0, stdout: 'verify-disclosures: full: 1 records of 1 persons, 0 problems\nverify-disclosures: checkpoint 1 written\n' });
      const missing = runVerifyScript('--database-url', `${target.url}.missing`);
      expect(missing).toMatchObject({ status: 3, stdout: '' });
      expect(missing.stderr).toBe('verify-disclosures: could not read the disclosure log: no SQLite file at that path\n');
      for (const args of [['--unknown'], ['--database-url'], ['extra'], ['--database-url', 'mysql://x']]) {
        const usage = runVerifyScript(...args);
        expect({ args, status: usage.status }).toEqual({ args, status: 2 });
        expect(usage.stderr).toMatch(/^verify-disclosures: [\s\S]+\nusage: npm run verify-disclosures/);
      }
    } finally {
      await target.drop();
    }
  }, 60_000);
});
