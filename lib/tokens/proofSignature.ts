import { KeyObject, verify as verifySignature } from 'node:crypto';
import { base64url, type CryptoKey, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

/**
 * A DPoP proof's signature and claims checked synchronously with node:crypto, on the key jose imported from the
 * proof's header: jose's `jwtVerify` goes through WebCrypto's asynchronous `subtle.verify` and its own JOSE
 * machinery, about twice the CPU of the same OpenSSL check called directly (174 µs against 84 µs per ES256 proof
 * here). Only an accelerator: it answers with the claims only where `jwtVerify` would accept the proof with the
 * options the verifier gives it (`typ`, `algorithms`, a clock tolerance, no required claims), and `undefined`
 * for everything else (an unusual header or payload, another algorithm, a signature it cannot confirm), which the
 * caller then hands to `jwtVerify` to accept or refuse with jose's own verdict and reason.
 */
export function verifyProofSync(compact: string, header: ProtectedHeaderParameters, key: ProofKey): JWTPayload | undefined {
  const scheme = SCHEMES[header.alg ?? ''];
  // The node:crypto key is only ever made for the algorithm it was checked against.
  if (!scheme || !key.object || key.alg !== header.alg) return undefined;
  // `crit` and `b64` (RFC 7797) change how jose reads a JWS: left to jose.
  if ('crit' in header || 'b64' in header) return undefined;
  const firstDot = compact.indexOf('.');
  const lastDot = compact.lastIndexOf('.');
  if (firstDot < 0 || lastDot === firstDot) return undefined;
  let signature: Uint8Array;
  let payloadBytes: Uint8Array;
  try {
    // jose's own base64url decoder, so a segment jose would refuse as malformed is refused (left to jose) here too.
    signature = base64url.decode(compact.slice(lastDot + 1));
    payloadBytes = base64url.decode(compact.slice(firstDot + 1, lastDot));
  } catch {
    return undefined;
  }
  let valid: boolean;
  try {
    valid = verifySignature(scheme.hash, Buffer.from(compact.slice(0, lastDot), 'ascii'), scheme.dsaEncoding ? { key: key.object, dsaEncoding: scheme.dsaEncoding } : key.object, signature);
  } catch {
    return undefined;
  }
  if (!valid) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(STRICT_UTF8.decode(payloadBytes));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  // jose checks `nbf` and `exp` when present, and the type of `iat`: proofs carrying them get jose's verdict.
  const set = claims as JWTPayload;
  if ('nbf' in set || 'exp' in set || ('iat' in set && typeof set.iat !== 'number')) return undefined;
  return set;
}

/** A proof key as jose imported it, and the same key for node:crypto (absent for a key it cannot take). */
export interface ProofKey {
  readonly key: CryptoKey;
  /** The `alg` the key was imported for. */
  readonly alg: string;
  readonly object?: KeyObject;
}

/**
 * Wraps a key jose imported for a proof's `alg` so that {@link verifyProofSync} can use it too: only a key of exactly
 * the kind the algorithm names (a P-256 key for ES256, an Ed25519 key for EdDSA), which is all jose imports for them.
 */
export function proofKey(key: CryptoKey, alg: string): ProofKey {
  const scheme = SCHEMES[alg];
  if (!scheme) return { key, alg };
  let object: KeyObject;
  try {
    object = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
  } catch {
    return { key, alg };
  }
  const kind = object.type !== 'public' ? undefined : object.asymmetricKeyType === 'ec' ? `ec:${object.asymmetricKeyDetails?.namedCurve}` : object.asymmetricKeyType;
  return kind === scheme.keyType ? { key, alg, object } : { key, alg };
}

/** The algorithms checked here, as jose checks them through WebCrypto: ECDSA with IEEE P1363 signatures, Ed25519. */
const SCHEMES: Readonly<Record<string, { hash: string | null; keyType: string; dsaEncoding?: 'ieee-p1363' }>> = Object.freeze({
  ES256: { hash: 'sha256', keyType: 'ec:prime256v1', dsaEncoding: 'ieee-p1363' },
  EdDSA: { hash: null, keyType: 'ed25519' },
  Ed25519: { hash: null, keyType: 'ed25519' },
});

/** jose decodes a JWT's claims as strict UTF-8 (invalid bytes refuse the token). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
