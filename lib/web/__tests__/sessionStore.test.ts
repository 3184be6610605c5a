import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { openDatabase, type HubDatabase } from '../../storage/database.js';
import { describeOnEachDatabase, type TestDatabase } from '../../../tests/support/databases.js';
import { csrfTokenMatches, SessionStore, type BaseSession } from '../sessionStore.js';

interface TestSession extends BaseSession {
  lang?: string;
  accessToken?: string;
}

const SECRET = Buffer.alloc(32, 9);
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.secret-access-token.sig';

await describeOnEachDatabase('web sessions in the shared database', (make) => {
  let target: TestDatabase;
  let database: HubDatabase<any>;
  let now = 1_000_000;
  const open = (options: { service?: string; secret?: Buffer; db?: HubDatabase<any> } = {}) =>
    SessionStore.open<TestSession>({ database: options.db ?? database, service: options.service ?? 'portal', secret: options.secret ?? SECRET, idleMs: 60_000, maxAgeMs: 3_600_000, now: () => now });

  beforeAll(async () => {
    target = make();
    database = openDatabase<any>({ url: target.url });
  });
  afterAll(async () => {
    await database.close();
    await target.drop();
  });

  it('is shared by two replicas (two handles on one database) and survives a restart of both', async () => {
    const a = await open();
    const session = a.create({ lang: 'sv' });
    session.accessToken = TOKEN;
    await a.save(session);
    const second = openDatabase<any>({ url: target.url });
    try {
      const b = await open({ db: second });
      expect(await b.load(session.id)).toEqual({ ...session, lastSeen: now });
    } finally {
      await second.close();
    }
    const restarted = await open();
    expect((await restarted.load(session.id))?.accessToken).toBe(TOKEN);
  });

  it('seals what it stores: no token, no id and no field in the clear, and a tampered row opens to nothing', async () => {
    const store = await open();
    const session = store.create({ lang: 'fi', accessToken: TOKEN });
    await store.save(session);
    const rows = (await sql<{ id_hash: string; sealed: string }>`select id_hash, sealed from web_sessions`.execute(database.db)).rows;
    const dump = JSON.stringify(rows);
    for (const secret of [TOKEN, 'secret-access-token', session.id, session.csrfToken, '"fi"']) expect(dump).not.toContain(secret);
    expect((await store.load(session.id))?.accessToken).toBe(TOKEN);
    // Flip one byte of every sealed value: the session no longer opens.
    for (const { id_hash: hash, sealed } of rows) {
      const bytes = Buffer.from(sealed, 'base64url');
      bytes[bytes.length - 1]! ^= 1;
      await sql`update web_sessions set sealed = ${bytes.toString('base64url')} where id_hash = ${hash}`.execute(database.db);
    }
    expect(await store.load(session.id)).toBeUndefined();
  });

  it('opens a session only for its own service and under its own secret', async () => {
    const portal = await open();
    const session = portal.create({ accessToken: TOKEN });
    await portal.save(session);
    expect(await (await open({ service: 'console' })).load(session.id)).toBeUndefined();
    expect(await (await open({ secret: Buffer.alloc(32, 1) })).load(session.id)).toBeUndefined();
    expect((await portal.load(session.id))?.accessToken).toBe(TOKEN);
  });

  it('forgets idle, too old, unknown and malformed sessions; use keeps one alive', async () => {
    const store = await open();
    const session = store.create({});
    await store.save(session);
    for (const bad of [undefined, '', 'nope', `${session.id}x`, "' or 1=1 --".padEnd(43, 'a')]) expect(await store.load(bad)).toBeUndefined();
    now += 59_000;
    const used = (await store.load(session.id))!;
    await store.save(used); // moves the idle deadline
    now += 59_000;
    expect(await store.load(session.id)).toBeDefined();
    now += 61_000;
    expect(await store.load(session.id)).toBeUndefined();
    const old = store.create({});
    await store.save(old);
    for (let i = 0; i < 70; i += 1) {
      now += 55_000;
      const alive = await store.load(old.id);
      if (!alive) break;
      await store.save(alive);
    }
    expect(now - old.createdAt).toBeLessThanOrEqual(3_600_000 + 55_000);
    expect(await store.load(old.id)).toBeUndefined();
    expect(await store.sweep()).toBeGreaterThanOrEqual(2);
  });

  it('rotates the id and CSRF token at sign-in, keeping only what it is told; the old id is dead everywhere', async () => {
    const store = await open();
    const before = store.create({ lang: 'sv', accessToken: 'planted' });
    await store.save(before);
    const after = await store.rotate(before, { lang: before.lang });
    await store.save(after);
    expect(after.id).not.toBe(before.id);
    expect(after.csrfToken).not.toBe(before.csrfToken);
    expect(after).toMatchObject({ lang: 'sv' });
    expect(after.accessToken).toBeUndefined();
    expect(await store.load(before.id)).toBeUndefined();
    await store.destroy(after.id);
    expect(await store.load(after.id)).toBeUndefined();
  });

  it('writes a session only when it changed, or to move its idle deadline', async () => {
    const store = await open();
    const session = store.create({});
    await store.save(session);
    const before = database.queryCount();
    const loaded = (await store.load(session.id))!;
    await store.save(loaded);
    expect(database.queryCount() - before).toBe(1); // the read only
    loaded.lang = 'en';
    await store.save(loaded);
    expect(database.queryCount() - before).toBe(2);
  });
});

it('refuses bad options by name', async () => {
  const database = openDatabase<any>({ url: 'sqlite::memory:' });
  try {
    const base = { database, service: 'portal', secret: SECRET, idleMs: 1000 };
    await expect(SessionStore.open({ ...base, service: 'Portal!' })).rejects.toThrow('"service"');
    await expect(SessionStore.open({ ...base, secret: Buffer.alloc(16) })).rejects.toThrow('"secret"');
    await expect(SessionStore.open({ ...base, idleMs: 0 })).rejects.toThrow('"idleMs"');
    await expect(SessionStore.open({ ...base, maxAgeMs: -1 })).rejects.toThrow('"maxAgeMs"');
  } finally {
    await database.close();
  }
});

it('compares CSRF tokens exactly', () => {
  const session = { id: 'x', csrfToken: 'a'.repeat(43), createdAt: 0, lastSeen: 0 };
  expect(csrfTokenMatches(session, session.csrfToken)).toBe(true);
  expect(csrfTokenMatches(session, session.csrfToken.slice(1))).toBe(false);
  expect(csrfTokenMatches(session, null)).toBe(false);
  expect(csrfTokenMatches(session, '')).toBe(false);
});
