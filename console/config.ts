import { DEFAULT_PORTS, readConsoleUrl, readHost, readIssuer, readMode, readPort, readPositiveInt, readServiceDatabaseUrl, type Env, type HubMode } from '../lib/config.js';
import { requireWebUrl } from '../portal/config.js';

/** The console's OAuth client id at the authorization server (a public client: PKCE S256, no secret). */
export const CONSOLE_CLIENT_ID = 'caseworker-console';

/** The console's configuration, read once at start and frozen. */
export interface ConsoleConfig {
  readonly mode: HubMode;
  readonly host: string;
  /** `CONSOLE_PORT` (4400); 0 asks the OS for a free port (tests). */
  readonly port: number;
  /** `CONSOLE_URL`: where browsers reach the console; its `/callback` is the registered redirect URI. */
  readonly publicUrl: string;
  /** `ISSUER_URL`: the authorization server. */
  readonly issuer: string;
  /** `GATEWAY_URL`: the gateway's GraphQL endpoint, the console's only way to the cases. */
  readonly gatewayUrl: string;
  readonly secureCookies: boolean;
  /** `CONSOLE_SESSION_IDLE_SECONDS` (default 30 minutes). */
  readonly sessionIdleMs: number;
  /** Where sessions live, shared by every console replica: `CONSOLE_DATABASE_URL`, else `DATABASE_URL`, else (dev) `HUB_HOME/console.sqlite`. */
  readonly databaseUrl: string;
  /** `CONSOLE_UPSTREAM_TIMEOUT_MS` (default 10000). */
  readonly upstreamTimeoutMs: number;
}

/** Reads and validates the console's environment; misconfiguration throws a `TypeError` naming the variable. */
export function readConsoleConfig(env: Env): ConsoleConfig {
  const mode = readMode(env);
  // The same function the authorization server registers the console's redirect URIs from (lib/config.ts).
  const publicUrl = readConsoleUrl(env);
  const issuer = readIssuer(env).replace(/\/$/, '');
  const gatewayUrl = env.GATEWAY_URL ?? `http://127.0.0.1:${readPort(env, 'GATEWAY_PORT', DEFAULT_PORTS.GATEWAY_PORT)}/graphql`;
  for (const [name, value] of [['CONSOLE_URL', publicUrl], ['ISSUER_URL', issuer], ['GATEWAY_URL', gatewayUrl]] as const) {
    requireWebUrl(name, value, mode, 'CONSOLE_URL');
  }
  return Object.freeze({
    mode,
    host: readHost(env),
    port: readPort(env, 'CONSOLE_PORT', DEFAULT_PORTS.CONSOLE_PORT),
    publicUrl,
    issuer,
    gatewayUrl,
    secureCookies: publicUrl.startsWith('https:'),
    sessionIdleMs: readPositiveInt(env, 'CONSOLE_SESSION_IDLE_SECONDS', 1800) * 1000,
    databaseUrl: readServiceDatabaseUrl(env, 'CONSOLE'),
    upstreamTimeoutMs: readPositiveInt(env, 'CONSOLE_UPSTREAM_TIMEOUT_MS', 10_000),
  });
}
