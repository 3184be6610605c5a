import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createOidcAdapter, type OidcPayload } from '../../consent/oidcAdapter.js';
import { readConsentDatabaseUrl } from '../../lib/config.js';
import { openDatabase } from '../../lib/storage/database.js';
import { createDpopProof, type DpopProofClaims } from '../../lib/tokens/dpopProof.js';
import { TestBrowser } from './browser.js';
import { readResponse, type RawResponse } from './http.js';
import { walkBrowserSteps, type CitizenChoices } from './partnerFlow.js';

// Raw OAuth requests against the authorization server, for tests that must send what a well-behaved client
// library never would: missing PKCE, foreign keys, replayed assertions, DPoP proofs for another URL.
// Endpoints are oidc-provider's defaults: PAR at /request, token at /token, revocation at /token/revocation.

/** A confidential partner as the tests know it: its id, its private key, its registered redirect URI. */
export interface PartnerIdentity {
  clientId: string;
  privateJwk: JWK;
  redirectUri: string;
}

export type { RawResponse } from './http.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RFC 7636 verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** How to (mis)build a `private_key_jwt` client assertion. */
export interface AssertionOptions {
  /** Sign with this key instead of the partner's registered one. */
  signingJwk?: JWK;
  /** `none` gives an unsecured JWT; `HS256` a MAC keyed with the partner's public `x` (key confusion). */
  alg?: 'ES256' | 'none' | 'HS256';
  jti?: string;
  aud?: string | string[];
  iss?: string;
  sub?: string;
  exp?: number;
}

/** A `private_key_jwt` client assertion (RFC 7523 §3): iss = sub = client_id, aud = the issuer identifier. */
export async function clientAssertion(issuer: string, partner: PartnerIdentity, options: AssertionOptions = {}): Promise<string> {
  const payload = {
    iss: options.iss ?? partner.clientId,
    sub: options.sub ?? partner.clientId,
    aud: options.aud ?? issuer,
    jti: options.jti ?? randomUUID(),
    iat: nowSeconds(),
    exp: options.exp ?? nowSeconds() + 60,
  };
  const alg = options.alg ?? 'ES256';
  if (alg === 'none') return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
  if (alg === 'HS256') {
    const secret = new TextEncoder().encode(String(partner.privateJwk.x));
    return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
  }
  const jwk = options.signingJwk ?? partner.privateJwk;
  const key = (await importJWK(jwk, 'ES256')) as CryptoKey;
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) }).sign(key);
}

/** The form fields of `private_key_jwt` authentication. */
export async function clientAuthFields(issuer: string, partner: PartnerIdentity, options: AssertionOptions = {}): Promise<Record<string, string>> {
  return {
    client_id: partner.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await clientAssertion(issuer, partner, options),
  };
}

/** A fresh DPoP key pair (ES256) with its public JWK. */
export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

/** A DPoP proof for one request. */
export function dpopProof(key: DpopKey, htm: string, htu: string): Promise<string> {
  return createDpopProof(key.privateKey, key.publicJwk, 'ES256', { htm, htu });
}

/** POSTs an urlencoded form and reads the answer (never follows redirects). */
export async function postForm(url: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<RawResponse> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.set(name, value);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: form.toString(),
    redirect: 'manual',
  });
  return readResponse(response);
}

/** GETs a URL without following redirects. */
export async function getRaw(url: string | URL): Promise<RawResponse> {
  return readResponse(await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } }));
}

/** The authorization request parameters of a partner, PKCE included unless overridden. */
export function authorizationParams(partner: PartnerIdentity, scope: string, pkce = pkcePair()): Record<string, string> {
  return {
    response_type: 'code',
    client_id: partner.clientId,
    redirect_uri: partner.redirectUri,
    scope,
    state: randomUUID(),
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  };
}

/**
 * A pushed authorization request (RFC 9126) authenticated with `private_key_jwt`. `params` replace (or with
 * `undefined`, remove) the default authorization parameters.
 */
export async function pushAuthorizationRequest(
  issuer: string,
  partner: PartnerIdentity,
  params: Record<string, string | undefined>,
  options: { assertion?: AssertionOptions; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return postForm(`${issuer}/request`, { ...params, ...(await clientAuthFields(issuer, partner, options.assertion)) }, options.headers);
}

/** The front channel after PAR: the citizen logs in and consents; ends with the code at the redirect URI. */
export interface RawAuthorization {
  code: string;
  verifier: string;
  redirectUri: string;
  callback: URL;
}

/** PAR without DPoP (plus `extra` parameters), then the citizen's browser steps; fails unless a code comes back. */
export async function authorizeRaw(
  issuer: string,
  partner: PartnerIdentity,
  scope: string,
  choices: CitizenChoices,
  extra: Record<string, string> = {},
): Promise<RawAuthorization> {
  const pkce = pkcePair();
  // OIDC Core §11: offline_access is ignored unless the request has prompt=consent.
  const prompt = scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {};
  const pushed = await pushAuthorizationRequest(issuer, partner, { ...authorizationParams(partner, scope, pkce), ...prompt, ...extra });
  if (pushed.status !== 201) throw new Error(`PAR failed with ${pushed.status}: ${pushed.text}`);
  const url = new URL(`${issuer}/auth`);
  url.searchParams.set('client_id', partner.clientId);
  url.searchParams.set('request_uri', pushed.body.request_uri);
  const browser = new TestBrowser({ stopAt: [new URL(partner.redirectUri).origin] });
  const { callback } = await walkBrowserSteps(browser, url, choices);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code at the callback: ${callback.href}`);
  return { code, verifier: pkce.verifier, redirectUri: partner.redirectUri, callback };
}

/** What a token request carries for DPoP: a key to prove with (correctly), a ready-made proof, or nothing. */
export type DpopChoice = DpopKey | { proof: string } | null;

async function dpopHeader(issuer: string, dpop: DpopChoice): Promise<Record<string, string>> {
  if (dpop === null) return {};
  if ('proof' in dpop) return { dpop: dpop.proof };
  return { dpop: await dpopProof(dpop, 'POST', `${issuer}/token`) };
}

/** A token request authenticated with `private_key_jwt`. */
export async function tokenRequest(
  issuer: string,
  partner: PartnerIdentity,
  params: Record<string, string | undefined>,
  options: { dpop: DpopChoice; assertion?: AssertionOptions },
): Promise<RawResponse> {
  return postForm(`${issuer}/token`, { ...params, ...(await clientAuthFields(issuer, partner, options.assertion)) }, await dpopHeader(issuer, options.dpop));
}

/** Exchanges a code (RFC 6749 §4.1.3 with PKCE) as `partner`, which need not be the one the code was issued to. */
export function exchangeRaw(
  issuer: string,
  partner: PartnerIdentity,
  authorization: RawAuthorization,
  options: { dpop: DpopChoice; extra?: Record<string, string | undefined>; assertion?: AssertionOptions },
): Promise<RawResponse> {
  return tokenRequest(issuer, partner, {
    grant_type: 'authorization_code',
    code: authorization.code,
    redirect_uri: authorization.redirectUri,
    code_verifier: authorization.verifier,
    ...options.extra,
  }, options);
}

/** A refresh token grant (RFC 6749 §6). */
export function refreshRaw(issuer: string, partner: PartnerIdentity, refreshToken: string, options: { dpop: DpopChoice; extra?: Record<string, string> }): Promise<RawResponse> {
  return tokenRequest(issuer, partner, { grant_type: 'refresh_token', refresh_token: refreshToken, ...options.extra }, options);
}

/** RFC 7009 revocation, authenticated with `private_key_jwt`. */
export async function revokeRaw(issuer: string, partner: PartnerIdentity, token: string, hint?: string): Promise<RawResponse> {
  return postForm(`${issuer}/token/revocation`, { token, token_type_hint: hint, ...(await clientAuthFields(issuer, partner)) });
}

/** A fresh ES256 private JWK that no client has registered. */
export async function strangerJwk(kid?: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: 'ES256', ...(kid ? { kid } : {}) };
}

/** A GraphQL request to a gateway with a partner's access token, by default DPoP-bound with a fresh, correct proof. */
export interface GatewayQuery {
  token: string;
  query: string;
  variables?: Record<string, unknown>;
  /** The Authorization scheme; default DPoP. */
  scheme?: 'DPoP' | 'Bearer';
  /** The key of the fresh proof; without it (and without `proof`) no proof is sent. */
  key?: DpopKey;
  /** A ready-made proof, or null for none, instead of a fresh one. */
  proof?: string | null;
  /** Claims of the fresh proof that differ from a correct one (its htu is `gatewayUrl` unless given here). */
  claims?: Partial<DpopProofClaims>;
}

/** POSTs a GraphQL query to the gateway with a partner's token and (by default) a fresh DPoP proof made with `key`. */
export async function dpopGatewayQuery(gatewayUrl: string, request: GatewayQuery): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `${request.scheme ?? 'DPoP'} ${request.token}` };
  let proof = request.proof;
  if (proof === undefined && request.key) {
    proof = await createDpopProof(request.key.privateKey, request.key.publicJwk, 'ES256', { htm: 'POST', htu: gatewayUrl, accessToken: request.token, ...request.claims });
  }
  if (proof) headers.dpop = proof;
  const response = await fetch(gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: request.query, variables: request.variables }) });
  return readResponse(response);
}

/**
 * What the authorization server stored for an opaque token (oidc-provider's model, e.g. `RefreshToken`): its
 * `exp` is nowhere else to be seen, since the token response says nothing of a refresh token's lifetime.
 */
export async function storedToken(env: Record<string, string>, model: string, token: string): Promise<OidcPayload | undefined> {
  const database = openDatabase<any>({ url: readConsentDatabaseUrl(env) });
  try {
    return await new (createOidcAdapter(database))(model).find(token);
  } finally {
    await database.close();
  }
}

