import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { engineOf } from '../storage/jsonArrays.js';
import { sqliteHeadTrigger } from './sqliteHeadTrigger.js';

/*
 * Migration 0005, SQLite only: the tables a partner's request writes, each with one B-tree less to change.
 *
 * On SQLite every table is a B-tree keyed by its rowid, and a text primary key is a second B-tree beside it; every
 * B-tree an insert touches is one more page to write as a WAL frame at commit. A partner's request writes the DPoP
 * replay record, two rate-limit counters and a disclosure record, so:
 * - `dpop_proofs`, `rate_limits` and `disclosure_heads` become WITHOUT ROWID tables: the row lives in its primary
 *   key's B-tree (SQLite's own advice for small rows with a non-integer key);
 * - a disclosure's position becomes the rowid (`pos integer primary key`): SQLite gives a new record the largest
 *   position plus one (one writer at a time, so that is the commit order, what the 0003 trigger computed with an
 *   UPDATE of the row it had just written), and the separate position index goes.
 * Measured with `bench/consentWrites.ts` (bench/README.md). PostgreSQL is left as it is: its tables are heaps with no
 * rowid B-tree, and its positions are transaction ids (migrations.ts, 0003).
 */

/** The head trigger once the position is the rowid: NEW.pos already holds it in an AFTER INSERT trigger. */
const SQLITE_HEAD_TRIGGER_ROWID_POSITION = sqliteHeadTrigger(`  insert into disclosure_heads (person_id, seq, hash, pos) values (new.person_id, new.seq, new.hash, new.pos)
    on conflict (person_id) do update set seq = excluded.seq, hash = excluded.hash, pos = excluded.pos;`);

const RECORD_COLUMNS = `
  id text not null unique,
  person_id text not null,
  seq integer not null,
  client_id text not null,
  client_name text not null,
  consent_id text not null,
  purpose text not null,
  fields text not null,
  request_id text not null,
  at bigint not null,
  prev_hash text not null,
  hash text not null`;
const RECORD_CONSTRAINT = 'constraint disclosures_person_seq unique (person_id, seq)';
const RECORD_NAMES = 'id, person_id, seq, client_id, client_name, consent_id, purpose, fields, request_id, at, prev_hash, hash';

interface TableShape {
  readonly name: string;
  /** The column list of `create table` (with constraints). */
  readonly columns: string;
  /** `without rowid`, or empty. */
  readonly options: string;
  /** The columns copied from the old table into the new one. */
  readonly copied: string;
  /** What the old table gives for them, where that is not the same columns. */
  readonly from?: string;
  readonly indexes: readonly string[];
}

/** A request-path table as 0005 leaves it (`lean`) and as 0004 left it (`former`). */
function shapes(lean: boolean): TableShape[] {
  return [
    {
      name: 'dpop_proofs',
      columns: 'jti_hash text not null primary key, expires_at bigint not null',
      options: lean ? 'without rowid' : '',
      copied: 'jti_hash, expires_at',
      indexes: ['create index dpop_proofs_expires_at on dpop_proofs (expires_at)'],
    },
    {
      name: 'rate_limits',
      columns: 'key_hash text not null primary key, window_start bigint not null, hits integer not null',
      options: lean ? 'without rowid' : '',
      copied: 'key_hash, window_start, hits',
      indexes: ['create index rate_limits_window_start on rate_limits (window_start)'],
    },
    {
      name: 'disclosure_heads',
      columns: 'person_id text not null primary key, seq integer not null, hash text not null, pos bigint not null default 0',
      options: lean ? 'without rowid' : '',
      copied: 'person_id, seq, hash, pos',
      indexes: ['create index disclosure_heads_pos on disclosure_heads (pos, person_id)'],
    },
    lean
      ? {
          name: 'disclosures',
          columns: `pos integer primary key, ${RECORD_COLUMNS}, ${RECORD_CONSTRAINT}`,
          options: '',
          // Records from before 0003 (position 0, older than every checkpoint) keep their order below every other
          // position: negative, unique, as the rowid must be.
          copied: `pos, ${RECORD_NAMES}`,
          from: `case when pos <> 0 then pos else rowid - (select max(rowid) from disclosures where pos = 0) - 1 end, ${RECORD_NAMES}`,
          indexes: [],
        }
      : {
          name: 'disclosures',
          columns: `${RECORD_COLUMNS}, pos bigint not null default 0, ${RECORD_CONSTRAINT}`,
          options: '',
          copied: `${RECORD_NAMES}, pos`,
          indexes: ['create index disclosures_pos on disclosures (pos)'],
        },
  ];
}

/** Rebuilds each table in the given shape (SQLite cannot change a table's key in place), copying every row. */
async function rebuild(db: Kysely<any>, tables: readonly TableShape[], trigger: string): Promise<void> {
  // The trigger names disclosure_heads: it goes first, so that no table it names is ever missing under it.
  await sql`drop trigger if exists disclosures_advance_head`.execute(db);
  for (const table of tables) {
    const next = `${table.name}_next`;
    await sql.raw(`create table ${next} (${table.columns}) ${table.options}`).execute(db);
    await sql.raw(`insert into ${next} (${table.copied}) select ${table.from ?? table.copied} from ${table.name}`).execute(db);
    await sql.raw(`drop table ${table.name}`).execute(db);
    await sql.raw(`alter table ${next} rename to ${table.name}`).execute(db);
    for (const index of table.indexes) await sql.raw(index).execute(db);
  }
  await sql.raw(trigger).execute(db);
}

/** Migration 0005; `down` restores 0004's tables and its head trigger (`formerTrigger`). */
export function sqliteLeanTables(formerTrigger: string): Migration {
  return {
    async up(db) {
      if (engineOf(db) === 'postgres') return;
      await rebuild(db, shapes(true), SQLITE_HEAD_TRIGGER_ROWID_POSITION);
    },
    async down(db) {
      if (engineOf(db) === 'postgres') return;
      await rebuild(db, shapes(false), formerTrigger);
    },
  };
}
