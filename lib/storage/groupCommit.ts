import type { DatabaseSync } from 'node:sqlite';
import type { QueryResult } from 'kysely';
import { withSqliteErrorName } from './sqliteErrorCodes.js';

/** One write statement, ready to run on the connection: it throws as node:sqlite throws. */
export type WriteStatement = () => QueryResult<unknown>;

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions {
  /** The connection the writes run on. */
  readonly sqlite: DatabaseSync;
  /**
   * Runs a write when the connection is inside someone else's transaction at commit time (a Kysely transaction
   * between two awaits): through Kysely, which waits for that transaction to end, so a write never joins it.
   */
  readonly outsideTransaction: (write: WriteStatement) => Promise<QueryResult<unknown>>;
  /** When the waiting writes are committed; default `setImmediate`, right after this turn's I/O callbacks. */
  readonly schedule?: (flush: () => void) => void;
}

interface PendingWrite {
  readonly run: WriteStatement;
  readonly resolve: (result: QueryResult<unknown>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: the writes that callers start in the same turn of the event loop are committed together,
 * in one transaction, at the end of that turn. Each caller still learns of its write only once it is committed, and
 * each write still succeeds or fails alone: a write that breaks a constraint (or a trigger's `RAISE(ABORT)`) is
 * undone by SQLite on its own, the rest of the transaction stands (SQLite's ABORT conflict resolution). A failure
 * that ends the whole transaction (I/O, disk full) undoes the others too; they are then run again, each alone.
 *
 * Why: in WAL mode every commit writes each page it changed as a WAL frame (two `pwrite`s), takes and drops file
 * locks (`fcntl`) and now and then checkpoints, and a partner's request makes three commits (DPoP replay, rate limit,
 * disclosure). Requests served in the same turn change the same pages (the right edge of the time-ordered indexes,
 * the caller's counter), so one commit for all of them writes each page once.
 */
export function createGroupCommit(options: GroupCommitOptions) {
  const { sqlite, outsideTransaction } = options;
  const schedule = options.schedule ?? ((flush: () => void) => void setImmediate(flush));
  let pending: PendingWrite[] = [];

  function write(run: WriteStatement): Promise<QueryResult<unknown>> {
    return new Promise((resolve, reject) => {
      if (pending.length === 0) schedule(flush);
      pending.push({ run, resolve, reject });
    });
  }

  /** Commits every waiting write now (also what closing the database does first). */
  function flush(): void {
    const writes = pending;
    pending = [];
    if (writes.length === 0) return;
    if (!sqlite.isOpen) {
      for (const { reject } of writes) reject(new Error('The database was closed before the write could be committed'));
      return;
    }
    if (sqlite.isTransaction) {
      for (const { run, resolve, reject } of writes) outsideTransaction(run).then(resolve, reject);
      return;
    }
    if (writes.length === 1) {
      settleAlone(writes[0]!);
      return;
    }
    commitTogether(writes);
  }

  function commitTogether(writes: readonly PendingWrite[]): void {
    try {
      sqlite.exec('BEGIN IMMEDIATE');
    } catch (error) {
      // The write lock could not be had (another process held it past the busy timeout): as each write alone would,
      // with the code (SQLITE_BUSY) a caller retries on.
      for (const { reject } of writes) reject(withSqliteErrorName(error));
      return;
    }
    const outcomes: Array<{ write: PendingWrite; result?: QueryResult<unknown>; error?: unknown }> = [];
    for (const [i, write] of writes.entries()) {
      try {
        outcomes.push({ write, result: write.run() });
      } catch (error) {
        if (sqlite.isTransaction) {
          outcomes.push({ write, error });
          continue;
        }
        // The failure took the whole transaction with it: this write has its answer, the others start again alone.
        write.reject(error);
        for (const other of [...outcomes.map((outcome) => outcome.write), ...writes.slice(i + 1)]) settleAlone(other);
        return;
      }
    }
    try {
      sqlite.exec('COMMIT');
    } catch (error) {
      // Nothing of the batch is kept; this runs in a timer callback, so a failing ROLLBACK must not escape it.
      try {
        if (sqlite.isTransaction) sqlite.exec('ROLLBACK');
      } catch {
        // The connection ends the transaction itself when it is closed or reused.
      }
      for (const { reject } of writes) reject(withSqliteErrorName(error));
      return;
    }
    for (const { write, result, error } of outcomes) {
      if (result) write.resolve(result);
      else write.reject(error);
    }
  }

  function settleAlone(write: PendingWrite): void {
    try {
      write.resolve(write.run());
    } catch (error) {
      write.reject(error);
    }
  }

  return { write, flush };
}
