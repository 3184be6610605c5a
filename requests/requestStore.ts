import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { HubDatabase } from '../lib/storage/database.js';
import type { CaseQueue } from '../schema/caseScopes.js';
import type { RequestsTables } from './tables.js';

/** The life of a stored request (NOT_STORED exists only in answers: a health matter never becomes a record). */
export type StoredStatus = 'RECEIVED' | 'IN_PROGRESS' | 'WAITING_FOR_CITIZEN' | 'RESOLVED';
/** Who wrote a message. */
export type MessageAuthor = 'CITIZEN' | 'CASEWORKER';

/** A stored request. */
export interface RequestRecord {
  readonly id: string;
  readonly personId: string;
  readonly queue: CaseQueue;
  readonly status: StoredStatus;
  readonly text: string;
  readonly about: string | null;
  readonly language: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One message of a request's conversation. */
export interface MessageRecord {
  readonly requestId: string;
  readonly from: MessageAuthor;
  readonly at: Date;
  readonly text: string;
}

/** A caseworker's move, as the router's training reads it. */
export interface CorrectionRecord {
  readonly requestId: string;
  readonly text: string;
  readonly fromQueue: CaseQueue;
  readonly toQueue: CaseQueue;
  readonly at: Date;
  readonly caseworkerId: string;
}

/** A new request: already routed, validated and masked by the caller. */
export interface NewRequest {
  personId: string;
  queue: CaseQueue;
  text: string;
  about: string | null;
  language: string;
}

/** Who may touch a request: its own citizen, or a caseworker of one of these queues. */
export type RequestAccess = { readonly personId: string } | { readonly queues: readonly CaseQueue[]; readonly caseworkerId: string };

/** The outcome of {@link RequestStore.submit}: stored, or refused by the daily limit with when to try again. */
export type SubmitOutcome = { readonly stored: RequestRecord } | { readonly retryAfterSeconds: number };

/** Options of {@link createRequestStore}. */
export interface RequestStoreOptions {
  now?: () => Date;
  /** Stored requests one citizen may send in any 24 hours; default 20. */
  dailyLimit?: number;
}

const DAY_MS = 86_400_000;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A case number a citizen can read out on the phone: `R-` and ten Crockford base32 characters (50 random bits). */
export function newCaseNumber(): string {
  const bytes = randomBytes(10);
  let out = '';
  for (const byte of bytes) out += CROCKFORD[byte & 31];
  return `R-${out.slice(0, 5)}-${out.slice(5)}`;
}

/** True for something shaped like a case number (anything else is answered NOT_FOUND without a query). */
export function isCaseNumber(value: string): boolean {
  return /^R-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/.test(value);
}

type Db = Kysely<RequestsTables>;

/**
 * The requests store over SQLite or PostgreSQL. Every write is committed before it resolves (so an answer the
 * citizen saw survives `kill -9`), and every change of a request is conditional on who may touch it, in the same
 * statement: a caseworker of another queue, or another citizen, changes nothing and learns nothing.
 */
export function createRequestStore(database: HubDatabase<any>, options: RequestStoreOptions = {}) {
  const db = database.db as Db;
  const now = options.now ?? (() => new Date());
  const dailyLimit = options.dailyLimit ?? 20;
  if (!Number.isSafeInteger(dailyLimit) || dailyLimit <= 0) throw new TypeError(`createRequestStore: option "dailyLimit" must be a positive integer, got ${dailyLimit}`);

  /**
   * Runs `work` in a transaction that no other process can interleave for the same person: SQLite takes the write
   * lock at BEGIN IMMEDIATE (a deferred transaction would read the count and only then fight for the lock); PostgreSQL
   * takes a transaction-scoped advisory lock on `lockKey` (the person; a request). The daily limit is thereby exact
   * across processes, and a read-then-write never loses a race to another process.
   */
  async function serialized<T>(lockKey: string, work: (trx: Kysely<RequestsTables>) => Promise<T>): Promise<T> {
    if (database.engine === 'postgres') {
      return db.transaction().execute(async (trx: Transaction<RequestsTables>) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`requests:${lockKey}`}))`.execute(trx);
        return work(trx);
      });
    }
    return db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await work(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
    });
  }

  function where(access: RequestAccess) {
    return 'personId' in access
      ? (q: any) => q.where('person_id', '=', access.personId)
      : (q: any) => q.where('queue', 'in', access.queues.length > 0 ? [...access.queues] : ['-']);
  }

  async function find(id: string, access: RequestAccess, executor: Kysely<RequestsTables> = db): Promise<RequestRecord | undefined> {
    if (!isCaseNumber(id)) return undefined;
    const row = await where(access)(executor.selectFrom('requests').selectAll().where('id', '=', id)).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  return {
    /**
     * Stores a request unless the citizen has already stored `dailyLimit` in the last 24 hours; then says how many
     * seconds until the oldest of them leaves the window.
     */
    async submit(request: NewRequest): Promise<SubmitOutcome> {
      return serialized(`person:${request.personId}`, async (trx) => {
        const at = now();
        const since = new Date(at.getTime() - DAY_MS).toISOString();
        const recent = await trx
          .selectFrom('requests')
          .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('created_at').as('oldest')])
          .where('person_id', '=', request.personId)
          .where('created_at', '>', since)
          .executeTakeFirstOrThrow();
        if (Number(recent.count) >= dailyLimit) {
          const oldest = new Date(String(recent.oldest)).getTime();
          return { retryAfterSeconds: Math.max(1, Math.ceil((oldest + DAY_MS - at.getTime()) / 1000)) };
        }
        const row = {
          id: newCaseNumber(),
          person_id: request.personId,
          queue: request.queue,
          status: 'RECEIVED',
          text: request.text,
          about: request.about,
          language: request.language,
          created_at: at.toISOString(),
          updated_at: at.toISOString(),
        };
        await trx.insertInto('requests').values(row).execute();
        return { stored: toRecord(row) };
      });
    },

    /** The citizen's own requests, newest first. */
    async listForPerson(personId: string): Promise<RequestRecord[]> {
      const rows = await db.selectFrom('requests').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toRecord);
    },

    /** The requests of some queues, oldest first (the queue is worked in order of arrival); optionally one status. */
    async listForQueues(queues: readonly CaseQueue[], status?: StoredStatus): Promise<RequestRecord[]> {
      if (queues.length === 0) return [];
      let query = db.selectFrom('requests').selectAll().where('queue', 'in', [...queues]);
      if (status) query = query.where('status', '=', status);
      const rows = await query.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
      return rows.map(toRecord);
    },

    /** One request if `access` may see it; undefined when it does not exist or is not theirs (the same answer). */
    find,

    /** The messages of some requests, oldest first, grouped by request. */
    async messagesOf(requestIds: readonly string[]): Promise<Map<string, MessageRecord[]>> {
      const grouped = new Map<string, MessageRecord[]>(requestIds.map((id) => [id, []]));
      if (requestIds.length === 0) return grouped;
      const rows = await db.selectFrom('request_messages').selectAll().where('request_id', 'in', [...requestIds]).orderBy('at', 'asc').orderBy('id', 'asc').execute();
      for (const row of rows) {
        grouped.get(row.request_id)?.push({ requestId: row.request_id, from: row.author as MessageAuthor, at: new Date(row.at), text: row.text });
      }
      return grouped;
    },

    /** Adds a message and sets the status, if `access` may touch the request; returns the request as it now is. */
    async addMessage(id: string, access: RequestAccess, message: { from: MessageAuthor; text: string }, status: StoredStatus): Promise<RequestRecord | undefined> {
      if (!isCaseNumber(id)) return undefined;
      return db.transaction().execute(async (trx) => {
        const at = now().toISOString();
        const updated = await where(access)(trx.updateTable('requests').set({ status, updated_at: at }).where('id', '=', id)).executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return undefined;
        await trx.insertInto('request_messages').values({
          id: randomUUID(), request_id: id, author: message.from, author_id: 'caseworkerId' in access ? access.caseworkerId : null, at, text: message.text,
        }).execute();
        return find(id, access, trx);
      });
    },

    /** Sets the status, if `access` may touch the request. */
    async setStatus(id: string, access: RequestAccess, status: StoredStatus): Promise<RequestRecord | undefined> {
      if (!isCaseNumber(id)) return undefined;
      return db.transaction().execute(async (trx) => {
        const updated = await where(access)(trx.updateTable('requests').set({ status, updated_at: now().toISOString() }).where('id', '=', id)).executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return undefined;
        return find(id, access, trx);
      });
    },

    /**
     * Moves a request to another queue (status RECEIVED there), if `access` may touch it. A caseworker's move is
     * also kept as a labelled correction (the stored text and the queue a person chose) for the router's training;
     * the citizen's own "wrong place" is recorded as a move only. Moving to the queue it is in changes nothing.
     */
    async move(id: string, access: RequestAccess, toQueue: CaseQueue): Promise<RequestRecord | undefined> {
      if (!isCaseNumber(id)) return undefined;
      return serialized(`request:${id}`, async (trx) => {
        const current = await find(id, access, trx);
        if (!current) return undefined;
        if (current.queue === toQueue) return current;
        const at = now().toISOString();
        const updated = await where(access)(trx.updateTable('requests').set({ queue: toQueue, status: 'RECEIVED', updated_at: at }).where('id', '=', id).where('queue', '=', current.queue)).executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return undefined;
        const caseworkerId = 'caseworkerId' in access ? access.caseworkerId : null;
        await trx.insertInto('request_moves').values({
          id: randomUUID(), request_id: id, from_queue: current.queue, to_queue: toQueue, at, by: caseworkerId ? 'CASEWORKER' : 'CITIZEN', caseworker_id: caseworkerId,
        }).execute();
        if (caseworkerId) {
          await trx.insertInto('request_corrections').values({
            id: randomUUID(), request_id: id, text: current.text, from_queue: current.queue, to_queue: toQueue, at, caseworker_id: caseworkerId,
          }).execute();
        }
        return { ...current, queue: toQueue, status: 'RECEIVED', updatedAt: new Date(at) };
      });
    },

    /** Every caseworker's correction, oldest first (what `npm run train-router` adds to its training data). */
    async corrections(): Promise<CorrectionRecord[]> {
      const rows = await db.selectFrom('request_corrections').selectAll().orderBy('at', 'asc').orderBy('id', 'asc').execute();
      return rows.map((row) => ({
        requestId: row.request_id, text: row.text, fromQueue: row.from_queue as CaseQueue, toQueue: row.to_queue as CaseQueue, at: new Date(row.at), caseworkerId: row.caseworker_id,
      }));
    },

    /** Every move of one request, oldest first. */
    async movesOf(id: string): Promise<Array<{ fromQueue: string; toQueue: string; at: Date; by: string }>> {
      const rows = await db.selectFrom('request_moves').selectAll().where('request_id', '=', id).orderBy('at', 'asc').execute();
      return rows.map((row) => ({ fromQueue: row.from_queue, toQueue: row.to_queue, at: new Date(row.at), by: row.by }));
    },
  };
}

/** The store {@link createRequestStore} returns. */
export type RequestStore = ReturnType<typeof createRequestStore>;

function toRecord(row: RequestsTables['requests']): RequestRecord {
  return {
    id: row.id,
    personId: row.person_id,
    queue: row.queue as CaseQueue,
    status: row.status as StoredStatus,
    text: row.text,
    about: row.about,
    language: row.language,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
