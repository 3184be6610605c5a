import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { DEV_PARTNER_KEY_FILES } from '../../consent/partners.js';
import { createDpopVerifier } from '../../lib/tokens/dpop.js';
import { dpopProofMaker, PRESIGNED_PROOF_MAX_AGE_MS, PRESIGNED_PROOFS_PER_SECOND, proofSupply } from '../dpopProofs.js';

const URL_ = 'http://127.0.0.1:4000/graphql';
const TOKEN = 'an-access-token';

/** A stand-in maker: numbered proofs, so that tests can see which were signed when. */
function counting(): { make: () => string; made: () => number } {
  let made = 0;
  return { make: () => `proof-${++made}`, made: () => made };
}

describe('proofSupply', () => {
  it('signs a run’s proofs before it starts and hands each out once', () => {
    const { make, made } = counting();
    const supply = proofSupply(make, 2, 100);
    expect(made()).toBe(2 * 100 * 1.25 + 64);
    const handed = Array.from({ length: 314 }, supply.next);
    expect(new Set(handed).size).toBe(314);
    expect(made()).toBe(314);
    expect(supply.signedLive()).toBe(0);
  });

  it('signs more during the run once its supply is used up, and counts them', () => {
    const { make, made } = counting();
    const supply = proofSupply(make, 0.01, 100);
    expect(made()).toBe(66);
    const handed = Array.from({ length: 68 }, supply.next);
    expect(handed.slice(-3)).toEqual(['proof-66', 'proof-67', 'proof-68']);
    expect(made()).toBe(68);
    expect(supply.signedLive()).toBe(2);
  });

  it('sizes an unthrottled run by the highest rate a gateway here reaches', () => {
    const { make, made } = counting();
    proofSupply(make, 0.01);
    expect(made()).toBe(Math.ceil(PRESIGNED_PROOFS_PER_SECOND * 0.01 * 1.25) + 64);
  });

  it('stops handing out proofs that have grown too old for the hub, and signs fresh ones instead', () => {
    const { make } = counting();
    let now = 1_000_000;
    const supply = proofSupply(make, 1, 10, () => now);
    expect(supply.next()).toBe('proof-1');
    now += PRESIGNED_PROOF_MAX_AGE_MS;
    expect(supply.next()).toBe('proof-78'); // 13 + 64 signed ahead
    expect(supply.signedLive()).toBe(1);
  });

  it('signs nothing ahead for a run longer than a proof may be used', () => {
    const { make, made } = counting();
    const supply = proofSupply(make, PRESIGNED_PROOF_MAX_AGE_MS / 1000 + 1, 10);
    expect(made()).toBe(0);
    expect(supply.next()).toBe('proof-1');
    expect(supply.signedLive()).toBe(1);
  });
});

describe('dpopProofMaker', () => {
  it('makes proofs the hub accepts, each with its own jti', async () => {
    const privateJwk = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')) as JWK;
    const { d: _private, ...publicJwk } = privateJwk;
    const seen = new Set<string>();
    const verifier = createDpopVerifier({ remember: async (jti) => !seen.has(jti) && Boolean(seen.add(jti)) });
    const supply = proofSupply(dpopProofMaker(privateJwk, TOKEN, URL_), 1, 3);
    const check = { method: 'POST', url: URL_, accessToken: TOKEN, expectedThumbprint: await calculateJwkThumbprint(publicJwk) };
    for (let i = 0; i < 3; i += 1) await expect(verifier.verify(supply.next(), check)).resolves.toMatchObject({ thumbprint: check.expectedThumbprint });
    expect(seen.size).toBe(3);
    await expect(verifier.verify(dpopProofMaker(privateJwk, 'another-token', URL_)(), check)).rejects.toThrow();
  });
});
