import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type HubDatabase } from '../../lib/storage/database.js';
import { personas, startTestHub, type TestHub } from '../support/hub.js';
import {
  ANSWER, CASE, CASE_QUEUE, caseworkerToken, codeOf, DISPUTE, HEALTH_TEXT, MY_REQUESTS, REPLY, REROUTE, RESOLVE, SUBMIT, TAX_TEXT,
} from './support.js';

// The requests API over HTTP through the gateway (CONTRACT.md "Requests (free text)", issue 11 items 5-9): a
// citizen's own requests, the caseworkers' queues, bad input, the daily limit, identity codes hidden, health
// stored nowhere. Partners: tests/requests/partners.test.ts; logs: tests/requests/logs.test.ts; kill -9 and the
// search of every file: tests/requests/realHub.test.ts.

let hub: TestHub;
let requestsDb: HubDatabase<any>;
const [alice, bob, carol, dave] = personas.map((p) => p.personalIdentityCode) as [string, string, string, string];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  hub = await startTestHub();
  for (const persona of [alice, bob, carol, dave]) tokens[persona] = await hub.token(persona);
  tokens.tax = await caseworkerToken(hub, 'cw-tax-1', 'tax');
  tokens.vehicles = await caseworkerToken(hub, 'cw-vehicles-1', 'vehicles');
  tokens.triage = await caseworkerToken(hub, 'cw-triage-1', 'triage');
  requestsDb = openDatabase<any>({ url: `sqlite:${join(hub.env.HUB_HOME!, 'requests.sqlite')}` });
}, 120_000);

afterAll(async () => {
  await requestsDb?.close();
  await hub?.stop();
});

const submit = (persona: string, text: string, about?: string) => hub.query(tokens[persona]!, SUBMIT, { text, about });

describe('a citizen sends a request', () => {
  it('stores a tax matter in the tax queue and lists it, newest first, with the item it is about', async () => {
    const first = await submit(alice, TAX_TEXT, 'Person.taxAssessments');
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.submitRequest).toEqual({ id: expect.stringMatching(/^R-[0-9A-Z]{5}-[0-9A-Z]{5}$/), queue: 'TAX', status: 'RECEIVED' });
    const second = await submit(alice, 'The tax office has my tax refund wrong for 2024.');
    const mine = await hub.query(tokens[alice]!, MY_REQUESTS);
    expect(mine.status).toBe(200);
    const ids = mine.body.data.me.requests.map((r: { id: string }) => r.id);
    expect(ids.slice(0, 2)).toEqual([second.body.data.submitRequest.id, first.body.data.submitRequest.id]);
    expect(mine.body.data.me.requests[1]).toEqual({
      id: first.body.data.submitRequest.id, queue: 'TAX', status: 'RECEIVED', text: TAX_TEXT, about: 'Person.taxAssessments',
      language: 'en', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), messages: [],
    });
  });

  it('refuses an empty, a blank and a 4001-character text with 400 BAD_USER_INPUT and a clear message; 4000 is accepted', async () => {
    for (const text of ['', '   \n ', 'x'.repeat(4001), '€'.repeat(4001)]) {
      const refused = await submit(dave, text);
      expect(refused.status).toBe(400);
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(refused.body.errors[0].message).toMatch(/"text" must be 1 to 4000 characters long/);
    }
    const longest = await submit(dave, `tax ${'y'.repeat(3996)}`);
    expect(longest.status).toBe(200);
    expect(longest.body.data.submitRequest.status).toBe('RECEIVED');
  });

  it('refuses an `about` that names no item a register holds, with 400 BAD_USER_INPUT; accepts Person.address', async () => {
    for (const about of ['Person.shoeSize', 'Person.requests', 'Person.consents', 'address', 'Person.address; drop table requests']) {
      const refused = await submit(dave, TAX_TEXT, about);
      expect(refused.status).toBe(400);
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(refused.body.errors[0].message).toMatch(/"about" must name an item of your data/);
    }
    const accepted = await submit(dave, 'My address is wrong: I moved to Tampere in May.', 'Person.address');
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.submitRequest.queue).toBe('POPULATION');
  });

  it('hides personal identity codes before the text is stored or shown', async () => {
    const text = 'My child 131052-308T and I (010594Y9032, or 010594-903x mistyped) moved; the tax card is wrong.';
    const sent = await submit(bob, text);
    const id = sent.body.data.submitRequest.id;
    const mine = await hub.query(tokens[bob]!, MY_REQUESTS);
    const shown = mine.body.data.me.requests.find((r: { id: string }) => r.id === id).text;
    expect(shown).toBe('My child [identity code hidden] and I ([identity code hidden], or [identity code hidden] mistyped) moved; the tax card is wrong.');
    const row = await requestsDb.db.selectFrom('requests').select('text').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.text).toBe(shown);
    const answered = await hub.query(tokens[bob]!, ANSWER, { id, text: 'Also 131052-308T again' });
    expect(answered.body.data.answerRequest.messages).toEqual([{ from: 'CITIZEN', text: 'Also [identity code hidden] again' }]);
  });

  it('answers a health matter NOT_STORED with no id, and keeps no row of it', async () => {
    const marker = `marker-${Date.now()}`;
    const before = await requestsDb.db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const sent = await submit(carol, `${HEALTH_TEXT} ${marker}`);
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ data: { submitRequest: { id: null, queue: 'HEALTH', status: 'NOT_STORED' } } });
    const after = await requestsDb.db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const mine = await hub.query(tokens[carol]!, MY_REQUESTS);
    expect(JSON.stringify(mine.body)).not.toContain(marker);
  });
});

describe('the daily limit', () => {
  it('stores 20 requests in 24 hours, then answers 429 RATE_LIMITED with Retry-After; health matters are neither stored nor counted', async () => {
    const persona = personas[4]!.personalIdentityCode;
    tokens[persona] = await hub.token(persona);
    for (let i = 0; i < 20; i += 1) {
      const sent = await submit(persona, `${TAX_TEXT} (${i})`);
      expect(sent.status).toBe(200);
    }
    const refused = await submit(persona, TAX_TEXT);
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(refused.body.errors[0].message).toMatch(/most requests allowed in 24 hours/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(refused.body.errors[0].extensions.retryAfterSeconds).toBe(retryAfter);
    const health = await submit(persona, HEALTH_TEXT);
    expect(health.body.data.submitRequest).toEqual({ id: null, queue: 'HEALTH', status: 'NOT_STORED' });
    const mine = await hub.query(tokens[persona]!, MY_REQUESTS);
    expect(mine.body.data.me.requests).toHaveLength(20);
  });
});

describe('caseworkers', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = (await submit(alice, `${TAX_TEXT} (for the caseworkers)`, 'Person.taxAssessments')).body.data.submitRequest.id;
  });

  it('a tax caseworker sees the case in the tax queue, with who it is about as the population register knows the person', async () => {
    const queue = await hub.query(tokens.tax!, CASE_QUEUE, { status: 'RECEIVED' });
    expect(queue.status).toBe(200);
    expect(queue.body.errors).toBeUndefined();
    const found = queue.body.data.caseQueue.find((r: { id: string }) => r.id === caseId);
    expect(found).toMatchObject({ queue: 'TAX', status: 'RECEIVED', about: 'Person.taxAssessments' });
    expect(queue.body.data.caseQueue.every((r: { queue: string }) => r.queue === 'TAX')).toBe(true);
    const one = await hub.query(tokens.tax!, CASE, { id: caseId });
    expect(one.body.data.caseRequest.subject).toEqual({ firstNames: personas[0]!.firstNames, lastName: personas[0]!.lastName });
  });

  it('another queue\'s caseworker gets nothing: not in their queue, NOT_FOUND for reading or acting, the same as for a case number that does not exist', async () => {
    const queue = await hub.query(tokens.vehicles!, CASE_QUEUE, {});
    expect(queue.body.data.caseQueue.map((r: { id: string }) => r.id)).not.toContain(caseId);
    for (const [query, variables] of [
      [CASE, { id: caseId }], [REPLY, { id: caseId, text: 'hello' }], [REROUTE, { id: caseId, queue: 'TRIAGE' }], [RESOLVE, { id: caseId }],
    ] as const) {
      const refused = await hub.query(tokens.vehicles!, query, variables);
      const missing = await hub.query(tokens.vehicles!, query, { ...variables, id: 'R-00000-00000' });
      expect(codeOf(refused)).toBe('NOT_FOUND');
      expect(refused.body.errors[0].message).toBe(missing.body.errors[0].message);
      expect(refused.body.data).toEqual(missing.body.data);
    }
    const still = await hub.query(tokens.tax!, CASE, { id: caseId });
    expect(still.body.data.caseRequest).toMatchObject({ status: 'RECEIVED', queue: 'TAX', messages: [] });
  });

  it('reply, answer, move and resolve: the citizen sees the reply, and a caseworker\'s move is kept as a labelled correction', async () => {
    const replied = await hub.query(tokens.tax!, REPLY, { id: caseId, text: 'Which tax year do you mean?' });
    expect(replied.body.data.replyToRequest).toEqual({ id: caseId, status: 'WAITING_FOR_CITIZEN', messages: [{ from: 'CASEWORKER', text: 'Which tax year do you mean?' }] });
    const mine = await hub.query(tokens[alice]!, MY_REQUESTS);
    expect(mine.body.data.me.requests.find((r: { id: string }) => r.id === caseId)).toMatchObject({
      status: 'WAITING_FOR_CITIZEN', messages: [{ from: 'CASEWORKER', at: expect.any(String), text: 'Which tax year do you mean?' }],
    });
    const answered = await hub.query(tokens[alice]!, ANSWER, { id: caseId, text: '2024, and it is <b>my car</b> really' });
    expect(answered.body.data.answerRequest.status).toBe('IN_PROGRESS');
    expect(answered.body.data.answerRequest.messages[1]).toEqual({ from: 'CITIZEN', text: '2024, and it is <b>my car</b> really' });

    const refusedHealth = await hub.query(tokens.tax!, REROUTE, { id: caseId, queue: 'HEALTH' });
    expect(refusedHealth.status).toBe(400);
    expect(codeOf(refusedHealth)).toBe('BAD_USER_INPUT');
    const moved = await hub.query(tokens.tax!, REROUTE, { id: caseId, queue: 'VEHICLES' });
    expect(moved.body.data.rerouteRequest).toEqual({ id: caseId, queue: 'VEHICLES', status: 'RECEIVED' });
    const corrections = await requestsDb.db.selectFrom('request_corrections').selectAll().where('request_id', '=', caseId).execute();
    expect(corrections).toEqual([expect.objectContaining({ text: `${TAX_TEXT} (for the caseworkers)`, from_queue: 'tax', to_queue: 'vehicles', caseworker_id: 'cw-tax-1', at: expect.any(String) })]);

    expect(codeOf(await hub.query(tokens.tax!, CASE, { id: caseId }))).toBe('NOT_FOUND');
    const vehiclesQueue = await hub.query(tokens.vehicles!, CASE_QUEUE, {});
    expect(vehiclesQueue.body.data.caseQueue.map((r: { id: string }) => r.id)).toContain(caseId);
    const resolved = await hub.query(tokens.vehicles!, RESOLVE, { id: caseId });
    expect(resolved.body.data.resolveRequest).toEqual({ id: caseId, status: 'RESOLVED' });
    const resolvedOnly = await hub.query(tokens.vehicles!, CASE_QUEUE, { status: 'RESOLVED' });
    expect(resolvedOnly.body.data.caseQueue.map((r: { id: string }) => r.id)).toEqual([caseId]);
  });

  it('a caseworker\'s token reaches no person\'s data and cannot act as a citizen', async () => {
    const own = await hub.query(tokens.tax!, '{ me { firstNames address { streetAddress } requests { id } consents { id } } }');
    expect(own.body.data?.me ?? null).toBeNull();
    expect(own.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(expect.arrayContaining(['UNAUTHORIZED_FIELD_OR_TYPE']));
    const sent = await hub.query(tokens.tax!, SUBMIT, { text: TAX_TEXT });
    expect(codeOf(sent)).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(sent.body.data ?? null).toBeNull();
    // Even a token that claims citizen scopes beside its queue (a bug at the issuer) gets none of them.
    const greedy = await caseworkerToken(hub, 'cw-tax-1', 'tax', ['self', 'population:name', 'tax:income']);
    const greedyOwn = await hub.query(greedy, '{ me { firstNames requests { id } } }');
    expect(greedyOwn.body.data?.me ?? null).toBeNull();
    expect(codeOf(await hub.query(greedy, SUBMIT, { text: TAX_TEXT }))).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('a citizen\'s token never reaches a queue, even one that claims a caseworker\'s scope', async () => {
    const queue = await hub.query(tokens[alice]!, CASE_QUEUE, {});
    expect(codeOf(queue)).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    // Who a case is about is for caseworkers: the citizen's own list carries no `subject`.
    const own = await hub.query(tokens[alice]!, '{ me { requests { id subject { firstNames } } } }');
    expect(own.body.data.me.requests.length).toBeGreaterThan(0);
    expect(own.body.data.me.requests.every((r: { subject: unknown }) => r.subject === null)).toBe(true);
    expect(codeOf(own)).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const forged = await hub.token(alice, { scopes: ['self', 'cases:tax', 'cases:triage'] });
    const forgedQueue = await hub.query(forged, CASE_QUEUE, {});
    expect(codeOf(forgedQueue)).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(forgedQueue.body.data ?? null).toBeNull();
  });
});

describe('another citizen', () => {
  it('gets nothing of someone else\'s request: not listed, NOT_FOUND for answering or disputing, nothing changed', async () => {
    const id = (await submit(alice, `${TAX_TEXT} (private)`)).body.data.submitRequest.id;
    const theirs = await hub.query(tokens[carol]!, MY_REQUESTS);
    expect(theirs.body.data.me.requests.map((r: { id: string }) => r.id)).not.toContain(id);
    for (const [query, variables] of [[ANSWER, { id, text: 'mine now' }], [DISPUTE, { id }]] as const) {
      const refused = await hub.query(tokens[carol]!, query, variables);
      expect(codeOf(refused)).toBe('NOT_FOUND');
      expect(refused.body.errors[0].message).toBe('No such request');
    }
    const mine = await hub.query(tokens[alice]!, MY_REQUESTS);
    expect(mine.body.data.me.requests.find((r: { id: string }) => r.id === id)).toMatchObject({ queue: 'TAX', status: 'RECEIVED', messages: [] });
  });
});

describe('the citizen says it went to the wrong place', () => {
  it('moves it to triage, where a triage caseworker finds it; the move is recorded but is not a correction', async () => {
    const id = (await submit(alice, `${TAX_TEXT} (wrong place)`)).body.data.submitRequest.id;
    const disputed = await hub.query(tokens[alice]!, DISPUTE, { id });
    expect(disputed.body.data.disputeRoute).toEqual({ id, queue: 'TRIAGE', status: 'RECEIVED' });
    const triage = await hub.query(tokens.triage!, CASE_QUEUE, {});
    expect(triage.body.data.caseQueue.map((r: { id: string }) => r.id)).toContain(id);
    const moves = await requestsDb.db.selectFrom('request_moves').selectAll().where('request_id', '=', id).execute();
    expect(moves).toEqual([expect.objectContaining({ from_queue: 'tax', to_queue: 'triage', by: 'CITIZEN', caseworker_id: null })]);
    expect(await requestsDb.db.selectFrom('request_corrections').selectAll().where('request_id', '=', id).execute()).toEqual([]);
  });
});
