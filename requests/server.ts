import { readFileSync } from 'node:fs';
import { subgraphAudience, type Env } from '../lib/config.js';
import { close, createService, listen } from '../lib/http/service.js';
import { readMetricsAccess } from '../lib/telemetry/metricsAccess.js';
import { createServiceMetrics } from '../lib/telemetry/serviceMetrics.js';
import { loadPublicKey, loadSigningKey } from '../lib/keys.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openDatabase } from '../lib/storage/database.js';
import { createSubgraphHandler } from '../lib/subgraph/service.js';
import type { RunningService } from '../lib/subgraph/start.js';
import { createInternalCredentialVerifier, INTERNAL_KEY_SOURCE } from '../lib/tokens/internalCredential.js';
import { loadRouter, type RequestRouter } from '../router/index.js';
import { registerPersonItems } from './aboutItems.js';
import { readRequestsConfig } from './config.js';
import { migrateRequests } from './migrations.js';
import { createRequestStore } from './requestStore.js';
import { createRequestsLoaders } from './loaders.js';
import { requestsResolvers, type SubjectLookup } from './resolvers.js';
import { createSubjectLookup } from './subjectNames.js';

/** Collaborators a test may swap. */
export interface RequestsServiceOverrides {
  logger?: Logger;
  now?: () => Date;
  router?: RequestRouter;
  subjects?: SubjectLookup;
}

/** The requests subgraph's schema (requests/schema.graphql). */
export const REQUESTS_SCHEMA = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/**
 * Starts the requests service: the hub's own `requests` subgraph (citizens' free-text requests, caseworkers'
 * queues) on its own port (`REQUESTS_PORT`, default 4005) and its own database, behind the gateway's internal
 * credential check like every subgraph.
 */
export async function startRequestsService(env: Env, overrides: RequestsServiceOverrides = {}): Promise<RunningService> {
  const config = readRequestsConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 'requests' });
  const [publicJwk, internalKey] = await Promise.all([
    loadPublicKey({ env, variable: INTERNAL_KEY_SOURCE.publicVariable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg }),
    loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg }),
  ]);
  const router = overrides.router ?? loadRouter(config.routerModel);
  const database = openDatabase<any>({ url: config.databaseUrl });
  try {
    await migrateRequests(database.db);
    const store = createRequestStore(database, { now: overrides.now, dailyLimit: config.dailyLimit });
    const subjects = overrides.subjects ?? createSubjectLookup({ populationUrl: config.populationUrl, internalKey, logger: logger.child({ component: 'case-subjects' }) });
    const subgraph = await createSubgraphHandler({
      register: 'requests',
      typeDefs: REQUESTS_SCHEMA,
      resolvers: requestsResolvers({ store, router, aboutItems: registerPersonItems(), subjects }),
      verifyCredential: createInternalCredentialVerifier({ publicJwk, audience: subgraphAudience('requests'), now: overrides.now }),
      createLoaders: () => createRequestsLoaders(store),
      logger,
      introspection: config.mode === 'dev',
    });
    const server = createService({
      logger,
      ready: () => database.ping(),
      routes: { '/graphql': subgraph.handler },
      trustRequestId: true,
      metrics: createServiceMetrics('requests-subgraph'),
      metricsAccess: readMetricsAccess(env),
    });
    const port = await listen(server, config.host, config.port);
    logger.info({ port }, 'requests subgraph listening');
    return {
      name: 'requests',
      port,
      url: `http://${config.host}:${port}/graphql`,
      async stop() {
        await close(server);
        await subgraph.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
