/**
 * `npm run verify-disclosures [-- --database-url <url>] [--full]`: checks the disclosure hash chains and prints a
 * one-line summary, then one line per problem. By default only the records appended since the last checkpoint (the
 * first run, and `--full`, check everything); a run that finds everything intact writes a checkpoint. Exit codes:
 * 0 intact, 1 problems found, 2 bad arguments, 3 the log could not be read.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { readConsentDatabaseUrl } from '../lib/config.js';
import { checkDisclosures, type DisclosureCheck } from '../lib/consents/disclosureCheckpoints.js';
import { createDisclosureLog } from '../lib/consents/disclosureLog.js';
import { scrub } from '../lib/logger.js';
import { openDatabase, type HubDatabase } from '../lib/storage/database.js';

const USAGE = 'usage: npm run verify-disclosures [-- --database-url <url>] [--full]';

/** The migration that gives records and heads their positions; without it there are no checkpoints. */
const CHECKPOINT_MIGRATION = '0004_head_positions';

function usageError(message: string): number {
  process.stderr.write(`verify-disclosures: ${message}\n${USAGE}\n`);
  return 2;
}

async function main(): Promise<number> {
  let values: { 'database-url'?: string; full?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: { 'database-url': { type: 'string' }, full: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let url: string;
  try {
    url = values['database-url'] ?? readConsentDatabaseUrl(process.env);
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (!/^(postgres(ql)?:\/\/|sqlite:).+/.test(url)) return usageError('--database-url must be postgres://… or sqlite:<path>');

  // No migration, and no new SQLite file: a check must not create a database it was pointed at by mistake.
  if (url.startsWith('sqlite:') && !existsSync(url.slice('sqlite:'.length))) {
    process.stderr.write('verify-disclosures: could not read the disclosure log: no SQLite file at that path\n');
    return 3;
  }
  const database = openDatabase<any>({ url });
  try {
    const lines: string[] = [];
    let result: DisclosureCheck;
    if (await checkpointsMigrated(database)) {
      result = await checkDisclosures(database, { full: values.full === true });
    } else {
      // A database an older hub wrote, not migrated yet: a full check as before, and nowhere to keep a checkpoint.
      result = { mode: 'full', ...(await createDisclosureLog(database).verify()) };
      lines.push('verify-disclosures: no checkpoints in this database (not migrated: npm run migrate); verified in full');
    }
    // Person ids are pseudonyms (p_…); nothing else of a record is printed.
    const counts = `${result.records} records of ${result.persons} persons, ${result.problems.length} problems`;
    lines.unshift(result.since
      ? `verify-disclosures: incremental since checkpoint ${result.since.id} at ${result.since.at.toISOString()}: ${counts}`
      : `verify-disclosures: full: ${counts}`);
    for (const problem of result.problems) lines.push(`${problem.personId} seq ${problem.seq ?? '-'}: ${problem.reason}`);
    if (result.written) lines.push(`verify-disclosures: checkpoint ${result.written.id} written`);
    if (result.since) lines.push('verify-disclosures: records older than the checkpoint were not re-read; an edit of one is found by --full');
    process.stdout.write(`${lines.join('\n')}\n`);
    return result.ok ? 0 : 1;
  } catch (error) {
    // Only the message, scrubbed: never the URL, which may hold a password.
    process.stderr.write(`verify-disclosures: could not read the disclosure log: ${scrub(error instanceof Error ? error.message : String(error))}\n`);
    return 3;
  } finally {
    await database.close();
  }
}

async function checkpointsMigrated(database: HubDatabase<any>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from consents_migration where name = ${CHECKPOINT_MIGRATION}`.execute(database.db);
    return rows.length === 1;
  } catch {
    return false; // no migration table at all: not a migrated consent database
  }
}

process.exitCode = await main();
