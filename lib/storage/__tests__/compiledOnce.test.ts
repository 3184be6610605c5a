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
    await insert(db, ['first', 1]);
    expect((await insert(db, ['second', 2])).numAffectedRows).toBe(1n);
    const select = compiledOnce(db.selectFrom('pairs').select(['a', 'b']).where('b', '>', -1).orderBy('b'), [-1]);
    expect((await select(db, [0])).rows).toEqual([{ a: 'first', b: 1 }, { a: 'second', b: 2 }]);
    expect((await select(db, [1])).rows).toEqual([{ a: 'second', b: 2 }]);
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
    expect(() => select(db, [])).toThrow(new TypeError('compiledOnce: expected 1 values, got 0'));
  });
});
