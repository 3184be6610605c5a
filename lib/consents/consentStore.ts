import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { compiledOnce } from '../storage/compiledOnce.js';
import type { HubDatabase } from '../storage/database.js';
import type { ConsentsTable, ConsentTables } from './migrations.js';

/** A consent's state at a given moment; computed on read, never stored, so expiry needs no job. */
export type ConsentStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

/** Text in the three languages the hub serves: Finnish, Swedish and English. */
export interface LocalizedText {
  fi: string;
  sv: string;
  en: string;
}

/** What {@link ConsentStore.createConsent} takes. */
export interface NewConsent {
  /** Default: a random UUID. */
  id?: string;
  personId: string;
  clientId: string;
  clientName: string;
  /** The client's pairwise `sub` for the person. */
  subject: string;
  purpose: LocalizedText;
  scopes: readonly string[];
  grantedAt: Date;
  expiresAt: Date;
  grantId?: string | null;
  receipt?: string | null;
}

/** A stored consent with its status at the time it was read. */
export interface ConsentRecord {
  id: string;
  personId: string;
  clientId: string;
  clientName: string;
  subject: string;
  purpose: LocalizedText;
  scopes: string[];
  grantedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  /** REVOKED if revokedAt is set, else EXPIRED if expiresAt <= now, else ACTIVE. */
  status: ConsentStatus;
  grantId: string | null;
  receipt: string | null;
}

/** What the gateway needs of a consent that lets a request through. */
export interface ActiveConsent {
  id: string;
  personId: string;
  clientName: string;
  scopes: ReadonlySet<string>;
  purpose: LocalizedText;
  expiresAt: Date;
}

/** Consents in the shared database; every method is one committed statement, so several processes may share it. */
export interface ConsentStore {
  /** Stores a new consent; committed when it resolves. */
  createConsent(input: NewConsent): Promise<ConsentRecord>;
  /** Attaches the consent receipt (issued after the consent has an id). */
  setReceipt(id: string, receipt: string): Promise<void>;
  /** Attaches the authorization server's grant id. */
  setGrantId(id: string, grantId: string): Promise<void>;
  /** The consent with this id, whoever's it is. */
  findConsent(id: string): Promise<ConsentRecord | undefined>;
  /** The consent attached to an authorization server grant (the newest, should several share it). */
  findConsentByGrantId(grantId: string): Promise<ConsentRecord | undefined>;
  /** A person's consents, newest grantedAt first. */
  listConsents(personId: string): Promise<ConsentRecord[]>;
  /** Revokes a person's consent; undefined if the person has no consent with that id. Revoking twice keeps the first time. */
  revokeConsent(personId: string, id: string, at?: Date): Promise<ConsentRecord | undefined>;
  /** Gateway hot path, one SQL statement: the consent if it is ACTIVE at `now` and belongs to clientId and subject. */
  activeConsent(id: string, clientId: string, subject: string, now?: Date): Promise<ActiveConsent | undefined>;
}

/** Options for {@link createConsentStore}. */
export interface ConsentStoreOptions {
  /** Clock for statuses and for revocation times; tests freeze it. */
  now?: () => Date;
}

/** The consent store on a database migrated with `migrateConsents`. */
export function createConsentStore(database: HubDatabase<any>, options: ConsentStoreOptions = {}): ConsentStore {
  const clock = options.now ?? (() => new Date());
  if (typeof clock !== 'function') throw new TypeError('createConsentStore: option "now" must be a function');
  const db = database.db as Kysely<ConsentTables>;
  const now = (): number => millis('now', 'now', clock());
  // The consent check of every partner request, compiled once. Values: id, client, subject, now.
  const selectActive = compiledOnce(
    db.selectFrom('consents')
      .select(['id', 'person_id', 'client_name', 'scopes', 'purpose', 'expires_at'])
      .where('id', '=', '$id')
      .where('client_id', '=', '$client_id')
      .where('subject', '=', '$subject')
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', -1),
    ['$id', '$client_id', '$subject', -1],
  );

  async function setColumn(method: string, id: string, column: 'receipt' | 'grant_id', value: string, name: string): Promise<void> {
    requireString(method, 'id', id);
    requireString(method, name, value);
    const result = await db.updateTable('consents').set({ [column]: value }).where('id', '=', id).executeTakeFirst();
    // Attaching to a consent that does not exist is a bug in the caller, not a state to ignore.
    if (Number(result.numUpdatedRows) === 0) throw new TypeError(`${method}: no consent has the given "id"`);
  }

  return {
    async createConsent(input) {
      const method = 'createConsent';
      if (typeof input !== 'object' || input === null) throw new TypeError(`${method}: the consent must be an object`);
      const id = input.id === undefined ? randomUUID() : requireString(method, 'id', input.id);
      const grantedAt = millis(method, 'grantedAt', input.grantedAt);
      const expiresAt = millis(method, 'expiresAt', input.expiresAt);
      if (expiresAt <= grantedAt) throw new TypeError(`${method}: option "expiresAt" must be later than "grantedAt"`);
      const row: ConsentsTable = {
        id,
        person_id: requireString(method, 'personId', input.personId),
        client_id: requireString(method, 'clientId', input.clientId),
        client_name: requireString(method, 'clientName', input.clientName),
        subject: requireString(method, 'subject', input.subject),
        purpose: JSON.stringify(localized(method, input.purpose)),
        scopes: JSON.stringify(scopeList(method, input.scopes)),
        granted_at: grantedAt,
        expires_at: expiresAt,
        revoked_at: null,
        grant_id: optionalString(method, 'grantId', input.grantId),
        receipt: optionalString(method, 'receipt', input.receipt),
      };
      await db.insertInto('consents').values(row).execute();
      return toRecord(row, now());
    },

    setReceipt(id, receipt) {
      return setColumn('setReceipt', id, 'receipt', receipt, 'receipt');
    },

    setGrantId(id, grantId) {
      return setColumn('setGrantId', id, 'grant_id', grantId, 'grantId');
    },

    async findConsent(id) {
      requireString('findConsent', 'id', id);
      const row = await db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row, now());
    },

    async findConsentByGrantId(grantId) {
      requireString('findConsentByGrantId', 'grantId', grantId);
      const row = await db
        .selectFrom('consents')
        .selectAll()
        .where('grant_id', '=', grantId)
        .orderBy('granted_at', 'desc')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      return row && toRecord(row, now());
    },

    async listConsents(personId) {
      requireString('listConsents', 'personId', personId);
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('person_id', '=', personId)
        .orderBy('granted_at', 'desc')
        .orderBy('id') // stable order for consents granted in the same millisecond
        .execute();
      const at = now();
      return rows.map((row) => toRecord(row, at));
    },

    async revokeConsent(personId, id, at) {
      const method = 'revokeConsent';
      requireString(method, 'personId', personId);
      requireString(method, 'id', id);
      const revokedAt = at === undefined ? now() : millis(method, 'at', at);
      // The person condition is in the statement, so nobody revokes (or learns of) another person's consent;
      // coalesce keeps the first revocation time when two requests race.
      const row = await db
        .updateTable('consents')
        .set({ revoked_at: sql<number>`coalesce(revoked_at, ${revokedAt})` })
        .where('id', '=', id)
        .where('person_id', '=', personId)
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row, now());
    },

    async activeConsent(id, clientId, subject, at) {
      const method = 'activeConsent';
      requireString(method, 'id', id);
      requireString(method, 'clientId', clientId);
      requireString(method, 'subject', subject);
      const moment = at === undefined ? now() : millis(method, 'now', at);
      const [row] = (await selectActive(database, [id, clientId, subject, moment])).rows;
      if (!row) return undefined;
      return {
        id: row.id,
        personId: row.person_id,
        clientName: row.client_name,
        scopes: new Set(JSON.parse(row.scopes) as string[]),
        purpose: JSON.parse(row.purpose) as LocalizedText,
        expiresAt: new Date(Number(row.expires_at)),
      };
    },
  };
}

function toRecord(row: ConsentsTable, now: number): ConsentRecord {
  const expiresAt = Number(row.expires_at);
  const revokedAt = row.revoked_at === null ? null : Number(row.revoked_at);
  return {
    id: row.id,
    personId: row.person_id,
    clientId: row.client_id,
    clientName: row.client_name,
    subject: row.subject,
    purpose: JSON.parse(row.purpose) as LocalizedText,
    scopes: JSON.parse(row.scopes) as string[],
    grantedAt: new Date(Number(row.granted_at)),
    expiresAt: new Date(expiresAt),
    revokedAt: revokedAt === null ? null : new Date(revokedAt),
    status: revokedAt !== null ? 'REVOKED' : expiresAt <= now ? 'EXPIRED' : 'ACTIVE',
    grantId: row.grant_id,
    receipt: row.receipt,
  };
}

// Messages name the option only: values may be personal data.
function requireString(method: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${method}: option "${name}" must be a non-empty string`);
  return value;
}

function optionalString(method: string, name: string, value: unknown): string | null {
  return value === undefined || value === null ? null : requireString(method, name, value);
}

function millis(method: string, name: string, value: unknown): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${method}: option "${name}" must be a valid Date`);
  return value.getTime();
}

function localized(method: string, value: unknown): LocalizedText {
  const text = value as Partial<LocalizedText> | null;
  if (typeof text !== 'object' || text === null) throw new TypeError(`${method}: option "purpose" must be { fi, sv, en }`);
  return {
    fi: requireString(method, 'purpose.fi', text.fi),
    sv: requireString(method, 'purpose.sv', text.sv),
    en: requireString(method, 'purpose.en', text.en),
  };
}

function scopeList(method: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new TypeError(`${method}: option "scopes" must be an array of scope strings`);
  for (const scope of value) {
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      // RFC 6749 §3.3 scope-token characters.
      throw new TypeError(`${method}: option "scopes" must hold only scope tokens (RFC 6749 §3.3)`);
    }
  }
  return [...new Set(value as string[])];
}
