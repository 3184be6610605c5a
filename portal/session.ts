import { randomBytes, timingSafeEqual } from 'node:crypto';
import { LruCache } from '../lib/lru.js';
import type { Language } from '../lib/web/language.js';
import type { RequestReceipt } from './requestModel.js';

/** What the portal remembers of a signed-in citizen; never written to disk or to a log. */
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
  | { readonly kind: 'disputed' };

/** One browser's session, kept in memory on the server; the browser holds only its random id. */
export interface Session {
  readonly id: string;
  /** Sent in every form and compared on every POST (synchronizer token). */
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeen: number;
  lang?: Language;
  signedIn?: SignedIn;
  pending?: PendingSignIn;
  notice?: Notice;
  /** The receipt of the request just sent, for the result page after the redirect (once). */
  sent?: RequestReceipt;
}

/** Options for {@link SessionStore}. */
export interface SessionStoreOptions {
  idleMs: number;
  maxSessions: number;
  /** A session older than this is forgotten whatever its use (default 12 hours). */
  maxAgeMs?: number;
  now?: () => number;
}

/** In-memory sessions keyed by 256-bit random ids, bounded in number (least recently used first) and in time. */
export class SessionStore {
  readonly #sessions: LruCache<string, Session>;
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: SessionStoreOptions) {
    if (!Number.isInteger(options.idleMs) || options.idleMs <= 0) throw new TypeError(`SessionStore: "idleMs" must be a positive integer, got ${options.idleMs}`);
    this.#sessions = new LruCache(options.maxSessions);
    this.#idleMs = options.idleMs;
    this.#maxAgeMs = options.maxAgeMs ?? 12 * 3600_000;
    this.#now = options.now ?? Date.now;
  }

  /** A new empty session. */
  create(from?: Pick<Session, 'lang'>): Session {
    const now = this.#now();
    const session: Session = { id: randomToken(), csrfToken: randomToken(), createdAt: now, lastSeen: now, lang: from?.lang };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, touched; undefined for an unknown, idle or too old one. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now - session.lastSeen > this.#idleMs || now - session.createdAt > this.#maxAgeMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  /**
   * Replaces a session by a new one with a new id and CSRF token, keeping only the language: done at sign-in,
   * so an id planted before it (session fixation, OWASP) is worth nothing afterwards.
   */
  rotate(session: Session): Session {
    this.destroy(session.id);
    return this.create({ lang: session.lang });
  }

  /** Forgets a session. */
  destroy(id: string): void {
    this.#sessions.delete(id);
  }

  /** Number of sessions held. */
  get size(): number {
    return this.#sessions.size;
  }
}

/** 32 random bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a submitted CSRF token with the session's in constant time. */
export function csrfTokenMatches(session: Session, submitted: string | null | undefined): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
