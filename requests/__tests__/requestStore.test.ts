import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeOnEachDatabase, type TestDatabase as Target } from '../../tests/support/databases.js';
import { openDatabase, type HubDatabase } from '../../lib/storage/database.js';
import { migrateRequests } from '../migrations.js';
import { createRequestStore, isCaseNumber, newCaseNumber, type NewRequest } from '../requestStore.js';

const HOUR = 3_600_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/submitMany.ts', import.meta.url));
let clock = new Date('2026-03-01T08:00:00.000Z');
const now = () => clock;

function request(overrides: Partial<NewRequest> = {}): NewRequest {
  return { personId: 'p_alice', queue: 'tax', text: 'My tax refund is missing', about: null, language: 'en', ...overrides };
}

it('makes case numbers a person can read out, and knows their shape', () => {
  const numbers = new Set(Array.from({ length: 2000 }, newCaseNumber));
  expect(numbers.size).toBe(2000);
  for (const number of numbers) expect(isCaseNumber(number)).toBe(true);
  expect(isCaseNumber('R-00000-0000I')).toBe(false); // no I, L, O, U in Crockford base32
  expect(isCaseNumber("R-00000-00000' or 1=1")).toBe(false);
});

await describeOnEachDatabase('requests store', requestStoreSuite);

function requestStoreSuite(make: () => Target): void {
  let target: Target;
  let database: HubDatabase<any>;
  let second: HubDatabase<any>;
  const store = (options: { dailyLimit?: number } = {}) => createRequestStore(database, { now, ...options });

  beforeAll(async () => {
    clock = new Date('2026-03-01T08:00:00.000Z');
    target = make();
    database = openDatabase<any>({ url: target.url });
    await migrateRequests(database.db);
    await migrateRequests(database.db); // a second process starting changes nothing
    // Another connection to the same database: another process, as far as locking goes.
    second = openDatabase<any>({ url: target.url });
  });
  afterAll(async () => {
    await second?.close();
    await database?.close();
    await target?.drop();
  });

  it('stores a request and reads it back for its citizen, newest first, and for its queue, oldest first', async () => {
    const first = await store().submit(request({ about: 'Person.taxAssessments' }));
    clock = new Date(clock.getTime() + 1000);
    const later = await store().submit(request({ text: 'Another one' }));
    if (!('stored' in first) || !('stored' in later)) throw new Error('not stored');
    expect(first.stored).toEqual({
      id: expect.stringMatching(/^R-/), personId: 'p_alice', queue: 'tax', status: 'RECEIVED', text: 'My tax refund is missing',
      about: 'Person.taxAssessments', language: 'en', createdAt: new Date('2026-03-01T08:00:00.000Z'), updatedAt: new Date('2026-03-01T08:00:00.000Z'),
    });
    expect((await store().listForPerson('p_alice')).map((r) => r.id)).toEqual([later.stored.id, first.stored.id]);
    expect((await store().listForQueues(['tax'])).map((r) => r.id)).toEqual([first.stored.id, later.stored.id]);
    expect(await store().listForQueues(['vehicles'])).toEqual([]);
    expect(await store().listForPerson('p_bob')).toEqual([]);
  });

  it('lets only the citizen or a caseworker of its queue find, change or move a request', async () => {
    const sent = await store().submit(request({ personId: 'p_carol' }));
    if (!('stored' in sent)) throw new Error('not stored');
    const id = sent.stored.id;
    expect(await store().find(id, { personId: 'p_bob' })).toBeUndefined();
    expect(await store().find(id, { queues: ['vehicles'], caseworkerId: 'cw-vehicles-1' })).toBeUndefined();
    expect(await store().addMessage(id, { queues: ['vehicles'], caseworkerId: 'cw-vehicles-1' }, { from: 'CASEWORKER', text: 'hi' }, 'WAITING_FOR_CITIZEN')).toBeUndefined();
    expect(await store().move(id, { personId: 'p_bob' }, 'triage')).toBeUndefined();
    expect(await store().setStatus(id, { queues: ['education'], caseworkerId: 'cw-education-1' }, 'RESOLVED')).toBeUndefined();
    expect(await store().find(id, { personId: 'p_carol' })).toMatchObject({ status: 'RECEIVED', queue: 'tax' });
    expect((await store().messagesOf([id])).get(id)).toEqual([]);

    const replied = await store().addMessage(id, { queues: ['tax'], caseworkerId: 'cw-tax-1' }, { from: 'CASEWORKER', text: 'Which year?' }, 'WAITING_FOR_CITIZEN');
    expect(replied).toMatchObject({ id, status: 'WAITING_FOR_CITIZEN' });
    clock = new Date(clock.getTime() + 1000);
    await store().addMessage(id, { personId: 'p_carol' }, { from: 'CITIZEN', text: '2025' }, 'IN_PROGRESS');
    expect((await store().messagesOf([id])).get(id)!.map((m) => [m.from, m.text])).toEqual([['CASEWORKER', 'Which year?'], ['CITIZEN', '2025']]);

    const moved = await store().move(id, { queues: ['tax'], caseworkerId: 'cw-tax-1' }, 'vehicles');
    expect(moved).toMatchObject({ queue: 'vehicles', status: 'RECEIVED' });
    expect(await store().find(id, { queues: ['tax'], caseworkerId: 'cw-tax-1' })).toBeUndefined();
    const disputed = await store().move(id, { personId: 'p_carol' }, 'triage');
    expect(disputed).toMatchObject({ queue: 'triage' });
    expect((await store().movesOf(id)).map((m) => [m.fromQueue, m.toQueue, m.by])).toEqual([['tax', 'vehicles', 'CASEWORKER'], ['vehicles', 'triage', 'CITIZEN']]);
    // Only the caseworker's move is a labelled correction, with the stored text (what train-router reads).
    expect((await store().corrections()).filter((c) => c.requestId === id)).toEqual([
      { requestId: id, text: 'My tax refund is missing', fromQueue: 'tax', toQueue: 'vehicles', at: expect.any(Date), caseworkerId: 'cw-tax-1' },
    ]);
    const columns = await database.db.selectFrom('request_corrections').select(['text', 'to_queue', 'at']).where('request_id', '=', id).execute();
    expect(columns).toEqual([{ text: 'My tax refund is missing', to_queue: 'vehicles', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
  });

  it('holds a citizen to the daily limit over a rolling 24 hours, and says when the oldest leaves the window', async () => {
    const limited = store({ dailyLimit: 3 });
    const start = clock.getTime();
    for (let i = 0; i < 3; i += 1) {
      clock = new Date(start + i * HOUR);
      expect('stored' in (await limited.submit(request({ personId: 'p_dave' })))).toBe(true);
    }
    clock = new Date(start + 5 * HOUR);
    expect(await limited.submit(request({ personId: 'p_dave' }))).toEqual({ retryAfterSeconds: 19 * 3600 });
    expect('stored' in (await limited.submit(request({ personId: 'p_erin' })))).toBe(true); // another citizen
    clock = new Date(start + 24 * HOUR + 1);
    expect('stored' in (await limited.submit(request({ personId: 'p_dave' })))).toBe(true);
  });

  it('keeps the limit exact when two processes store for the same citizen at once', async () => {
    // The other process (a second requests service) stores through its own connection, in its own event loop.
    const other = promisify(execFile)(process.execPath, ['--import', 'tsx', FIXTURE, target.url, 'p_race', '30', '20'], { cwd: ROOT });
    const here = createRequestStore(second, { dailyLimit: 20 });
    let storedHere = 0;
    for (let i = 0; i < 30; i += 1) if ('stored' in (await here.submit(request({ personId: 'p_race' })))) storedHere += 1;
    const storedThere = Number((await other).stdout.trim());
    expect(storedHere + storedThere).toBe(20);
    expect(await here.listForPerson('p_race')).toHaveLength(20);
  }, 60_000);

  it('answers undefined, without a query, for anything that is not a case number', async () => {
    const before = database.queryCount();
    expect(await store().find("x' or '1'='1", { personId: 'p_alice' })).toBeUndefined();
    expect(await store().move('', { personId: 'p_alice' }, 'triage')).toBeUndefined();
    expect(database.queryCount()).toBe(before);
  });
}
