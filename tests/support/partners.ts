import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { DEV_PARTNERS_FILE } from '../../consent/partners.js';

/** A partner registered only for a test, with its private key. */
export interface TestPartner {
  /** The registry entry (what PARTNERS_FILE holds). */
  entry: Record<string, unknown>;
  privateJwk: JWK;
  clientId: string;
  redirectUri: string;
}

/** The committed dev registry (demo-bank). */
export function devPartnerEntries(): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(DEV_PARTNERS_FILE, 'utf8'));
}

/**
 * Makes a partner with a fresh ES256 key. `offline_access` in its scopes gives it refresh tokens (a standing
 * consent); its redirect URI is on a port nothing listens on.
 */
export async function makeTestPartner(clientId: string, options: { scopes?: string[]; consentDays?: number; requiredScopes?: string[] } = {}): Promise<TestPartner> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: `${clientId}-test-1` };
  const { d: _private, ...publicJwk } = privateJwk;
  const redirectUri = `http://127.0.0.1:4399/${clientId}/callback`;
  return {
    clientId,
    privateJwk,
    redirectUri,
    entry: {
      clientId,
      name: `Test partner ${clientId}`,
      dev: true,
      purpose: { fi: `Testi ${clientId}`, sv: `Test ${clientId}`, en: `Testing ${clientId}` },
      scopes: options.scopes ?? ['openid', 'population:name', 'population:address', 'tax:income'],
      requiredScopes: options.requiredScopes ?? [],
      redirectUris: [redirectUri],
      consentDays: options.consentDays ?? 30,
      maxConsentDays: Math.max(options.consentDays ?? 30, 30),
      jwks: { keys: [publicJwk] },
    },
  };
}
