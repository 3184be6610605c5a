import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { openDatabase, type HubDatabase } from '../../lib/storage/database.js';
import { describeOnEachDatabase, type TestDatabase } from '../../tests/support/databases.js';
import { CORPUS_FILES, readCorpus } from '../corpus.js';
import { loadRouter, routerFromModel } from '../loadRouter.js';
import { correctionsDatabaseUrl, readCorrections } from '../readCorrections.js';
import { trainRouterModel } from '../trainRouter.js';

const heldOut = readCorpus(CORPUS_FILES.heldOut);
const heldOutTexts = new Set(heldOut.map((e) => e.text));

await describeOnEachDatabase('readCorrections', (make) => {
  let target: TestDatabase;
  let database: HubDatabase<any>;
  beforeAll(async () => {
    target = make();
    database = openDatabase<any>({ url: target.url });
    const timestamp = database.engine === 'postgres' ? sql.raw('timestamptz') : sql.raw('text');
    await sql`create table request_corrections (id integer primary key, text text not null, from_queue text, to_queue text not null, at ${timestamp} not null)`.execute(database.db);
    const rows: Array<[number, string, string, string]> = [
      [1, 'Myöhempi siirto', 'EDUCATION', '2026-03-02T10:00:00.000Z'],
      [2, 'Aiempi siirto', 'tax', '2026-03-01T10:00:00.000Z'],
      [3, 'Tuntematon jono', 'parking', '2026-03-01T11:00:00.000Z'],
      [4, heldOut[0]!.text, 'triage', '2026-03-01T12:00:00.000Z'],
      [5, '   ', 'tax', '2026-03-01T13:00:00.000Z'],
    ];
    for (const [id, text, toQueue, at] of rows) {
      await sql`insert into request_corrections (id, text, from_queue, to_queue, at) values (${id}, ${text}, ${'triage'}, ${toQueue}, ${at})`.execute(database.db);
    }
  });
  afterAll(async () => {
    await database?.close();
    await target?.drop();
  });

  it('reads the moves in time order, lower-cases the queue, and leaves out unknown queues, empty and held-out texts', async () => {
    const read = await readCorrections(target.url, heldOutTexts);
    expect(read.corrections).toEqual([
      { text: 'Aiempi siirto', queue: 'tax' },
      { text: 'Myöhempi siirto', queue: 'education' },
    ]);
    expect(read.skipped).toEqual({ unknownQueue: 1, heldOut: 1, empty: 1 });
  });
});

describe('readCorrections without a table or database', () => {
  it('finds no corrections when the table or the file is missing, and creates no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-corrections-'));
    const empty = openDatabase<any>({ url: `sqlite:${join(dir, 'empty.sqlite')}` });
    await sql`select 1`.execute(empty.db);
    await empty.close();
    expect(await readCorrections(`sqlite:${join(dir, 'empty.sqlite')}`, heldOutTexts)).toMatchObject({ corrections: [], note: expect.stringMatching(/no request_corrections table/) });
    expect(await readCorrections(`sqlite:${join(dir, 'absent.sqlite')}`, heldOutTexts)).toMatchObject({ corrections: [], note: expect.stringMatching(/does not exist/) });
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'absent.sqlite'))).toBe(false);
    expect(await readCorrections(undefined, heldOutTexts)).toMatchObject({ corrections: [] });
  });

  it('chooses the flag, then REQUESTS_DATABASE_URL, then DATABASE_URL, then .hub/requests.sqlite if it exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-cwd-'));
    expect(correctionsDatabaseUrl('postgres://a/b', { REQUESTS_DATABASE_URL: 'x', DATABASE_URL: 'y' }, dir)).toBe('postgres://a/b');
    expect(correctionsDatabaseUrl(undefined, { REQUESTS_DATABASE_URL: 'x', DATABASE_URL: 'y' }, dir)).toBe('x');
    expect(correctionsDatabaseUrl(undefined, { DATABASE_URL: 'y' }, dir)).toBe('y');
    expect(correctionsDatabaseUrl(undefined, {}, dir)).toBeUndefined();
  });
});

describe('training with corrections', () => {
  it('learns from caseworkers\' moves: corrected texts pull the model towards the queue they were moved to', () => {
    const train = readCorpus(CORPUS_FILES.train);
    const phrase = 'zorblax quendary form';
    const corrections = Array.from({ length: 12 }, (_, i) => ({ text: `${phrase} ${i}`, queue: 'education' as const }));
    const without = loadRouter().explain(phrase).probabilities.education;
    const trained = trainRouterModel({ train, corrections });
    expect(trained.model.trainedOn.corrections).toBe(12);
    expect(routerFromModel(trained.model).explain(phrase).probabilities.education).toBeGreaterThan(without + 0.3);
  }, 120_000);
});
