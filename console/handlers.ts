import { decodeJwt } from 'jose';
import { readBody } from '../lib/http/service.js';
import { setCookie } from '../portal/cookies.js';
import { MAX_REQUEST_LENGTH } from '../portal/requestModel.js';
import { redirect, safeReturnPath, send, type PortalContext } from '../portal/respond.js';
import { csrfTokenMatches, type PortalSessions, type Session } from '../portal/session.js';
import type { SignIn } from '../portal/signIn.js';
import { createSignInHandlers } from '../portal/signInHandlers.js';
import { CASE_QUEUES, queueOfScope, type CaseQueue } from './cases.js';
import { CaseClientError, type CaseClient } from './hubClient.js';
import { renderCasePage, type ReplyError } from './pages/casePage.js';
import type { Caseworker } from './pages/layout.js';
import { renderQueuePage, type ConsoleNotice } from './pages/queuePage.js';
import { renderErrorPage, renderSignedOutPage, type ConsoleErrorKind } from './pages/simplePages.js';

/** Collaborators of the console's handlers. */
export interface ConsoleHandlerOptions {
  sessions: PortalSessions;
  signIn: SignIn;
  cases: CaseClient;
  publicUrl: () => string;
  secureCookies: boolean;
  cookieName: string;
  pageHeaders: Record<string, string>;
  now: () => number;
}

/** The largest form read: a reply of 4,000 characters percent-encoded still fits, so the API judges its length. */
const FORM_LIMIT = 64 * 1024;
/** Case numbers as they may appear in a path; anything else is not found without asking the hub. */
export const CASE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A 401 this soon after signing in is a refused token, not an expired one: no sign-in loop. */
const FRESH_SIGN_IN_MS = 30_000;

/** The console's routes: the queue, a case and its actions, sign-in and sign-out. */
export function createConsoleHandlers(options: ConsoleHandlerOptions) {
  const { sessions, cases } = options;

  function html(ctx: PortalContext, status: number, body: string): void {
    send(ctx, status, { 'content-type': 'text/html; charset=utf-8', ...options.pageHeaders }, body);
  }

  function setSession(ctx: PortalContext, session: Session | undefined): void {
    ctx.session = session;
    ctx.cookies.push(setCookie(options.cookieName, session?.id ?? '', { secure: options.secureCookies, maxAgeSeconds: session ? undefined : 0 }));
  }

  /** Who is signed in: the queue from the token's scope (`cases:<queue>`), the name from the ID token. */
  function caseworkerOf(session: Session | undefined): Caseworker | undefined {
    const signedIn = session?.signedIn;
    if (!signedIn) return undefined;
    let scope = signedIn.scope;
    if (scope === undefined) {
      try {
        scope = String(decodeJwt(signedIn.accessToken).scope ?? '');
      } catch {
        scope = '';
      }
    }
    const queue = queueOfScope(scope);
    if (queue === undefined) return undefined;
    let name = '';
    try {
      const claims = signedIn.idToken ? decodeJwt(signedIn.idToken) : {};
      name = String(claims.name ?? claims.sub ?? '');
    } catch {
      // no readable ID token: the queue alone is shown
    }
    return { name, queue };
  }

  function error(ctx: PortalContext, status: number, kind: ConsoleErrorKind, retry?: string): void {
    const caseworker = caseworkerOf(ctx.session);
    const signedIn = caseworker && ctx.session ? { caseworker, csrfToken: ctx.session.csrfToken } : undefined;
    html(ctx, status, renderErrorPage({ lang: ctx.lang, kind, path: ctx.path, retry, signedIn }));
  }

  /** Runs a page that needs a signed-in caseworker; maps the hub's failures to sign-in again or an error page. */
  async function withCaseworker(ctx: PortalContext, page: (token: string, session: Session, caseworker: Caseworker) => Promise<void>, returnTo = ctx.path): Promise<void> {
    const session = ctx.session;
    const signedIn = session?.signedIn;
    if (!session || !signedIn || signedIn.expiresAt <= options.now()) {
      if (session) session.signedIn = undefined;
      return redirect(ctx, `/login?return=${encodeURIComponent(safeReturnPath(returnTo))}`);
    }
    const caseworker = caseworkerOf(session);
    if (caseworker === undefined) {
      // Signed in, but not as a caseworker of one queue: the session is of no use here, so it goes.
      await sessions.destroy(session.id);
      setSession(ctx, undefined);
      return error(ctx, 403, 'notCaseworker');
    }
    try {
      await page(signedIn.accessToken, session, caseworker);
    } catch (failure) {
      if (!(failure instanceof CaseClientError)) throw failure;
      if (failure.code === 'NOT_FOUND') return error(ctx, 404, 'notFound');
      if (failure.code === 'FORBIDDEN') return error(ctx, 403, 'forbidden');
      if (failure.code === 'SIGN_IN_REQUIRED' && options.now() - signedIn.signedInAt > FRESH_SIGN_IN_MS) {
        session.signedIn = undefined;
        return redirect(ctx, `/login?return=${encodeURIComponent(safeReturnPath(returnTo))}`);
      }
      error(ctx, 503, 'hubUnavailable', ctx.path);
    }
  }

  /** Reads a POSTed form and checks its CSRF token (synchronizer token) and Origin; undefined after a 403. */
  async function checkedForm(ctx: PortalContext): Promise<URLSearchParams | undefined> {
    const type = ctx.req.headers['content-type'] ?? '';
    const origin = ctx.req.headers.origin;
    const form = /^application\/x-www-form-urlencoded\b/i.test(type) ? new URLSearchParams(await readBody(ctx.req, FORM_LIMIT)) : undefined;
    const foreign = origin !== undefined && origin !== new URL(options.publicUrl()).origin;
    if (!ctx.session || !form || foreign || !csrfTokenMatches(ctx.session, form.get('csrf'))) {
      error(ctx, 403, 'forbidden');
      return undefined;
    }
    return form;
  }

  /** The one-time notice after an action (kept in the session, which any replica may serve next). */
  function takeNotice(session: Session): ConsoleNotice | undefined {
    const notice = session.notice;
    if (notice?.kind !== 'replied' && notice?.kind !== 'resolved' && notice?.kind !== 'moved') return undefined;
    session.notice = undefined;
    return notice;
  }

  return {
    async home(ctx: PortalContext): Promise<void> {
      if (!ctx.session?.signedIn) return html(ctx, 200, renderSignedOutPage({ lang: ctx.lang, path: ctx.path }));
      await withCaseworker(ctx, async (token, session, caseworker) => {
        const list = await cases.queue(token);
        html(ctx, 200, renderQueuePage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, caseworker, cases: list, now: options.now(), notice: takeNotice(session) }));
      });
    },

    async casePage(ctx: PortalContext, id: string): Promise<void> {
      if (!CASE_ID.test(id)) return error(ctx, 404, 'notFound');
      await withCaseworker(ctx, async (token, session, caseworker) => {
        const detail = await cases.get(token, id);
        html(ctx, 200, renderCasePage({ lang: ctx.lang, path: ctx.path, csrfToken: session.csrfToken, caseworker, case: detail, now: options.now(), notice: takeNotice(session) }));
      });
    },

    async reply(ctx: PortalContext, id: string): Promise<void> {
      const form = await checkedForm(ctx);
      if (!form) return;
      if (!CASE_ID.test(id)) return error(ctx, 404, 'notFound');
      const text = form.get('text') ?? '';
      await withCaseworker(ctx, async (token, session, caseworker) => {
        try {
          await cases.reply(token, id, text);
        } catch (failure) {
          if (!(failure instanceof CaseClientError) || failure.code !== 'BAD_USER_INPUT') throw failure;
          // Refused: the case again, the reason beside the box and the reply kept.
          const replyError: ReplyError = { error: text.trim() === '' ? 'empty' : text.length > MAX_REQUEST_LENGTH ? 'tooLong' : 'refused', text };
          const detail = await cases.get(token, id);
          return html(ctx, 400, renderCasePage({ lang: ctx.lang, path: `/cases/${id}`, csrfToken: session.csrfToken, caseworker, case: detail, now: options.now(), replyError }));
        }
        session.notice = { kind: 'replied' };
        redirect(ctx, `/cases/${encodeURIComponent(id)}`);
      }, `/cases/${id}`);
    },

    async resolve(ctx: PortalContext, id: string): Promise<void> {
      if (!(await checkedForm(ctx))) return;
      if (!CASE_ID.test(id)) return error(ctx, 404, 'notFound');
      await withCaseworker(ctx, async (token, session) => {
        await cases.resolve(token, id);
        session.notice = { kind: 'resolved' };
        redirect(ctx, `/cases/${encodeURIComponent(id)}`);
      }, `/cases/${id}`);
    },

    async move(ctx: PortalContext, id: string): Promise<void> {
      const form = await checkedForm(ctx);
      if (!form) return;
      if (!CASE_ID.test(id)) return error(ctx, 404, 'notFound');
      const queue = form.get('queue');
      if (!(CASE_QUEUES as readonly string[]).includes(queue ?? '')) return error(ctx, 400, 'forbidden');
      await withCaseworker(ctx, async (token, session) => {
        await cases.move(token, id, queue as CaseQueue);
        // The case has left this queue: back to the queue, saying where it went.
        session.notice = { kind: 'moved', id, queue: queue! };
        redirect(ctx, '/');
      }, `/cases/${id}`);
    },

    // Sign-in and sign-out as the portal does them, with the console's own pages and session cookie.
    ...createSignInHandlers(options, { error, setSession, checkedForm }),

    errorPage: error,

    notFound(ctx: PortalContext): void {
      error(ctx, 404, 'notFound');
    },

    methodNotAllowed(ctx: PortalContext, allow: string): void {
      ctx.res.setHeader('allow', allow);
      error(ctx, 405, 'notFound');
    },

    internalError(ctx: PortalContext): void {
      ctx.response = undefined;
      error(ctx, 500, 'internal');
    },
  };
}

/** The console's handlers, as {@link createConsoleHandlers} makes them. */
export type ConsoleHandlers = ReturnType<typeof createConsoleHandlers>;
