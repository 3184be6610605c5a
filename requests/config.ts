import {
  DEFAULT_PORTS,
  readHost,
  readMode,
  readPort,
  readPositiveInt,
  readRequestsDatabaseUrl,
  type Env,
  type HubMode,
} from '../lib/config.js';

/** The requests service's configuration, read once from the environment and frozen. */
export interface RequestsConfig {
  readonly mode: HubMode;
  readonly host: string;
  /** `REQUESTS_PORT`, default 4005. */
  readonly port: number;
  /** `REQUESTS_DATABASE_URL`, else `DATABASE_URL`, else (dev) `HUB_HOME/requests.sqlite`. */
  readonly databaseUrl: string;
  /** Stored requests per citizen in any 24 hours (`REQUESTS_PER_DAY`, default 20). */
  readonly dailyLimit: number;
  /** The population subgraph, for the names on caseworkers' cases (`POPULATION_URL`, default its port). */
  readonly populationUrl: string;
  /** The router model (`ROUTER_MODEL`, default the committed model inside router/). */
  readonly routerModel: string | undefined;
}

/** Reads and validates the requests service's configuration. */
export function readRequestsConfig(env: Env): RequestsConfig {
  return Object.freeze({
    mode: readMode(env),
    host: readHost(env),
    port: readPort(env, 'REQUESTS_PORT', DEFAULT_PORTS.REQUESTS_PORT),
    databaseUrl: readRequestsDatabaseUrl(env),
    dailyLimit: readPositiveInt(env, 'REQUESTS_PER_DAY', 20),
    populationUrl: env.POPULATION_URL ?? `http://127.0.0.1:${readPort(env, 'POPULATION_PORT', DEFAULT_PORTS.POPULATION_PORT)}/graphql`,
    routerModel: env.ROUTER_MODEL || undefined,
  });
}
