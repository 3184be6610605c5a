import { timingSafeEqual } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors as joseErrors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import { HubError } from '../errors.js';
import { LruCache } from '../lru.js';
import { accessTokenHash, DPOP_PROOF_TYPE, PRIVATE_JWK_MEMBERS } from './dpopProof.js';
import { proofKey as toProofKey, verifyProofSync, type ProofKey } from './proofSignature.js';

/** The `error` of the `WWW-Authenticate: DPoP` challenge for any failure {@link DpopProofError} stands for (RFC 9449 §7.1). */
export const DPOP_PROOF_ERROR = 'invalid_dpop_proof';

/**
 * A DPoP proof that the gateway refuses. It is an `UNAUTHENTICATED` {@link HubError} (HTTP 401) whose message is
 * safe to show; the caller tells it apart with `instanceof` (or its `dpopError`) and answers with
 * `WWW-Authenticate: DPoP error="invalid_dpop_proof"` instead of `error="invalid_token"` (RFC 9449 §7.1).
 */
export class DpopProofError extends HubError {
  readonly dpopError = DPOP_PROOF_ERROR;
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAUTHENTICATED', message, options);
    this.name = 'DpopProofError';
  }
}

/** The request a proof must match, and the token it must be bound to. */
export interface DpopCheck {
  /** The request's HTTP method, compared exactly with `htm` (methods are case-sensitive, RFC 9110 §9.1). */
  method: string;
  /**
   * The request's URL as the client addressed it (scheme, host, port, path); query and fragment are ignored
   * (RFC 9449 §4.3 point 9). Build it from the gateway's configured public address, not from a `Host` header.
   */
  url: string;
  /** The access token presented with the proof; the proof's `ath` must be its base64url SHA-256 (RFC 9449 §4.3 point 12). */
  accessToken: string;
  /** The token's `cnf.jkt`: the proof's key thumbprint (RFC 7638, SHA-256) must equal it (RFC 9449 §7.1). */
  expectedThumbprint: string;
  /** The current time; tests freeze it. */
  now?: () => Date;
}

/** Options for {@link createDpopVerifier}. */
export interface DpopVerifierOptions {
  /** Accepted proof algorithms: asymmetric only. Default `['ES256', 'EdDSA', 'PS256']`. */
  algorithms?: string[];
  /** How old (by `iat`) a proof may be; default 60 s. */
  maxAgeSeconds?: number;
  /** Clock skew tolerated on `iat`, both ways; proofs from further in the future are refused. Default 5 s. */
  clockToleranceSeconds?: number;
  /**
   * Shared replay store: resolves true the first time a `jti` is seen, false after. It must keep a `jti` until
   * `expiresAt`, after which a proof with it is too old anyway. Several gateway processes share it (a database table).
   */
  remember: (jti: string, expiresAt: Date) => Promise<boolean>;
  /** How many distinct proof keys to keep imported (a client signs every proof with the same key); default 500. */
  keyCacheSize?: number;
}

/** A proof key as imported for its header's `alg`, and its RFC 7638 thumbprint once computed. */
interface ImportedProofKey extends ProofKey {
  thumbprint?: string;
}

/** What a verified proof yields. */
export interface VerifiedDpopProof {
  /** The RFC 7638 SHA-256 thumbprint of the proof's key (equal to the token's `cnf.jkt`). */
  readonly thumbprint: string;
  readonly jti: string;
}

const ASYMMETRIC = new Set(['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519']);
/** Three base64url parts: a JWS in compact serialization (RFC 7515 §7.1), so never a JWE nor two joined headers. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A proof holds one public key and a few short claims; anything larger is not worth parsing. */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;

/**
 * Verifies DPoP proofs (RFC 9449 §4.3) for sender-constrained access tokens at the resource server (§7.1):
 * header, signature by the embedded key, `htm`, `htu`, `iat`, `ath`, the key's binding to the token, and last
 * the `jti` replay check, so a proof that fails any other check never uses up its `jti`.
 */
export function createDpopVerifier(options: DpopVerifierOptions): {
  verify(proof: string | readonly string[] | undefined, check: DpopCheck): Promise<VerifiedDpopProof>;
} {
  const algorithms = options.algorithms ?? ['ES256', 'EdDSA', 'PS256'];
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TypeError('createDpopVerifier: "algorithms" must be a non-empty array');
  }
  for (const alg of algorithms) {
    if (!ASYMMETRIC.has(alg)) throw new TypeError(`createDpopVerifier: "algorithms" may hold asymmetric algorithms only, got ${String(alg)}`);
  }
  const maxAge = options.maxAgeSeconds ?? 60;
  if (!Number.isFinite(maxAge) || maxAge <= 0) throw new TypeError(`createDpopVerifier: "maxAgeSeconds" must be a positive number, got ${String(maxAge)}`);
  const tolerance = options.clockToleranceSeconds ?? 5;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError(`createDpopVerifier: "clockToleranceSeconds" must be a number of 0 or more, got ${String(tolerance)}`);
  }
  if (typeof options.remember !== 'function') throw new TypeError('createDpopVerifier: "remember" must be a function');
  const keyCacheSize = options.keyCacheSize ?? 500;
  if (!Number.isInteger(keyCacheSize) || keyCacheSize <= 0) {
    throw new TypeError(`createDpopVerifier: "keyCacheSize" must be a positive integer, got ${String(keyCacheSize)}`);
  }
  const remember = options.remember;
  const allowed = new Set(algorithms);
  // A client signs all its proofs with one key, so the same protected header (alg, typ, jwk) comes back with every
  // request: importing its key into WebCrypto and hashing its thumbprint once per distinct header, instead of per
  // proof, takes both off the hot path. Keyed by the exact header text, a hit is the very import a miss would make;
  // only public keys that imported without error are kept, and every proof's signature is still verified.
  const imported = new LruCache<string, ImportedProofKey>(keyCacheSize);

  async function verify(proof: string | readonly string[] | undefined, check: DpopCheck): Promise<VerifiedDpopProof> {
    const expected = validateCheck(check);
    const now = (check.now ?? (() => new Date()))();
    const nowSeconds = now.getTime() / 1000;

    // §4.3 points 1-2: exactly one DPoP header, holding one well-formed JWT.
    if (Array.isArray(proof) && proof.length > 1) throw new DpopProofError('A request must carry exactly one DPoP proof');
    const compact: unknown = Array.isArray(proof) ? proof[0] : proof;
    if (typeof compact !== 'string' || compact === '') throw new DpopProofError('The request lacks a DPoP proof');
    if (compact.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(compact)) {
      throw new DpopProofError('The DPoP proof is not a JWT in compact serialization');
    }

    // §4.3 points 4, 5 and 7, checked before any key is imported so the messages say which rule failed.
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(compact);
    } catch (cause) {
      throw new DpopProofError('The DPoP proof header is malformed', { cause });
    }
    if (typeof header.typ !== 'string' || !isDpopType(header.typ)) throw new DpopProofError('The DPoP proof must have the typ header dpop+jwt');
    if (typeof header.alg !== 'string' || !allowed.has(header.alg)) throw new DpopProofError('The DPoP proof uses an algorithm that is not accepted');
    const jwk: unknown = header.jwk;
    if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw new DpopProofError('The DPoP proof header lacks its public key (jwk)');
    if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) {
      throw new DpopProofError('The DPoP proof header must carry a public key, never a private or symmetric one');
    }

    // jose imports the embedded key for the header's alg and refuses it unless it is a public key of that kind.
    const headerText = compact.slice(0, compact.indexOf('.'));
    let proofKey = imported.get(headerText);
    if (!proofKey) {
      try {
        proofKey = toProofKey(await EmbeddedJWK(header), header.alg);
      } catch (cause) {
        throw new DpopProofError('The DPoP proof key is invalid or does not fit its algorithm', { cause });
      }
      imported.set(headerText, proofKey);
    }

    // §4.3 point 6: the signature verifies with the embedded key (jose re-checks alg and typ). ES256 and EdDSA proofs
    // of the usual shape are checked synchronously with node:crypto (proofSignature.ts); whatever that cannot accept,
    // jose judges, so every refusal is jose's.
    let payload = verifyProofSync(compact, header, proofKey);
    if (!payload) {
      try {
        ({ payload } = await jwtVerify(compact, proofKey.key, {
          algorithms,
          typ: DPOP_PROOF_TYPE,
          currentDate: now,
          clockTolerance: tolerance,
        }));
      } catch (cause) {
        throw new DpopProofError(describe(cause), { cause });
      }
    }

    // §4.3 points 3, 8, 9 and 11: the claims §4.2 requires, each matched against this request.
    const { jti, htm, htu, iat, ath } = payload as JWTPayload & { htm?: unknown; htu?: unknown; ath?: unknown };
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
      throw new DpopProofError(`The DPoP proof needs a jti claim of 1 to ${MAX_JTI_LENGTH} characters`);
    }
    if (typeof htm !== 'string') throw new DpopProofError('The DPoP proof lacks the htm claim');
    if (htm !== check.method) throw new DpopProofError('The DPoP proof is for another HTTP method');
    if (typeof htu !== 'string') throw new DpopProofError('The DPoP proof lacks the htu claim');
    if (normalizeHtu(htu) !== expected.url) throw new DpopProofError('The DPoP proof is for another URL');
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new DpopProofError('The DPoP proof lacks the iat claim');
    if (iat > nowSeconds + tolerance) throw new DpopProofError('The DPoP proof is issued in the future');
    if (iat < nowSeconds - maxAge - tolerance) throw new DpopProofError('The DPoP proof is too old');
    // §4.3 point 12 and §7.1: the proof is for this very access token.
    if (typeof ath !== 'string') throw new DpopProofError('The DPoP proof lacks the ath claim for its access token');
    if (!equalStrings(ath, expected.ath)) throw new DpopProofError('The DPoP proof was made for another access token');
    // §4.3 point 12 and §7.1: the proof's key is the one the token is bound to (`cnf.jkt`, §6.1).
    proofKey.thumbprint ??= await dpopThumbprint(jwk as JWK);
    const thumbprint = proofKey.thumbprint;
    if (!equalStrings(thumbprint, check.expectedThumbprint)) {
      throw new DpopProofError('The DPoP proof is signed with a key the access token is not bound to');
    }

    // §11.1: last, so that only a proof valid in every other way uses up its jti. It must be remembered for as
    // long as the iat check could still accept the proof.
    let first: boolean;
    try {
      first = await remember(jti, new Date((iat + maxAge + tolerance) * 1000));
    } catch (cause) {
      // Fail closed: without the replay store (shared storage: the consent database) no proof can be accepted. It is
      // not the client's fault, and it is the same outage as the consent store's: 503 CONSENT_STORE_UNAVAILABLE.
      throw new HubError('CONSENT_STORE_UNAVAILABLE', 'The DPoP replay check is unavailable', { cause });
    }
    if (first !== true) throw new DpopProofError('The DPoP proof has already been used');
    return Object.freeze({ thumbprint, jti });
  }

  return { verify };
}

/** The RFC 7638 SHA-256 thumbprint of a public JWK, as carried in `cnf.jkt` (RFC 9449 §6.1). */
export function dpopThumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

/**
 * An `htu` or request URL in the form RFC 9449 §4.3 point 9 compares: syntax- and scheme-based normalization
 * (RFC 3986 §6.2.2-6.2.3: lowercase scheme and host, default port and dot segments removed, empty path as `/`,
 * percent-encoding in uppercase with unreserved characters decoded), query and fragment dropped. Undefined when
 * it is not an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /^[A-Za-z0-9\-._~]$/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  return `${url.protocol}//${url.host}${path}`;
}

/** Misuse of {@link DpopCheck} is a bug in the caller, not the client's fault: a TypeError naming the field. */
function validateCheck(check: DpopCheck): { url: string; ath: string } {
  if (typeof check?.method !== 'string' || check.method === '') throw new TypeError('verify: "check.method" must be a non-empty string');
  if (typeof check.url !== 'string') throw new TypeError('verify: "check.url" must be a string');
  const url = normalizeHtu(check.url);
  if (url === undefined) throw new TypeError('verify: "check.url" must be an absolute http or https URL');
  if (typeof check.accessToken !== 'string' || check.accessToken === '') throw new TypeError('verify: "check.accessToken" must be a non-empty string');
  if (typeof check.expectedThumbprint !== 'string' || check.expectedThumbprint === '') {
    throw new TypeError('verify: "check.expectedThumbprint" must be a non-empty string');
  }
  if (check.now !== undefined && typeof check.now !== 'function') throw new TypeError('verify: "check.now" must be a function');
  return { url, ath: accessTokenHash(check.accessToken) };
}

/** `typ` is a media type: case-insensitive, and `application/` may be left out (RFC 7515 §4.1.9). */
function isDpopType(typ: string): boolean {
  const lower = typ.toLowerCase();
  return lower === DPOP_PROOF_TYPE || lower === `application/${DPOP_PROOF_TYPE}`;
}

function equalStrings(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A client-safe reason for a failed signature or claim check: never echoes the proof or its claims. */
function describe(error: unknown): string {
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The DPoP proof signature is invalid';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The DPoP proof uses an algorithm that is not accepted';
  if (error instanceof joseErrors.JWTExpired) return 'The DPoP proof has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'typ') return 'The DPoP proof must have the typ header dpop+jwt';
    if (error.claim === 'nbf') return 'The DPoP proof is not valid yet';
    return 'The DPoP proof has an invalid claim';
  }
  return 'The DPoP proof is malformed or invalid';
}
