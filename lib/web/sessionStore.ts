import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../storage/database.js';
import { migrate } from '../storage/migrate.js';

/** What every web session holds; a service adds its own fields (language, sign-in state, notices). */
export interface BaseSession {
  readonly id: string;
  /** Sent in every form and compared on every POST (synchronizer token). */
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeen: number;
}

/** Options for {@link SessionStore.open}. */
export interface SessionStoreOptions {
  /** The shared database every replica of the service uses (SQLite in dev, PostgreSQL in production). */
  database: HubDatabase<any>;
  /** Which service's sessions these are (`portal`, `console`): a sealed session opens only for its own service. */
  service: string;
  /** A secret of at least 32 bytes; the sealing key is derived from it per service (HKDF-SHA256). */
  secret: Buffer;
  /** A session unused for this long is forgotten. */
  idleMs: number;
  /** A session older than this is forgotten whatever its use (default 12 hours). */
  maxAgeMs?: number;
  now?: () => number;
}

interface SessionTables {
  web_sessions: { service: string; id_hash: string; sealed: string; expires_at: number };
}

// Seen again within this long (or a tenth of the idle time, if shorter), a session's row is not rewritten only to
// move its idle deadline: a session may so end up to that much before its idle time is really up, never after.
const TOUCH_INTERVAL_MS = 60_000;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Web sessions kept in the shared database, so any replica serves any browser and a restart signs nobody out.
 * The browser holds only a random 256-bit id. A row is keyed by the id's SHA-256, so reading the database gives no
 * usable cookie, and its contents (access tokens among them) are sealed with AES-256-GCM under a key the database
 * does not hold, bound to the service and the row (a sealed blob moved to another row does not open). Idle and
 * absolute expiry are enforced on read and by the row's `expires_at`; {@link sweep} deletes expired rows.
 *
 * A service loads the session at the start of a request, lets its handlers change it in place, and saves it
 * before the response leaves ({@link save} writes only when something changed, or to move the idle deadline).
 */
export class SessionStore<S extends BaseSession> {
  readonly #db: Kysely<SessionTables>;
  readonly #service: string;
  readonly #key: Buffer;
  readonly #idleMs: number;
  readonly #touchMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  /** What each live session object looked like when last read or written, and when its deadline was last moved. */
  readonly #persisted = new WeakMap<S, { json: string; lastSeen: number }>();

  private constructor(options: SessionStoreOptions) {
    this.#db = options.database.db as Kysely<SessionTables>;
    this.#service = options.service;
    this.#key = Buffer.from(hkdfSync('sha256', options.secret, Buffer.alloc(0), `hub web session seal: ${options.service}`, 32));
    this.#idleMs = options.idleMs;
    this.#touchMs = Math.min(TOUCH_INTERVAL_MS, Math.floor(options.idleMs / 10));
    this.#maxAgeMs = options.maxAgeMs ?? 12 * 3600_000;
    this.#now = options.now ?? Date.now;
  }

  /** Validates the options, migrates the sessions table and returns the store. */
  static async open<S extends BaseSession>(options: SessionStoreOptions): Promise<SessionStore<S>> {
    if (!/^[a-z][a-z0-9-]*$/.test(options.service ?? '')) throw new TypeError(`SessionStore: "service" must be a lower-case name, got ${JSON.stringify(options.service)}`);
    if (!Buffer.isBuffer(options.secret) || options.secret.length < 32) throw new TypeError('SessionStore: "secret" must be a Buffer of at least 32 bytes');
    if (!Number.isInteger(options.idleMs) || options.idleMs <= 0) throw new TypeError(`SessionStore: "idleMs" must be a positive integer, got ${options.idleMs}`);
    if (options.maxAgeMs !== undefined && (!Number.isInteger(options.maxAgeMs) || options.maxAgeMs <= 0)) {
      throw new TypeError(`SessionStore: "maxAgeMs" must be a positive integer, got ${options.maxAgeMs}`);
    }
    await migrateWebSessions(options.database.db);
    return new SessionStore<S>(options);
  }

  /** A new session, not yet stored: {@link save} stores it. */
  create(fields: Omit<S, keyof BaseSession>): S {
    const now = this.#now();
    return { ...fields, id: randomToken(), csrfToken: randomToken(), createdAt: now, lastSeen: now } as S;
  }

  /** The live session with this id, touched; undefined for an unknown, expired, idle or tampered one. */
  async load(id: string | undefined): Promise<S | undefined> {
    if (id === undefined || !ID_PATTERN.test(id)) return undefined;
    const idHash = hashId(id);
    const now = this.#now();
    const row = await this.#db
      .selectFrom('web_sessions')
      .select(['sealed'])
      .where('service', '=', this.#service)
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    const session = this.#unseal(row.sealed, idHash);
    if (!session || session.id !== id) return undefined;
    if (now - session.lastSeen > this.#idleMs || now - session.createdAt > this.#maxAgeMs) return undefined;
    this.#persisted.set(session, { json: JSON.stringify(session), lastSeen: session.lastSeen });
    session.lastSeen = now;
    return session;
  }

  /** Stores the session if it changed since it was read (or its idle deadline needs moving); before the response. */
  async save(session: S): Promise<void> {
    const persisted = this.#persisted.get(session);
    const json = JSON.stringify({ ...session, lastSeen: persisted?.lastSeen ?? session.lastSeen });
    if (persisted && persisted.json === json && session.lastSeen - persisted.lastSeen < this.#touchMs) return;
    const idHash = hashId(session.id);
    const expiresAt = Math.min(session.createdAt + this.#maxAgeMs, session.lastSeen + this.#idleMs);
    const sealed = this.#seal(JSON.stringify(session), idHash);
    await this.#db
      .insertInto('web_sessions')
      .values({ service: this.#service, id_hash: idHash, sealed, expires_at: expiresAt })
      .onConflict((conflict) => conflict.columns(['service', 'id_hash']).doUpdateSet({ sealed, expires_at: expiresAt }))
      .execute();
    this.#persisted.set(session, { json: JSON.stringify(session), lastSeen: session.lastSeen });
  }

  /**
   * Replaces a session by a new one with a new id and CSRF token, keeping the given fields: done at sign-in, so an
   * id planted before it (session fixation, OWASP) is worth nothing afterwards. The old row is deleted at once.
   */
  async rotate(session: S, keep: Omit<S, keyof BaseSession>): Promise<S> {
    await this.destroy(session.id);
    return this.create(keep);
  }

  /** Forgets a session on every replica. */
  async destroy(id: string): Promise<void> {
    if (!ID_PATTERN.test(id)) return;
    await this.#db.deleteFrom('web_sessions').where('service', '=', this.#service).where('id_hash', '=', hashId(id)).execute();
  }

  /** Deletes expired sessions; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.#db.deleteFrom('web_sessions').where('expires_at', '<=', this.#now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  #seal(plaintext: string, idHash: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(`${this.#service}:${idHash}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  #unseal(sealed: string, idHash: string): S | undefined {
    try {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(`${this.#service}:${idHash}`));
      decipher.setAuthTag(bytes.subarray(12, 28));
      const plaintext = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(plaintext) as S;
    } catch {
      // Tampered, sealed under another key (a rotated secret) or for another row: as good as no session.
      return undefined;
    }
  }
}

/** Brings a database's web sessions table up to date (the portal's, the console's; `npm run migrate`). */
export async function migrateWebSessions(db: Kysely<any>): Promise<void> {
  await migrate(db, 'web_sessions', WEB_SESSION_MIGRATIONS);
}

/** The sessions table, on SQLite and PostgreSQL alike. */
const WEB_SESSION_MIGRATIONS = {
  '0001_web_sessions': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('web_sessions')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('id_hash', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('web_sessions_pk', ['service', 'id_hash'])
        .execute();
      await db.schema.createIndex('web_sessions_expires_at').on('web_sessions').column('expires_at').execute();
    },
  },
};

function hashId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** 32 random bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a submitted CSRF token with the session's in constant time. */
export function csrfTokenMatches(session: BaseSession, submitted: string | null | undefined): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
