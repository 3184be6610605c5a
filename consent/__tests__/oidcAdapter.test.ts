import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { openDatabase, type HubDatabase } from '../../lib/storage/database.js';
import { freshPostgresDatabase } from '../../tests/support/postgres.js';
import { createOidcAdapter, purgeExpired, ReplayDetectedError } from '../oidcAdapter.js';
import { migrateOidc } from '../oidcMigrations.js';

const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);
const tempDir = mkdtempSync(join(tmpdir(), 'hub-oidc-adapter-'));
const fresh = await freshPostgresDatabase();

afterAll(async () => {
  rmSync(tempDir, { recursive: true, force: true });
  await fresh?.drop();
});

interface Engine {
  name: string;
  url: string | null;
}

const engines: Engine[] = [
  { name: 'SQLite', url: 'sqlite:' + join(tempDir, 'adapter.sqlite') },
  { name: `PostgreSQL${fresh ? '' : ' (SKIPPED: no PostgreSQL available)'}`, url: fresh?.url ?? null },
];

describe.each(engines)('oidc adapter on $name', ({ url }) => {
  // Skipped loudly (freshPostgresDatabase warns) when there is no PostgreSQL; with CI=true it throws instead.
  const itWhenAvailable = url ? it : it.skip;
  let database: HubDatabase<any>;
  let clock = T0;
  const now = (): number => clock;
  let Adapter: ReturnType<typeof createOidcAdapter>;

  beforeAll(async () => {
    if (!url) return;
    database = openDatabase<any>({ url });
    await migrateOidc(database.db);
    Adapter = createOidcAdapter(database, { now });
  });
  afterAll(async () => {
    await database?.close();
  });

  itWhenAvailable('finds what it upserted, replaces it on a second upsert, and forgets it on destroy', async () => {
    clock = T0;
    const sessions = new Adapter('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', accountId: 'a1', nested: { x: [1, 2] } }, 3600);
    expect(await sessions.find('s1')).toEqual({ jti: 's1', uid: 'u1', accountId: 'a1', nested: { x: [1, 2] } });
    await sessions.upsert('s1', { jti: 's1', uid: 'u2', accountId: 'a1' }, 3600);
    expect(await sessions.find('s1')).toEqual({ jti: 's1', uid: 'u2', accountId: 'a1' });
    expect(await sessions.findByUid('u1')).toBeUndefined();
    expect(await sessions.findByUid('u2')).toEqual({ jti: 's1', uid: 'u2', accountId: 'a1' });
    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u2')).toBeUndefined();
  });

  itWhenAvailable('keeps models apart: the same id under two model names is two rows', async () => {
    await new Adapter('AccessToken').upsert('same', { kind: 'AccessToken' }, 60);
    await new Adapter('RefreshToken').upsert('same', { kind: 'RefreshToken' }, 60);
    expect(await new Adapter('AccessToken').find('same')).toEqual({ kind: 'AccessToken' });
    expect(await new Adapter('RefreshToken').find('same')).toEqual({ kind: 'RefreshToken' });
    expect(await new Adapter('AuthorizationCode').find('same')).toBeUndefined();
  });

  itWhenAvailable('returns undefined once an entry expires, keeps entries without expiry, and purges the expired', async () => {
    clock = T0;
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('short', { jti: 'short' }, 10);
    await codes.upsert('forever', { jti: 'forever' }, undefined);
    await codes.upsert('zero', { jti: 'zero' }, 0);
    clock = T0 + 9_999;
    expect(await codes.find('short')).toEqual({ jti: 'short' });
    clock = T0 + 10_000;
    expect(await codes.find('short')).toBeUndefined();
    clock = T0 + 10 * 365 * 86_400_000;
    expect(await codes.find('forever')).toEqual({ jti: 'forever' });
    expect(await codes.find('zero')).toEqual({ jti: 'zero' });
    expect(await purgeExpired(database, T0 + 10_000)).toBeGreaterThanOrEqual(1);
    clock = T0;
    expect(await codes.find('short')).toBeUndefined(); // gone from the table, not only hidden
    expect(await codes.find('forever')).toEqual({ jti: 'forever' });
  });

  itWhenAvailable('shows a consume on the next find, in epoch seconds', async () => {
    clock = T0;
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c1', { jti: 'c1', grantId: 'g' }, 60);
    expect((await codes.find('c1'))!.consumed).toBeUndefined();
    clock = T0 + 1_500;
    await codes.consume('c1');
    expect(await codes.find('c1')).toEqual({ jti: 'c1', grantId: 'g', consumed: Math.floor((T0 + 1_500) / 1000) });
    await codes.consume('missing'); // a no-op, like an absent row in the memory adapter's map
  });

  itWhenAvailable('finds a device code by its user code', async () => {
    clock = T0;
    const deviceCodes = new Adapter('DeviceCode');
    await deviceCodes.upsert('d1', { jti: 'd1', userCode: 'ABCD-EFGH', grantId: 'gd' }, 600);
    expect(await deviceCodes.findByUserCode('ABCD-EFGH')).toEqual({ jti: 'd1', userCode: 'ABCD-EFGH', grantId: 'gd' });
    expect(await deviceCodes.findByUserCode('ZZZZ-ZZZZ')).toBeUndefined();
    clock = T0 + 600_000;
    expect(await deviceCodes.findByUserCode('ABCD-EFGH')).toBeUndefined();
  });

  itWhenAvailable("revokes every token of a grant across models, leaving another grant's and the interaction", async () => {
    clock = T0;
    const accessTokens = new Adapter('AccessToken');
    const refreshTokens = new Adapter('RefreshToken');
    const codes = new Adapter('AuthorizationCode');
    const interactions = new Adapter('Interaction');
    for (const grantId of ['g1', 'g2']) {
      await accessTokens.upsert(`at-${grantId}`, { grantId }, 60);
      await refreshTokens.upsert(`rt-${grantId}`, { grantId }, 60);
      await codes.upsert(`ac-${grantId}`, { grantId }, 60);
    }
    await interactions.upsert('i-g1', { uid: 'i-g1', grantId: 'g1' }, 60);
    await refreshTokens.revokeByGrantId('g1');
    expect(await accessTokens.find('at-g1')).toBeUndefined();
    expect(await refreshTokens.find('rt-g1')).toBeUndefined();
    expect(await codes.find('ac-g1')).toBeUndefined();
    expect(await accessTokens.find('at-g2')).toEqual({ grantId: 'g2' });
    expect(await refreshTokens.find('rt-g2')).toEqual({ grantId: 'g2' });
    expect(await codes.find('ac-g2')).toEqual({ grantId: 'g2' });
    expect(await interactions.find('i-g1')).toEqual({ uid: 'i-g1', grantId: 'g1' });
  });

  itWhenAvailable('lets only one of two racing ReplayDetection saves of the same jti win, and reuses expired ids', async () => {
    clock = T0;
    const other = openDatabase<any>({ url: url! }); // a second pool stands for a second process
    try {
      const here = new Adapter('ReplayDetection');
      const there = new (createOidcAdapter(other, { now }))('ReplayDetection');
      const results = await Promise.allSettled([here.upsert('jti-1', { iss: 'c' }, 60), there.upsert('jti-1', { iss: 'c' }, 60)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected!.reason).toBeInstanceOf(ReplayDetectedError);
      expect(rejected!.reason).toMatchObject({ code: 'replay_detected', message: 'invalid_request', statusCode: 400, expose: true });
      expect(await there.find('jti-1')).toEqual({ iss: 'c' });
      clock = T0 + 60_000;
      expect(await there.find('jti-1')).toBeUndefined();
      await there.upsert('jti-1', { iss: 'c2' }, 60);
      expect(await here.find('jti-1')).toEqual({ iss: 'c2' });
    } finally {
      await other.close();
    }
  });

  itWhenAvailable('rejects a non-finite TTL and an empty model name as misuse', async () => {
    await expect(new Adapter('AccessToken').upsert('x', {}, Number.NaN)).rejects.toThrow(
      new TypeError('OidcAdapter.upsert: "expiresIn" must be a finite number of seconds, got NaN'),
    );
    expect(() => new Adapter('')).toThrow(new TypeError('createOidcAdapter: model name must be a non-empty string, got ""'));
  });

  itWhenAvailable('keeps its state across closing and reopening the database (a restart)', async () => {
    clock = T0;
    await new Adapter('Grant').upsert('grant-restart', { accountId: 'a', clientId: 'x' }, 3600);
    await new Adapter('RefreshToken').upsert('rt-restart', { grantId: 'grant-restart' }, 3600);
    await new Adapter('RefreshToken').consume('rt-restart');
    await database.close();
    database = openDatabase<any>({ url: url! });
    await migrateOidc(database.db); // idempotent on an up-to-date database, as at every start
    Adapter = createOidcAdapter(database, { now });
    expect(await new Adapter('Grant').find('grant-restart')).toEqual({ accountId: 'a', clientId: 'x' });
    expect((await new Adapter('RefreshToken').find('rt-restart'))!.consumed).toBe(Math.floor(T0 / 1000));
  });
});

describe('oidc adapter on one SQLite file shared by two connections', () => {
  it("sees each other's writes immediately", async () => {
    const url = 'sqlite:' + join(tempDir, 'shared.sqlite');
    const first = openDatabase<any>({ url });
    const second = openDatabase<any>({ url });
    try {
      await migrateOidc(first.db);
      const one = new (createOidcAdapter(first))('Session');
      const two = new (createOidcAdapter(second))('Session');
      await one.upsert('s', { uid: 'u' }, 60);
      expect(await two.findByUid('u')).toEqual({ uid: 'u' });
      await two.consume('s');
      expect((await one.find('s'))!.consumed).toEqual(expect.any(Number));
      await two.destroy('s');
      expect(await one.find('s')).toBeUndefined();
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('oidc adapter under a real oidc-provider', () => {
  it('saves an AccessToken through the adapter and finds it by its value', async () => {
    const database = openDatabase<any>({ url: 'sqlite:' + join(tempDir, 'provider.sqlite') });
    try {
      await migrateOidc(database.db);
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      // Keys, TTL and interactions given only to keep oidc-provider's development warnings out of the test output.
      const provider = new Provider('http://127.0.0.1:1', {
        adapter: createOidcAdapter(database),
        clients: [{ client_id: 'x', client_secret: 'y', redirect_uris: ['http://127.0.0.1:1/cb'] }],
        jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'k1' }] },
        ttl: { AccessToken: 3600 },
        features: { devInteractions: { enabled: false } },
      });
      const client = await provider.Client.find('x');
      const token = new provider.AccessToken({ accountId: 'a', client, grantId: 'g', scope: 'openid' });
      const value: string = await token.save();
      const found = await provider.AccessToken.find(value);
      expect(found).toMatchObject({ accountId: 'a', clientId: 'x', grantId: 'g', scope: 'openid' });
      const row = await database.db.selectFrom('oidc_models').select(['model', 'grant_id']).where('id', '=', value).executeTakeFirst();
      expect(row).toEqual({ model: 'AccessToken', grant_id: 'g' });
      await provider.AccessToken.revokeByGrantId('g');
      expect(await provider.AccessToken.find(value)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
