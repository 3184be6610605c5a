import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Env } from '../lib/config.js';
import { HubError } from '../lib/errors.js';
import type { RequestScope } from '../lib/http/service.js';
import { loadSecret } from '../lib/keys.js';
import { openDatabase, type HubDatabase } from '../lib/storage/database.js';
import { isLanguage, negotiateLanguage, queryLanguage } from '../lib/web/language.js';
import { SessionStore } from '../lib/web/sessionStore.js';
import { readCookies, setCookie } from './cookies.js';
import { writeResponse, type PortalContext } from './respond.js';
import type { PortalSessions, Session } from './session.js';

const YEAR_SECONDS = 365 * 86_400;
/** Expired sessions are deleted this often (a read never accepts one anyway). */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/** A web app's sessions in the shared database, and how to let go of them. */
export interface WebSessions {
  readonly sessions: PortalSessions;
  readonly database: HubDatabase<any>;
  close(): Promise<void>;
}

/**
 * Opens a web app's sessions (the portal's, the console's) in the shared database, sealed under a secret from
 * `secretVariable` (generated in dev), with a sweeper of expired rows.
 */
export async function openWebSessions(env: Env, options: { service: string; databaseUrl: string; secretVariable: string; idleMs: number; now: () => number }): Promise<WebSessions> {
  const secret = await loadSecret(env, options.secretVariable, `${options.service}-session.secret`);
  const database = openDatabase({ url: options.databaseUrl, maxConnections: 5 });
  try {
    const sessions = await SessionStore.open<Session>({ database, service: options.service, secret, idleMs: options.idleMs, now: options.now });
    const sweeper = setInterval(() => void sessions.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    sweeper.unref();
    return {
      sessions,
      database,
      async close() {
        clearInterval(sweeper);
        await database.close();
      },
    };
  } catch (failure) {
    await database.close();
    throw failure;
  }
}

/** What {@link createRequestCycle} needs from a web app. */
export interface RequestCycleOptions {
  /** `portal` or `console`: names log lines. */
  name: string;
  sessions: PortalSessions;
  sessionCookie: string;
  languageCookie: string;
  secureCookies: boolean;
  /** Where browsers reach the app; request URLs are resolved against it, never against Host. */
  publicUrl: () => string;
  pageHeaders: Record<string, string>;
  route: (ctx: PortalContext, scope: RequestScope) => Promise<void>;
  errorPage: (ctx: PortalContext, status: number, kind: 'forbidden') => void;
  internalError: (ctx: PortalContext) => void;
}

/**
 * One request of a server-rendered app, start to end: read the session and the language, run the page, save the
 * session, and only then write the response (the browser's next request may reach another replica, which must find
 * the session as this one left it). A sessions database that cannot be reached is a 503, never a signed-out page.
 */
export function createRequestCycle(options: RequestCycleOptions): (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => Promise<void> {
  const { sessions } = options;

  async function context(req: IncomingMessage, res: ServerResponse): Promise<PortalContext> {
    // Only the path and query of the request are used; the origin is always the configured one, never Host.
    const requested = new URL(req.url ?? '/', 'http://app.invalid');
    const url = new URL(`${requested.pathname}${requested.search}`, options.publicUrl());
    const cookies = readCookies(req.headers.cookie);
    const session = await sessions.load(cookies.get(options.sessionCookie));
    const chosen = queryLanguage(url.searchParams.get('lang'));
    const rememberedCookie = cookies.get(options.languageCookie);
    const remembered = session?.lang ?? (isLanguage(rememberedCookie) ? rememberedCookie : undefined);
    const setCookies: string[] = [];
    if (chosen !== undefined) {
      if (session) session.lang = chosen;
      setCookies.push(setCookie(options.languageCookie, chosen, { secure: options.secureCookies, maxAgeSeconds: YEAR_SECONDS }));
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

  function sessionsUnavailable(res: ServerResponse): void {
    res.writeHead(503, { ...options.pageHeaders, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
    res.end('The service is unavailable for a moment. Please try again shortly.');
  }

  return async function cycle(req, res, scope) {
    let ctx: PortalContext;
    try {
      ctx = await context(req, res);
    } catch (error) {
      scope.logger.error({ err: error }, `${options.name} sessions unavailable`);
      return sessionsUnavailable(res);
    }
    try {
      await options.route(ctx, scope);
    } catch (error) {
      ctx.response = undefined;
      // A refused request body (too large, say): the form is refused, with its status.
      if (error instanceof HubError && error.status < 500) options.errorPage(ctx, error.status, 'forbidden');
      else {
        scope.logger.error({ err: error }, `${options.name} request failed`);
        options.internalError(ctx);
      }
    }
    try {
      if (ctx.session) await sessions.save(ctx.session);
    } catch (error) {
      scope.logger.error({ err: error }, `${options.name} sessions unavailable`);
      return sessionsUnavailable(res);
    }
    writeResponse(ctx);
  };
}

/**
 * Readiness of a server-rendered app (`/readyz`): the issuer's discovery, the gateway's `/healthz` and the sessions
 * database all answer.
 */
export function webAppReadiness(options: { issuerReady: () => Promise<unknown>; gatewayUrl: string; database: HubDatabase<any>; fetch?: typeof fetch }): () => Promise<boolean> {
  const fetchImpl = options.fetch ?? fetch;
  return async () => {
    const [issuer, gateway, database] = await Promise.all([
      options.issuerReady().then(() => true, () => false),
      fetchImpl(new URL('/healthz', options.gatewayUrl), { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false),
      options.database.ping(),
    ]);
    return issuer && gateway && database;
  };
}
