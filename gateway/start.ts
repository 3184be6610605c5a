import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import type { SubgraphName } from '../lib/config.js';
import { HubError } from '../lib/errors.js';
import { close, createService, listen, sendError, sendJson, type RequestScope } from '../lib/http/service.js';
import { loadSigningKey } from '../lib/keys.js';
import { createLogger, type Logger } from '../lib/logger.js';
import type { RunningService } from '../lib/subgraph/start.js';
import { createAccessTokenVerifier, type AccessTokenVerifierOptions } from '../lib/tokens/accessToken.js';
import { createInternalCredentialMinter, INTERNAL_KEY_SOURCE } from '../lib/tokens/internalCredential.js';
import { readConsentDatabaseUrl } from '../lib/config.js';
import { openConsentRecords } from '../lib/consents/index.js';
import { createDpopVerifier, DpopProofError } from '../lib/tokens/dpop.js';
import { createAuthenticator, type Authenticated } from './authenticate.js';
import { disclosedFields } from './disclosures.js';
import { readGatewayConfig } from './config.js';
import { createOperationExecutor } from './executeOperation.js';
import { createRateLimiter } from './rateLimit.js';
import { assertOperationAllowed, readGraphQLRequest } from './httpRequest.js';
import { createDocumentCache, selectOperation } from './operations.js';
import { createTrustedDocuments, loadTrustedDocuments, watchTrustedDocuments } from './trustedDocuments.js';
import { SubgraphDataSource, type GatewayRequestContext } from './subgraphDataSource.js';
import { createSubgraphTransport } from './subgraphTransport.js';
import { loadGatewaySupergraph } from './supergraph.js';
import { createGatewayReadiness } from './readiness.js';
import { createGatewayMetrics } from './metrics.js';
import { countOperation, countRefusals, observeAuthentication, observeReadiness, observeStore, observeSubgraphTransport } from './observe.js';
import { createServiceMetrics } from '../lib/telemetry/serviceMetrics.js';
import { readMetricsAccess } from '../lib/telemetry/metricsAccess.js';

/** Collaborators a test may swap. */
export interface GatewayOverrides {
  logger?: Logger;
  now?: () => Date;
  /** A fixed key set for access tokens instead of discovery. */
  keySet?: AccessTokenVerifierOptions['keySet'];
}

/** Starts the gateway: token checks, field authorization, internal credentials, federation. */
export async function startGateway(env: Readonly<Record<string, string | undefined>>, overrides: GatewayOverrides = {}): Promise<RunningService> {
  // A personal data hub phones home to nobody: Apollo's telemetry is switched off before the gateway exists.
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const config = readGatewayConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 'gateway' });
  const supergraph = loadGatewaySupergraph();
  const internalKey = await loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
  const mint = createInternalCredentialMinter({ key: internalKey });
  const verifier = createAccessTokenVerifier({
    issuer: config.issuer,
    audience: config.audience,
    algorithms: [...config.algorithms],
    keysMaxAgeMs: config.issuerKeys.maxAgeSeconds * 1000,
    keysRefreshMs: config.issuerKeys.refreshSeconds * 1000,
    logger: logger.child({ component: 'issuer-keys' }),
    now: overrides.now,
    keySet: overrides.keySet,
  });
  const metrics = createServiceMetrics('gateway');
  const gatewayMetrics = createGatewayMetrics(metrics.registry, { issuerKeys: () => verifier.keys() });
  const records = await openConsentRecords(readConsentDatabaseUrl(env));
  const limiter = createRateLimiter({ store: records.rateLimits, limits: config.rateLimits, now: overrides.now, logger: logger.child({ component: 'rate-limit' }) });
  // Known once the port is bound (port 0 in tests), unless configured.
  let publicUrl = config.publicUrl ?? '';
  const authenticate = observeAuthentication(createAuthenticator({
    verifier,
    dpop: createDpopVerifier({ remember: (jti, expiresAt) => records.replay.remember(jti, expiresAt) }),
    consents: observeStore(records.consents, 'consent', gatewayMetrics),
    publicUrl: () => publicUrl,
    now: overrides.now,
  }), gatewayMetrics);
  const disclosures = observeStore(records.disclosures, 'disclosure', gatewayMetrics);
  // Keep-alive connection pools to the subgraphs, shared by every register's data source.
  const transport = createSubgraphTransport();
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.executionSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) => {
      const register = name as SubgraphName;
      const url = config.subgraphUrls[register];
      if (!url) throw new TypeError(`no URL configured for subgraph ${name}`);
      return new SubgraphDataSource({ register, url, timeoutMs: config.subgraphTimeoutMs, mint, transport: observeSubgraphTransport(transport, register, gatewayMetrics) });
    },
  });
  const { executor } = await gateway.load();
  const documents = createDocumentCache({ schema: supergraph.apiSchema, introspection: config.introspection, limits: config.limits });
  const trustedDocuments = createTrustedDocuments({
    registry: loadTrustedDocuments(config.trustedDocumentsDir),
    adHocClients: config.adHocClients,
    validate: (body) => documents.prepare(body),
  });
  const stopWatchingDocuments = watchTrustedDocuments({
    dir: config.trustedDocumentsDir,
    intervalMs: config.trustedDocumentsReloadSeconds * 1000,
    documents: trustedDocuments,
    logger: logger.child({ component: 'trusted-documents' }),
    onReload: (outcome) => metrics.reloads.inc({ what: 'trusted_documents', outcome }),
  });
  const run = createOperationExecutor({ apiSchema: supergraph.apiSchema, executor, requirements: supergraph.requirements, owners: supergraph.owners });

  const observedGraphQL = countRefusals(handleGraphQL, gatewayMetrics);

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const caller = await authenticate(req);
    await limiter.check(caller);
    const { credential } = caller;
    const body = await readGraphQLRequest(req, res, { bodyLimitBytes: config.bodyLimitBytes });
    const query = trustedDocuments.documentFor(credential.clientId, body);
    const prepared = { ...documents.prepare(query), query };
    const operation = selectOperation(prepared.document, body.operationName);
    assertOperationAllowed(body, operation);
    const context: GatewayRequestContext = { requestId: scope.requestId, credential, failures: new Map() };
    const outcome = await run(prepared, operation, body.variables, context, scope.logger);
    if (context.failures.size > 0) scope.logger.warn({ failures: Object.fromEntries(context.failures) }, 'registers failed');
    countOperation(gatewayMetrics, credential.clientId, trustedDocuments.registeredName(credential.clientId, query), outcome.body);
    await recordDisclosure(caller, outcome, scope);
    sendJson(res, 200, outcome.body);
  }

  /**
   * A partner's response leaves only once its disclosure is on record: if the record cannot be written, the
   * partner gets an error and no data (the consent issue's rule), and the citizen's log has no gaps.
   */
  async function recordDisclosure(caller: Authenticated, outcome: Awaited<ReturnType<typeof run>>, scope: RequestScope): Promise<void> {
    if (!caller.consent || !outcome.executed) return;
    const fields = disclosedFields(supergraph.apiSchema, outcome.executed, outcome.body.data);
    if (fields.length === 0) return;
    try {
      await disclosures.append({
        personId: caller.credential.subject,
        clientId: caller.credential.clientId,
        clientName: caller.consent.clientName,
        consentId: caller.consent.id,
        purpose: caller.consent.purpose.en,
        fields,
        requestId: scope.requestId,
      });
    } catch (cause) {
      scope.logger.error({ err: cause }, 'disclosure could not be recorded; response withheld');
      throw new HubError('DISCLOSURE_UNAVAILABLE', 'The disclosure could not be recorded, so no data is returned; try again later');
    }
  }

  const server = createService({
    logger,
    ready: observeReadiness(createGatewayReadiness({ issuerKeys: () => verifier.keys(), consentDatabase: () => records.database.ping(), subgraphUrls: config.subgraphUrls }), gatewayMetrics),
    metrics,
    metricsAccess: readMetricsAccess(env),
    routes: {
      '/graphql': async (req, res, scope) => {
        try {
          await observedGraphQL(req, res, scope);
        } catch (error) {
          if (!(error instanceof HubError)) throw error;
          sendError(res, error, challengeFor(error, req.headers.authorization));
        }
      },
    },
  });
  const port = await listen(server, config.host, config.port);
  publicUrl = config.publicUrl ?? `http://${config.host}:${port}/graphql`;
  logger.info({ port, mode: config.mode }, 'gateway listening');
  return {
    name: 'gateway',
    port,
    url: `http://${config.host}:${port}/graphql`,
    async stop() {
      verifier.stop();
      stopWatchingDocuments();
      await close(server);
      await gateway.stop();
      transport.close();
      await records.close();
    },
  };
}

/**
 * RFC 9449 §7.1: a request made under the DPoP scheme is answered in that scheme's terms (`invalid_dpop_proof` for a
 * bad proof, `invalid_token` for a token refused for any other reason, such as a revoked consent).
 */
function challengeFor(error: HubError, authorization: string | undefined): Record<string, string> | undefined {
  if (error instanceof DpopProofError) return { 'www-authenticate': `DPoP error="invalid_dpop_proof", algs="${DPOP_ALGORITHMS}"` };
  if (error.code === 'UNAUTHENTICATED' && /^DPoP\s/i.test(authorization ?? '')) {
    return { 'www-authenticate': `DPoP error="invalid_token", error_description="${error.message}", algs="${DPOP_ALGORITHMS}"` };
  }
  return undefined;
}

/** The DPoP proof algorithms the gateway accepts (lib/tokens/dpop.ts's default). */
const DPOP_ALGORITHMS = 'ES256 EdDSA PS256';
