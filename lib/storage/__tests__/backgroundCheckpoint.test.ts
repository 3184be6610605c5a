import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CompiledQuery } from 'kysely';
import { startBackgroundCheckpoints } from '../backgroundCheckpoint.js';
import { openDatabase, type HubDatabase } from '../database.js';

// A checkpoint moves committed pages from the WAL into the database file. Copying the database file alone, without
// its WAL, shows what has been checkpointed: a row is in the copy only once a checkpoint has carried it there.
describe('startBackgroundCheckpoints', () => {
  let dir: string;
  let file: string;
  let database: HubDatabase<any> | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hub-checkpoint-'));
    file = join(dir, 'consents.sqlite');
  });
  afterEach(async () => {
    await database?.close();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function writeRows(options: { checkpointInBackground: boolean }, rows: number): Promise<HubDatabase<any>> {
    const opened = openDatabase<any>({ url: `sqlite:${file}`, ...options });
    await opened.execute('create table items (id integer primary key, name text not null)', []);
    await Promise.all(Array.from({ length: rows }, (_, i) => opened.execute('insert into items (name) values (?)', [`item ${i}`])));
    return opened;
  }

  /** The rows the database file holds without its WAL. */
  function checkpointedRows(): number {
    const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.sqlite`);
    copyFileSync(file, copy);
    const reader = new DatabaseSync(copy, { readOnly: true });
    try {
      return (reader.prepare("select count(*) as n from sqlite_master where name = 'items'").get() as { n: number }).n === 0
        ? 0
        : (reader.prepare('select count(*) as n from items').get() as { n: number }).n;
    } finally {
      reader.close();
    }
  }

  async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return check();
  }

  const autocheckpoint = async (opened: HubDatabase<any>) =>
    Number(((await opened.db.executeQuery(CompiledQuery.raw('pragma wal_autocheckpoint'))).rows[0] as { wal_autocheckpoint: number }).wal_autocheckpoint);

  it('carries committed rows into the database file on its own thread, while the writing connection never checkpoints below its fallback', async () => {
    database = await writeRows({ checkpointInBackground: true }, 50);
    expect(await autocheckpoint(database)).toBe(10_000);
    expect(await eventually(() => checkpointedRows() === 50)).toBe(true);
  });

  it('is what carries them there: without it, a few rows stay in the WAL until SQLite checkpoints by itself', async () => {
    database = await writeRows({ checkpointInBackground: false }, 50);
    expect(await autocheckpoint(database)).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(checkpointedRows()).toBe(0);
  });

  it('checkpoints once more when stopped, and is stopped only once its thread has ended', async () => {
    const sqlite = new DatabaseSync(file);
    try {
      sqlite.exec('PRAGMA journal_mode = WAL; create table items (id integer primary key, name text not null)');
      // A timer that never fires in this test: only the checkpoint on stop can carry the rows.
      const checkpoints = startBackgroundCheckpoints(sqlite, file, { intervalMs: 60_000 });
      const insert = sqlite.prepare('insert into items (name) values (?)');
      for (let i = 0; i < 20; i += 1) insert.run(`item ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(checkpointedRows()).toBe(0);
      await checkpoints.stop();
      expect(checkpointedRows()).toBe(20);
    } finally {
      sqlite.close();
    }
  });

  it('puts the writing connection back to checkpointing by itself when the thread cannot work', async () => {
    const sqlite = new DatabaseSync(file);
    try {
      sqlite.exec('PRAGMA journal_mode = WAL');
      // The thread cannot open a file in a folder that does not exist.
      const checkpoints = startBackgroundCheckpoints(sqlite, join(dir, 'missing', 'consents.sqlite'));
      const current = () => (sqlite.prepare('pragma wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint;
      expect(await eventually(() => current() === 1000)).toBe(true);
      await checkpoints.stop();
      expect(current()).toBe(1000);
    } finally {
      sqlite.close();
    }
  });

  it('refuses an interval or a fallback that is not a positive whole number', () => {
    const sqlite = new DatabaseSync(':memory:');
    try {
      expect(() => startBackgroundCheckpoints(sqlite, file, { intervalMs: 0 })).toThrow(TypeError);
      expect(() => startBackgroundCheckpoints(sqlite, file, { fallbackPages: 1.5 })).toThrow(TypeError);
    } finally {
      sqlite.close();
    }
  });
});
