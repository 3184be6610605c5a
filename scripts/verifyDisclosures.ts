/**
 * `npm run verify-disclosures [-- --database-url <url>]`: checks every person's disclosure hash chain and prints a
 * one-line summary, then one line per problem. Exit codes: 0 intact, 1 problems found, 2 bad arguments, 3 the log
 * could not be read.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConsentDatabaseUrl } from '../lib/config.js';
import { createDisclosureLog } from '../lib/consents/disclosureLog.js';
import { scrub } from '../lib/logger.js';
import { openDatabase } from '../lib/storage/database.js';

const USAGE = 'usage: npm run verify-disclosures [-- --database-url <url>]';

function usageError(message: string): number {
  process.stderr.write(`verify-disclosures: ${message}\n${USAGE}\n`);
  return 2;
}

async function main(): Promise<number> {
  let values: { 'database-url'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: { 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
    const result = await createDisclosureLog(database).verify();
    // Person ids are pseudonyms (p_…); nothing else of a record is printed.
    const lines = [`verify-disclosures: ${result.persons} persons, ${result.records} records, ${result.problems.length} problems`];
    for (const problem of result.problems) lines.push(`${problem.personId} seq ${problem.seq ?? '-'}: ${problem.reason}`);
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

process.exitCode = await main();
