import { resolve } from 'node:path';

/** `dev` runs on embedded storage with generated keys and a test login; `production` demands explicit configuration. */
export type HubMode = 'dev' | 'production';

/** The process environment, or a stand-in that tests pass. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads `HUB_MODE`; anything other than `dev` or `production` is a misconfiguration. */
export function readMode(env: Env): HubMode {
  const mode = env.HUB_MODE ?? 'dev';
  if (mode !== 'dev' && mode !== 'production') {
    throw new TypeError(`HUB_MODE must be "dev" or "production", got ${JSON.stringify(mode)}`);
  }
  return mode;
}

/** Folder for embedded databases and generated dev keys (`HUB_HOME`, default `.hub/` in the working directory). */
export function readHubHome(env: Env): string {
  return resolve(env.HUB_HOME ?? '.hub');
}

/** Address that services bind to (`HUB_HOST`, default loopback only). */
export function readHost(env: Env): string {
  return env.HUB_HOST ?? '127.0.0.1';
}

/** Reads a TCP port from `name`, falling back to `fallback`; 0 asks the OS for a free port. */
export function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`${name} must be a TCP port (0-65535), got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Reads a positive integer (milliseconds, counts) from `name`. */
export function readPositiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Default ports of the contract; each can be changed by the environment variable of the same key. */
export const DEFAULT_PORTS = Object.freeze({
  GATEWAY_PORT: 4000,
  POPULATION_PORT: 4001,
  TAX_PORT: 4002,
  VEHICLES_PORT: 4003,
  EDUCATION_PORT: 4004,
  AUTH_PORT: 4100,
  PORTAL_PORT: 4200,
  PARTNER_PORT: 4300,
  /** The hub's own requests subgraph (free-text requests, requests issue). */
  REQUESTS_PORT: 4005,
  /** The caseworkers' console (requests issue). */
  CONSOLE_PORT: 4400,
});

/** The four registers, each served by its own subgraph. */
export const REGISTERS = ['population', 'tax', 'vehicles', 'education'] as const;
/** One of {@link REGISTERS}. */
export type Register = (typeof REGISTERS)[number];

/** Port variable of each register's subgraph. */
export const REGISTER_PORT_VARIABLE: Readonly<Record<Register, keyof typeof DEFAULT_PORTS>> = Object.freeze({
  population: 'POPULATION_PORT',
  tax: 'TAX_PORT',
  vehicles: 'VEHICLES_PORT',
  education: 'EDUCATION_PORT',
});

/**
 * Database URL of a register: `<REGISTER>_DATABASE_URL`, else `DATABASE_URL`, else (dev mode only) an
 * embedded SQLite file in the hub home. Production refuses to guess.
 */
export function readRegisterDatabaseUrl(env: Env, register: Register): string {
  const url = env[`${register.toUpperCase()}_DATABASE_URL`] ?? env.DATABASE_URL;
  if (url) return url;
  if (readMode(env) === 'production') {
    throw new TypeError(`${register.toUpperCase()}_DATABASE_URL or DATABASE_URL must be set in production mode`);
  }
  return `sqlite:${resolve(readHubHome(env), `${register}.sqlite`)}`;
}

/**
 * Database of consents, disclosure records and the authorization server's state, shared by the consent server and
 * every gateway process: `CONSENT_DATABASE_URL`, else `DATABASE_URL`, else (dev mode only) `HUB_HOME/consent.sqlite`.
 */
export function readConsentDatabaseUrl(env: Env): string {
  const url = env.CONSENT_DATABASE_URL ?? env.DATABASE_URL;
  if (url) return url;
  if (readMode(env) === 'production') throw new TypeError('CONSENT_DATABASE_URL or DATABASE_URL must be set in production mode');
  return `sqlite:${resolve(readHubHome(env), 'consent.sqlite')}`;
}

/**
 * Database of free-text requests, their conversations and the caseworkers' corrections: `REQUESTS_DATABASE_URL`, else
 * `DATABASE_URL`, else (dev mode only) `HUB_HOME/requests.sqlite`.
 */
export function readRequestsDatabaseUrl(env: Env): string {
  const url = env.REQUESTS_DATABASE_URL ?? env.DATABASE_URL;
  if (url) return url;
  if (readMode(env) === 'production') throw new TypeError('REQUESTS_DATABASE_URL or DATABASE_URL must be set in production mode');
  return `sqlite:${resolve(readHubHome(env), 'requests.sqlite')}`;
}

/** Where the caseworkers' console is reached (its OAuth redirect URIs live under it): `CONSOLE_URL`, else `CONSOLE_PORT`. */
export function readConsoleUrl(env: Env): string {
  return (env.CONSOLE_URL ?? `http://127.0.0.1:${readPort(env, 'CONSOLE_PORT', DEFAULT_PORTS.CONSOLE_PORT)}`).replace(/\/$/, '');
}

/** Resource identifier (token audience) of the gateway. */
export function readGatewayAudience(env: Env): string {
  return env.GATEWAY_AUDIENCE ?? `http://127.0.0.1:${readPort(env, 'GATEWAY_PORT', DEFAULT_PORTS.GATEWAY_PORT)}/graphql`;
}

/** Issuer identifier of the authorization server. */
export function readIssuer(env: Env): string {
  return env.ISSUER_URL ?? `http://127.0.0.1:${readPort(env, 'AUTH_PORT', DEFAULT_PORTS.AUTH_PORT)}`;
}

/**
 * Every subgraph the gateway joins: the four registers, the consent service's own (consents, disclosures) and the
 * hub's requests service (free-text requests and the caseworkers' queues).
 */
export const SUBGRAPHS = [...REGISTERS, 'consent', 'requests'] as const;
/** One of {@link SUBGRAPHS}. */
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** Audience of the internal credential for one subgraph: it names the subgraph, not a URL that may change. */
export function subgraphAudience(subgraph: SubgraphName): string {
  return `urn:hub:subgraph:${subgraph}`;
}

/** Where the citizen portal is reached (its OAuth redirect URIs live under it). */
export function readPortalUrl(env: Env): string {
  return (env.PORTAL_URL ?? `http://127.0.0.1:${readPort(env, 'PORTAL_PORT', DEFAULT_PORTS.PORTAL_PORT)}`).replace(/\/$/, '');
}

/** Issuer of internal credentials. */
export const GATEWAY_INTERNAL_ISSUER = 'urn:hub:gateway';
