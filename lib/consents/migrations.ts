import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { engineOf } from '../storage/jsonArrays.js';
import { migrate } from '../storage/migrate.js';
import { GENESIS_HASH } from './disclosureHash.js';
import { sqliteHeadTrigger } from './sqliteHeadTrigger.js';
import { sqliteLeanTables } from './sqliteLeanTables.js';

/** One row of `consents`: what a citizen allowed one client, for one purpose, until when. */
export interface ConsentsTable {
  id: string;
  person_id: string;
  client_id: string;
  client_name: string;
  /** The client's pairwise `sub` for the person. */
  subject: string;
  /** `{ fi, sv, en }` as JSON text. */
  purpose: string;
  /** JSON text array of scope strings. */
  scopes: string;
  /** Epoch milliseconds; PostgreSQL's pg driver reads `bigint` back as a string. */
  granted_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
  grant_id: string | null;
  receipt: string | null;
}

/** One row of `disclosures`: a link of a person's hash chain (see README.md). */
export interface DisclosuresTable {
  id: string;
  person_id: string;
  seq: number;
  client_id: string;
  client_name: string;
  consent_id: string;
  purpose: string;
  /** JSON text array of the disclosed field names, in the caller's order. */
  fields: string;
  request_id: string;
  /** Epoch milliseconds. */
  at: number | string;
  prev_hash: string;
  hash: string;
  /**
   * Append position (0003): the inserting transaction's id on PostgreSQL, the next number on SQLite (0 for records
   * older than the migration). Set by the database, never by the appender; see README.md, "Checkpoints".
   */
  pos?: number | string;
}

/** One row of `disclosure_heads`: the last link of a person's chain, so that losing the last record shows. */
export interface DisclosureHeadsTable {
  person_id: string;
  seq: number;
  hash: string;
  /** Position of the record the head last moved to (0004; 0 before): incremental verification finds moved heads by it. */
  pos?: number | string;
}

/** One row of `dpop_proofs`: a DPoP proof's `jti` already used (RFC 9449 §11.1), stored only as its SHA-256. */
export interface DpopProofsTable {
  jti_hash: string;
  /** Epoch milliseconds after which the proof would be refused anyway, so the row may go. */
  expires_at: number | string;
}

/** One row of `rate_limits`: one caller's request count in its current fixed window, keyed by a SHA-256. */
export interface RateLimitsTable {
  /** SHA-256 (hex) of the counter's key (`partner:<clientId>`, `citizen:<personId>`, …). */
  key_hash: string;
  /** Epoch milliseconds at which the counted window began. */
  window_start: number | string;
  hits: number;
}

/** One row of `disclosure_checkpoints`: a verification that found everything intact, and how far it reached. */
export interface DisclosureCheckpointsTable {
  /** Autoincrement; omitted on insert. */
  id?: number | string;
  /** Every record with `pos` below this was verified (and no record below it can still appear). */
  verified_below: number | string;
  /** 1 when the run verified the whole log, 0 when it verified only the records since the previous checkpoint. */
  full_run: number;
  records: number | string;
  persons: number | string;
  /** Epoch milliseconds when the run began. */
  at: number | string;
}

/** The tables of consents, disclosures, DPoP replay detection and rate limits. */
export interface ConsentTables {
  consents: ConsentsTable;
  disclosures: DisclosuresTable;
  disclosure_heads: DisclosureHeadsTable;
  dpop_proofs: DpopProofsTable;
  rate_limits: RateLimitsTable;
  disclosure_checkpoints: DisclosureCheckpointsTable;
}

// The head advances inside the INSERT of a record (a trigger), not in a second statement of a transaction: on
// SQLite a write transaction held across `await`s makes every other handle on the same file in the same process
// (npm start runs the issuer and the gateway in one process) block the thread in busy_timeout and then fail with
// SQLITE_BUSY. One statement holds the write lock only while it runs, on both engines. The guard refuses a record
// that does not extend the current head, which makes the losing one of two concurrent appends retry.
const SQLITE_HEAD_TRIGGER = sqliteHeadTrigger(`  insert into disclosure_heads (person_id, seq, hash) values (new.person_id, new.seq, new.hash)
    on conflict (person_id) do update set seq = excluded.seq, hash = excluded.hash;`);

// Same guard on PostgreSQL; 40001 (serialization_failure) tells the appender to retry.
const POSTGRES_HEAD_FUNCTION = `
create or replace function disclosures_advance_head() returns trigger language plpgsql as $$
begin
  if new.seq = 1 and new.prev_hash = '${GENESIS_HASH}' then
    insert into disclosure_heads (person_id, seq, hash) values (new.person_id, new.seq, new.hash)
      on conflict (person_id) do nothing;
  else
    update disclosure_heads set seq = new.seq, hash = new.hash
      where person_id = new.person_id and seq = new.seq - 1 and hash = new.prev_hash;
  end if;
  if not found then
    raise exception 'disclosure head moved' using errcode = '40001';
  end if;
  return null;
end
$$`;

const POSTGRES_HEAD_TRIGGER = `
create trigger disclosures_advance_head after insert on disclosures
  for each row execute function disclosures_advance_head()`;

// PostgreSQL: a record's position is its inserting transaction's id (xid8, 64 bits, never wraps, as bigint). A
// transaction that has not yet taken an id will take one above every id a snapshot taken now calls running, so the
// snapshot's xmin bounds what can still appear: no record below it is in flight (README.md, "Checkpoints"). A
// sequence would not do: its values are taken at insert and committed in any order.
const POSTGRES_POSITION_DEFAULT = `alter table disclosures alter column pos set default (pg_current_xact_id()::text::bigint)`;

// SQLite: one writer at a time, so the next number is the commit order. Set by a trigger so that every insert
// (the log's, a seeder's, a restore's) gets one; records that name a position (pos <> 0) keep it.
const SQLITE_POSITION_TRIGGER = `
create trigger disclosures_position after insert on disclosures for each row when new.pos = 0
begin
  update disclosures set pos = (select max(pos) from disclosures) + 1 where rowid = new.rowid;
end`;

// 0004: the head also takes the record's position. On PostgreSQL the position is already in NEW (a column default).
const POSTGRES_HEAD_FUNCTION_WITH_POSITION = `
create or replace function disclosures_advance_head() returns trigger language plpgsql as $$
begin
  if new.seq = 1 and new.prev_hash = '${GENESIS_HASH}' then
    insert into disclosure_heads (person_id, seq, hash, pos) values (new.person_id, new.seq, new.hash, new.pos)
      on conflict (person_id) do nothing;
  else
    update disclosure_heads set seq = new.seq, hash = new.hash, pos = new.pos
      where person_id = new.person_id and seq = new.seq - 1 and hash = new.prev_hash;
  end if;
  if not found then
    raise exception 'disclosure head moved' using errcode = '40001';
  end if;
  return null;
end
$$`;

// On SQLite one trigger does all three (guard, position, head), so that the head sees the position: the order in
// which two triggers on the same event run is not something to rely on.
const SQLITE_HEAD_AND_POSITION_TRIGGER = sqliteHeadTrigger(`  update disclosures set pos = (select max(pos) from disclosures) + 1 where rowid = new.rowid and new.pos = 0;
  insert into disclosure_heads (person_id, seq, hash, pos)
    values (new.person_id, new.seq, new.hash, (select pos from disclosures where rowid = new.rowid))
    on conflict (person_id) do update set seq = excluded.seq, hash = excluded.hash, pos = excluded.pos;`);

/**
 * Migrations of the consent records, in name order. Only types both SQLite and PostgreSQL know are used; times are
 * epoch milliseconds in `bigint` so that expiry comparisons need no date functions on either engine.
 */
export const consentMigrations: Record<string, Migration> = {
  '0001_create_consent_records': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('consents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('grant_id', 'text')
        .addColumn('receipt', 'text')
        .execute();
      // listConsents: a person's consents, newest first.
      await db.schema.createIndex('consents_person_granted').on('consents').columns(['person_id', 'granted_at']).execute();
      // The issuer finds the consent behind an oidc-provider grant when the grant is revoked.
      await db.schema.createIndex('consents_grant_id').on('consents').column('grant_id').execute();

      await db.schema
        .createTable('disclosures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('consent_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        // One record per place in a chain: two concurrent appends of the same seq cannot both commit. Its index
        // also serves list (newest first) and verify (chain order).
        .addUniqueConstraint('disclosures_person_seq', ['person_id', 'seq'])
        .execute();
      await db.schema
        .createTable('disclosure_heads')
        .addColumn('person_id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      if (engineOf(db) === 'postgres') {
        await sql.raw(POSTGRES_HEAD_FUNCTION).execute(db);
        await sql.raw(POSTGRES_HEAD_TRIGGER).execute(db);
      } else {
        await sql.raw(SQLITE_HEAD_TRIGGER).execute(db);
      }

      await db.schema
        .createTable('dpop_proofs')
        .addColumn('jti_hash', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      // purge deletes by range of expiry.
      await db.schema.createIndex('dpop_proofs_expires_at').on('dpop_proofs').column('expires_at').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('dpop_proofs').ifExists().execute();
      await db.schema.dropTable('disclosure_heads').ifExists().execute();
      await db.schema.dropTable('disclosures').ifExists().execute(); // takes its trigger with it
      if (engineOf(db) === 'postgres') await sql`drop function if exists disclosures_advance_head()`.execute(db);
      await db.schema.dropTable('consents').ifExists().execute();
    },
  },
  '0002_create_rate_limits': {
    async up(db: Kysely<any>): Promise<void> {
      // One row per counter, not per window: the upsert moves a row on to the next window, so the table holds
      // one row per caller seen lately and purge only removes callers that went quiet.
      await db.schema
        .createTable('rate_limits')
        .addColumn('key_hash', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .execute();
      // purge deletes by range of window start.
      await db.schema.createIndex('rate_limits_window_start').on('rate_limits').column('window_start').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('rate_limits').ifExists().execute();
    },
  },
  '0003_disclosure_positions': {
    async up(db: Kysely<any>): Promise<void> {
      // Existing records get 0: there is no checkpoint yet, so the first verification is a full one anyway. A
      // constant default adds the column without rewriting the table on PostgreSQL (11+).
      await db.schema.alterTable('disclosures').addColumn('pos', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      if (engineOf(db) === 'postgres') await sql.raw(POSTGRES_POSITION_DEFAULT).execute(db);
      else await sql.raw(SQLITE_POSITION_TRIGGER).execute(db);
      // Incremental verification reads the records since a checkpoint by range of position (not unique on
      // PostgreSQL: one transaction may append several records).
      await db.schema.createIndex('disclosures_pos').on('disclosures').column('pos').execute();
      const postgres = engineOf(db) === 'postgres';
      await db.schema
        .createTable('disclosure_checkpoints')
        .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('verified_below', 'bigint', (c) => c.notNull())
        .addColumn('full_run', 'integer', (c) => c.notNull())
        .addColumn('records', 'bigint', (c) => c.notNull())
        .addColumn('persons', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('disclosure_checkpoints').ifExists().execute();
      await db.schema.dropIndex('disclosures_pos').ifExists().execute();
      if (engineOf(db) !== 'postgres') await sql`drop trigger if exists disclosures_position`.execute(db);
      await db.schema.alterTable('disclosures').dropColumn('pos').execute();
    },
  },
  '0004_head_positions': {
    async up(db: Kysely<any>): Promise<void> {
      // A head moved since a checkpoint names a record that must still be there: deleting the newest records
      // shows in an incremental run, not only in a full one.
      await db.schema.alterTable('disclosure_heads').addColumn('pos', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('disclosure_heads_pos').on('disclosure_heads').columns(['pos', 'person_id']).execute();
      if (engineOf(db) === 'postgres') {
        await sql.raw(POSTGRES_HEAD_FUNCTION_WITH_POSITION).execute(db);
      } else {
        await sql`drop trigger disclosures_position`.execute(db);
        await sql`drop trigger disclosures_advance_head`.execute(db);
        await sql.raw(SQLITE_HEAD_AND_POSITION_TRIGGER).execute(db);
      }
    },
    async down(db: Kysely<any>): Promise<void> {
      if (engineOf(db) === 'postgres') {
        await sql.raw(POSTGRES_HEAD_FUNCTION).execute(db);
      } else {
        await sql`drop trigger disclosures_advance_head`.execute(db);
        await sql.raw(SQLITE_HEAD_TRIGGER).execute(db);
        await sql.raw(SQLITE_POSITION_TRIGGER).execute(db);
      }
      await db.schema.dropIndex('disclosure_heads_pos').ifExists().execute();
      await db.schema.alterTable('disclosure_heads').dropColumn('pos').execute();
    },
  },
  // SQLite: one B-tree less per write on the request path (sqliteLeanTables.ts); nothing on PostgreSQL.
  '0005_sqlite_lean_tables': sqliteLeanTables(SQLITE_HEAD_AND_POSITION_TRIGGER),
};

/** Brings the consent records' tables up to date. */
export async function migrateConsents(db: Kysely<any>): Promise<void> {
  await migrate(db, 'consents', consentMigrations);
}
