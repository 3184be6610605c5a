import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { HubError } from '../../errors.js';
import { createAccessTokenVerifier, type AccessTokenVerifierOptions } from '../accessToken.js';

// The gateway's knowledge of the issuer's keys is explicit and bounded: tokens are accepted on keys confirmed by a
// fetch within the maximum age, refused with 503 ISSUER_UNAVAILABLE past it (cached tokens too), accepted again once
// the issuer answers, and a key withdrawn from the JWKS stops verifying after the next fetch. The issuer is a local
// HTTP server whose answers the test controls; the verifier's clock is frozen and advanced by hand.

const NOW = new Date('2030-01-02T03:04:05Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const AUDIENCE = 'https://hub.example/graphql';
const MINUTE = 60_000;

interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function issuerKey(kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** A stand-in authorization server: discovery and JWKS, answering, failing (503) or cutting connections at will. */
const issuer = {
  server: undefined as Server | undefined,
  url: '',
  mode: 'up' as 'up' | 'dropping' | 'failing',
  keys: [] as IssuerKey[],
  /** Every request that reached the issuer, answered or not. */
  requests: 0,
  jwksRequests: 0,
};

const keyA = await issuerKey('key-a');
const keyB = await issuerKey('key-b');

beforeAll(async () => {
  issuer.server = createServer((req, res) => {
    issuer.requests += 1;
    if (issuer.mode === 'dropping') {
      req.socket.destroy(); // as a dead process looks to a client: no answer at all
      return;
    }
    if (issuer.mode === 'failing') {
      res.writeHead(503).end();
      return;
    }
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` }));
    } else if (req.url === '/jwks') {
      issuer.jwksRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: issuer.keys.map((key) => key.publicJwk) }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => issuer.server!.listen(0, '127.0.0.1', resolve));
  issuer.url = `http://127.0.0.1:${(issuer.server!.address() as AddressInfo).port}`;
});

afterAll(async () => {
  issuer.server?.closeAllConnections();
  await new Promise<void>((resolve) => issuer.server!.close(() => resolve()));
});

const verifiers: Array<{ stop(): void }> = [];
afterEach(() => {
  for (const verifier of verifiers.splice(0)) verifier.stop();
  issuer.mode = 'up';
  issuer.keys = [keyA];
});

/** A verifier on the stand-in issuer with a clock the test moves, and the log lines it wrote. */
function setup(options: Partial<AccessTokenVerifierOptions> = {}) {
  const clock = { ms: NOW.getTime() };
  const logs: string[] = [];
  const record = (level: string) => (...args: unknown[]) => void logs.push(`${level} ${JSON.stringify(args)}`);
  const verifier = createAccessTokenVerifier({
    issuer: issuer.url,
    audience: AUDIENCE,
    now: () => new Date(clock.ms),
    jwksCooldownMs: 0, // jose's cooldown runs on the real clock, which this test does not move
    keysMaxAgeMs: 10 * MINUTE,
    keysRefreshMs: 5 * MINUTE,
    logger: { info: record('info'), warn: record('warn'), error: record('error') } as never,
    ...options,
  });
  verifiers.push(verifier);
  return { verifier, clock, logs, advance: (ms: number) => void (clock.ms += ms) };
}

let serial = 0;
/** An access token as the issuer signs it, valid for two hours from the frozen time. */
function token(key: IssuerKey = keyA, claims: Record<string, unknown> = {}): Promise<string> {
  serial += 1;
  return new SignJWT({ client_id: 'citizen-portal', scope: 'population:name', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
    .setIssuer(issuer.url)
    .setAudience(AUDIENCE)
    .setSubject('person-1')
    .setJti(`jti-${serial}`)
    .setIssuedAt(NOW_S)
    .setExpirationTime(NOW_S + 7200)
    .sign(key.privateKey);
}

/** Asserts a refusal by its code, HTTP status and message, and that the message echoes no token. */
async function expectRefused(attempt: Promise<unknown>, code: 'ISSUER_UNAVAILABLE' | 'UNAUTHENTICATED', message: RegExp, raw: string) {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  const hubError = error as HubError;
  expect({ code: hubError.code, status: hubError.status }).toEqual({ code, status: code === 'ISSUER_UNAVAILABLE' ? 503 : 401 });
  expect(hubError.message).toMatch(message);
  expect(hubError.message).not.toContain(raw);
  expect(hubError.message).not.toMatch(/eyJ/);
}

const STALE = /signing keys could not be confirmed recently/;

beforeAll(() => {
  issuer.keys = [keyA];
});

describe('the issuer keys: fresh, stale, fresh again', () => {
  it('accepts tokens on fresh keys, and says how old the keys are', async () => {
    const { verifier, advance } = setup();
    const raw = await token();
    await expect(verifier.verify(raw)).resolves.toMatchObject({ subject: 'person-1', clientId: 'citizen-portal' });
    expect(await verifier.keys()).toEqual({ state: 'fresh', ageSeconds: 0 });
    advance(90_000);
    expect(await verifier.keys()).toEqual({ state: 'fresh', ageSeconds: 90 });
    expect(await verifier.ready()).toBe(true);
  });

  it('keeps accepting tokens while the issuer is down for less than the maximum age, a token never seen before too', async () => {
    const { verifier, advance } = setup();
    const used = await token();
    const unseen = await token(); // signed with the cached key, first presented during the outage
    await verifier.verify(used);
    const fetchesBefore = issuer.jwksRequests;
    issuer.mode = 'dropping';
    advance(10 * MINUTE); // exactly the maximum age: still fresh
    await expect(verifier.verify(used)).resolves.toMatchObject({ subject: 'person-1' });
    await expect(verifier.verify(unseen)).resolves.toMatchObject({ subject: 'person-1' });
    expect(await verifier.keys()).toEqual({ state: 'fresh', ageSeconds: 600 });
    // Nothing asked the issuer: fresh keys need no fetch per request.
    expect(issuer.jwksRequests).toBe(fetchesBefore);
  });

  it('refuses every token with 503 ISSUER_UNAVAILABLE once the keys are older than the maximum age, a cached one too', async () => {
    const { verifier, advance } = setup();
    const cached = await token();
    const unseen = await token();
    await verifier.verify(cached);
    issuer.mode = 'dropping';
    advance(10 * MINUTE + 1000);
    await expectRefused(verifier.verify(cached), 'ISSUER_UNAVAILABLE', STALE, cached);
    await expectRefused(verifier.verify(unseen), 'ISSUER_UNAVAILABLE', STALE, unseen);
    expect(await verifier.keys()).toEqual({ state: 'stale', ageSeconds: 601 });
    expect(await verifier.ready()).toBe(false);
    // A token that is wrong whatever the keys is still a 401.
    await expectRefused(verifier.verify('not-a-token'), 'UNAUTHENTICATED', /malformed or invalid/, 'not-a-token');
  });

  it('also when the issuer answers with an error rather than not at all', async () => {
    const { verifier, advance } = setup();
    const raw = await token();
    await verifier.verify(raw);
    issuer.mode = 'failing';
    advance(11 * MINUTE);
    await expectRefused(verifier.verify(raw), 'ISSUER_UNAVAILABLE', STALE, raw);
  });

  it('accepts tokens again once the issuer is back, with the same verifier', async () => {
    const { verifier, advance } = setup();
    const cached = await token();
    await verifier.verify(cached);
    issuer.mode = 'dropping';
    advance(11 * MINUTE);
    await expectRefused(verifier.verify(cached), 'ISSUER_UNAVAILABLE', STALE, cached);
    issuer.mode = 'up';
    advance(1000); // the next request may ask the issuer again
    await expect(verifier.verify(cached)).resolves.toMatchObject({ subject: 'person-1' });
    await expect(verifier.verify(await token())).resolves.toMatchObject({ subject: 'person-1' });
    expect(await verifier.keys()).toEqual({ state: 'fresh', ageSeconds: 0 });
  });

  it('while stale, asks the issuer at most once a second however many requests come', async () => {
    const { verifier, advance } = setup();
    const raw = await token();
    await verifier.verify(raw);
    issuer.mode = 'dropping';
    advance(11 * MINUTE);
    const before = issuer.requests;
    const concurrent = await Promise.allSettled(Array.from({ length: 20 }, () => verifier.verify(raw)));
    expect(concurrent.map((r) => r.status === 'rejected' && (r.reason as HubError).code)).toEqual(Array(20).fill('ISSUER_UNAVAILABLE'));
    for (let i = 0; i < 20; i += 1) await expectRefused(verifier.verify(raw), 'ISSUER_UNAVAILABLE', STALE, raw);
    expect(issuer.requests - before).toBe(1);
    // Back, but within the same second: not asked yet; a second later: asked, and served.
    issuer.mode = 'up';
    await expectRefused(verifier.verify(raw), 'ISSUER_UNAVAILABLE', STALE, raw);
    expect(issuer.requests - before).toBe(1);
    advance(1000);
    await expect(verifier.verify(raw)).resolves.toMatchObject({ subject: 'person-1' });
    expect(issuer.requests - before).toBe(2);
  });

  it('refuses with 503 before the first fetch if the issuer cannot be reached at start, and recovers', async () => {
    issuer.mode = 'dropping';
    const { verifier, advance } = setup();
    const raw = await token();
    await expectRefused(verifier.verify(raw), 'ISSUER_UNAVAILABLE', STALE, raw);
    expect(await verifier.keys()).toEqual({ state: 'stale', ageSeconds: null });
    issuer.mode = 'up';
    advance(1000);
    await expect(verifier.verify(raw)).resolves.toMatchObject({ subject: 'person-1' });
  });
});

describe('key rotation', () => {
  it('a key withdrawn from the JWKS stops verifying after the next refresh, for a cached token too', async () => {
    const { verifier } = setup();
    const cached = await token(keyA);
    const unseen = await token(keyA);
    await verifier.verify(cached);
    issuer.keys = [keyB]; // rotation after a compromise of key A
    await verifier.refreshKeys();
    await expectRefused(verifier.verify(cached), 'UNAUTHENTICATED', /signed with an unknown key/, cached);
    await expectRefused(verifier.verify(unseen), 'UNAUTHENTICATED', /signed with an unknown key/, unseen);
    await expect(verifier.verify(await token(keyB))).resolves.toMatchObject({ subject: 'person-1' });
  });

  it('a key added to the JWKS verifies at once (refetch on an unknown kid), and old tokens keep verifying while their key stays', async () => {
    const { verifier } = setup();
    const old = await token(keyA);
    await verifier.verify(old);
    issuer.keys = [keyA, keyB];
    await expect(verifier.verify(await token(keyB))).resolves.toMatchObject({ subject: 'person-1' });
    await expect(verifier.verify(old)).resolves.toMatchObject({ subject: 'person-1' });
  });

  it('a token with an unknown kid while the issuer is down is 503: nobody can tell whether the key is real', async () => {
    const { verifier } = setup();
    await verifier.verify(await token(keyA));
    issuer.mode = 'dropping';
    const raw = await token(keyB);
    await expectRefused(verifier.verify(raw), 'ISSUER_UNAVAILABLE', STALE, raw);
  });

  it('the background refresh finds a withdrawal without any request asking, and logs no token', async () => {
    const { verifier, logs } = setup({ keysRefreshMs: 40, keysMaxAgeMs: 10 * MINUTE });
    const cached = await token(keyA);
    await verifier.verify(cached);
    issuer.keys = [keyB];
    const fetchesBefore = issuer.jwksRequests;
    const deadline = Date.now() + 5000;
    while (issuer.jwksRequests === fetchesBefore && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expectRefused(verifier.verify(cached), 'UNAUTHENTICATED', /signed with an unknown key/, cached);
    // A failed background refresh is logged, by reason and age only.
    issuer.mode = 'dropping';
    const logDeadline = Date.now() + 5000;
    while (!logs.some((line) => line.includes('issuer keys could not be refreshed')) && Date.now() < logDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logs.some((line) => line.includes('issuer keys could not be refreshed'))).toBe(true);
    expect(logs.join('\n')).not.toMatch(/eyJ/);
    verifier.stop();
  });

  it('stops refreshing when stopped', async () => {
    const { verifier } = setup({ keysRefreshMs: 20, keysMaxAgeMs: 10 * MINUTE });
    await verifier.verify(await token(keyA));
    verifier.stop();
    await new Promise((resolve) => setTimeout(resolve, 30)); // a fetch begun before the stop may still land
    const fetchesBefore = issuer.jwksRequests;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(issuer.jwksRequests).toBe(fetchesBefore);
  });
});

describe('misuse', () => {
  it('refuses a refresh interval that is not shorter than the maximum age', () => {
    expect(() => createAccessTokenVerifier({ issuer: issuer.url, audience: AUDIENCE, keysMaxAgeMs: 1000, keysRefreshMs: 1000 })).toThrow(
      new TypeError('createIssuerKeySet: "refreshIntervalMs" must be positive and less than "maxAgeMs" (1000), got 1000'),
    );
    expect(() => createAccessTokenVerifier({ issuer: issuer.url, audience: AUDIENCE, keysMaxAgeMs: 0 })).toThrow(/"maxAgeMs" must be a positive number, got 0/);
  });
});
