import { readFileSync } from 'node:fs';
import { subgraphAudience, type Env } from '../lib/config.js';
import { openConsentRecords } from '../lib/consents/index.js';
import { HubError } from '../lib/errors.js';
import { close, createService, listen } from '../lib/http/service.js';
import { createServiceMetrics } from '../lib/telemetry/serviceMetrics.js';
import { readMetricsAccess } from '../lib/telemetry/metricsAccess.js';
import { loadPublicKey, loadSecret } from '../lib/keys.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../lib/personId.js';
import { createSubgraphHandler } from '../lib/subgraph/service.js';
import type { RunningService } from '../lib/subgraph/start.js';
import { loadPersonas } from '../lib/synthetic/personas.js';
import { createInternalCredentialVerifier, INTERNAL_KEY_SOURCE } from '../lib/tokens/internalCredential.js';
import { readConsentServerConfig } from './config.js';
import { createInteractions } from './interactions.js';
import { loadIssuerKey } from './issuerKeys.js';
import { createOidcAdapter, purgeExpired } from './oidcAdapter.js';
import { migrateOidc } from './oidcMigrations.js';
import { loadPartners } from './partners.js';
import { createProvider } from './provider.js';
import { consentResolvers } from './subgraph/resolvers.js';
import { createUpstreamLogin } from './upstreamLogin.js';
import { loadCaseworkerDirectory } from './caseworkerDirectory.js';

/** Collaborators a test may swap. */
export interface ConsentServerOverrides {
  logger?: Logger;
  now?: () => Date;
}

const SCHEMA = readFileSync(new URL('./subgraph/schema.graphql', import.meta.url), 'utf8');
/** Labels of the authorization server's routes for the request log (paths may carry opaque ids). */
const ROUTE_LABELS: ReadonlyArray<[RegExp, string]> = [
  [/^\/\.well-known\/openid-configuration$/, '/.well-known/openid-configuration'],
  [/^\/jwks$/, '/jwks'],
  [/^\/auth(\/[\w-]+)?$/, '/auth'],
  [/^\/request$/, '/request'],
  [/^\/token$/, '/token'],
  [/^\/token\/revocation$/, '/token/revocation'],
  [/^\/session\/end/, '/session/end'],
  [/^\/interaction\/callback\/upstream$/, '/interaction/callback/upstream'],
  [/^\/interaction\/[\w-]+$/, '/interaction/:uid'],
  [/^\/interaction\/[\w-]+\/login$/, '/interaction/:uid/login'],
  [/^\/interaction\/[\w-]+\/consent$/, '/interaction/:uid/consent'],
];

/**
 * Starts the authorization and consent server: oidc-provider (the OAuth and OpenID machinery), the citizen's
 * login and consent screens, and the consent subgraph (`me { consents disclosures }`, `revokeConsent`) that the
 * gateway joins. All state lives in the consent database, shared with every gateway process.
 */
export async function startConsentServer(env: Env, overrides: ConsentServerOverrides = {}): Promise<RunningService> {
  let config = readConsentServerConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 'auth' });
  // Everything that can be refused by configuration is read before anything is opened or bound.
  const [issuerKey, pseudonymKey, pairwiseKey, cookieKey, internalPublicJwk] = await Promise.all([
    loadIssuerKey(env),
    loadSecret(env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE),
    loadSecret(env, 'HUB_PAIRWISE_KEY', 'pairwise.key'),
    loadSecret(env, 'AUTH_COOKIE_KEY', 'auth-cookie.key'),
    loadPublicKey({ env, variable: INTERNAL_KEY_SOURCE.publicVariable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg }),
  ]);
  const partners = loadPartners(env, config.mode);
  const personas = config.mode === 'dev' ? loadPersonas() : [];
  const caseworkers = loadCaseworkerDirectory(env, config.mode);
  const records = await openConsentRecords(config.databaseUrl);
  let server: ReturnType<typeof createService> | undefined;
  try {
    return await serve();
  } catch (error) {
    // A start that fails half-way leaves nothing open behind it (tests host the server in their own process).
    if (server?.listening) await close(server);
    await records.close();
    throw error;
  }

  async function serve(): Promise<RunningService> {
    await migrateOidc(records.database.db);
    const Adapter = createOidcAdapter(records.database);

    const revokeGrant = async (grantId: string) => {
      await new Adapter('Grant').destroy(grantId);
      await new Adapter('RefreshToken').revokeByGrantId(grantId);
    };
    const subgraph = await createSubgraphHandler({
      register: 'consent',
      typeDefs: SCHEMA,
      resolvers: consentResolvers({ consents: records.consents, disclosures: records.disclosures, revokeGrant }),
      verifyCredential: createInternalCredentialVerifier({ publicJwk: internalPublicJwk, audience: subgraphAudience('consent'), now: overrides.now }),
      createLoaders: () => ({}),
      logger,
      introspection: config.mode === 'dev',
    });

    // The issuer identifier must be known to build the provider; with port 0 (tests) that is after binding. Until
    // then (a few milliseconds) the fallback answers 503 and /readyz says not ready.
    let handlers: { provider: any; interactions: ReturnType<typeof createInteractions> } | undefined;
    server = createService({
      logger,
      ready: async () => handlers !== undefined && (await records.database.ping()),
      routes: { '/graphql': subgraph.handler },
      fallback: async (req, res, scope) => {
        if (!handlers) throw new HubError('SUBGRAPH_UNAVAILABLE', 'Starting');
        if (await handlers.interactions(req, res, scope)) return;
        await handlers.provider.callback()(req, res);
      },
      nameRoute: (path) => ROUTE_LABELS.find(([pattern]) => pattern.test(path))?.[1],
      trustRequestId: true,
      metrics: createServiceMetrics('authorization-server'),
      metricsAccess: readMetricsAccess(env),
    });
    const port = await listen(server, config.host, config.port);
    const bound = server;
    if (!env.ISSUER_URL) config = Object.freeze({ ...config, issuer: `http://${config.host}:${port}` });
    const provider = createProvider({
      config,
      partners,
      signingJwk: issuerKey.privateJwk,
      adapter: Adapter,
      consents: records.consents,
      pairwiseKey,
      cookieKeys: [cookieKey.toString('base64url')],
      logger,
    });
    const upstream = config.login.kind === 'upstream'
      ? await createUpstreamLogin({ login: config.login, issuer: config.issuer, cookieKey, logger })
      : undefined;
    const interactions = createInteractions({
      provider: () => provider,
      config,
      partners,
      personas,
      caseworkers,
      consents: records.consents,
      pseudonymKey,
      pairwiseKey,
      receiptKey: issuerKey,
      upstream,
      now: overrides.now,
    });
    handlers = { provider, interactions };
    const purge = setInterval(() => {
      Promise.all([purgeExpired(records.database), records.replay.purge()]).catch((error: unknown) => logger.warn({ err: error }, 'purge of expired records failed'));
    }, 60_000);
    purge.unref();
    logger.info({ port, mode: config.mode, partners: partners.length, caseworkers: caseworkers.length }, 'authorization server listening');
    return {
      name: 'auth',
      port,
      url: config.issuer,
      async stop() {
        clearInterval(purge);
        await close(bound);
        await subgraph.stop();
        await records.close();
      },
    };
  }
}
