import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { createFederationEngine } from './federationEngine.js';
import { createRateLimiter } from './rateLimit.js';
import { assertOperationAllowed, readGraphQLRequest } from './httpRequest.js';
import { createDocumentCache, selectOperation } from './operations.js';
import { createTrustedDocuments, loadTrustedDocuments, watchTrustedDocuments } from './trustedDocuments.js';
import { SubgraphDataSource, type GatewayRequestContext } from './subgraphDataSource.js';
import { batchSubgraphCalls } from './subgraphBatching.js';
import { createSubgraphTransport } from './subgraphTransport.js';
import { loadGatewaySupergraph } from './supergraph.js';
import { fixedSupergraph, supergraphHash, watchSupergraph } from './supergraphReloader.js';
import { createGatewayReadiness } from './readiness.js';
import { createGatewayMetrics } from './metrics.js';
import { countOperation, countRefusals, observeAuthentication, observeReadiness, observeStore, observeSubgraphTransport } from './observe.js';
import { createServiceMetrics, type ServiceMetrics } from '../lib/telemetry/serviceMetrics.js';
import { readMetricsAccess } from '../lib/telemetry/metricsAccess.js';
import { responseStatus } from './responseStatus.js';

/** Collaborators a test may swap. */
export interface GatewayOverrides {
  logger?: Logger;
  now?: () => Date;
  /** A fixed key set for access tokens instead of discovery. */
  keySet?: AccessTokenVerifierOptions['keySet'];
  /**
   * Another supergraph than the committed one, with the URL of each of its subgraphs: for the federation conformance
   * tests and the audit runner (scripts/federationAudit.ts), which serve other graphs through the same pipeline.
   */
  supergraphSdl?: string;
  subgraphUrls?: Readonly<Record<string, string>>;
  /** The service registry to count on: a cluster worker's, whose `/metrics` is every worker's aggregate (main.ts). */
  metrics?: ServiceMetrics;
}

/** Starts the gateway: token checks, field authorization, internal credentials, federation. */
export async function startGateway(env: Readonly<Record<string, string | undefined>>, overrides: GatewayOverrides = {}): Promise<RunningService> {
  // A personal data hub phones home to nobody: Apollo's telemetry is switched off before the gateway exists.
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const config = readGatewayConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 'gateway' });
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
  const metrics = overrides.metrics ?? createServiceMetrics('gateway');
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
  // Calls to one subgraph made in the same turn go as one batch, to the subgraphs that take batches.
  const transport = batchSubgraphCalls(createSubgraphTransport());
  // Everything a request needs from one supergraph, built whole so that a reload swaps it in one assignment.
  const build = (sdl: string, hash: string) => {
    const supergraph = loadGatewaySupergraph(sdl);
    const engine = createFederationEngine({
      supergraphSdl: supergraph.executionSdl,
      buildService: ({ name, url: published }) => {
        const register = name as SubgraphName;
        // A test's override, this process's registry, then `<NAME>_URL`; the address a published supergraph gives only
        // in dev mode: in production, credentials go nowhere an operator did not configure (else the reload is refused).
        const url = overrides.subgraphUrls?.[name] ?? config.subgraphUrls[register] ?? config.subgraphUrlOverrides[register]
          ?? (config.mode === 'dev' ? published : undefined);
        if (!url) throw new TypeError(`no URL configured for subgraph ${name}`);
        return new SubgraphDataSource({ register, url, timeoutMs: config.subgraphTimeoutMs, mint, transport: observeSubgraphTransport(transport, register, gatewayMetrics) });
      },
    });
    const documents = createDocumentCache({ schema: supergraph.apiSchema, introspection: config.introspection, limits: config.limits });
    const run = createOperationExecutor({ apiSchema: supergraph.apiSchema, engine, requirements: supergraph.requirements, owners: supergraph.owners, entities: supergraph.entities });
    return { hash, apiSchema: supergraph.apiSchema, documents, run };
  };
  const supergraphs = overrides.supergraphSdl !== undefined
    ? fixedSupergraph(build(overrides.supergraphSdl, supergraphHash(overrides.supergraphSdl)))
    : watchSupergraph({
      path: config.supergraphPath,
      intervalMs: config.supergraphReloadSeconds * 1000,
      build,
      validate: (served, body) => void served.documents.prepare(body),
      registered: () => trustedDocuments.operations().map(({ clientId, operation }) => ({ clientId, name: operation.name, body: operation.body })),
      logger: logger.child({ component: 'supergraph' }),
    });
  const trustedDocuments = createTrustedDocuments({
    registry: loadTrustedDocuments(config.trustedDocumentsDir),
    adHocClients: config.adHocClients,
    validate: (body) => supergraphs.current().documents.prepare(body),
  });
  const stopWatchingDocuments = watchTrustedDocuments({
    dir: config.trustedDocumentsDir,
    intervalMs: config.trustedDocumentsReloadSeconds * 1000,
    documents: trustedDocuments,
    logger: logger.child({ component: 'trusted-documents' }),
    onReload: (outcome) => metrics.reloads.inc({ what: 'trusted_documents', outcome }),
  });
  type Served = ReturnType<typeof build>;

  const observedGraphQL = countRefusals(handleGraphQL, gatewayMetrics);

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const caller = await authenticate(req);
    await limiter.check(caller);
    const served = supergraphs.current(); // this request ends on the supergraph it started with, whatever is published meanwhile
    const { credential } = caller;
    const body = await readGraphQLRequest(req, res, { bodyLimitBytes: config.bodyLimitBytes });
    const { query, name: operationName } = trustedDocuments.resolve(credential.clientId, body);
    const prepared = { ...served.documents.prepare(query), query };
    const operation = selectOperation(prepared.document, body.operationName);
    assertOperationAllowed(body, operation);
    const context: GatewayRequestContext = { requestId: scope.requestId, credential, failures: new Map() };
    const outcome = await served.run(prepared, operation, body.variables, context, scope.logger);
    if (context.failures.size > 0) scope.logger.warn({ failures: Object.fromEntries(context.failures) }, 'registers failed');
    countOperation(gatewayMetrics, credential.clientId, operationName, outcome.body);
    await recordDisclosure(caller, outcome, served, scope);
    const { status, headers } = responseStatus(outcome.body);
    sendJson(res, status, outcome.body, headers);
  }

  /**
   * A partner's response leaves only once its disclosure is on record: if the record cannot be written, the
   * partner gets an error and no data (the consent issue's rule), and the citizen's log has no gaps.
   */
  async function recordDisclosure(caller: Authenticated, outcome: Awaited<ReturnType<Served['run']>>, served: Served, scope: RequestScope): Promise<void> {
    if (!caller.consent || !outcome.executed) return;
    const fields = disclosedFields(served.apiSchema, outcome.executed, outcome.body.data);
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
    ready: observeReadiness(createGatewayReadiness({ issuerKeys: () => verifier.keys(), consentDatabase: () => records.database.ping(), subgraphUrls: config.subgraphUrls, supergraphHash: () => supergraphs.current().hash }), gatewayMetrics),
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
      supergraphs.stop();
      await close(server);
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
