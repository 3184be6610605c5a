import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { openDatabase } from '../lib/storage/database.js';
import { isRequestQueue } from './corpus.js';
import type { CorrectionExample } from './trainRouter.js';

/** Where corrections come from when no URL is given (the requests store's SQLite default). */
export const DEFAULT_CORRECTIONS_SQLITE = '.hub/requests.sqlite';

/**
 * The requests database to read corrections from: `--corrections-database-url`, else REQUESTS_DATABASE_URL, else
 * DATABASE_URL, else the default SQLite file when it exists; undefined means there are no corrections to read.
 */
export function correctionsDatabaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  for (const candidate of [flag, env.REQUESTS_DATABASE_URL, env.DATABASE_URL]) {
    if (candidate !== undefined && candidate.trim() !== '') return candidate;
  }
  const path = `${cwd}/${DEFAULT_CORRECTIONS_SQLITE}`;
  return existsSync(path) ? `sqlite:${path}` : undefined;
}

/** What reading corrections found: the examples and how many rows were left out, and why. */
export interface CorrectionsRead {
  corrections: CorrectionExample[];
  skipped: { unknownQueue: number; heldOut: number; empty: number };
  /** Why nothing was read (no database, no table), for the command's report; never holds a text. */
  note?: string;
}

/**
 * Reads caseworkers' moves from `request_corrections` (text, to_queue, at) in a stable order (at, then text), so
 * training stays deterministic. A text that is in the held-out file is left out: training never sees held-out
 * data. A missing database or table means no corrections.
 */
export async function readCorrections(url: string | undefined, heldOutTexts: ReadonlySet<string>): Promise<CorrectionsRead> {
  const empty = { unknownQueue: 0, heldOut: 0, empty: 0 };
  if (url === undefined) return { corrections: [], skipped: empty, note: 'no requests database found' };
  if (!/^postgres(ql)?:\/\//.test(url)) {
    const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
    // openDatabase would create a missing SQLite file; a missing file simply has no corrections.
    if (path !== ':memory:' && !existsSync(path)) return { corrections: [], skipped: empty, note: 'the requests database file does not exist' };
  }
  let database;
  try {
    database = openDatabase<any>({ url, maxConnections: 1 });
  } catch {
    return { corrections: [], skipped: empty, note: 'the requests database cannot be opened' };
  }
  try {
    let rows: Array<{ text: unknown; to_queue: unknown; at: unknown }>;
    try {
      rows = (await sql<{ text: unknown; to_queue: unknown; at: unknown }>`select text, to_queue, at from request_corrections`.execute(database.db)).rows;
    } catch {
      return { corrections: [], skipped: empty, note: 'the requests database has no request_corrections table' };
    }
    const skipped = { ...empty };
    const sorted = rows
      .map((row) => ({ text: typeof row.text === 'string' ? row.text : '', queue: String(row.to_queue ?? '').toLowerCase(), at: row.at instanceof Date ? row.at.toISOString() : String(row.at ?? '') }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    const corrections: CorrectionExample[] = [];
    for (const row of sorted) {
      if (row.text.trim() === '') skipped.empty += 1;
      else if (!isRequestQueue(row.queue)) skipped.unknownQueue += 1;
      else if (heldOutTexts.has(row.text)) skipped.heldOut += 1;
      else corrections.push({ text: row.text, queue: row.queue });
    }
    return { corrections, skipped };
  } finally {
    await database.close();
  }
}
