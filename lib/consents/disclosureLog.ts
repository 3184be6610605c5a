import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { HubError } from '../errors.js';
import { LruCache } from '../lru.js';
import { compiledOnce } from '../storage/compiledOnce.js';
import { timeOrderedId } from '../timeOrderedId.js';
import type { HubDatabase } from '../storage/database.js';
import { disclosureHash, GENESIS_HASH } from './disclosureHash.js';
import type { ConsentTables, DisclosuresTable } from './migrations.js';

/** What {@link DisclosureLog.append} takes: who got which fields of whose data, under which consent. */
export interface NewDisclosure {
  personId: string;
  clientId: string;
  clientName: string;
  consentId: string;
  /** The consent's purpose in English. */
  purpose: string;
  /** Names of the disclosed fields, kept in the caller's order. */
  fields: readonly string[];
  requestId: string;
  /** Default: the log's clock. */
  at?: Date;
}

/** A stored disclosure: its place in the person's chain and the hashes that link it there. */
export interface DisclosureRecord extends Required<NewDisclosure> {
  id: string;
  seq: number;
  prevHash: string;
  hash: string;
  at: Date;
}

/** One thing {@link DisclosureLog.verify} found wrong; seq is null only when no record can be named. */
export interface DisclosureProblem {
  personId: string;
  seq: number | null;
  reason: 'HASH_MISMATCH' | 'BROKEN_LINK' | 'MISSING_RECORD' | 'HEAD_MISMATCH';
}

/** What {@link DisclosureLog.verify} reports. */
export interface DisclosureVerification {
  ok: boolean;
  persons: number;
  records: number;
  problems: DisclosureProblem[];
}

/** Options for {@link DisclosureLog.list}. */
export interface ListDisclosuresOptions {
  /** 1-500, default 50. */
  limit?: number;
  /** Only records with a smaller seq: the next page after a page whose last record had this seq. */
  beforeSeq?: number;
}

/** The append-only disclosure log, one hash chain per person (see README.md). */
export interface DisclosureLog {
  /** Appends a record to the person's chain; durable when it resolves, and safe against appends from other processes. */
  append(input: NewDisclosure): Promise<DisclosureRecord>;
  /** A person's records, newest first. */
  list(personId: string, options?: ListDisclosuresOptions): Promise<DisclosureRecord[]>;
  /** Number of records, of one person or of everyone. */
  count(personId?: string): Promise<number>;
  /** Recomputes every hash and checks links, seq contiguity and heads, of one person or of everyone. */
  verify(personId?: string): Promise<DisclosureVerification>;
}

/** Options for {@link createDisclosureLog}. */
export interface DisclosureLogOptions {
  /** Clock for records appended without `at`; tests freeze it. */
  now?: () => Date;
}

const MAX_ATTEMPTS = 20;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const VERIFY_PAGE = 1000;

// Errors that mean another writer got there first (or held the lock): re-read the head and try again.
// 23505 unique_violation, 40001 serialization_failure (our head guard on PostgreSQL), 40P01 deadlock_detected;
// SQLITE_CONSTRAINT_TRIGGER is the head guard on SQLite.
const CONTENTION_CODES = new Set([
  '23505',
  '40001',
  '40P01',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_LOCKED',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_TRIGGER',
]);

/** The disclosure log on a database migrated with `migrateConsents`. */
export function createDisclosureLog(database: HubDatabase<any>, options: DisclosureLogOptions = {}): DisclosureLog {
  const clock = options.now ?? (() => new Date());
  if (typeof clock !== 'function') throw new TypeError('createDisclosureLog: option "now" must be a function');
  const db = database.db as Kysely<ConsentTables>;
  // Appends for one person from this process wait for each other, so that contention (and retries) is only ever
  // between processes. It is an optimisation: correctness comes from the database's unique key and head guard.
  const tails = new Map<string, Promise<unknown>>();
  // The head this process last wrote for a person: the first guess of the next append, which saves reading it back.
  // Only a guess: should another process have moved the head since, the trigger refuses the record and the head is
  // read from the database as usual. Appends of one person are queued above, so this process's guess is never stale.
  const lastHeads = new LruCache<string, { seq: number; hash: string }>(10_000);
  // The insert on every partner answer, compiled once; each record's values go in the order of ROW_COLUMNS.
  const standIns = ROW_COLUMNS.map((column) => `$${column}`);
  const insertRecord = compiledOnce(db.insertInto('disclosures').values(Object.fromEntries(ROW_COLUMNS.map((column, i) => [column, standIns[i]])) as never), standIns);

  function queued<T>(personId: string, task: () => Promise<T>): Promise<T> {
    const run = (tails.get(personId) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    tails.set(personId, tail);
    void tail.then(() => {
      if (tails.get(personId) === tail) tails.delete(personId);
    });
    return run;
  }

  async function appendNow(input: Omit<DisclosureRecord, 'id' | 'seq' | 'prevHash' | 'hash'>): Promise<DisclosureRecord> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const guessed = lastHeads.get(input.personId);
      const head = guessed ?? (await db.selectFrom('disclosure_heads').select(['seq', 'hash']).where('person_id', '=', input.personId).executeTakeFirst());
      // Ids ordered by the time of writing: each append lands at the right edge of the id index (lib/timeOrderedId.ts).
      const partial = { ...input, id: timeOrderedId(Date.now()), seq: head ? Number(head.seq) + 1 : 1, prevHash: head?.hash ?? GENESIS_HASH };
      const hash = disclosureHash({ ...partial, at: input.at.getTime() });
      try {
        // One statement: the record and (by trigger, see migrations.ts) the head commit together or not at all.
        const row = toRow({ ...partial, hash });
        await insertRecord(database, ROW_COLUMNS.map((column) => row[column]));
        lastHeads.set(input.personId, { seq: partial.seq, hash });
        return { ...partial, fields: [...input.fields], hash };
      } catch (error) {
        lastHeads.delete(input.personId);
        if (!CONTENTION_CODES.has(String((error as { code?: unknown }).code))) throw error;
        lastError = error;
        // A stale guess is not contention: read the head at once.
        if (!guessed) await sleep(Math.random() * Math.min(5 * attempt, 50));
      }
    }
    throw new HubError('DISCLOSURE_UNAVAILABLE', 'The disclosure could not be recorded', { cause: lastError });
  }

  return {
    async append(input) {
      const method = 'append';
      if (typeof input !== 'object' || input === null) throw new TypeError(`${method}: the disclosure must be an object`);
      const record = {
        personId: requireString(method, 'personId', input.personId),
        clientId: requireString(method, 'clientId', input.clientId),
        clientName: requireString(method, 'clientName', input.clientName),
        consentId: requireString(method, 'consentId', input.consentId),
        purpose: requireString(method, 'purpose', input.purpose),
        fields: fieldList(method, input.fields),
        requestId: requireString(method, 'requestId', input.requestId),
        at: validDate(method, 'at', input.at ?? clock()),
      };
      return queued(record.personId, () => appendNow(record));
    },

    async list(personId, options = {}) {
      const method = 'list';
      requireString(method, 'personId', personId);
      const limit = options.limit ?? DEFAULT_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new TypeError(`${method}: option "limit" must be an integer from 1 to ${MAX_LIMIT}`);
      }
      let query = db.selectFrom('disclosures').selectAll().where('person_id', '=', personId);
      if (options.beforeSeq !== undefined) {
        if (!Number.isInteger(options.beforeSeq) || options.beforeSeq < 1) throw new TypeError(`${method}: option "beforeSeq" must be a positive integer`);
        query = query.where('seq', '<', options.beforeSeq);
      }
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(fromRow);
    },

    async count(personId) {
      let query = db.selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n'));
      if (personId !== undefined) query = query.where('person_id', '=', requireString('count', 'personId', personId));
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n); // pg returns count(*) as a string
    },

    async verify(personId) {
      if (personId !== undefined) requireString('verify', 'personId', personId);
      const problems: DisclosureProblem[] = [];
      let persons = 0;
      let records = 0;
      // Heads of the persons on the current page (null: none stored); dropped as each person is finished.
      const heads = new Map<string, { seq: number; hash: string } | null>();
      let chain: { personId: string; seq: number; hash: string } | undefined;

      const finish = (done: { personId: string; seq: number; hash: string }): void => {
        persons += 1;
        const head = heads.get(done.personId);
        // The head is written with each record, so a missing, stale or foreign head means records went (or came) later.
        if (!head || head.seq !== done.seq || head.hash !== done.hash) problems.push({ personId: done.personId, seq: done.seq, reason: 'HEAD_MISMATCH' });
        heads.delete(done.personId);
      };

      // Keyset pages in chain order, so memory stays bounded however long the log is.
      let after: { personId: string; seq: number } | undefined;
      for (;;) {
        let query = db.selectFrom('disclosures').selectAll();
        if (personId !== undefined) query = query.where('person_id', '=', personId);
        if (after) {
          const { personId: lastPerson, seq: lastSeq } = after;
          query = query.where((eb) => eb.or([eb('person_id', '>', lastPerson), eb.and([eb('person_id', '=', lastPerson), eb('seq', '>', lastSeq)])]));
        }
        const rows = await query.orderBy('person_id').orderBy('seq').limit(VERIFY_PAGE).execute();
        if (rows.length === 0) break;

        const unseen = [...new Set(rows.map((row) => row.person_id))].filter((id) => !heads.has(id));
        if (unseen.length > 0) {
          for (const id of unseen) heads.set(id, null);
          const found = await db.selectFrom('disclosure_heads').select(['person_id', 'seq', 'hash']).where('person_id', 'in', unseen).execute();
          for (const head of found) heads.set(head.person_id, { seq: Number(head.seq), hash: head.hash });
        }

        for (const row of rows) {
          if (chain?.personId !== row.person_id) {
            if (chain) finish(chain);
            chain = { personId: row.person_id, seq: 0, hash: GENESIS_HASH };
          }
          records += 1;
          const seq = Number(row.seq);
          if (seq > chain.seq + 1) {
            // A gap explains the broken link after it, so it is reported once, at the first missing seq.
            problems.push({ personId: row.person_id, seq: chain.seq + 1, reason: 'MISSING_RECORD' });
          } else if (seq !== chain.seq + 1 || row.prev_hash !== chain.hash) {
            problems.push({ personId: row.person_id, seq, reason: 'BROKEN_LINK' });
          }
          if (recomputedHash(row) !== row.hash) problems.push({ personId: row.person_id, seq, reason: 'HASH_MISMATCH' });
          chain = { personId: row.person_id, seq, hash: row.hash };
        }
        const last = rows[rows.length - 1]!;
        after = { personId: last.person_id, seq: Number(last.seq) };
        if (rows.length < VERIFY_PAGE) break;
      }
      if (chain) finish(chain);

      // A head whose records are all gone.
      let orphans = db
        .selectFrom('disclosure_heads as h')
        .select(['h.person_id', 'h.seq'])
        .where((eb) => eb.not(eb.exists(eb.selectFrom('disclosures as d').select('d.id').whereRef('d.person_id', '=', 'h.person_id'))));
      if (personId !== undefined) orphans = orphans.where('h.person_id', '=', personId);
      for (const head of await orphans.orderBy('h.person_id').execute()) {
        persons += 1;
        problems.push({ personId: head.person_id, seq: Number(head.seq), reason: 'HEAD_MISMATCH' });
      }
      return { ok: problems.length === 0, persons, records, problems };
    },
  };
}

/** The columns an append writes, in the order of the compiled insert's values (`pos` is the database's to set). */
const ROW_COLUMNS = ['id', 'person_id', 'seq', 'client_id', 'client_name', 'consent_id', 'purpose', 'fields', 'request_id', 'at', 'prev_hash', 'hash'] as const;

function toRow(record: DisclosureRecord): Required<Pick<DisclosuresTable, (typeof ROW_COLUMNS)[number]>> {
  return {
    id: record.id,
    person_id: record.personId,
    seq: record.seq,
    client_id: record.clientId,
    client_name: record.clientName,
    consent_id: record.consentId,
    purpose: record.purpose,
    fields: JSON.stringify(record.fields),
    request_id: record.requestId,
    at: record.at.getTime(),
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

function fromRow(row: DisclosuresTable): DisclosureRecord {
  return {
    id: row.id,
    personId: row.person_id,
    seq: Number(row.seq),
    clientId: row.client_id,
    clientName: row.client_name,
    consentId: row.consent_id,
    purpose: row.purpose,
    fields: JSON.parse(row.fields) as string[],
    requestId: row.request_id,
    at: new Date(Number(row.at)),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The hash over a row's stored columns; undefined for a row that cannot even be read back (bad JSON, bad number). */
export function recomputedHash(row: DisclosuresTable): string | undefined {
  try {
    const record = fromRow(row);
    return disclosureHash({ ...record, at: record.at.getTime() });
  } catch {
    return undefined;
  }
}

// Messages name the option only: values may be personal data.
function requireString(method: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${method}: option "${name}" must be a non-empty string`);
  return value;
}

function validDate(method: string, name: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${method}: option "${name}" must be a valid Date`);
  return new Date(value.getTime());
}

function fieldList(method: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((field) => typeof field === 'string' && field.length > 0)) {
    throw new TypeError(`${method}: option "fields" must be an array of non-empty strings`);
  }
  return [...(value as string[])];
}
