import type { Env } from '../lib/config.js';
import { close, createService, listen } from '../lib/http/service.js';
import { createServiceMetrics } from '../lib/telemetry/serviceMetrics.js';
import { readMetricsAccess } from '../lib/telemetry/metricsAccess.js';
import { createLogger, type Logger } from '../lib/logger.js';
import type { RunningService } from '../lib/subgraph/start.js';
import { readPortalConfig } from './config.js';
import { LANGUAGE_COOKIE, sessionCookieName } from './cookies.js';
import { createHandlers } from './handlers.js';
import { createHubClient } from './hubClient.js';
import { contentSecurityPolicy } from './pages/style.js';
import { securityHeaders } from './respond.js';
import { createRouter, routeName } from './router.js';
import { createRequestCycle, openWebSessions, webAppReadiness } from './requestCycle.js';
import { createSignIn } from './signIn.js';
import { exportJwks, loadExportKey, signExport } from './signedExport.js';

/** Collaborators a test may swap. */
export interface PortalOverrides {
  logger?: Logger;
  /** Used for every call to the gateway and the issuer. */
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Starts the citizen portal: server-rendered pages over the gateway's GraphQL API, signed in as the OAuth public
 * client `citizen-portal`. It reaches the hub only over HTTP, like any other client.
 */
export async function startPortal(env: Env, overrides: PortalOverrides = {}): Promise<RunningService> {
  const config = readPortalConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 'portal' });
  const now = overrides.now ?? Date.now;
  // Known once the port is bound, unless PORTAL_URL says where browsers reach the portal.
  let publicUrl = env.PORTAL_URL ? config.publicUrl : '';
  // Sessions live sealed in the shared database: any replica serves any citizen, a restart signs nobody out.
  const web = await openWebSessions(env, { service: 'portal', databaseUrl: config.databaseUrl, secretVariable: 'PORTAL_SESSION_SECRET', idleMs: config.sessionIdleMs, now });
  const { sessions } = web;
  const signIn = createSignIn({ config, publicUrl: () => publicUrl, fetch: overrides.fetch });
  const hub = createHubClient({ gatewayUrl: config.gatewayUrl, timeoutMs: config.upstreamTimeoutMs, fetch: overrides.fetch });
  const pageHeaders = securityHeaders({ csp: contentSecurityPolicy(new URL(config.issuer).origin), secure: config.secureCookies });
  const exportKey = await loadExportKey(env);
  const handlers = createHandlers({
    sessions, signIn, hub, publicUrl: () => publicUrl, secureCookies: config.secureCookies, pageHeaders, now,
    // `iss` is the portal's public URL: its /.well-known/jwks.json is where a third party finds the key.
    signExport: (document, at) => signExport(exportKey, publicUrl, document, at),
    jwks: exportJwks(exportKey),
  });
  const route = createRouter(handlers);
  const fallback = createRequestCycle({
    name: 'portal',
    sessions,
    sessionCookie: sessionCookieName(config.secureCookies),
    languageCookie: LANGUAGE_COOKIE,
    secureCookies: config.secureCookies,
    publicUrl: () => publicUrl,
    pageHeaders,
    route,
    errorPage: handlers.errorPage,
    internalError: handlers.internalError,
  });

  const ready = webAppReadiness({ issuerReady: () => signIn.configuration(), gatewayUrl: config.gatewayUrl, database: web.database, fetch: overrides.fetch });

  const server = createService({ logger, ready, routes: {}, fallback, nameRoute: routeName, metrics: createServiceMetrics('portal'), metricsAccess: readMetricsAccess(env) });
  const port = await listen(server, config.host, config.port);
  if (!publicUrl) publicUrl = `http://127.0.0.1:${port}`;
  // Discovery starts now but is not awaited: the portal may start before the issuer and retries on use.
  signIn.configuration().catch(() => undefined);
  logger.info({ port, mode: config.mode }, 'portal listening');
  return {
    name: 'portal',
    url: publicUrl,
    port,
    async stop() {
      await close(server);
      await web.close();
    },
  };
}
