import {
  DEFAULT_PORTS,
  readGatewayAudience,
  readHost,
  readIssuer,
  readMode,
  readPort,
  readPositiveInt,
  readSubgraphUrl,
  SUBGRAPHS,
  type Env,
  type HubMode,
  type SubgraphName,
} from '../lib/config.js';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits.js';
import { SUPERGRAPH_PATH } from './supergraph.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rateLimit.js';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from './trustedDocuments.js';
import { DEFAULT_ISSUER_KEYS_MAX_AGE_MS, DEFAULT_ISSUER_KEYS_REFRESH_MS } from '../lib/tokens/issuerKeySet.js';

/** The gateway's configuration, read once from the environment and frozen. */
export interface GatewayConfig {
  readonly mode: HubMode;
  readonly host: string;
  readonly port: number;
  /**
   * How many processes serve the port (`GATEWAY_WORKERS`, 1 to 64, default the cores this process may use): 1 is one
   * process; more is a cluster primary that forks that many workers (`workers.ts`), which share nothing but the database.
   */
  readonly workers: number;
  /** Expected `iss` of access tokens. */
  readonly issuer: string;
  /** Expected `aud` of access tokens: the gateway's resource identifier. */
  readonly audience: string;
  /** The GraphQL URL clients address (`GATEWAY_PUBLIC_URL`; default the bound address): what DPoP proofs name. */
  readonly publicUrl: string | undefined;
  /** Subgraph URLs (`<SUBGRAPH>_URL`, default the contract's ports on 127.0.0.1; consent at the issuer's port). */
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /**
   * `<NAME>_URL` of every variable so named, by lower-case name: where to reach a subgraph that a published supergraph
   * names but this process's registry does not (yet). Without one, dev mode uses the supergraph's own `@join__graph(url:)`;
   * production refuses such a supergraph.
   */
  readonly subgraphUrlOverrides: Readonly<Record<string, string>>;
  /** The supergraph in service (`SUPERGRAPH_PATH`, default the committed `schema/supergraph.graphql`). */
  readonly supergraphPath: string;
  /** How often that file is looked at for a newly published supergraph (`SUPERGRAPH_RELOAD_SECONDS`, default 10). */
  readonly supergraphReloadSeconds: number;
  /** A register that has not answered in this time is given up on; its fields come back null. */
  readonly subgraphTimeoutMs: number;
  readonly bodyLimitBytes: number;
  /** Query abuse limits (`GATEWAY_MAX_DEPTH`, `_ALIASES`, `_DIRECTIVES`, `_TOKENS`, `_COST`). */
  readonly limits: QueryLimits;
  /** Requests per window (`RATE_LIMIT_PARTNER_PER_MINUTE`, `_CITIZEN_PER_MINUTE`; window `RATE_LIMIT_WINDOW_SECONDS`). */
  readonly rateLimits: RateLimits;
  /** Introspection and field suggestions: dev mode only. */
  readonly introspection: boolean;
  /** The registered operations, one `<client id>.json` manifest per client (`TRUSTED_DOCUMENTS_DIR`). */
  readonly trustedDocumentsDir: string;
  /** Clients that may send unregistered documents: the hub's own clients in dev mode, nobody in production. */
  readonly adHocClients: ReadonlySet<string>;
  /** How often the registry folder is looked at for changes (`TRUSTED_DOCUMENTS_RELOAD_SECONDS`, default 10). */
  readonly trustedDocumentsReloadSeconds: number;
  readonly algorithms: readonly string[];
  /**
   * The issuer's keys are trusted `maxAgeSeconds` after the last successful fetch (`ISSUER_KEYS_MAX_AGE_SECONDS`,
   * default 600), then tokens get 503; refetched every `refreshSeconds` (`ISSUER_KEYS_REFRESH_SECONDS`, default 300).
   */
  readonly issuerKeys: Readonly<{ maxAgeSeconds: number; refreshSeconds: number }>;
}

/** Reads and validates the gateway's configuration. */
export function readGatewayConfig(env: Env): GatewayConfig {
  const mode = readMode(env);
  const subgraphUrls: Record<SubgraphName, string> = Object.fromEntries(SUBGRAPHS.map((subgraph) => [subgraph, readSubgraphUrl(env, subgraph)]));
  const algorithms = (env.ACCESS_TOKEN_ALGORITHMS ?? 'ES256').split(',').map((alg) => alg.trim());
  return Object.freeze({
    mode,
    host: readHost(env),
    port: readPort(env, 'GATEWAY_PORT', DEFAULT_PORTS.GATEWAY_PORT),
    workers: readWorkers(env),
    issuer: readIssuer(env),
    audience: readGatewayAudience(env),
    publicUrl: readPublicUrl(env),
    subgraphUrls: Object.freeze(subgraphUrls),
    subgraphUrlOverrides: Object.freeze(Object.fromEntries(Object.entries(env)
      .filter((entry): entry is [string, string] => /^[A-Z][A-Z0-9]*_URL$/.test(entry[0]) && Boolean(entry[1]))
      .map(([key, value]) => [key.slice(0, -'_URL'.length).toLowerCase(), value]))),
    supergraphPath: env.SUPERGRAPH_PATH || fileURLToPath(SUPERGRAPH_PATH),
    supergraphReloadSeconds: readPositiveInt(env, 'SUPERGRAPH_RELOAD_SECONDS', 10),
    subgraphTimeoutMs: readPositiveInt(env, 'SUBGRAPH_TIMEOUT_MS', 3000),
    bodyLimitBytes: readPositiveInt(env, 'GATEWAY_BODY_LIMIT_BYTES', 64 * 1024),
    limits: Object.freeze({
      maxDepth: readPositiveInt(env, 'GATEWAY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth),
      maxAliases: readPositiveInt(env, 'GATEWAY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases),
      maxDirectives: readPositiveInt(env, 'GATEWAY_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives),
      maxTokens: readPositiveInt(env, 'GATEWAY_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens),
      maxCost: readPositiveInt(env, 'GATEWAY_MAX_COST', DEFAULT_QUERY_LIMITS.maxCost),
    }),
    // "Per minute" with the default window; a test may shorten the window, and the counts then hold per window.
    rateLimits: Object.freeze({
      partner: readPositiveInt(env, 'RATE_LIMIT_PARTNER_PER_MINUTE', DEFAULT_RATE_LIMITS.partner),
      citizen: readPositiveInt(env, 'RATE_LIMIT_CITIZEN_PER_MINUTE', DEFAULT_RATE_LIMITS.citizen),
      windowMs: readPositiveInt(env, 'RATE_LIMIT_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.windowMs / 1000) * 1000,
    }),
    introspection: mode === 'dev',
    trustedDocumentsDir: env.TRUSTED_DOCUMENTS_DIR ?? DEFAULT_TRUSTED_DOCUMENTS_DIR,
    // The caseworkers' console too, so a token from `npm run token -- --caseworker <queue>` can explore (CONTRACT.md).
    adHocClients: Object.freeze(new Set(mode === 'dev' ? ['citizen-portal', 'caseworker-console'] : [])),
    trustedDocumentsReloadSeconds: readPositiveInt(env, 'TRUSTED_DOCUMENTS_RELOAD_SECONDS', 10),
    algorithms: Object.freeze(algorithms),
    issuerKeys: readIssuerKeysTiming(env),
  });
}

/** The issuer keys' maximum age and refresh interval; a refresh at least as long as the age would let keys go stale. */
function readIssuerKeysTiming(env: Env): GatewayConfig['issuerKeys'] {
  const maxAgeSeconds = readPositiveInt(env, 'ISSUER_KEYS_MAX_AGE_SECONDS', DEFAULT_ISSUER_KEYS_MAX_AGE_MS / 1000);
  const refreshSeconds = readPositiveInt(env, 'ISSUER_KEYS_REFRESH_SECONDS', DEFAULT_ISSUER_KEYS_REFRESH_MS / 1000);
  if (refreshSeconds >= maxAgeSeconds) {
    throw new TypeError(`ISSUER_KEYS_REFRESH_SECONDS (${refreshSeconds}) must be less than ISSUER_KEYS_MAX_AGE_SECONDS (${maxAgeSeconds})`);
  }
  return Object.freeze({ maxAgeSeconds, refreshSeconds });
}

/** Most workers one gateway may fork: beyond this, more replicas (pods) are the way to scale, not more processes in one. */
export const MAX_GATEWAY_WORKERS = 64;

/** `GATEWAY_WORKERS`: 1 to {@link MAX_GATEWAY_WORKERS}; default `os.availableParallelism()`, the CPUs this process may run on. */
function readWorkers(env: Env): number {
  const fallback = Math.min(availableParallelism(), MAX_GATEWAY_WORKERS);
  const raw = env.GATEWAY_WORKERS;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < 1 || value > MAX_GATEWAY_WORKERS) {
    throw new TypeError(`GATEWAY_WORKERS must be an integer from 1 to ${MAX_GATEWAY_WORKERS}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** `GATEWAY_PUBLIC_URL`: unset or empty means the bound address; anything else must be an absolute http(s) URL. */
function readPublicUrl(env: Env): string | undefined {
  const value = env.GATEWAY_PUBLIC_URL;
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`GATEWAY_PUBLIC_URL must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`GATEWAY_PUBLIC_URL must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}
