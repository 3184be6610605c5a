import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type HubDatabase } from '../../lib/storage/database.js';
import { personas, startTestHub, type TestHub } from '../support/hub.js';
import { freshPostgresDatabase } from '../support/postgres.js';
import { CASE_QUEUE, caseworkerToken, codeOf, HEALTH_TEXT, MY_REQUESTS, REROUTE, SUBMIT, TAX_TEXT } from './support.js';

// The requests API with its database on PostgreSQL (REQUESTS_DATABASE_URL): the same rules as on SQLite
// (tests/requests/api.test.ts), checked where the storage differs: writes, the daily limit's lock, corrections.

const fresh = await freshPostgresDatabase();
// Skipped loudly (freshPostgresDatabase warns) when there is no PostgreSQL; with CI=true it throws instead.
const describeWithPostgres = fresh ? describe : describe.skip;

describeWithPostgres(`requests API on PostgreSQL${fresh ? '' : ' (SKIPPED: no PostgreSQL available)'}`, () => {
  let hub: TestHub;
  let database: HubDatabase<any>;
  let citizen: string;

  beforeAll(async () => {
    hub = await startTestHub({ env: { REQUESTS_DATABASE_URL: fresh!.url, REQUESTS_PER_DAY: '3' } });
    database = openDatabase<any>({ url: fresh!.url });
    citizen = await hub.token(personas[2]!.personalIdentityCode);
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await hub?.stop();
    await fresh?.drop();
  });

  it('stores, lists, moves with a correction, limits, and keeps no health row, all in PostgreSQL', async () => {
    const sent = await hub.query(citizen, SUBMIT, { text: `${TAX_TEXT} 131052-308T`, about: 'Person.taxAssessments' });
    const id = sent.body.data.submitRequest.id;
    expect(sent.body.data.submitRequest).toEqual({ id: expect.any(String), queue: 'TAX', status: 'RECEIVED' });
    const row = await database.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ queue: 'tax', status: 'RECEIVED', text: `${TAX_TEXT} [identity code hidden]`, about: 'Person.taxAssessments' });

    expect((await hub.query(citizen, SUBMIT, { text: HEALTH_TEXT })).body.data.submitRequest.status).toBe('NOT_STORED');
    const tax = await caseworkerToken(hub, 'cw-tax-1', 'tax');
    expect((await hub.query(tax, CASE_QUEUE, {})).body.data.caseQueue.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await hub.query(tax, REROUTE, { id, queue: 'EDUCATION' })).body.data.rerouteRequest.queue).toBe('EDUCATION');
    expect(await database.db.selectFrom('request_corrections').select(['to_queue', 'caseworker_id']).execute()).toEqual([{ to_queue: 'education', caseworker_id: 'cw-tax-1' }]);

    await hub.query(citizen, SUBMIT, { text: TAX_TEXT });
    await hub.query(citizen, SUBMIT, { text: TAX_TEXT });
    const refused = await hub.query(citizen, SUBMIT, { text: TAX_TEXT });
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(86_000);
    expect((await hub.query(citizen, MY_REQUESTS)).body.data.me.requests).toHaveLength(3);
    expect(Number((await database.db.selectFrom('requests').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(3);
  });
});
