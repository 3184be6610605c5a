import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Env } from '../lib/config.js';
import { HubError } from '../lib/errors.js';
import { close, createService, listen, type RequestScope } from '../lib/http/service.js';
import { createServiceMetrics } from '../lib/telemetry/serviceMetrics.js';
import { readMetricsAccess } from '../lib/telemetry/metricsAccess.js';
import { createLogger, type Logger } from '../lib/logger.js';
import type { RunningService } from '../lib/subgraph/start.js';
import { isLanguage, negotiateLanguage, queryLanguage } from '../lib/web/language.js';
import { readPortalConfig } from './config.js';
import { LANGUAGE_COOKIE, readCookies, sessionCookieName, setCookie } from './cookies.js';
import { createHandlers } from './handlers.js';
import { createHubClient } from './hubClient.js';
import { contentSecurityPolicy } from './pages/style.js';
import { securityHeaders, writeResponse, type PortalContext } from './respond.js';
import { createRouter, routeName } from './router.js';
import type { Session } from './session.js';
import { SessionStore } from '../lib/web/sessionStore.js';
import { openDatabase } from '../lib/storage/database.js';
import { loadSecret } from '../lib/keys.js';
import { createSignIn } from './signIn.js';

/** Collaborators a test may swap. */
export interface PortalOverrides {
  logger?: Logger;
  /** Used for every call to the gateway and the issuer. */
  fetch?: typeof fetch;
  now?: () => number;
}

const YEAR_SECONDS = 365 * 86_400;
/** Expired sessions are deleted this often (a read never accepts one anyway). */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Starts the citizen portal: server-rendered pages over the gateway's GraphQL API, signed in as the OAuth public
 * client `citizen-portal`. It reaches the hub only over HTTP, like any other client.
 */
export async function startPortal(env: Env, overrides: PortalOverrides = {}): Promise<RunningService> {
  const config = readPortalConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 'portal' });
  const now = overrides.now ?? Date.now;
  const fetchImpl = overrides.fetch ?? fetch;
  // Known once the port is bound, unless PORTAL_URL says where browsers reach the portal.
  let publicUrl = env.PORTAL_URL ? config.publicUrl : '';
  // Sessions live sealed in the shared database: any replica serves any citizen, a restart signs nobody out.
  const secret = await loadSecret(env, 'PORTAL_SESSION_SECRET', 'portal-session.secret');
  const database = openDatabase({ url: config.databaseUrl, maxConnections: 5 });
  const sessions = await SessionStore.open<Session>({
    database,
    service: 'portal',
    secret,
    idleMs: config.sessionIdleMs,
    now,
  }).catch(async (failure) => {
    await database.close();
    throw failure;
  });
  const sweeper = setInterval(() => void sessions.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
  sweeper.unref();
  const signIn = createSignIn({ config, publicUrl: () => publicUrl, fetch: overrides.fetch });
  const hub = createHubClient({ gatewayUrl: config.gatewayUrl, timeoutMs: config.upstreamTimeoutMs, fetch: overrides.fetch });
  const pageHeaders = securityHeaders({ csp: contentSecurityPolicy(new URL(config.issuer).origin), secure: config.secureCookies });
  const handlers = createHandlers({ sessions, signIn, hub, publicUrl: () => publicUrl, secureCookies: config.secureCookies, pageHeaders, now });
  const route = createRouter(handlers);
  const cookieName = sessionCookieName(config.secureCookies);

  async function context(req: IncomingMessage, res: ServerResponse): Promise<PortalContext> {
    // Only the path and query of the request are used; the origin is always the configured one, never Host.
    const requested = new URL(req.url ?? '/', 'http://portal.invalid');
    const url = new URL(`${requested.pathname}${requested.search}`, publicUrl);
    const cookies = readCookies(req.headers.cookie);
    const session = await sessions.load(cookies.get(cookieName));
    const chosen = queryLanguage(url.searchParams.get('lang'));
    const rememberedCookie = cookies.get(LANGUAGE_COOKIE);
    const remembered = session?.lang ?? (isLanguage(rememberedCookie) ? rememberedCookie : undefined);
    const setCookies: string[] = [];
    if (chosen !== undefined) {
      if (session) session.lang = chosen;
      setCookies.push(setCookie(LANGUAGE_COOKIE, chosen, { secure: config.secureCookies, maxAgeSeconds: YEAR_SECONDS }));
    }
    const withoutLang = new URLSearchParams(url.search);
    withoutLang.delete('lang');
    const query = withoutLang.toString();
    return {
      req,
      res,
      url,
      path: `${url.pathname}${query ? `?${query}` : ''}`,
      session,
      lang: chosen ?? remembered ?? negotiateLanguage(undefined, req.headers['accept-language']),
      cookies: setCookies,
    };
  }

  async function fallback(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    let ctx: PortalContext;
    try {
      ctx = await context(req, res);
    } catch (error) {
      scope.logger.error({ err: error }, 'portal sessions unavailable');
      return sessionsUnavailable(res);
    }
    try {
      await route(ctx, scope);
    } catch (error) {
      ctx.response = undefined;
      // A refused request body (too large, say): the citizen's form is refused, with its status.
      if (error instanceof HubError && error.status < 500) handlers.errorPage(ctx, error.status, 'forbidden');
      else {
        scope.logger.error({ err: error }, 'portal request failed');
        handlers.internalError(ctx);
      }
    }
    // The session is saved before the response leaves: the browser's next request may reach another replica.
    try {
      if (ctx.session) await sessions.save(ctx.session);
    } catch (error) {
      scope.logger.error({ err: error }, 'portal sessions unavailable');
      return sessionsUnavailable(res);
    }
    writeResponse(ctx);
  }

  function sessionsUnavailable(res: ServerResponse): void {
    res.writeHead(503, { ...pageHeaders, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
    res.end('The service is unavailable for a moment. Please try again shortly.');
  }

  async function ready(): Promise<boolean> {
    const [issuer, gateway] = await Promise.all([
      signIn.configuration().then(() => true, () => false),
      fetchImpl(new URL('/healthz', config.gatewayUrl), { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false),
    ]);
    return issuer && gateway && (await database.ping());
  }

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
      clearInterval(sweeper);
      await close(server);
      await database.close();
    },
  };
}
