import { Worker } from 'node:worker_threads';
import type { DatabaseSync } from 'node:sqlite';

/** Options of {@link startBackgroundCheckpoints}. */
export interface BackgroundCheckpointOptions {
  /** How often the thread checkpoints; default 100 ms. */
  readonly intervalMs?: number;
  /**
   * The WAL size, in pages, at which the writing connection checkpoints by itself after all (SQLite's
   * `wal_autocheckpoint`), should the thread fall behind; default 10,000 pages (about 40 MB). SQLite's own default,
   * 1,000, is put back if the thread stops working.
   */
  readonly fallbackPages?: number;
}

/** The running checkpoint thread of one connection. */
export interface BackgroundCheckpoints {
  /** Ends the thread after a last checkpoint, closing its connection; resolves once it has exited. */
  stop(): Promise<void>;
}

/** SQLite's default `wal_autocheckpoint`, put back on the writing connection when the thread fails. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * The thread: its own connection to the file, a PASSIVE checkpoint on a timer (it copies what no reader still needs
 * from the WAL into the database and never waits for, nor blocks, a writer or a reader), and a last one on `stop`.
 * A checkpoint another connection is running at the same time is simply skipped (SQLite answers busy); any other
 * failure ends the thread and says so, and the writing connection goes back to checkpointing by itself.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let database;
try {
  database = new DatabaseSync(workerData.path, { timeout: 0 });
  database.exec('PRAGMA synchronous = NORMAL');
} catch (error) {
  parentPort.postMessage({ failed: String(error && error.code || 'open') });
  process.exit(0);
}
const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
function run() {
  try {
    checkpoint.get();
    return true;
  } catch (error) {
    if (error && error.errcode === 5) return true;
    parentPort.postMessage({ failed: String(error && (error.errstr || error.code) || 'checkpoint') });
    return false;
  }
}
const timer = setInterval(() => {
  if (!run()) stop();
}, workerData.intervalMs);
function stop() {
  clearInterval(timer);
  try { database.close(); } catch {}
  parentPort.close();
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  run();
  stop();
});
`;

/**
 * Moves a SQLite connection's WAL checkpoints onto a thread of their own. node:sqlite is synchronous, so a checkpoint
 * run by the writing connection (SQLite's auto-checkpoint, every 1,000 pages of WAL, at the end of some commit) stops
 * the event loop while it copies pages and waits for two `fsync`s: on the gateway's request path, that was about a
 * tenth of the main thread's time under the partner load. With the thread doing them, the writing connection's
 * commits only append to the WAL (`synchronous = NORMAL`: no `fsync` on commit), and it checkpoints by itself only
 * if the WAL outgrows `fallbackPages`. Durability is unchanged: a commit is as durable as before; a checkpoint only
 * moves committed pages from the WAL into the database file.
 */
export function startBackgroundCheckpoints(sqlite: DatabaseSync, path: string, options: BackgroundCheckpointOptions = {}): BackgroundCheckpoints {
  const intervalMs = options.intervalMs ?? 100;
  const fallbackPages = options.fallbackPages ?? 10_000;
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new TypeError(`startBackgroundCheckpoints: "intervalMs" must be a positive integer, got ${intervalMs}`);
  if (!Number.isInteger(fallbackPages) || fallbackPages <= 0) throw new TypeError(`startBackgroundCheckpoints: "fallbackPages" must be a positive integer, got ${fallbackPages}`);
  sqlite.exec(`PRAGMA wal_autocheckpoint = ${fallbackPages}`);
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { path, intervalMs } });
  // The thread never keeps a process alive: a process that ends without closing the database loses no commit.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  const checkpointInline = () => {
    if (!stopping && sqlite.isOpen) sqlite.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };
  worker.on('message', (message: { failed?: string }) => {
    if (message?.failed) checkpointInline();
  });
  worker.on('error', checkpointInline);
  worker.on('exit', checkpointInline);
  return {
    stop() {
      stopping = true;
      // Waiting for the thread to end must keep the process alive until it has.
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
