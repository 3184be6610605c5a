import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import type { Env, HubMode } from '../lib/config.js';
import type { LocalizedText } from '../lib/consents/consentStore.js';
import { isKnownScope } from '../schema/scopes.js';

/** A private-sector service registered with the hub: who it is, why it asks, and the most it may ask for. */
export interface Partner {
  readonly clientId: string;
  readonly name: string;
  /** Dev partners (committed keys) exist only in dev mode; production refuses them. */
  readonly dev: boolean;
  /** Why the partner asks, shown on the consent screen and recorded with every disclosure. */
  readonly purpose: LocalizedText;
  /** Every scope it may request (`openid`, `offline_access` and data scopes of the catalogue). */
  readonly scopes: readonly string[];
  /** Items the partner cannot work without: the citizen cannot untick them (only deny the whole request). */
  readonly requiredScopes: readonly string[];
  readonly redirectUris: readonly string[];
  /** How long a consent lasts when granted, and the longest it may ever last. */
  readonly consentDays: number;
  readonly maxConsentDays: number;
  /** Public keys for `private_key_jwt` client authentication. */
  readonly jwks: { readonly keys: readonly JWK[] };
}

/** The committed registry of dev partners (demo-bank). */
export const DEV_PARTNERS_FILE = fileURLToPath(new URL('./partners/dev/partners.json', import.meta.url));

/** Scopes a partner may hold besides data scopes; `self` (the citizen's own access) never. */
const PROTOCOL_SCOPES = new Set(['openid', 'offline_access']);

/**
 * Reads the partner registry: `PARTNERS_FILE` (a JSON array), else in dev mode the committed dev registry.
 * Production requires the file and refuses any partner marked `dev`, whose private keys are public knowledge.
 */
export function loadPartners(env: Env, mode: HubMode): Partner[] {
  const file = env.PARTNERS_FILE ?? (mode === 'dev' ? DEV_PARTNERS_FILE : undefined);
  if (!file) throw new TypeError('PARTNERS_FILE must name the partner registry in production mode');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TypeError(`PARTNERS_FILE ${file} is not readable JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new TypeError(`PARTNERS_FILE ${file} must hold a JSON array of partners`);
  const partners = raw.map((entry, index) => validatePartner(entry, `${file}[${index}]`));
  const ids = new Set<string>();
  for (const partner of partners) {
    if (ids.has(partner.clientId)) throw new TypeError(`partner "${partner.clientId}" is registered twice`);
    ids.add(partner.clientId);
    if (mode === 'production' && partner.dev) {
      throw new TypeError(`partner "${partner.clientId}" is a dev partner (its private key is committed): refused in production mode`);
    }
  }
  return partners;
}

function validatePartner(entry: unknown, where: string): Partner {
  const p = (entry ?? {}) as Record<string, any>;
  const fail = (what: string): never => {
    throw new TypeError(`${where}: ${what}`);
  };
  if (typeof p.clientId !== 'string' || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(p.clientId)) fail('"clientId" must be a lowercase id');
  if (p.clientId === 'citizen-portal') fail('"citizen-portal" is the hub\'s own client, not a partner');
  if (typeof p.name !== 'string' || p.name.length === 0) fail('"name" is required');
  for (const language of ['fi', 'sv', 'en']) {
    if (typeof p.purpose?.[language] !== 'string' || p.purpose[language].length === 0) fail(`"purpose.${language}" is required`);
  }
  if (!Array.isArray(p.scopes) || p.scopes.length === 0) fail('"scopes" must list what the partner may ask for');
  for (const scope of p.scopes) {
    if (scope === 'self' || (!PROTOCOL_SCOPES.has(scope) && !isKnownScope(scope))) fail(`scope "${scope}" cannot be given to a partner`);
  }
  const required = p.requiredScopes ?? [];
  if (!Array.isArray(required) || required.some((s: unknown) => !p.scopes.includes(s))) fail('"requiredScopes" must be a subset of "scopes"');
  if (!Array.isArray(p.redirectUris) || p.redirectUris.length === 0) fail('"redirectUris" is required');
  for (const uri of p.redirectUris) {
    let url: URL | undefined;
    try {
      url = new URL(uri);
    } catch {
      fail(`redirect URI "${uri}" is not a URL`);
    }
    if (url!.hash) fail(`redirect URI "${uri}" must not have a fragment`);
  }
  if (!Number.isInteger(p.maxConsentDays) || p.maxConsentDays < 1 || p.maxConsentDays > 730) fail('"maxConsentDays" must be 1-730');
  const consentDays = p.consentDays ?? p.maxConsentDays;
  if (!Number.isInteger(consentDays) || consentDays < 1 || consentDays > p.maxConsentDays) fail('"consentDays" must be 1-maxConsentDays');
  if (!Array.isArray(p.jwks?.keys) || p.jwks.keys.length === 0) fail('"jwks.keys" must hold the partner\'s public keys');
  for (const key of p.jwks.keys) {
    if (key.d !== undefined || key.k !== undefined) fail('"jwks" must hold public keys only');
  }
  return Object.freeze({
    clientId: p.clientId,
    name: p.name,
    dev: p.dev === true,
    purpose: Object.freeze({ fi: p.purpose.fi, sv: p.purpose.sv, en: p.purpose.en }),
    scopes: Object.freeze([...p.scopes]),
    requiredScopes: Object.freeze([...required]),
    redirectUris: Object.freeze([...p.redirectUris]),
    consentDays,
    maxConsentDays: p.maxConsentDays,
    jwks: { keys: Object.freeze([...p.jwks.keys]) },
  });
}

/** Committed dev-only private keys of dev partners (used by the example app, `npm run token` and tests). */
export const DEV_PARTNER_KEY_FILES: Readonly<Record<string, string>> = Object.freeze({
  'demo-bank': fileURLToPath(new URL('./partners/dev/demo-bank.private.jwk.json', import.meta.url)),
});
