import { DEFAULT_PORTS, readHost, readServiceDatabaseUrl, readIssuer, readMode, readPort, readPortalUrl, readPositiveInt, type Env, type HubMode } from '../lib/config.js';

/** The portal's OAuth client id at the authorization server (a public client: PKCE, no secret). */
export const PORTAL_CLIENT_ID = 'citizen-portal';

/** The citizen portal's configuration, read once at start and frozen. */
export interface PortalConfig {
  readonly mode: HubMode;
  readonly host: string;
  /** 0 asks the OS for a free port (tests). */
  readonly port: number;
  /** `PORTAL_URL`: where browsers reach the portal; its `/callback` is the registered redirect URI. */
  readonly publicUrl: string;
  /** `ISSUER_URL`: the authorization server. */
  readonly issuer: string;
  /** `GATEWAY_URL`: the gateway's GraphQL endpoint, the portal's only way to the registers. */
  readonly gatewayUrl: string;
  /** Cookies get `Secure` (and the `__Host-` prefix) when the portal is served over https. */
  readonly secureCookies: boolean;
  /** A session unused for this long is forgotten (`PORTAL_SESSION_IDLE_SECONDS`, default 30 minutes). */
  readonly sessionIdleMs: number;
  /**
   * Where sessions live, shared by every portal replica: `PORTAL_DATABASE_URL`, else `DATABASE_URL`, else (dev mode
   * only) `HUB_HOME/portal.sqlite`.
   */
  readonly databaseUrl: string;
  /** Timeout of each call to the gateway or the issuer (`PORTAL_UPSTREAM_TIMEOUT_MS`). */
  readonly upstreamTimeoutMs: number;
}

/** Reads and validates the portal's environment; misconfiguration throws a `TypeError` naming the variable. */
export function readPortalConfig(env: Env): PortalConfig {
  const mode = readMode(env);
  const port = readPort(env, 'PORTAL_PORT', DEFAULT_PORTS.PORTAL_PORT);
  const publicUrl = readPortalUrl(env);
  const issuer = readIssuer(env).replace(/\/$/, '');
  const gatewayUrl = env.GATEWAY_URL ?? `http://127.0.0.1:${readPort(env, 'GATEWAY_PORT', DEFAULT_PORTS.GATEWAY_PORT)}/graphql`;
  for (const [name, value] of [['PORTAL_URL', publicUrl], ['ISSUER_URL', issuer], ['GATEWAY_URL', gatewayUrl]] as const) {
    requireWebUrl(name, value, mode);
  }
  return Object.freeze({
    mode,
    host: readHost(env),
    port,
    publicUrl,
    issuer,
    gatewayUrl,
    secureCookies: publicUrl.startsWith('https:'),
    sessionIdleMs: readPositiveInt(env, 'PORTAL_SESSION_IDLE_SECONDS', 1800) * 1000,
    databaseUrl: readServiceDatabaseUrl(env, 'PORTAL'),
    upstreamTimeoutMs: readPositiveInt(env, 'PORTAL_UPSTREAM_TIMEOUT_MS', 10_000),
  });
}

/** True for plain-http URLs on this machine, the only place the portal accepts http (openid-client's rule too). */
export function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]');
}

// Tokens and session cookies travel over these: https, or http on loopback (dev). Production wants https for
// everything a browser sees.
/**
 * Checks a URL a web app's tokens or cookies travel over: absolute, https or http on this machine; `appUrlVariable`
 * (the app's own public URL: `PORTAL_URL`, `CONSOLE_URL`) must be https in production.
 */
export function requireWebUrl(name: string, value: string, mode: HubMode, appUrlVariable = 'PORTAL_URL'): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(value)) {
    throw new TypeError(`${name} must be https (plain http only for 127.0.0.1 or localhost), got ${JSON.stringify(value)}`);
  }
  if (mode === 'production' && name === appUrlVariable && url.protocol !== 'https:') {
    throw new TypeError(`${name} must be https in production mode, got ${JSON.stringify(value)}`);
  }
}
