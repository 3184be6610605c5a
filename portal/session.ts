import type { BaseSession, SessionStore } from '../lib/web/sessionStore.js';
import type { Language } from '../lib/web/language.js';
import type { RequestReceipt } from './requestModel.js';

/** What the portal remembers of a signed-in citizen; written only sealed (encrypted), never to a log. */
export interface SignedIn {
  readonly accessToken: string;
  /** Epoch ms after which the access token is no longer used (its `expires_in`, less a margin). */
  readonly expiresAt: number;
  /** For the issuer's end_session endpoint (`id_token_hint`). */
  readonly idToken: string | undefined;
  /** The scope the token was granted (the token response's `scope`), when the issuer said. */
  readonly scope?: string;
  readonly signedInAt: number;
}

/** A sign-in under way: what the callback needs to finish it (RFC 7636 verifier, RFC 6749 §10.12 state). */
export interface PendingSignIn {
  readonly codeVerifier: string;
  readonly state: string;
  /** A portal path to return to afterwards. */
  readonly returnTo: string;
  readonly startedAt: number;
}

/** A one-time message for the next page (after a redirect). */
export type Notice =
  | { readonly kind: 'revoked'; readonly partner: string }
  | { readonly kind: 'answered' }
  | { readonly kind: 'disputed' }
  // The caseworkers' console's, after an action on a case.
  | { readonly kind: 'replied' }
  | { readonly kind: 'resolved' }
  | { readonly kind: 'moved'; readonly id: string; readonly queue: string };

/**
 * One browser's session. The browser holds only its random id; the rest lives sealed in the shared database
 * (lib/web/sessionStore.ts), so any portal replica serves it and a restart signs nobody out.
 */
export interface Session extends BaseSession {
  lang?: Language;
  signedIn?: SignedIn;
  pending?: PendingSignIn;
  notice?: Notice;
  /** The receipt of the request just sent, for the result page after the redirect (once). */
  sent?: RequestReceipt;
}

/** The portal's sessions. */
export type PortalSessions = SessionStore<Session>;

export { csrfTokenMatches, randomToken } from '../lib/web/sessionStore.js';
