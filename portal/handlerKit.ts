import { readBody } from '../lib/http/service.js';
import type { exportDocument } from './exportDocument.js';
import { setCookie, sessionCookieName } from './cookies.js';
import { HubClientError, type HubClient } from './hubClient.js';
import { renderErrorPage, type ErrorKind } from './pages/errorPage.js';
import { redirect, safeReturnPath, send, type PortalContext } from './respond.js';
import { csrfTokenMatches, type PortalSessions, type Session } from './session.js';
import type { SignIn } from './signIn.js';

/** Collaborators of the portal's handlers. */
export interface HandlerOptions {
  sessions: PortalSessions;
  signIn: SignIn;
  hub: HubClient;
  publicUrl: () => string;
  secureCookies: boolean;
  /** Headers of every HTML page (CSP and the rest). */
  pageHeaders: Record<string, string>;
  now: () => number;
  /** Signs "Download all my data" (signedExport.ts). */
  signExport: (document: ReturnType<typeof exportDocument>, now: Date) => Promise<string>;
  /** The portal's published key set (`/.well-known/jwks.json`). */
  jwks: { keys: object[] };
}

const FORM_LIMIT = 4096;
/** A 401 this soon after signing in is not an expired token but a hub that refuses it: no sign-in loop. */
const FRESH_SIGN_IN_MS = 30_000;

/** What every handler shares: HTML and error responses, the session cookie, the token, hub failures, CSRF. */
export function createKit(options: HandlerOptions) {
  const cookieName = sessionCookieName(options.secureCookies);

  function html(ctx: PortalContext, status: number, body: string): void {
    send(ctx, status, { 'content-type': 'text/html; charset=utf-8', ...options.pageHeaders }, body);
  }

  function error(ctx: PortalContext, status: number, kind: ErrorKind, retry?: string): void {
    const csrfToken = ctx.session?.signedIn ? ctx.session.csrfToken : undefined;
    html(ctx, status, renderErrorPage({ lang: ctx.lang, kind, path: ctx.path, retry, csrfToken }));
  }

  function toSignIn(ctx: PortalContext, returnTo: string): void {
    redirect(ctx, `/login?return=${encodeURIComponent(safeReturnPath(returnTo))}`);
  }

  /** The citizen's access token, or undefined after sending them to sign in (none yet, or it expired). */
  function accessToken(ctx: PortalContext, returnTo = ctx.path): string | undefined {
    const signedIn = ctx.session?.signedIn;
    if (signedIn && signedIn.expiresAt > options.now()) return signedIn.accessToken;
    if (ctx.session) ctx.session.signedIn = undefined;
    toSignIn(ctx, returnTo);
    return undefined;
  }

  /** Runs a page that needs the hub; maps the hub's failures to sign-in again or an error page. */
  async function withHub(ctx: PortalContext, page: (token: string, session: Session) => Promise<void>, returnTo = ctx.path): Promise<void> {
    const token = accessToken(ctx, returnTo);
    if (token === undefined) return;
    const session = ctx.session!;
    try {
      await page(token, session);
    } catch (failure) {
      if (!(failure instanceof HubClientError)) throw failure;
      if (failure.code === 'NOT_FOUND') return error(ctx, 404, 'notFound');
      if (failure.code === 'RATE_LIMITED') {
        if (failure.retryAfterSeconds !== undefined) ctx.res.setHeader('retry-after', String(failure.retryAfterSeconds));
        return error(ctx, 429, 'rateLimited', ctx.path);
      }
      if (failure.code === 'SIGN_IN_REQUIRED' && options.now() - (session.signedIn?.signedInAt ?? 0) > FRESH_SIGN_IN_MS) {
        session.signedIn = undefined;
        return toSignIn(ctx, returnTo);
      }
      error(ctx, 503, 'hubUnavailable', ctx.path);
    }
  }

  /** Reads a POSTed form and checks its CSRF token against the session's; false after answering 403. */
  async function checkedForm(ctx: PortalContext, limit = FORM_LIMIT): Promise<URLSearchParams | undefined> {
    const type = ctx.req.headers['content-type'] ?? '';
    const origin = ctx.req.headers.origin;
    const form = /^application\/x-www-form-urlencoded\b/i.test(type) ? new URLSearchParams(await readBody(ctx.req, limit)) : undefined;
    // The synchronizer token is the defence (OWASP CSRF cheat sheet); a foreign Origin is refused as well.
    const foreign = origin !== undefined && origin !== new URL(options.publicUrl()).origin;
    if (!ctx.session || !form || foreign || !csrfTokenMatches(ctx.session, form.get('csrf'))) {
      error(ctx, 403, 'forbidden');
      return undefined;
    }
    return form;
  }

  function setSession(ctx: PortalContext, session: Session | undefined): void {
    ctx.session = session;
    ctx.cookies.push(setCookie(cookieName, session?.id ?? '', { secure: options.secureCookies, maxAgeSeconds: session ? undefined : 0 }));
  }

  return { html, error, toSignIn, accessToken, withHub, checkedForm, setSession };
}

/** The helpers {@link createKit} makes. */
export type HandlerKit = ReturnType<typeof createKit>;
