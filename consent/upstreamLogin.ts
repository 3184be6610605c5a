import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as client from 'openid-client';
import { HubError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { UpstreamRefusedError, type UpstreamLogin, type UpstreamLoginPurpose, type UpstreamOutcome } from './upstreamLoginTypes.js';

/** Options of {@link createUpstreamLogin}. */
export interface UpstreamLoginOptions {
  login: { kind: 'upstream'; issuer: string; clientId: string; clientSecret: string; identityClaim: string };
  /** The hub's own issuer URL; the redirect URI is `${issuer}/interaction/callback/upstream`. */
  issuer: string;
  /** 32+ byte secret for sealing the state cookie. */
  cookieKey: Buffer;
  logger: Logger;
  fetch?: typeof fetch;
}

/** Where the upstream provider sends the browser back; registered with the upstream provider as the redirect URI. */
export const UPSTREAM_CALLBACK_PATH = '/interaction/callback/upstream';
/** Name of the cookie that carries one login's sealed secrets from start() to finish(). */
export const UPSTREAM_COOKIE_NAME = 'hub_upstream_login';

const COOKIE_SECONDS = 600;
const SEAL_VERSION = 'v1';
const KEY_LABEL = 'personal-data-hub/upstream-login-cookie/v1';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** What start() hands to finish() through the browser, sealed. */
interface LoginSecrets {
  uid: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Who signs in: a citizen (the identity claim is required) or a caseworker (the `sub` is looked up). */
  purpose: UpstreamLoginPurpose;
  /** Expiry, epoch milliseconds: the cookie's Max-Age is only advice to the browser. */
  exp: number;
}

const STALE = 'This sign-in has expired or was started in another browser; start again from the service you came from';
const UNVERIFIED = 'The sign-in could not be completed with the identity provider; start again from the service you came from';
const NO_IDENTITY = 'The identity provider did not vouch for a personal identity code';

/**
 * Production login through an upstream OpenID Provider (Suomi.fi e-Identification, Singpass style): the
 * authorization code flow with PKCE S256, state and nonce (OpenID Connect Core 1.0 §3.1, RFC 7636), the per-login
 * secrets kept in a sealed cookie, and the personal identity code read from the verified ID token.
 * Reads the upstream discovery document once, here.
 */
export async function createUpstreamLogin(options: UpstreamLoginOptions): Promise<UpstreamLogin> {
  const { login, logger } = options;
  if (!Buffer.isBuffer(options.cookieKey) || options.cookieKey.length < 32) {
    throw new TypeError(`cookieKey must be a Buffer of at least 32 bytes (got ${Buffer.isBuffer(options.cookieKey) ? `${options.cookieKey.length} bytes` : typeof options.cookieKey})`);
  }
  const upstreamIssuer = parseUrl('login.issuer', login.issuer);
  const hubIssuer = parseUrl('issuer', options.issuer);
  // openid-client refuses plain http; only a provider on this machine (tests, a local stand-in) may use it.
  const insecure = upstreamIssuer.protocol === 'http:';
  if (insecure && !LOOPBACK_HOSTS.has(upstreamIssuer.hostname)) {
    throw new TypeError(`login.issuer must be https unless it is on 127.0.0.1 or localhost (got ${login.issuer})`);
  }
  if (!login.clientId) throw new TypeError('login.clientId must be set');
  if (!login.clientSecret) throw new TypeError('login.clientSecret must be set');
  if (!login.identityClaim) throw new TypeError('login.identityClaim must be set');

  const redirectUri = new URL(`${options.issuer.replace(/\/+$/, '')}${UPSTREAM_CALLBACK_PATH}`);
  const secure = hubIssuer.protocol === 'https:';
  // Sent back only to the callback (the path keeps any prefix the hub's issuer has).
  const cookiePath = redirectUri.pathname.slice(0, -'/upstream'.length);
  const sealKey = Buffer.from(hkdfSync('sha256', options.cookieKey, Buffer.alloc(0), KEY_LABEL, 32));
  const fetchImpl = options.fetch;
  const customFetch: client.CustomFetch | undefined = fetchImpl ? (url, init) => fetchImpl(url, init as RequestInit) : undefined;

  const discovered = await client.discovery(upstreamIssuer, login.clientId, login.clientSecret, client.ClientSecretBasic(login.clientSecret), {
    ...(customFetch ? { [client.customFetch]: customFetch } : {}),
    ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
  });
  const config = withClientAuthentication(discovered, login.clientId, login.clientSecret, customFetch, insecure);
  logger.info({ upstream: upstreamIssuer.origin }, 'upstream identity provider discovered');

  function seal(secrets: LoginSecrets): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    // The cookie name as associated data: a sealed value is only good in this cookie.
    cipher.setAAD(Buffer.from(UPSTREAM_COOKIE_NAME));
    const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return `${SEAL_VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  function open(value: string | undefined): LoginSecrets | undefined {
    if (!value?.startsWith(`${SEAL_VERSION}.`)) return undefined;
    const raw = Buffer.from(value.slice(SEAL_VERSION.length + 1), 'base64url');
    if (raw.length < 12 + 16 + 2) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', sealKey, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(UPSTREAM_COOKIE_NAME));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const secrets = JSON.parse(text) as LoginSecrets;
      if (typeof secrets.exp !== 'number' || secrets.exp <= Date.now()) return undefined;
      return secrets;
    } catch {
      return undefined;
    }
  }

  function cookie(value: string, maxAge: number): string {
    return `${UPSTREAM_COOKIE_NAME}=${value}; Path=${cookiePath}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  }

  return {
    async start(_req: IncomingMessage, res: ServerResponse, uid: string, purpose: UpstreamLoginPurpose = 'citizen'): Promise<void> {
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri.href,
        response_type: 'code',
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      appendSetCookie(res, cookie(seal({ uid, state, nonce, codeVerifier, purpose, exp: Date.now() + COOKIE_SECONDS * 1000 }), COOKIE_SECONDS));
      res.writeHead(303, { location: url.href, 'cache-control': 'no-store' });
      res.end();
      logger.info('upstream login started');
    },

    async finish(req: IncomingMessage, res: ServerResponse): Promise<UpstreamOutcome> {
      // Single use: whatever happens next, the browser forgets this login's secrets.
      appendSetCookie(res, cookie('', 0));
      const secrets = open(readCookie(req, UPSTREAM_COOKIE_NAME));
      if (!secrets) {
        logger.warn({ reason: 'state cookie missing, unreadable or expired' }, 'upstream login rejected');
        throw new HubError('BAD_REQUEST', STALE);
      }
      // Built from the hub's own issuer, never from the Host header; openid-client takes the redirect_uri from it.
      const currentUrl = new URL(redirectUri);
      currentUrl.search = new URL(req.url ?? '/', 'http://unused').search;
      const params = currentUrl.searchParams;
      // Checked here as well as in openid-client so that a foreign response cannot even end in "cancelled".
      if (params.get('state') !== secrets.state) {
        logger.warn({ reason: 'state mismatch' }, 'upstream login rejected');
        throw new HubError('BAD_REQUEST', STALE);
      }
      if (params.has('error')) {
        logger.info({ upstreamError: params.get('error')?.slice(0, 64) }, 'upstream login refused');
        throw new UpstreamRefusedError(secrets.uid);
      }
      let claims: Record<string, unknown> | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: secrets.codeVerifier,
          expectedState: secrets.state,
          expectedNonce: secrets.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims() as Record<string, unknown> | undefined;
      } catch (error) {
        // Name, code and message only: the cause of a failed check can hold the ID token's claims.
        const e = error as { name?: unknown; code?: unknown; error?: unknown; message?: unknown };
        logger.warn({ failure: { type: e.name, code: e.code, error: e.error, message: e.message } }, 'upstream login failed');
        throw new HubError('FORBIDDEN', UNVERIFIED);
      }
      if (secrets.purpose === 'caseworker') {
        // openid-client has checked that the ID token has a `sub`; the caseworker directory maps it to a caseworker.
        const subject = claims?.sub;
        if (typeof subject !== 'string' || subject.length === 0) throw new HubError('FORBIDDEN', UNVERIFIED);
        logger.info('upstream caseworker login verified');
        return { uid: secrets.uid, purpose: 'caseworker', subject };
      }
      const personalIdentityCode = claims?.[login.identityClaim];
      if (typeof personalIdentityCode !== 'string' || personalIdentityCode.length === 0) {
        logger.warn({ claim: login.identityClaim }, 'upstream ID token lacks the identity claim');
        throw new HubError('FORBIDDEN', NO_IDENTITY);
      }
      logger.info('upstream login verified');
      return { uid: secrets.uid, purpose: 'citizen', personalIdentityCode };
    },
  };
}

/**
 * The client authenticates with client_secret_basic, the default of OpenID Connect Dynamic Client Registration
 * §2, unless the provider's metadata offers only client_secret_post.
 */
function withClientAuthentication(discovered: client.Configuration, clientId: string, secret: string, customFetch: client.CustomFetch | undefined, insecure: boolean): client.Configuration {
  const supported = discovered.serverMetadata().token_endpoint_auth_methods_supported;
  if (!supported || supported.includes('client_secret_basic') || !supported.includes('client_secret_post')) return discovered;
  const config = new client.Configuration(discovered.serverMetadata(), clientId, secret, client.ClientSecretPost(secret));
  if (customFetch) config[client.customFetch] = customFetch;
  if (insecure) client.allowInsecureRequests(config);
  return config;
}

function parseUrl(option: string, value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // reported below
  }
  throw new TypeError(`${option} must be an http(s) URL (got ${String(value)})`);
}

/** Adds a Set-Cookie line without dropping those others (oidc-provider's among them) have set. */
function appendSetCookie(res: ServerResponse, line: string): void {
  const existing = res.getHeader('set-cookie');
  const lines = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('set-cookie', [...lines, line]);
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
