import {
  DEFAULT_PORTS,
  readConsentDatabaseUrl,
  readGatewayAudience,
  readHost,
  readIssuer,
  readMode,
  readPort,
  readConsoleUrl,
  readPortalUrl,
  readPositiveInt,
  type Env,
  type HubMode,
} from '../lib/config.js';

/** How citizens sign in: the dev test login, or an upstream OpenID Provider (Suomi.fi, Singpass style). */
export type LoginMethod =
  | { readonly kind: 'test-personas' }
  | {
      readonly kind: 'upstream';
      /** Issuer identifier of the upstream OpenID Provider (its discovery document is read at start). */
      readonly issuer: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** The ID token claim that holds the personal identity code. */
      readonly identityClaim: string;
    };

/** The authorization and consent server's configuration, read once and frozen. */
export interface ConsentServerConfig {
  readonly mode: HubMode;
  readonly host: string;
  readonly port: number;
  /** Issuer identifier; with port 0 (tests) it is fixed once the port is bound. */
  readonly issuer: string;
  /** The gateway's resource identifier: the audience of every access token. */
  readonly audience: string;
  readonly portalUrl: string;
  /** The caseworkers' console (`CONSOLE_URL` / `CONSOLE_PORT`), whose redirect URIs live under it. */
  readonly consoleUrl: string;
  readonly databaseUrl: string;
  readonly portalAccessTokenSeconds: number;
  readonly partnerAccessTokenSeconds: number;
  /** Honour X-Forwarded-* (only behind a proxy the operator controls). */
  readonly trustProxy: boolean;
  readonly login: LoginMethod;
}

/** Reads and validates the consent server's configuration from the environment. */
export function readConsentServerConfig(env: Env): ConsentServerConfig {
  const mode = readMode(env);
  const upstreamIssuer = env.UPSTREAM_ISSUER;
  let login: LoginMethod;
  if (upstreamIssuer) {
    const clientId = env.UPSTREAM_CLIENT_ID;
    const clientSecret = env.UPSTREAM_CLIENT_SECRET;
    if (!clientId || !clientSecret) throw new TypeError('UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET must be set with UPSTREAM_ISSUER');
    login = { kind: 'upstream', issuer: upstreamIssuer, clientId, clientSecret, identityClaim: env.UPSTREAM_IDENTITY_CLAIM ?? 'personal_identity_code' };
  } else if (mode === 'production') {
    throw new TypeError('UPSTREAM_ISSUER must name the identity provider citizens sign in with in production mode (there is no test login)');
  } else {
    login = { kind: 'test-personas' };
  }
  return Object.freeze({
    mode,
    host: readHost(env),
    port: readPort(env, 'AUTH_PORT', DEFAULT_PORTS.AUTH_PORT),
    issuer: readIssuer(env),
    audience: readGatewayAudience(env),
    portalUrl: readPortalUrl(env),
    consoleUrl: readConsoleUrl(env),
    databaseUrl: readConsentDatabaseUrl(env),
    portalAccessTokenSeconds: readPositiveInt(env, 'PORTAL_ACCESS_TOKEN_SECONDS', 900),
    partnerAccessTokenSeconds: readPositiveInt(env, 'PARTNER_ACCESS_TOKEN_SECONDS', 300),
    trustProxy: env.TRUST_PROXY === 'true',
    login: Object.freeze(login),
  });
}
