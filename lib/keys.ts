import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { readHubHome, readMode, type Env } from './config.js';

/** A signing key pair with the public half as a publishable JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'EdDSA';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** The private JWK itself, for libraries that take keys as JWKs (oidc-provider's `jwks`). */
  readonly privateJwk: JWK;
}

/** Where a key comes from: an environment variable (required in production) or, in dev, a generated file. */
export interface KeySource {
  env: Env;
  /** Environment variable holding the private JWK as JSON. */
  variable: string;
  /** File name under `<hub home>/keys/` used in dev mode. */
  devFile: string;
  alg: SigningKey['alg'];
}

/**
 * Loads a private signing key. Production refuses to start without it configured; dev mode generates
 * it once into the hub home (never committed) so that every service started later agrees on it.
 */
export async function loadSigningKey(source: KeySource): Promise<SigningKey> {
  const configured = source.env[source.variable];
  let jwk: JWK;
  if (configured) {
    jwk = parseJwk(configured, source.variable);
  } else if (readMode(source.env) === 'production') {
    throw new TypeError(`${source.variable} must hold a private JWK in production mode`);
  } else {
    const path = join(readHubHome(source.env), 'keys', source.devFile);
    jwk = await readOrCreate(path, async () => {
      const { privateKey } = await generateKeyPair(source.alg, { extractable: true, crv: source.alg === 'EdDSA' ? 'Ed25519' : undefined });
      const exported = await exportJWK(privateKey);
      return JSON.stringify({ ...exported, kid: randomBytes(8).toString('hex'), alg: source.alg });
    }).then((text) => parseJwk(text, path));
  }
  if (!jwk.d || !jwk.kid) throw new TypeError(`${source.variable} must be a private JWK with "kid" and "d"`);
  const privateKey = (await importJWK({ ...jwk, alg: source.alg }, source.alg)) as CryptoKey;
  const { d: _private, ...publicJwk } = jwk;
  return { kid: jwk.kid, alg: source.alg, privateKey, publicJwk: { ...publicJwk, alg: source.alg, use: 'sig' }, privateJwk: { ...jwk, alg: source.alg, use: 'sig' } };
}

/**
 * The public JWK of a key that another service holds: from `variable` (required in production), else in dev
 * the public half of the generated file (creating it if that service has not started yet).
 */
export async function loadPublicKey(source: KeySource): Promise<JWK> {
  const configured = source.env[source.variable];
  if (configured) {
    const jwk = parseJwk(configured, source.variable);
    const { d: _private, ...publicJwk } = jwk;
    return publicJwk;
  }
  if (readMode(source.env) === 'production') {
    throw new TypeError(`${source.variable} must hold a public JWK in production mode`);
  }
  return (await loadSigningKey({ ...source, variable: `${source.variable}__DEV_PRIVATE` })).publicJwk;
}

/** A symmetric secret (the pseudonymisation key): from the environment, or generated once in dev. */
export async function loadSecret(env: Env, variable: string, devFile: string): Promise<Buffer> {
  const configured = env[variable];
  if (configured) {
    const secret = Buffer.from(configured, 'base64url');
    if (secret.length < 32) throw new TypeError(`${variable} must be at least 32 bytes, base64url encoded`);
    return secret;
  }
  if (readMode(env) === 'production') throw new TypeError(`${variable} must be set in production mode`);
  const text = await readOrCreate(join(readHubHome(env), 'keys', devFile), async () => randomBytes(32).toString('base64url'));
  return Buffer.from(text.trim(), 'base64url');
}

function parseJwk(text: string, where: string): JWK {
  try {
    const jwk = JSON.parse(text) as JWK;
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') throw new Error('not a JWK');
    return jwk;
  } catch {
    throw new TypeError(`${where} does not hold a JWK as JSON`);
  }
}

/** Reads a file, or creates it exclusively; two processes racing both end up with the winner's content. */
async function readOrCreate(path: string, create: () => Promise<string>): Promise<string> {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const content = await create();
  try {
    writeFileSync(path, content, { flag: 'wx', mode: 0o600 });
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw error;
  }
}
