import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { QueryResult } from 'kysely';
import { openDatabase } from '../database.js';
import { createGroupCommit, type WriteStatement } from '../groupCommit.js';
import { sqliteErrorName } from '../sqliteErrorCodes.js';

// Group commit changes when a write reaches the disk, never whether it does: each write still succeeds or fails alone,
// and is answered only once it is committed.
describe('createGroupCommit', () => {
  let dir: string;
  let writer: DatabaseSync;
  let reader: DatabaseSync;
  let flushes: Array<() => void>;
  const committed = () => (reader.prepare('select name from items order by name').all() as Array<{ name: string }>).map((row) => row.name);
  const insert = (name: string): WriteStatement => () => {
    const { changes } = writer.prepare('insert into items (name) values (?)').run(name);
    return { numAffectedRows: BigInt(changes), rows: [] };
  };
  const commits = (outsideTransaction = jest.fn<(write: WriteStatement) => Promise<QueryResult<unknown>>>()) =>
    createGroupCommit({ sqlite: writer, outsideTransaction, schedule: (flush) => void flushes.push(flush) });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hub-group-commit-'));
    writer = new DatabaseSync(join(dir, 'test.sqlite'), { timeout: 0 });
    writer.exec('PRAGMA journal_mode = WAL; create table items (name text primary key)');
    // Another connection, as another gateway process would see the file.
    reader = new DatabaseSync(join(dir, 'test.sqlite'));
    flushes = [];
  });
  afterEach(() => {
    writer.close();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together, and answers each only once it is committed', async () => {
    const group = commits();
    const settled: string[] = [];
    const writes = ['a', 'b', 'c'].map((name) => group.write(insert(name)).then(() => settled.push(name)));
    expect(flushes).toHaveLength(1); // one commit scheduled for the turn, however many writes join it
    await Promise.resolve();
    expect(settled).toEqual([]);
    expect(committed()).toEqual([]);
    flushes[0]!();
    await Promise.all(writes);
    expect(settled).toEqual(['a', 'b', 'c']);
    expect(committed()).toEqual(['a', 'b', 'c']);
    expect(writer.isTransaction).toBe(false);
  });

  it('fails only the write that breaks a constraint; the others of its commit stand', async () => {
    writer.prepare('insert into items (name) values (?)').run('taken');
    const group = commits();
    const outcomes = Promise.allSettled([group.write(insert('a')), group.write(insert('taken')), group.write(insert('b'))]);
    flushes[0]!();
    const [a, taken, b] = await outcomes;
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('fulfilled');
    expect(taken.status).toBe('rejected');
    expect(sqliteErrorName(((taken as PromiseRejectedResult).reason as { errcode: number }).errcode)).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(committed()).toEqual(['a', 'b', 'taken']);
  });

  it('runs the others again, each alone, when a failure takes the whole transaction with it', async () => {
    const group = commits();
    const fatal: WriteStatement = () => {
      writer.exec('ROLLBACK'); // what SQLite does itself on an I/O error or a full disk
      throw new Error('disk I/O error');
    };
    const outcomes = Promise.allSettled([group.write(insert('a')), group.write(fatal), group.write(insert('b'))]);
    flushes[0]!();
    const [a, failed, b] = await outcomes;
    expect([a.status, failed.status, b.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('refuses every write of the turn when the write lock cannot be had, and keeps none of them', async () => {
    reader.exec('BEGIN IMMEDIATE'); // another process holds the lock past the (here zero) busy timeout
    const group = commits();
    const outcomes = Promise.allSettled([group.write(insert('a')), group.write(insert('b'))]);
    flushes[0]!();
    const results = await outcomes;
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_BUSY' }); // what the disclosure log retries on
    reader.exec('ROLLBACK');
    expect(committed()).toEqual([]);
  });

  it('refuses every write of a commit that fails, and keeps none of them', async () => {
    // A deferred foreign key is checked at COMMIT: the commit fails and the transaction is left open to roll back.
    writer.exec('PRAGMA foreign_keys = ON; create table links (item text references items (name) deferrable initially deferred)');
    const group = commits();
    const dangling: WriteStatement = () => {
      writer.prepare('insert into links (item) values (?)').run('nowhere');
      return { rows: [] };
    };
    const outcomes = Promise.allSettled([group.write(insert('a')), group.write(dangling)]);
    flushes[0]!();
    const results = await outcomes;
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(writer.isTransaction).toBe(false);
    expect(committed()).toEqual([]);
  });

  it('never joins a transaction someone else has open on the connection', async () => {
    const outsideTransaction = jest.fn(async (write: WriteStatement) => write());
    const group = commits(outsideTransaction);
    const write = group.write(insert('a'));
    writer.exec('BEGIN'); // a Kysely transaction between two of its awaits
    flushes[0]!();
    expect(outsideTransaction).toHaveBeenCalledTimes(1);
    writer.exec('COMMIT');
    await write;
  });

  it('refuses writes still waiting when the connection has been closed', async () => {
    const group = commits();
    const write = group.write(insert('a'));
    writer.close();
    flushes[0]!();
    await expect(write).rejects.toThrow('The database was closed before the write could be committed');
    writer = new DatabaseSync(join(dir, 'test.sqlite')); // for afterEach
  });

  it('through openDatabase: a write is committed when its promise resolves, reads run at once, close commits what waits', async () => {
    const url = `sqlite:${join(dir, 'hub.sqlite')}`;
    const database = openDatabase<Record<string, never>>({ url });
    await database.execute('create table items (name text primary key)', []);
    const other = new DatabaseSync(join(dir, 'hub.sqlite'));
    try {
      const before = database.queryCount();
      const first = database.execute('insert into items (name) values (?)', ['a']);
      const second = database.execute('insert into items (name) values (?) returning name', ['b']);
      // Not yet committed: a read now (this connection or another) does not see them.
      expect((await database.execute<{ n: number }>('select count(*) as n from items', [])).rows).toEqual([{ n: 0 }]);
      expect((await first).numAffectedRows).toBe(1n);
      expect((await second).rows).toEqual([{ name: 'b' }]);
      expect(other.prepare('select count(*) as n from items').get()).toEqual({ n: 2 });
      expect(database.queryCount() - before).toBe(3);
      const last = database.execute('insert into items (name) values (?)', ['c']);
      await database.close();
      await last;
      expect(other.prepare('select count(*) as n from items').get()).toEqual({ n: 3 });
    } finally {
      other.close();
    }
  });
});
