import { sql, type Kysely } from 'kysely';
import type { HubDatabase } from '../storage/database.js';
import { GENESIS_HASH } from './disclosureHash.js';
import { createDisclosureLog, recomputedHash, type DisclosureProblem, type DisclosureVerification } from './disclosureLog.js';
import type { ConsentTables, DisclosuresTable } from './migrations.js';

/** A verification that found the log intact, as `disclosure_checkpoints` keeps it. */
export interface DisclosureCheckpoint {
  id: number;
  /** Every record with a position below this was verified; none below it can still appear. */
  verifiedBelow: number;
  full: boolean;
  records: number;
  persons: number;
  at: Date;
}

/** What {@link checkDisclosures} did. */
export interface DisclosureCheck extends DisclosureVerification {
  /** `full`: every record; `incremental`: the records (and heads) since `since`. */
  mode: 'full' | 'incremental';
  /** The checkpoint an incremental run started from. */
  since?: DisclosureCheckpoint;
  /** The checkpoint written (only when everything was intact). */
  written?: DisclosureCheckpoint;
}

/** Options for {@link checkDisclosures}. */
export interface CheckDisclosuresOptions {
  /** Verify every record, whatever the last checkpoint (finds edits of records older than it). Default false. */
  full?: boolean;
  /** Clock for the checkpoint's time; tests freeze it. */
  now?: () => Date;
}

const PAGE_POSITIONS = 1000;

/** The newest checkpoint, if any. */
export async function lastCheckpoint(database: HubDatabase<any>): Promise<DisclosureCheckpoint | undefined> {
  const db = database.db as Kysely<ConsentTables>;
  const row = await db.selectFrom('disclosure_checkpoints').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row && toCheckpoint(row);
}

/**
 * The position below which no record can still appear. PostgreSQL: a record's position is its transaction's id, and
 * positions commit out of order (a transaction that took its id first may commit last). So: take a snapshot's xmax
 * first (every id below it was handed out already), then the ids of the transactions still holding a lock on
 * `disclosures` (an append is one statement, so a transaction that took its id there holds that lock until it
 * ends); the bound is the smallest of these. Transactions of other tables or databases do not hold it back, which a
 * bare xmin would. SQLite: one writer at a time, positions in commit order: the next position.
 */
export async function safeBound(database: HubDatabase<any>): Promise<number> {
  if (database.engine === 'postgres') {
    const snapshot = await sql<{ xmax: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(database.db);
    const xmax = BigInt(snapshot.rows[0]!.xmax);
    // pg_locks (readable by every role, unlike other sessions' pg_stat_activity.backend_xid) names 32-bit ids.
    const { rows } = await sql<{ xid: string }>`
      select distinct t.transactionid::text as xid
      from pg_locks r join pg_locks t on t.pid = r.pid and t.locktype = 'transactionid' and t.mode = 'ExclusiveLock' and t.granted
      where r.locktype = 'relation' and r.relation = 'disclosures'::regclass
        and r.database = (select oid from pg_database where datname = current_database())
        and r.pid <> pg_backend_pid()`.execute(database.db);
    let bound = xmax;
    for (const { xid } of rows) {
      // Widen to 64 bits in xmax's epoch (an id just before a wraparound belongs to the previous epoch).
      let wide = (xmax & ~0xffffffffn) | BigInt(xid);
      if (wide >= xmax) wide -= 1n << 32n;
      if (wide < bound) bound = wide;
    }
    return Number(bound);
  }
  const { rows } = await sql<{ bound: number }>`select coalesce(max(pos), 0) + 1 as bound from disclosures`.execute(database.db);
  return Number(rows[0]!.bound);
}

/**
 * Verifies the log and, when everything is intact, writes a checkpoint. By default only what came after the last
 * checkpoint: each new record's hash is recomputed and its link checked against its predecessor (whose stored hash
 * is trusted when it is older than the checkpoint: it was verified then), and every head moved since must name an
 * existing record with its hash. With no checkpoint yet, or `full`, everything (as `DisclosureLog.verify`).
 */
export async function checkDisclosures(database: HubDatabase<any>, options: CheckDisclosuresOptions = {}): Promise<DisclosureCheck> {
  const clock = options.now ?? (() => new Date());
  const started = clock();
  // Taken before anything is read: every record below it is already visible to the reads that follow.
  const bound = await safeBound(database);
  const since = options.full ? undefined : await lastCheckpoint(database);
  const result = since ? { mode: 'incremental' as const, since, ...(await verifyRange(database, since.verifiedBelow, bound)) } : { mode: 'full' as const, ...(await createDisclosureLog(database).verify()) };
  if (!result.ok) return result;
  // Never move backwards (a clock or an xmin held back by a long transaction): the next run starts from the larger.
  const verifiedBelow = Math.max(bound, since?.verifiedBelow ?? 0);
  const db = database.db as Kysely<ConsentTables>;
  const row = await db
    .insertInto('disclosure_checkpoints')
    .values({ verified_below: verifiedBelow, full_run: result.mode === 'full' ? 1 : 0, records: result.records, persons: result.persons, at: started.getTime() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...result, written: toCheckpoint(row) };
}

/** Verifies the records with `from <= pos < below`, and the heads that moved in that range. */
export async function verifyRange(database: HubDatabase<any>, from: number, below: number): Promise<DisclosureVerification> {
  const db = database.db as Kysely<ConsentTables>;
  const problems: DisclosureProblem[] = [];
  const reported = new Set<string>(); // "<person> <seq> <reason>", so that one fault is named once
  const report = (personId: string, seq: number | null, reason: DisclosureProblem['reason']): void => {
    const key = `${personId} ${seq} ${reason}`;
    if (!reported.has(key)) {
      reported.add(key);
      problems.push({ personId, seq, reason });
    }
  };
  const persons = new Set<string>();
  let records = 0;

  // Pages by position: first up to PAGE_POSITIONS distinct positions (an index-only scan), then all their records.
  // A position is one transaction on PostgreSQL, usually one record (a bulk load: a block).
  let after = from - 1;
  while (after < below - 1) {
    const positions = await db.selectFrom('disclosures').select('pos').distinct()
      .where('pos', '>', after).where('pos', '<', below).orderBy('pos').limit(PAGE_POSITIONS).execute();
    if (positions.length === 0) break;
    const last = Number(positions[positions.length - 1]!.pos);
    const rows = (await db.selectFrom('disclosures').selectAll().where('pos', '>', after).where('pos', '<=', last).execute())
      .sort((a, b) => (a.person_id < b.person_id ? -1 : a.person_id > b.person_id ? 1 : Number(a.seq) - Number(b.seq)));
    await checkRows(db, rows, report);
    for (const row of rows) persons.add(row.person_id);
    records += rows.length;
    after = last;
  }

  // Heads moved in the range must name a record that is there, with the head's hash: this is what shows that
  // the newest records were deleted (nothing else of them is left to read).
  let headAfter: { pos: number; personId: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('disclosure_heads as h')
      .leftJoin('disclosures as d', (join) => join.onRef('d.person_id', '=', 'h.person_id').onRef('d.seq', '=', 'h.seq'))
      .select(['h.person_id', 'h.seq', 'h.hash', 'h.pos', 'd.hash as record_hash'])
      .where('h.pos', '>=', from)
      .where('h.pos', '<', below);
    if (headAfter) {
      const { pos, personId } = headAfter;
      query = query.where((eb) => eb.or([eb('h.pos', '>', pos), eb.and([eb('h.pos', '=', pos), eb('h.person_id', '>', personId)])]));
    }
    const heads = await query.orderBy('h.pos').orderBy('h.person_id').limit(PAGE_POSITIONS).execute();
    for (const head of heads) {
      persons.add(head.person_id);
      if (head.record_hash !== head.hash) report(head.person_id, Number(head.seq), 'HEAD_MISMATCH');
    }
    if (heads.length < PAGE_POSITIONS) break;
    const lastHead = heads[heads.length - 1]!;
    headAfter = { pos: Number(lastHead.pos), personId: lastHead.person_id };
  }
  return { ok: problems.length === 0, persons: persons.size, records, problems };
}

// One page of new records, in chain order: each hash recomputed, each link checked against the stored predecessor,
// and no record beyond its person's head.
async function checkRows(db: Kysely<ConsentTables>, rows: DisclosuresTable[], report: (personId: string, seq: number | null, reason: DisclosureProblem['reason']) => void): Promise<void> {
  const inPage = new Map(rows.map((row) => [`${row.person_id} ${Number(row.seq)}`, row.hash]));
  const wanted = rows.filter((row) => Number(row.seq) > 1 && !inPage.has(`${row.person_id} ${Number(row.seq) - 1}`));
  const stored = new Map<string, string>();
  // Predecessors older than the page, in chunks (each pair is two parameters).
  for (let i = 0; i < wanted.length; i += 400) {
    const chunk = wanted.slice(i, i + 400);
    const found = await db.selectFrom('disclosures').select(['person_id', 'seq', 'hash'])
      .where((eb) => eb.or(chunk.map((row) => eb.and([eb('person_id', '=', row.person_id), eb('seq', '=', Number(row.seq) - 1)]))))
      .execute();
    for (const row of found) stored.set(`${row.person_id} ${Number(row.seq)}`, row.hash);
  }
  const personIds = [...new Set(rows.map((row) => row.person_id))];
  const heads = new Map<string, number>();
  for (let i = 0; i < personIds.length; i += 500) {
    const found = await db.selectFrom('disclosure_heads').select(['person_id', 'seq']).where('person_id', 'in', personIds.slice(i, i + 500)).execute();
    for (const head of found) heads.set(head.person_id, Number(head.seq));
  }
  for (const row of rows) {
    const seq = Number(row.seq);
    if (seq === 1) {
      if (row.prev_hash !== GENESIS_HASH) report(row.person_id, seq, 'BROKEN_LINK');
    } else {
      const key = `${row.person_id} ${seq - 1}`;
      const previous = inPage.get(key) ?? stored.get(key);
      // A missing predecessor explains the broken link, as in a full run.
      if (previous === undefined) report(row.person_id, seq - 1, 'MISSING_RECORD');
      else if (row.prev_hash !== previous) report(row.person_id, seq, 'BROKEN_LINK');
    }
    if (recomputedHash(row) !== row.hash) report(row.person_id, seq, 'HASH_MISMATCH');
    // Heads only move forward, and every record read here was committed before the head was read.
    const head = heads.get(row.person_id);
    if (head === undefined || head < seq) report(row.person_id, head ?? seq, 'HEAD_MISMATCH');
  }
}

function toCheckpoint(row: ConsentTables['disclosure_checkpoints']): DisclosureCheckpoint {
  return {
    id: Number(row.id),
    verifiedBelow: Number(row.verified_below),
    full: Number(row.full_run) === 1,
    records: Number(row.records),
    persons: Number(row.persons),
    at: new Date(Number(row.at)),
  };
}
