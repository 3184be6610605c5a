import {
  DEFAULT_PORTS,
  readGatewayAudience,
  readHost,
  readIssuer,
  readMode,
  readPort,
  readPositiveInt,
  REGISTER_PORT_VARIABLE,
  SUBGRAPHS,
  type Env,
  type HubMode,
  type SubgraphName,
} from '../lib/config.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits.js';

/** The gateway's configuration, read once from the environment and frozen. */
export interface GatewayConfig {
  readonly mode: HubMode;
  readonly host: string;
  readonly port: number;
  /** Expected `iss` of access tokens. */
  readonly issuer: string;
  /** Expected `aud` of access tokens: the gateway's resource identifier. */
  readonly audience: string;
  /** The GraphQL URL clients address (`GATEWAY_PUBLIC_URL`; default the bound address): what DPoP proofs name. */
  readonly publicUrl: string | undefined;
  /** Subgraph URLs (`<SUBGRAPH>_URL`, default the contract's ports on 127.0.0.1; consent at the issuer's port). */
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** A register that has not answered in this time is given up on; its fields come back null. */
  readonly subgraphTimeoutMs: number;
  readonly bodyLimitBytes: number;
  /** Query abuse limits (`GATEWAY_MAX_DEPTH`, `_ALIASES`, `_DIRECTIVES`, `_TOKENS`, `_COST`). */
  readonly limits: QueryLimits;
  /** Introspection and field suggestions: dev mode only. */
  readonly introspection: boolean;
  readonly algorithms: readonly string[];
}

/** Reads and validates the gateway's configuration. */
export function readGatewayConfig(env: Env): GatewayConfig {
  const mode = readMode(env);
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map((subgraph) => {
      const variable = subgraph === 'consent' ? 'AUTH_PORT' : REGISTER_PORT_VARIABLE[subgraph];
      const fallback = `http://127.0.0.1:${readPort(env, variable, DEFAULT_PORTS[variable])}/graphql`;
      return [subgraph, env[`${subgraph.toUpperCase()}_URL`] ?? fallback];
    }),
  ) as Record<SubgraphName, string>;
  const algorithms = (env.ACCESS_TOKEN_ALGORITHMS ?? 'ES256').split(',').map((alg) => alg.trim());
  return Object.freeze({
    mode,
    host: readHost(env),
    port: readPort(env, 'GATEWAY_PORT', DEFAULT_PORTS.GATEWAY_PORT),
    issuer: readIssuer(env),
    audience: readGatewayAudience(env),
    publicUrl: env.GATEWAY_PUBLIC_URL,
    subgraphUrls: Object.freeze(subgraphUrls),
    subgraphTimeoutMs: readPositiveInt(env, 'SUBGRAPH_TIMEOUT_MS', 3000),
    bodyLimitBytes: readPositiveInt(env, 'GATEWAY_BODY_LIMIT_BYTES', 64 * 1024),
    limits: Object.freeze({
      maxDepth: readPositiveInt(env, 'GATEWAY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth),
      maxAliases: readPositiveInt(env, 'GATEWAY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases),
      maxDirectives: readPositiveInt(env, 'GATEWAY_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives),
      maxTokens: readPositiveInt(env, 'GATEWAY_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens),
      maxCost: readPositiveInt(env, 'GATEWAY_MAX_COST', DEFAULT_QUERY_LIMITS.maxCost),
    }),
    introspection: mode === 'dev',
    algorithms: Object.freeze(algorithms),
  });
}
