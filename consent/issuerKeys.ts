import type { Env } from '../lib/config.js';
import { loadSigningKey, type SigningKey } from '../lib/keys.js';

/** The environment variable and dev file of the issuer's token signing key. */
export const ISSUER_KEY_SOURCE = { variable: 'ISSUER_PRIVATE_JWK', devFile: 'issuer.jwk', alg: 'ES256' } as const;

/** The key access tokens are signed with: configured in production, generated once into `.hub/` in dev. */
export function loadIssuerKey(env: Env): Promise<SigningKey> {
  return loadSigningKey({ env, ...ISSUER_KEY_SOURCE });
}
