import { resolve } from 'node:path';
import { readSubgraphRegistry, type SubgraphEntry } from './subgraphRegistry.js';

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

/** The four registers the portal shows and the synthetic seed fills; every subgraph served is in {@link SUBGRAPHS}. */
export const REGISTERS = ['population', 'tax', 'vehicles', 'education'] as const;
/** One of {@link REGISTERS}. */
export type Register = (typeof REGISTERS)[number];

/**
 * Database URL of a register: `<REGISTER>_DATABASE_URL`, else `DATABASE_URL`, else (dev mode only) an
 * embedded SQLite file in the hub home. Production refuses to guess.
 */
export function readRegisterDatabaseUrl(env: Env, register: string): string {
  return readServiceDatabaseUrl(env, register.toUpperCase());
}

/**
 * Database URL of a service's own store (`PORTAL`, `CONSENT`, a register): `<NAME>_DATABASE_URL`, else
 * `DATABASE_URL`, else (dev mode only) `HUB_HOME/<name>.sqlite`. Production refuses to guess.
 */
export function readServiceDatabaseUrl(env: Env, name: string): string {
  const url = env[`${name}_DATABASE_URL`] ?? env.DATABASE_URL;
  if (url) return url;
  if (readMode(env) === 'production') throw new TypeError(`${name}_DATABASE_URL or DATABASE_URL must be set in production mode`);
  return `sqlite:${resolve(readHubHome(env), `${name.toLowerCase()}.sqlite`)}`;
}

/**
 * Database of consents, disclosure records and the authorization server's state, shared by the consent server and
 * every gateway process: `CONSENT_DATABASE_URL`, else `DATABASE_URL`, else (dev mode only) `HUB_HOME/consent.sqlite`.
 */
export function readConsentDatabaseUrl(env: Env): string {
  return readServiceDatabaseUrl(env, 'CONSENT');
}

/**
 * Database of free-text requests, their conversations and the caseworkers' corrections: `REQUESTS_DATABASE_URL`, else
 * `DATABASE_URL`, else (dev mode only) `HUB_HOME/requests.sqlite`.
 */
export function readRequestsDatabaseUrl(env: Env): string {
  return readServiceDatabaseUrl(env, 'REQUESTS');
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

// Read once at start: the list of subgraphs is data (subgraphs/registry.json), so a register joins without code edits.
const REGISTRY: readonly SubgraphEntry[] = readSubgraphRegistry();

/** Every subgraph the gateway joins, from `subgraphs/registry.json`: the registers and the consent service's own. */
export const SUBGRAPHS: readonly string[] = Object.freeze(REGISTRY.map((entry) => entry.name));
/** One of {@link SUBGRAPHS}. */
export type SubgraphName = string;

/** The registry entry of a subgraph; a name that is not in the registry is a misconfiguration. */
export function subgraphEntry(name: string, registry: readonly SubgraphEntry[] = REGISTRY): SubgraphEntry {
  const entry = registry.find((candidate) => candidate.name === name);
  if (!entry) throw new TypeError(`subgraph "${name}" is not in subgraphs/registry.json`);
  return entry;
}

/**
 * The port a subgraph listens on: its port variable (`<NAME>_PORT`), else its registry default. A register not in
 * this tree's registry (one scaffolded in another copy of the tree) must be given `<NAME>_PORT`.
 */
export function readSubgraphPort(env: Env, name: string, registry: readonly SubgraphEntry[] = REGISTRY): number {
  const entry = registry.find((candidate) => candidate.name === name);
  if (entry) return readPort(env, entry.portVariable, entry.port);
  const variable = `${name.toUpperCase()}_PORT`;
  if (!env[variable]) throw new TypeError(`subgraph "${name}" is not in subgraphs/registry.json and ${variable} is not set`);
  return readPort(env, variable, 0);
}

/** Where the gateway reaches a subgraph: `<NAME>_URL`, else its port on loopback. */
export function readSubgraphUrl(env: Env, name: string, registry: readonly SubgraphEntry[] = REGISTRY): string {
  const entry = subgraphEntry(name, registry);
  return env[entry.urlVariable] || `http://127.0.0.1:${readSubgraphPort(env, name, registry)}/graphql`;
}

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
