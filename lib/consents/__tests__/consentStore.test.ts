import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { describeOnEachDatabase, type TestDatabase as Target } from '../../../tests/support/databases.js';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { createConsentStore, type NewConsent } from '../consentStore.js';
import { migrateConsents } from '../migrations.js';

const NOW = new Date('2025-06-15T12:00:00.000Z');
const DAY = 86_400_000;
const purpose = { fi: 'Lainahakemus', sv: 'Låneansökan', en: 'Loan application' };

function consent(overrides: Partial<NewConsent> = {}): NewConsent {
  return {
    personId: 'p_alice',
    clientId: 'demo-bank',
    clientName: 'Demo Bank',
    subject: 'pairwise-alice',
    purpose,
    scopes: ['population:name', 'tax:income'],
    grantedAt: new Date(NOW.getTime() - DAY),
    expiresAt: new Date(NOW.getTime() + 30 * DAY),
    ...overrides,
  };
}

await describeOnEachDatabase('consent store', consentStoreSuite);

function consentStoreSuite(make: () => Target): void {
  let target: Target;
  let database: HubDatabase<any>;
  const store = () => createConsentStore(database, { now: () => NOW });

  beforeAll(async () => {
    target = make();
    database = openDatabase<any>({ url: target.url });
    await migrateConsents(database.db);
    await migrateConsents(database.db); // a second run (another process starting) changes nothing
  });
  afterAll(async () => {
    await database?.close();
    await target?.drop();
  });

  it('creates a consent and reads it back with dates, arrays and text intact', async () => {
    const created = await store().createConsent(consent({ scopes: ['population:name', 'tax:income', 'population:name'], grantId: 'g-1' }));
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      personId: 'p_alice',
      clientId: 'demo-bank',
      clientName: 'Demo Bank',
      subject: 'pairwise-alice',
      purpose,
      scopes: ['population:name', 'tax:income'],
      grantedAt: new Date(NOW.getTime() - DAY),
      expiresAt: new Date(NOW.getTime() + 30 * DAY),
      revokedAt: null,
      status: 'ACTIVE',
      grantId: 'g-1',
      receipt: null,
    });
    // A second handle (another process) sees it: it was committed before createConsent resolved.
    const other = openDatabase<any>({ url: target.url });
    try {
      expect(await createConsentStore(other, { now: () => NOW }).findConsent(created.id)).toEqual(created);
    } finally {
      await other.close();
    }
    expect(await store().findConsentByGrantId('g-1')).toEqual(created);
    expect(await store().findConsentByGrantId('g-unknown')).toBeUndefined();
    expect(await store().findConsent('no-such-consent')).toBeUndefined();
  });

  it('sets the receipt and grant id, and refuses an unknown consent', async () => {
    const created = await store().createConsent(consent());
    await store().setReceipt(created.id, 'eyJhbGciOiJFUzI1NiJ9.receipt.sig');
    await store().setGrantId(created.id, 'grant-42');
    expect(await store().findConsent(created.id)).toMatchObject({ receipt: 'eyJhbGciOiJFUzI1NiJ9.receipt.sig', grantId: 'grant-42' });
    await expect(store().setReceipt('no-such-consent', 'x')).rejects.toThrow(new TypeError('setReceipt: no consent has the given "id"'));
  });

  it('lists a person\'s consents newest first, with statuses computed against the clock', async () => {
    const s = store();
    const old = await s.createConsent(consent({ personId: 'p_list', grantedAt: new Date(NOW.getTime() - 40 * DAY), expiresAt: new Date(NOW.getTime() - DAY) }));
    const newest = await s.createConsent(consent({ personId: 'p_list', grantedAt: new Date(NOW.getTime() - 1000) }));
    const middle = await s.createConsent(consent({ personId: 'p_list', grantedAt: new Date(NOW.getTime() - 2 * DAY) }));
    await s.revokeConsent('p_list', middle.id, new Date(NOW.getTime() - DAY));
    await s.createConsent(consent({ personId: 'p_someone_else' }));
    const listed = await s.listConsents('p_list');
    expect(listed.map((c) => [c.id, c.status])).toEqual([
      [newest.id, 'ACTIVE'],
      [middle.id, 'REVOKED'],
      [old.id, 'EXPIRED'],
    ]);
    // The same consent read later has expired: the status is not stored.
    const later = createConsentStore(database, { now: () => new Date(NOW.getTime() + 31 * DAY) });
    expect((await later.findConsent(newest.id))!.status).toBe('EXPIRED');
    expect(await s.listConsents('p_nobody')).toEqual([]);
  });

  it('revokes only the person\'s own consent, and keeps the first revocation time', async () => {
    const s = store();
    const created = await s.createConsent(consent({ personId: 'p_owner' }));
    expect(await s.revokeConsent('p_intruder', created.id)).toBeUndefined();
    expect(await s.findConsent(created.id)).toEqual(created); // unchanged
    expect(await s.revokeConsent('p_owner', 'no-such-consent')).toBeUndefined();

    const first = new Date(NOW.getTime() - 5000);
    const revoked = await s.revokeConsent('p_owner', created.id, first);
    expect(revoked).toEqual({ ...created, revokedAt: first, status: 'REVOKED' });
    const again = await s.revokeConsent('p_owner', created.id, NOW);
    expect(again!.revokedAt).toEqual(first);
    expect(await s.findConsent(created.id)).toEqual(revoked);
    // Without `at`, the store's clock is the revocation time.
    const other = await s.createConsent(consent({ personId: 'p_owner' }));
    expect((await s.revokeConsent('p_owner', other.id))!.revokedAt).toEqual(NOW);
  });

  it('answers activeConsent in one statement only for an active consent of that client and subject', async () => {
    const s = store();
    const active = await s.createConsent(consent({ personId: 'p_gw', subject: 'pairwise-gw' }));
    const before = database.queryCount();
    const found = await s.activeConsent(active.id, 'demo-bank', 'pairwise-gw');
    expect(database.queryCount() - before).toBe(1);
    expect(found).toEqual({
      id: active.id,
      personId: 'p_gw',
      clientName: 'Demo Bank',
      scopes: new Set(['population:name', 'tax:income']),
      purpose,
      expiresAt: active.expiresAt,
    });

    expect(await s.activeConsent(active.id, 'other-client', 'pairwise-gw')).toBeUndefined();
    expect(await s.activeConsent(active.id, 'demo-bank', 'pairwise-other')).toBeUndefined();
    expect(await s.activeConsent('no-such-consent', 'demo-bank', 'pairwise-gw')).toBeUndefined();
    // Expired: exactly at expiresAt it is no longer active.
    expect(await s.activeConsent(active.id, 'demo-bank', 'pairwise-gw', active.expiresAt)).toBeUndefined();
    expect(await s.activeConsent(active.id, 'demo-bank', 'pairwise-gw', new Date(active.expiresAt.getTime() - 1))).toBeDefined();
    await s.revokeConsent('p_gw', active.id);
    expect(await s.activeConsent(active.id, 'demo-bank', 'pairwise-gw')).toBeUndefined();
  });

  it('stores non-ASCII purposes exactly', async () => {
    const text = { fi: 'Äänestysikä – ”tarkistus”', sv: 'Röstålder ✓', en: 'Voting age 🗳' };
    const created = await store().createConsent(consent({ purpose: text }));
    expect((await store().findConsent(created.id))!.purpose).toEqual(text);
  });

  it('refuses a duplicate id', async () => {
    const created = await store().createConsent(consent());
    // The driver's error, by code (a SqliteError is not always an Error of the test's realm under jest's VM modules).
    await expect(store().createConsent(consent({ id: created.id }))).rejects.toMatchObject({ code: expect.stringMatching(/^(SQLITE_CONSTRAINT_PRIMARYKEY|23505)$/) });
    expect((await store().findConsent(created.id))!.personId).toBe(created.personId);
  });

  it('rejects misuse with a TypeError naming the option and not the value', async () => {
    const s = store();
    const cases: Array<[Partial<NewConsent> | Record<string, unknown>, string]> = [
      [{ personId: '' }, 'createConsent: option "personId" must be a non-empty string'],
      [{ id: '' }, 'createConsent: option "id" must be a non-empty string'],
      [{ clientId: undefined as unknown as string }, 'createConsent: option "clientId" must be a non-empty string'],
      [{ subject: 42 as unknown as string }, 'createConsent: option "subject" must be a non-empty string'],
      [{ grantedAt: new Date('not a date') }, 'createConsent: option "grantedAt" must be a valid Date'],
      [{ expiresAt: '2030-01-01' as unknown as Date }, 'createConsent: option "expiresAt" must be a valid Date'],
      [{ expiresAt: new Date(NOW.getTime() - 2 * DAY) }, 'createConsent: option "expiresAt" must be later than "grantedAt"'],
      [{ purpose: { fi: 'x', sv: 'y' } as unknown as NewConsent['purpose'] }, 'createConsent: option "purpose.en" must be a non-empty string'],
      [{ scopes: 'population:name' as unknown as string[] }, 'createConsent: option "scopes" must be an array of scope strings'],
      [{ scopes: ['population:name tax:income'] }, 'createConsent: option "scopes" must hold only scope tokens (RFC 6749 §3.3)'],
      [{ receipt: '' }, 'createConsent: option "receipt" must be a non-empty string'],
    ];
    for (const [overrides, message] of cases) {
      await expect(s.createConsent(consent(overrides as Partial<NewConsent>))).rejects.toThrow(new TypeError(message));
    }
    await expect(s.revokeConsent('', 'x')).rejects.toThrow(new TypeError('revokeConsent: option "personId" must be a non-empty string'));
    await expect(s.revokeConsent('p_x', 'x', new Date(Number.NaN))).rejects.toThrow(new TypeError('revokeConsent: option "at" must be a valid Date'));
    await expect(s.activeConsent('x', '', 's')).rejects.toThrow(new TypeError('activeConsent: option "clientId" must be a non-empty string'));
    await expect(s.activeConsent('x', 'c', 's', new Date(Number.NaN))).rejects.toThrow(new TypeError('activeConsent: option "now" must be a valid Date'));
    await expect(s.listConsents('')).rejects.toThrow(TypeError);
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from consents where person_id = ''`.execute(database.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });
}
