import type { Logger } from '../lib/logger.js';
import { redirect, safeReturnPath, type PortalContext } from './respond.js';
import type { ErrorKind } from './pages/errorPage.js';
import type { PortalSessions, Session } from './session.js';
import { SignInError, type SignIn, type SignInFailureCode } from './signIn.js';

/** The pages a sign-in can end on, which every app that signs in (the portal, the console) has. */
type SignInErrorKind = Extract<ErrorKind, 'issuerUnavailable' | 'signInCancelled' | 'signInFailed'>;

/** The status and page for each way a sign-in can fail. */
const FAILURES: Readonly<Record<SignInFailureCode, [number, SignInErrorKind]>> = {
  ISSUER_UNAVAILABLE: [503, 'issuerUnavailable'],
  SIGN_IN_CANCELLED: [400, 'signInCancelled'],
  SIGN_IN_FAILED: [400, 'signInFailed'],
};

/** What the sign-in handlers need of their app. */
export interface SignInHandlerOptions {
  sessions: PortalSessions;
  signIn: SignIn;
  publicUrl: () => string;
  now: () => number;
}

/** The app's own responses the sign-in handlers use (its error page, its session cookie, its CSRF-checked forms). */
export interface SignInKit {
  error(ctx: PortalContext, status: number, kind: SignInErrorKind, retry?: string): void;
  setSession(ctx: PortalContext, session: Session | undefined): void;
  checkedForm(ctx: PortalContext): Promise<URLSearchParams | undefined>;
}

/**
 * `/login`, `/callback` and `/logout`: a server-rendered app (the portal, the console) as an OAuth public client of
 * the authorization server.
 */
export function createSignInHandlers(options: SignInHandlerOptions, kit: SignInKit) {
  const { sessions, signIn } = options;
  const { error, setSession, checkedForm } = kit;
  return {
    async login(ctx: PortalContext): Promise<void> {
      const returnTo = safeReturnPath(ctx.url.searchParams.get('return'));
      const signedIn = ctx.session?.signedIn;
      if (signedIn && signedIn.expiresAt > options.now()) return redirect(ctx, returnTo);
      if (!ctx.session) setSession(ctx, sessions.create({}));
      try {
        const { url, pending } = await signIn.start(returnTo, options.now());
        ctx.session!.pending = pending;
        redirect(ctx, url);
      } catch (failure) {
        if (!(failure instanceof SignInError)) throw failure;
        error(ctx, 503, 'issuerUnavailable', '/login');
      }
    },

    async callback(ctx: PortalContext, { logger }: { logger: Logger }): Promise<void> {
      const pending = ctx.session?.pending;
      if (!ctx.session || !pending) return error(ctx, 400, 'signInFailed', '/login');
      ctx.session.pending = undefined; // single use
      const callbackUrl = new URL(`/callback${ctx.url.search}`, options.publicUrl());
      try {
        const signedIn = await signIn.finish(callbackUrl, pending, options.now());
        // A new session id at sign-in (session fixation); the old one is forgotten.
        const session = await sessions.rotate(ctx.session, { lang: ctx.session.lang });
        session.signedIn = signedIn;
        setSession(ctx, session);
        redirect(ctx, pending.returnTo);
      } catch (failure) {
        if (!(failure instanceof SignInError)) throw failure;
        logger.warn({ code: failure.code, cause: (failure.cause as { code?: string } | undefined)?.code }, 'sign-in not completed');
        const [status, kind] = FAILURES[failure.code];
        error(ctx, status, kind, '/login');
      }
    },

    async logout(ctx: PortalContext): Promise<void> {
      if (!ctx.session) return redirect(ctx, '/');
      if (!(await checkedForm(ctx))) return;
      const idToken = ctx.session.signedIn?.idToken;
      await sessions.destroy(ctx.session.id);
      setSession(ctx, undefined);
      // OpenID RP-Initiated Logout 1.0: the issuer ends its own session too, then returns to the app.
      redirect(ctx, (await signIn.endSessionUrl(idToken)) ?? '/');
    },
  };
}
