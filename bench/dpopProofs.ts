import { createHash, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

// The partner's DPoP proofs (RFC 9449) for the load generator (bench/loadWorker.ts).

/**
 * Makes DPoP proofs synchronously, as autocannon's `setupRequest` must: ES256 over the JWS signing input with
 * node:crypto, the signature in IEEE P1363 form (r || s) as JWS requires (RFC 7518 §3.4), the claims of
 * lib/tokens/dpopProof.ts (htm, htu, ath, a unique jti, iat).
 */
export function dpopProofMaker(privateJwk: JWK, accessToken: string, htu: string): () => string {
  const key: KeyObject = createPrivateKey({ key: privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const { d: _private, ...publicJwk } = privateJwk;
  const jwk = { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y };
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk })).toString('base64url');
  const ath = createHash('sha256').update(accessToken, 'ascii').digest('base64url');
  return () => {
    const payload = Buffer.from(JSON.stringify({ htm: 'POST', htu, ath, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })).toString('base64url');
    const input = `${header}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return `${input}.${signature}`;
  };
}

/**
 * How many proofs a partner run signs before its load starts, per second of the run: above what any gateway here
 * answers (the hub's partner workload is at about 900 req/s on a quiet machine), so that none is signed during it.
 */
export const PRESIGNED_PROOFS_PER_SECOND = 2_500;
/** Proofs older than this (by `iat`) are not used: the hub accepts a proof for 60 s after its `iat`. */
export const PRESIGNED_PROOF_MAX_AGE_MS = 40_000;

/** DPoP proofs for one run, most of them signed before it starts; see {@link proofSupply}. */
export interface ProofSupply {
  /** The next unused proof. */
  readonly next: () => string;
  /** How many proofs had to be signed during the run, the supply being used up or too old. */
  readonly signedLive: () => number;
}

/**
 * Signs a run's DPoP proofs before its load starts, and hands them out one by one (each `jti` once: connections
 * share the supply), signing more only if it runs out or its proofs grow too old. A partner signs its proofs on
 * its own machine, not on the gateway's cores; signing them here during the run (0.1 ms of CPU each) would charge
 * the hub's req/s with the caller's work on the two cores the bench shares, while a peer's requests carry
 * credentials made before the run.
 */
export function proofSupply(make: () => string, seconds: number, rate?: number, now: () => number = Date.now): ProofSupply {
  // A quarter more, and a few: a throttled run overshoots its rate a little, and every connection builds one ahead.
  const count = Math.ceil(Math.min(rate ?? PRESIGNED_PROOFS_PER_SECOND, PRESIGNED_PROOFS_PER_SECOND) * seconds * 1.25) + 64;
  const signedAt = now();
  const supply = seconds * 1000 <= PRESIGNED_PROOF_MAX_AGE_MS ? Array.from({ length: count }, make) : [];
  let used = 0;
  let live = 0;
  return {
    next: () => {
      if (used < supply.length && now() - signedAt < PRESIGNED_PROOF_MAX_AGE_MS) return supply[used++]!;
      live += 1;
      return make();
    },
    signedLive: () => live,
  };
}
