import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { HubError } from '../../errors.js';
import { createDpopVerifier, DPOP_PROOF_ERROR, DpopProofError, dpopThumbprint, normalizeHtu, type DpopCheck } from '../dpop.js';
import { accessTokenHash, createDpopProof } from '../dpopProof.js';

// RFC 9449 §4.3 and §7.1 at the gateway, with time frozen and an in-memory replay store.

const NOW = new Date('2030-01-02T03:04:05Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const URL_ = 'https://hub.example:8443/graphql';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJwYXJ0bmVyIn0.c2lnbmF0dXJl';
const JTI = 'proof-jti-7c1e';

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  thumbprint: string;
}

async function keyPair(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, privateJwk: await exportJWK(privateKey), thumbprint: await dpopThumbprint(publicJwk) };
}

const es = await keyPair('ES256');
const other = await keyPair('ES256');
const ed = await keyPair('EdDSA');

/** A verifier whose replay store is a Set, and a log of every call to it. */
function setup(options: { algorithms?: string[] } = {}) {
  const seen = new Set<string>();
  const calls: { jti: string; expiresAt: Date }[] = [];
  const verifier = createDpopVerifier({
    ...options,
    remember: async (jti, expiresAt) => {
      calls.push({ jti, expiresAt });
      if (seen.has(jti)) return false;
      seen.add(jti);
      return true;
    },
  });
  return { verifier, calls };
}

function check(overrides: Partial<DpopCheck> = {}): DpopCheck {
  return { method: 'POST', url: URL_, accessToken: TOKEN, expectedThumbprint: es.thumbprint, now: () => NOW, ...overrides };
}

function proof(claims: Partial<Parameters<typeof createDpopProof>[3]> = {}, key: KeyPair = es, alg = 'ES256'): Promise<string> {
  return createDpopProof(key.privateKey, key.publicJwk, alg, { htm: 'POST', htu: URL_, accessToken: TOKEN, iat: NOW_S, jti: JTI, ...claims });
}

/** A proof with any header and claims, signed with `key`; for proofs {@link createDpopProof} refuses to make. */
function rawProof(header: Record<string, unknown>, payload: Record<string, unknown>, key: CryptoKey | Uint8Array = es.privateKey): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', ...header }).sign(key);
}

const goodClaims = () => ({ htm: 'POST', htu: URL_, ath: accessTokenHash(TOKEN), iat: NOW_S, jti: JTI });

function encode(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/** Asserts a refusal as a DPoP proof problem that says `message`, echoes nothing, and left the replay store alone. */
async function expectRefused(
  ctx: ReturnType<typeof setup>,
  compact: string | readonly string[] | undefined,
  message: string | RegExp,
  request: DpopCheck = check(),
): Promise<void> {
  let caught: unknown;
  try {
    await ctx.verifier.verify(compact, request);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DpopProofError);
  const error = caught as DpopProofError;
  expect(error).toBeInstanceOf(HubError);
  expect(error.code).toBe('UNAUTHENTICATED');
  expect(error.status).toBe(401);
  expect(error.dpopError).toBe('invalid_dpop_proof');
  expect(error.message).toMatch(message);
  for (const secret of [TOKEN, JTI, 'hub.example', accessTokenHash(TOKEN), es.thumbprint, ...(typeof compact === 'string' && compact ? [compact] : [])]) {
    expect(error.message).not.toContain(secret);
  }
  expect(ctx.calls).toHaveLength(0);
}

describe('createDpopVerifier: accepted proofs', () => {
  it('accepts a valid proof and remembers its jti until it is too old anyway', async () => {
    const ctx = setup();
    await expect(ctx.verifier.verify(await proof(), check())).resolves.toEqual({ thumbprint: es.thumbprint, jti: JTI });
    expect(ctx.calls).toEqual([{ jti: JTI, expiresAt: new Date((NOW_S + 60 + 5) * 1000) }]);
  });

  it('accepts an EdDSA proof by default, and a proof given as a one-element header list', async () => {
    const ctx = setup();
    const compact = await proof({}, ed, 'EdDSA');
    await expect(ctx.verifier.verify([compact], check({ expectedThumbprint: ed.thumbprint }))).resolves.toEqual({ thumbprint: ed.thumbprint, jti: JTI });
  });

  it('ignores the query and fragment of both the request URL and htu (§4.3 point 9)', async () => {
    const ctx = setup();
    const compact = await proof({ htu: `${URL_}?from=proof#frag` });
    await expect(ctx.verifier.verify(compact, check({ url: `${URL_}?operation=me` }))).resolves.toMatchObject({ jti: JTI });
  });

  it('compares URLs after RFC 3986 §6 normalization', async () => {
    const ctx = setup();
    const compact = await proof({ htu: 'HTTPS://Hub.Example:443/a/./b/../%7euser/%2f' });
    await expect(ctx.verifier.verify(compact, check({ url: 'https://hub.example/a/~user/%2F' }))).resolves.toMatchObject({ jti: JTI });
    expect(normalizeHtu('http://h.example:80')).toBe('http://h.example/');
    expect(normalizeHtu('http://h.example:8080/x?y#z')).toBe('http://h.example:8080/x');
    expect(normalizeHtu('ftp://h.example/x')).toBeUndefined();
    expect(normalizeHtu('/graphql')).toBeUndefined();
  });

  it('accepts iat at both edges of the window', async () => {
    const ctx = setup();
    await expect(ctx.verifier.verify(await proof({ iat: NOW_S - 65, jti: 'old-edge' }), check())).resolves.toMatchObject({ jti: 'old-edge' });
    await expect(ctx.verifier.verify(await proof({ iat: NOW_S + 5, jti: 'new-edge' }), check())).resolves.toMatchObject({ jti: 'new-edge' });
  });
});

describe('createDpopVerifier: replay', () => {
  it('refuses a jti on its second use', async () => {
    const ctx = setup();
    const compact = await proof();
    await ctx.verifier.verify(compact, check());
    const again = ctx.verifier.verify(compact, check());
    await expect(again).rejects.toThrow(DpopProofError);
    await expect(again).rejects.toThrow('The DPoP proof has already been used');
    expect(ctx.calls).toHaveLength(2);
  });

  it('refuses when the store answers anything but true', async () => {
    const verifier = createDpopVerifier({ remember: async () => undefined as unknown as boolean });
    await expect(verifier.verify(await proof(), check())).rejects.toThrow('The DPoP proof has already been used');
  });

  it('fails closed, and not as a proof problem, when the store is down', async () => {
    const verifier = createDpopVerifier({
      remember: async () => {
        throw new Error('connection refused to 10.0.0.7');
      },
    });
    const refusal = verifier.verify(await proof(), check());
    await expect(refusal).rejects.toThrow(HubError);
    await expect(refusal).rejects.not.toThrow(DpopProofError);
    await expect(refusal).rejects.toMatchObject({ code: 'CONSENT_STORE_UNAVAILABLE', message: 'The DPoP replay check is unavailable' });
  });
});

describe('createDpopVerifier: refused proofs never reach the replay store', () => {
  it('refuses a proof for another URL', async () => {
    const ctx = setup();
    await expectRefused(ctx, await proof({ htu: 'https://hub.example:8443/other' }), 'The DPoP proof is for another URL');
    await expectRefused(ctx, await proof({ htu: 'http://hub.example:8443/graphql' }), 'The DPoP proof is for another URL');
    await expectRefused(ctx, await proof({ htu: 'https://hub.example/graphql' }), 'The DPoP proof is for another URL');
    await expectRefused(ctx, await proof({ htu: 'not a url' }), 'The DPoP proof is for another URL');
  });

  it('refuses a proof for another method, compared case-sensitively', async () => {
    const ctx = setup();
    await expectRefused(ctx, await proof({ htm: 'GET' }), 'The DPoP proof is for another HTTP method');
    await expectRefused(ctx, await proof({ htm: 'post' }), 'The DPoP proof is for another HTTP method');
  });

  it('refuses a proof signed with a key the token is not bound to', async () => {
    const ctx = setup();
    await expectRefused(ctx, await proof({}, other), 'The DPoP proof is signed with a key the access token is not bound to');
  });

  it('refuses a proof without ath, or made for another access token', async () => {
    const ctx = setup();
    await expectRefused(ctx, await proof({ accessToken: undefined }), 'The DPoP proof lacks the ath claim for its access token');
    await expectRefused(ctx, await proof({ accessToken: `${TOKEN}x` }), 'The DPoP proof was made for another access token');
  });

  it('refuses a wrong or missing typ', async () => {
    const ctx = setup();
    await expectRefused(ctx, await rawProof({ typ: 'JWT', jwk: es.publicJwk }, goodClaims()), 'The DPoP proof must have the typ header dpop+jwt');
    await expectRefused(ctx, await rawProof({ typ: 'at+jwt', jwk: es.publicJwk }, goodClaims()), 'The DPoP proof must have the typ header dpop+jwt');
    await expectRefused(ctx, await rawProof({ jwk: es.publicJwk }, goodClaims()), 'The DPoP proof must have the typ header dpop+jwt');
  });

  it('refuses alg none', async () => {
    const ctx = setup();
    const unsigned = `${encode({ alg: 'none', typ: 'dpop+jwt', jwk: es.publicJwk })}.${encode(goodClaims())}`;
    await expectRefused(ctx, `${unsigned}.AAAA`, 'The DPoP proof uses an algorithm that is not accepted');
    await expectRefused(ctx, `${unsigned}.`, 'The DPoP proof is not a JWT in compact serialization');
  });

  it('refuses an HS256 proof, whatever key it names', async () => {
    const ctx = setup();
    const secret = new TextEncoder().encode('a shared secret that is long enough!');
    await expectRefused(ctx, await rawProof({ alg: 'HS256', typ: 'dpop+jwt', jwk: es.publicJwk }, goodClaims(), secret), 'The DPoP proof uses an algorithm that is not accepted');
    const ctxOct = setup({ algorithms: ['ES256'] });
    const oct = { kty: 'oct', k: base64url.encode(secret) };
    await expectRefused(ctxOct, await rawProof({ alg: 'HS256', typ: 'dpop+jwt', jwk: oct }, goodClaims(), secret), 'The DPoP proof uses an algorithm that is not accepted');
  });

  it('refuses an asymmetric algorithm that is not configured', async () => {
    const ctx = setup({ algorithms: ['ES256'] });
    await expectRefused(ctx, await proof({}, ed, 'EdDSA'), 'The DPoP proof uses an algorithm that is not accepted', check({ expectedThumbprint: ed.thumbprint }));
  });

  it('refuses a private key in the header, even with a valid signature', async () => {
    const ctx = setup();
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.privateJwk }, goodClaims()), 'The DPoP proof header must carry a public key, never a private or symmetric one');
  });

  it('refuses a missing or unusable jwk header', async () => {
    const ctx = setup();
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt' }, goodClaims()), 'The DPoP proof header lacks its public key (jwk)');
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: [es.publicJwk] }, goodClaims()), 'The DPoP proof header lacks its public key (jwk)');
    // An Ed25519 key under alg ES256: jose will not import it for that algorithm.
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: ed.publicJwk }, goodClaims()), 'The DPoP proof key is invalid or does not fit its algorithm');
  });

  it('refuses a proof whose signature is not by its embedded key', async () => {
    const ctx = setup();
    // Header names es's key, but other's key signed it.
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, goodClaims(), other.privateKey), 'The DPoP proof signature is invalid');
    // A valid proof whose claims were swapped after signing.
    const [header, , signature] = (await proof()).split('.');
    const tampered = `${header}.${encode({ ...goodClaims(), htm: 'GET' })}.${signature}`;
    await expectRefused(ctx, tampered, 'The DPoP proof signature is invalid', check({ method: 'GET' }));
  });

  it('refuses an iat too old or too far in the future, and a proof without iat', async () => {
    const ctx = setup();
    await expectRefused(ctx, await proof({ iat: NOW_S - 66 }), 'The DPoP proof is too old');
    await expectRefused(ctx, await proof({ iat: NOW_S + 6 }), 'The DPoP proof is issued in the future');
    const { iat: _, ...noIat } = goodClaims();
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, noIat), 'The DPoP proof lacks the iat claim');
  });

  it('refuses a missing, empty or overlong jti', async () => {
    const ctx = setup();
    const { jti: _, ...noJti } = goodClaims();
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, noJti), 'The DPoP proof needs a jti claim of 1 to 256 characters');
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, { ...noJti, jti: '' }), 'The DPoP proof needs a jti claim of 1 to 256 characters');
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, { ...noJti, jti: 7 }), 'The DPoP proof needs a jti claim of 1 to 256 characters');
    await expectRefused(ctx, await proof({ jti: 'j'.repeat(257) }), 'The DPoP proof needs a jti claim of 1 to 256 characters');
  });

  it('refuses a proof without htm or htu', async () => {
    const ctx = setup();
    const { htm: _m, ...noHtm } = goodClaims();
    const { htu: _u, ...noHtu } = goodClaims();
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, noHtm), 'The DPoP proof lacks the htm claim');
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, noHtu), 'The DPoP proof lacks the htu claim');
  });

  it('refuses anything but exactly one compact JWT', async () => {
    const ctx = setup();
    const good = await proof();
    await expectRefused(ctx, undefined, 'The request lacks a DPoP proof');
    await expectRefused(ctx, '', 'The request lacks a DPoP proof');
    await expectRefused(ctx, [], 'The request lacks a DPoP proof');
    await expectRefused(ctx, [good, good], 'A request must carry exactly one DPoP proof');
    // Node joins repeated headers with ", ".
    await expectRefused(ctx, `${good}, ${good}`, 'The DPoP proof is not a JWT in compact serialization');
    for (const malformed of ['abc', 'a.b', 'a.b.c.d.e', `${good}.x`, ` ${good}`, 'a+b.c.d', 'x'.repeat(9000)]) {
      await expectRefused(ctx, malformed, 'The DPoP proof is not a JWT in compact serialization');
    }
    await expectRefused(ctx, 'abc.def.ghi', 'The DPoP proof header is malformed');
    await expectRefused(ctx, `${encode({ alg: 'ES256', typ: 'dpop+jwt', jwk: es.publicJwk })}.bm90IGpzb24.AAAA`, /^The DPoP proof (signature is invalid|is malformed or invalid)$/);
  });

  it('refuses an expired proof that carries exp', async () => {
    const ctx = setup();
    await expectRefused(ctx, await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, { ...goodClaims(), exp: NOW_S - 30 }), 'The DPoP proof has expired');
  });
});

describe('createDpopVerifier: the imported key cache', () => {
  it('verifies every proof of a cached key, and refuses one whose signature is not by the key in its header', async () => {
    const ctx = setup();
    await expect(ctx.verifier.verify(await proof({ jti: 'first' }), check())).resolves.toMatchObject({ thumbprint: es.thumbprint });
    await expect(ctx.verifier.verify(await proof({ jti: 'second' }), check())).resolves.toMatchObject({ thumbprint: es.thumbprint });
    // The same header (es's public key) as the proofs above, signed with another key: the cached key still checks it.
    const forged = await rawProof({ typ: 'dpop+jwt', jwk: es.publicJwk }, { ...goodClaims(), jti: 'forged' }, other.privateKey);
    expect(forged.split('.')[0]).toBe((await proof()).split('.')[0]);
    ctx.calls.length = 0;
    await expectRefused(ctx, forged, 'The DPoP proof signature is invalid');
  });

  it('imports each key anew, however many it holds: another key is judged by its own thumbprint', async () => {
    const ctx = setup();
    const verifier = createDpopVerifier({ remember: async () => true, keyCacheSize: 1 });
    await expect(verifier.verify(await proof(), check())).resolves.toMatchObject({ thumbprint: es.thumbprint });
    await expect(verifier.verify(await proof({}, other), check({ expectedThumbprint: other.thumbprint }))).resolves.toMatchObject({ thumbprint: other.thumbprint });
    await expectRefused(ctx, await proof({}, other), 'The DPoP proof is signed with a key the access token is not bound to');
    await expect(verifier.verify(await proof(), check())).resolves.toMatchObject({ thumbprint: es.thumbprint });
  });
});

describe('createDpopVerifier: misuse', () => {
  it('refuses symmetric or unknown algorithms and bad options with a TypeError naming the option', () => {
    const remember = async () => true;
    expect(() => createDpopVerifier({ remember, algorithms: ['HS256'] })).toThrow(new TypeError('createDpopVerifier: "algorithms" may hold asymmetric algorithms only, got HS256'));
    expect(() => createDpopVerifier({ remember, algorithms: ['none'] })).toThrow(/"algorithms" may hold asymmetric algorithms only, got none/);
    expect(() => createDpopVerifier({ remember, algorithms: [] })).toThrow(/"algorithms" must be a non-empty array/);
    expect(() => createDpopVerifier({ remember, maxAgeSeconds: 0 })).toThrow(/"maxAgeSeconds" must be a positive number, got 0/);
    expect(() => createDpopVerifier({ remember, clockToleranceSeconds: -1 })).toThrow(/"clockToleranceSeconds" must be a number of 0 or more, got -1/);
    expect(() => createDpopVerifier({} as never)).toThrow(/"remember" must be a function/);
    expect(() => createDpopVerifier({ remember, keyCacheSize: 0 })).toThrow(new TypeError('createDpopVerifier: "keyCacheSize" must be a positive integer, got 0'));
  });

  it('refuses a check without an absolute request URL or a thumbprint', async () => {
    const ctx = setup();
    const compact = await proof();
    await expect(ctx.verifier.verify(compact, check({ url: '/graphql' }))).rejects.toThrow(new TypeError('verify: "check.url" must be an absolute http or https URL'));
    await expect(ctx.verifier.verify(compact, check({ expectedThumbprint: '' }))).rejects.toThrow(/"check.expectedThumbprint" must be a non-empty string/);
    await expect(ctx.verifier.verify(compact, check({ accessToken: '' }))).rejects.toThrow(/"check.accessToken" must be a non-empty string/);
    expect(ctx.calls).toHaveLength(0);
  });

  it('names the WWW-Authenticate error code', () => {
    expect(DPOP_PROOF_ERROR).toBe('invalid_dpop_proof');
    expect(new DpopProofError('x').name).toBe('DpopProofError');
  });
});

describe('dpopThumbprint and createDpopProof', () => {
  it('computes the RFC 7638 SHA-256 thumbprint from the required members in order', async () => {
    const { crv, kty, x, y } = es.publicJwk;
    const canonical = JSON.stringify({ crv, kty, x, y });
    expect(es.thumbprint).toBe(createHash('sha256').update(canonical).digest('base64url'));
    expect(await dpopThumbprint({ ...es.publicJwk, kid: 'ignored', use: 'sig' })).toBe(es.thumbprint);
  });

  it('refuses to put a private key in a proof header', async () => {
    await expect(createDpopProof(es.privateKey, es.privateJwk, 'ES256', { htm: 'POST', htu: URL_ })).rejects.toThrow(
      new TypeError('createDpopProof: "publicJwk" must be a public key, but it has private members (d)'),
    );
  });

  it('computes ath as base64url SHA-256 of the token (RFC 9449 §4.2)', () => {
    // The example in RFC 9449 §7.1.
    expect(accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
  });
});
