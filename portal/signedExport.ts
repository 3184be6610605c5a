import { SignJWT } from 'jose';
import type { Env } from '../lib/config.js';
import { loadSigningKey, type SigningKey } from '../lib/keys.js';
import type { exportDocument } from './exportDocument.js';

/** JOSE `typ` of the signed download, so it can never pass for an access token or a consent receipt (RFC 8725 §3.11). */
export const MY_DATA_TYPE = 'my-data+jwt';

/** The portal's signing key: `PORTAL_SIGNING_JWK` (a private JWK; required in production), in dev generated once into `.hub/keys/`. */
export const PORTAL_SIGNING_KEY_SOURCE = { variable: 'PORTAL_SIGNING_JWK', devFile: 'portal-signing.jwk', alg: 'ES256' } as const;

/** Loads the key "Download all my data" is signed with. */
export function loadExportKey(env: Env): Promise<SigningKey> {
  return loadSigningKey({ env, ...PORTAL_SIGNING_KEY_SOURCE });
}

/** The published key set of the portal (`/.well-known/jwks.json`): the public half only. */
export function exportJwks(key: SigningKey): { keys: object[] } {
  return { keys: [key.publicJwk] };
}

/**
 * Signs the download as a compact JWS (a JWT, RFC 7519): the whole `my-data` document is the payload, with `iss`
 * (the portal's public URL, whose `/.well-known/jwks.json` holds the key) and `iat`. A third party checks it with
 * any JOSE library against that key set, pinning ES256 and `typ`.
 */
export function signExport(key: SigningKey, issuer: string, document: ReturnType<typeof exportDocument>, now: Date): Promise<string> {
  return new SignJWT({ ...document })
    .setProtectedHeader({ alg: key.alg, typ: MY_DATA_TYPE, kid: key.kid })
    .setIssuer(issuer)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .sign(key.privateKey);
}
