import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { compiledOnce } from '../compiledOnce.js';
import { openDatabase } from '../database.js';

// A statement compiled once runs with each call's values in its stand-ins' places, and refuses to be set up (or run)
// in any way that could put a value in the wrong column.

const dir = mkdtempSync(join(tmpdir(), 'compiled-once-'));
const database = openDatabase<any>({ url: `sqlite:${join(dir, 'test.db')}` });
const db = database.db as Kysely<any>;
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('compiledOnce', () => {
  it('runs the compiled statement with each call\'s values, in order', async () => {
    await db.schema.createTable('pairs').addColumn('a', 'text').addColumn('b', 'integer').execute();
    const insert = compiledOnce(db.insertInto('pairs').values({ a: '$a', b: -1 }), ['$a', -1]);
    await insert(database, ['first', 1]);
    expect((await insert(database, ['second', 2])).numAffectedRows).toBe(1n);
    const select = compiledOnce(db.selectFrom('pairs').select(['a', 'b']).where('b', '>', -1).orderBy('b'), [-1]);
    expect((await select(database, [0])).rows).toEqual([{ a: 'first', b: 1 }, { a: 'second', b: 2 }]);
    expect((await select(database, [1])).rows).toEqual([{ a: 'second', b: 2 }]);
  });

  it('refuses stand-ins that are not the compiled parameters in order, or are not all different', () => {
    expect(() => compiledOnce(db.selectFrom('pairs').select('a').where('a', '=', 'x').where('b', '=', 1), [1, 'x'])).toThrow(
      new TypeError('compiledOnce: the compiled parameters are not the stand-ins in order'),
    );
    expect(() => compiledOnce(db.selectFrom('pairs').select('a').where('b', '=', 1), [1, 2])).toThrow(/not the stand-ins in order/);
    expect(() => compiledOnce(db.selectFrom('pairs').select('a').where('a', '=', 'x').where('b', '=', 'x'), ['x', 'x'])).toThrow(
      new TypeError('compiledOnce: the stand-ins must all differ'),
    );
  });

  it('refuses a call with another number of values', () => {
    const select = compiledOnce(db.selectFrom('pairs').select('a').where('b', '=', -1), [-1]);
    expect(() => select(database, [])).toThrow(new TypeError('compiledOnce: expected 1 values, got 0'));
  });

  it('runs on SQLite straight on the prepared statement, counted, with the result Kysely gives', async () => {
    const insert = compiledOnce(db.insertInto('pairs').values({ a: '$a', b: -1 }), ['$a', -1]);
    const before = database.queryCount();
    const direct = await insert(database, ['third', 3]);
    expect(database.queryCount() - before).toBe(1);
    const viaKysely = await db.insertInto('pairs').values({ a: 'fourth', b: 4 }).executeTakeFirst();
    expect(direct.numAffectedRows).toBe(1n);
    expect(typeof direct.insertId).toBe('bigint');
    expect(direct.insertId! + 1n).toBe(viaKysely.insertId);
  });

  it('never runs inside another caller\'s transaction: while one is open, it waits its turn', async () => {
    const insert = compiledOnce(db.insertInto('pairs').values({ a: '$a', b: -1 }), ['$a', -1]);
    let outside: Promise<unknown> | undefined;
    await expect(db.transaction().execute(async (trx) => {
      await trx.insertInto('pairs').values({ a: 'inside', b: 10 }).execute();
      outside = insert(database, ['outside', 11]);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    await outside;
    expect(await db.selectFrom('pairs').select('a').where('b', '>=', 10).execute()).toEqual([{ a: 'outside' }]);
  });

  it('names a failed statement by its SQLite code, as through Kysely', async () => {
    await db.schema.createTable('uniques').addColumn('a', 'text', (column) => column.primaryKey()).execute();
    const insert = compiledOnce(db.insertInto('uniques').values({ a: '$a' }), ['$a']);
    await insert(database, ['x']);
    await expect(insert(database, ['x'])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  });
});
