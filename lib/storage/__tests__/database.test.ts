import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type HubDatabase } from '../database.js';
import { sqliteErrorName } from '../sqliteErrorCodes.js';

interface Schema {
  items: { id: number; name: string; data: Uint8Array | null };
}

// The embedded engine is Node's built-in node:sqlite behind Kysely's SQLite dialect; these pin what the stores rely on.
describe('openDatabase on node:sqlite', () => {
  let dir: string;
  let database: HubDatabase<Schema>;
  const open = (statementCacheSize?: number) => {
    dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    database = openDatabase<Schema>({ url: `sqlite:${join(dir, 'nested', 'test.sqlite')}`, statementCacheSize });
    return database;
  };
  afterEach(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([[500], [0]])('reads, writes, counts changes and streams (statement cache %s)', async (size) => {
    const { db } = open(size);
    await sql`create table items (id integer primary key, name text not null, data blob)`.execute(db);
    const inserted = await db.insertInto('items').values({ id: 1, name: 'first', data: new Uint8Array([1, 2]) }).executeTakeFirst();
    expect(inserted.insertId).toBe(1n);
    await db.insertInto('items').values([{ id: 2, name: 'second', data: null }, { id: 3, name: 'third', data: null }]).execute();
    const updated = await db.updateTable('items').set({ name: 'changed' }).where('id', '>', 1).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const returned = await db.deleteFrom('items').where('id', '=', 3).returning('name').execute();
    expect(returned).toEqual([{ name: 'changed' }]);
    const rows = await db.selectFrom('items').selectAll().orderBy('id').execute();
    expect(rows.map((row) => ({ ...row, data: row.data && Array.from(row.data) }))).toEqual([
      { id: 1, name: 'first', data: [1, 2] },
      { id: 2, name: 'changed', data: null },
    ]);
    // A streamed query, then the same SQL run whole (Kysely holds its one SQLite connection while a stream is open).
    const query = () => db.selectFrom('items').select('name').orderBy('id');
    const streamed: string[] = [];
    for await (const row of query().stream()) streamed.push(row.name);
    expect(streamed).toEqual(['first', 'changed']);
    expect(await query().execute()).toEqual([{ name: 'first' }, { name: 'changed' }]);
    expect(await database.ping()).toBe(true);
  });

  it('names a failure by SQLite result code, as the stores decide on it', async () => {
    const { db } = open();
    await sql`create table items (id integer primary key, name text not null unique, data blob)`.execute(db);
    await db.insertInto('items').values({ id: 1, name: 'a', data: null }).execute();
    await expect(db.insertInto('items').values({ id: 1, name: 'b', data: null }).execute()).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await expect(db.insertInto('items').values({ id: 2, name: 'a', data: null }).execute()).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    await expect(sql`select * from missing_table`.execute(db)).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
  });

  it('runs the pragmas the stores need: WAL, foreign keys, a busy timeout', async () => {
    const { db } = open();
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
  });

  it('refuses an empty URL or a bad cache size by name', () => {
    expect(() => openDatabase({ url: '' })).toThrow('option "url"');
    expect(() => openDatabase({ url: ':memory:', statementCacheSize: -1 })).toThrow('option "statementCacheSize"');
  });
});

describe('sqliteErrorName', () => {
  it('names extended codes, and primary codes of unknown extensions', () => {
    expect(sqliteErrorName(1555)).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(sqliteErrorName(1811)).toBe('SQLITE_CONSTRAINT_TRIGGER');
    expect(sqliteErrorName(517)).toBe('SQLITE_BUSY_SNAPSHOT');
    expect(sqliteErrorName(5)).toBe('SQLITE_BUSY');
    expect(sqliteErrorName(19 | (40 << 8))).toBe('SQLITE_CONSTRAINT');
    expect(sqliteErrorName(9999)).toBeUndefined();
  });
});
