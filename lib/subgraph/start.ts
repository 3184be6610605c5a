import type { Kysely } from 'kysely';
import {
  readHost,
  readMode,
  readPositiveInt,
  readRegisterDatabaseUrl,
  readSubgraphPort,
  subgraphAudience,
  type Env,
} from '../config.js';
import { close, listen } from '../http/service.js';
import { loadPublicKey } from '../keys.js';
import { createLogger, type Logger } from '../logger.js';
import { readMetricsAccess } from '../telemetry/metricsAccess.js';
import { openDatabase } from '../storage/database.js';
import { createInternalCredentialVerifier, INTERNAL_KEY_SOURCE } from '../tokens/internalCredential.js';
import { seedRegisterForDev } from './devSeed.js';
import type { RegisterModule } from './registerModule.js';
import { createSubgraphService } from './service.js';

/** A running subgraph service. */
export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Collaborators a test may swap. */
export interface StartOverrides {
  logger?: Logger;
  now?: () => Date;
}

/**
 * Starts one register's subgraph: opens and migrates its database, seeds it on first start in dev mode,
 * and serves it on its own port behind the internal credential check.
 */
export async function startSubgraph<L>(module: RegisterModule<L>, env: Env, overrides: StartOverrides = {}): Promise<RunningService> {
  const mode = readMode(env);
  const logger = overrides.logger ?? createLogger({ service: `${module.register}-subgraph` });
  const now = overrides.now ?? (() => new Date());
  const database = openDatabase<any>({ url: readRegisterDatabaseUrl(env, module.register) });
  const db = database.db as Kysely<any>;
  await module.migrate(db);
  if (mode === 'dev' && !(await module.hasData(db))) {
    const persons = readPositiveInt(env, 'HUB_SEED_PERSONS', 1000);
    const started = Date.now();
    await seedRegisterForDev(module, db, { env, persons });
    logger.info({ persons, ms: Date.now() - started }, 'seeded an empty register with synthetic persons');
  }
  const publicJwk = await loadPublicKey({
    env,
    variable: INTERNAL_KEY_SOURCE.publicVariable,
    devFile: INTERNAL_KEY_SOURCE.devFile,
    alg: INTERNAL_KEY_SOURCE.alg,
  });
  const verifyCredential = createInternalCredentialVerifier({ publicJwk, audience: subgraphAudience(module.register), now });
  const { server, stop } = await createSubgraphService({
    register: module.register,
    typeDefs: module.typeDefs,
    resolvers: module.resolvers(now),
    verifyCredential,
    createLoaders: () => module.createLoaders(db),
    logger,
    ready: () => database.ping(),
    introspection: mode === 'dev',
    metricsAccess: readMetricsAccess(env),
  });
  const host = readHost(env);
  const port = await listen(server, host, readSubgraphPort(env, module.register));
  logger.info({ port }, 'subgraph listening');
  return {
    name: module.register,
    port,
    url: `http://${host}:${port}/graphql`,
    async stop() {
      await close(server);
      await stop();
      await database.close();
    },
  };
}
