import type { Env } from '../lib/config.js';
import { close, createService, listen } from '../lib/http/service.js';
import { readMetricsAccess } from '../lib/telemetry/metricsAccess.js';
import { createServiceMetrics } from '../lib/telemetry/serviceMetrics.js';
import { createLogger, type Logger } from '../lib/logger.js';
import type { RunningService } from '../lib/subgraph/start.js';
import { securityHeaders } from '../portal/respond.js';
import { createRequestCycle, openWebSessions, webAppReadiness } from '../portal/requestCycle.js';
import { createSignIn } from '../portal/signIn.js';
import { CASE_QUEUES } from './cases.js';
import { CONSOLE_CLIENT_ID, readConsoleConfig } from './config.js';
import { createConsoleHandlers } from './handlers.js';
import { createCaseClient } from './hubClient.js';
import { contentSecurityPolicy } from './pages/style.js';
import { createRouter, routeName } from './router.js';

/** Collaborators a test may swap. */
export interface ConsoleOverrides {
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * What the console asks for: every queue's scope; the authorization server grants a caseworker exactly their own
 * queue's (`cases:<queue>`), which is how the console learns the queue.
 */
export const CONSOLE_SCOPE = ['openid', ...CASE_QUEUES.map((queue) => `cases:${queue.toLowerCase()}`)].join(' ');

/** The language cookie (cookies ignore ports: the portal's on the same host must not be overwritten). */
export const CONSOLE_LANGUAGE_COOKIE = 'console_lang';

/**
 * Starts the caseworkers' console: server-rendered pages over the gateway's GraphQL API, signed in as the OAuth
 * public client `caseworker-console`. Like the portal it reaches the hub only over HTTP.
 */
export async function startConsole(env: Env, overrides: ConsoleOverrides = {}): Promise<RunningService> {
  const config = readConsoleConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 'console' });
  const now = overrides.now ?? Date.now;
  let publicUrl = env.CONSOLE_URL ? config.publicUrl : '';
  // Sessions live sealed in the shared database, as the portal's: any replica serves any caseworker.
  const web = await openWebSessions(env, { service: 'console', databaseUrl: config.databaseUrl, secretVariable: 'CONSOLE_SESSION_SECRET', idleMs: config.sessionIdleMs, now });
  const { sessions } = web;
  const signIn = createSignIn({ config, publicUrl: () => publicUrl, fetch: overrides.fetch, clientId: CONSOLE_CLIENT_ID, scope: CONSOLE_SCOPE });
  const cases = createCaseClient({ gatewayUrl: config.gatewayUrl, timeoutMs: config.upstreamTimeoutMs, fetch: overrides.fetch });
  const pageHeaders = securityHeaders({ csp: contentSecurityPolicy(new URL(config.issuer).origin), secure: config.secureCookies });
  // Not the portal's cookie name: cookies are shared by every port of a host.
  const cookieName = config.secureCookies ? '__Host-console_session' : 'console_session';
  const handlers = createConsoleHandlers({ sessions, signIn, cases, publicUrl: () => publicUrl, secureCookies: config.secureCookies, cookieName, pageHeaders, now });
  const route = createRouter(handlers);

  const fallback = createRequestCycle({
    name: 'console',
    sessions,
    sessionCookie: cookieName,
    languageCookie: CONSOLE_LANGUAGE_COOKIE,
    secureCookies: config.secureCookies,
    publicUrl: () => publicUrl,
    pageHeaders,
    route,
    errorPage: handlers.errorPage,
    internalError: handlers.internalError,
  });

  const ready = webAppReadiness({ issuerReady: () => signIn.configuration(), gatewayUrl: config.gatewayUrl, database: web.database, fetch: overrides.fetch });

  const server = createService({ logger, ready, routes: {}, fallback, nameRoute: routeName, metrics: createServiceMetrics('console'), metricsAccess: readMetricsAccess(env) });
  const port = await listen(server, config.host, config.port);
  if (!publicUrl) publicUrl = `http://127.0.0.1:${port}`;
  signIn.configuration().catch(() => undefined);
  logger.info({ port, mode: config.mode }, 'console listening');
  return {
    name: 'console',
    url: publicUrl,
    port,
    async stop() {
      await close(server);
      await web.close();
    },
  };
}
