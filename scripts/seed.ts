/**
 * `npm run seed -- --persons <N> [--seed <s>] [--database-url <url>] [--reference-date YYYY-MM-DD]`: generates
 * the personas and N synthetic persons into every register. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { readRegisterDatabaseUrl, REGISTERS, type Register } from '../lib/config.js';
import { loadSecret } from '../lib/keys.js';
import { scrub } from '../lib/logger.js';
import { PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../lib/personId.js';
import { openDatabase, type HubDatabase } from '../lib/storage/database.js';
import { MAX_GENERATED_PERSONS } from '../lib/synthetic/generatePersons.js';
import { seedRegisters } from '../lib/synthetic/seedAll.js';
import { REGISTER_SEEDERS } from './registerSeeders.js';
import { progressReporter } from './progressReporter.js';

const USAGE = 'usage: npm run seed -- --persons <N> [--seed <s>] [--database-url <url>] [--reference-date YYYY-MM-DD]';

/** Parsed command line of the seed command. */
interface SeedArguments {
  persons: number;
  seed: string;
  databaseUrl: string | undefined;
  referenceDate: string;
}

class UsageError extends Error {}

function parseArguments(argv: string[]): SeedArguments | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        persons: { type: 'string' },
        seed: { type: 'string' },
        'database-url': { type: 'string' },
        'reference-date': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const persons = values.persons === undefined ? 1000 : Number(values.persons);
  if (!/^\d+$/.test(values.persons ?? '1000') || !Number.isSafeInteger(persons) || persons > MAX_GENERATED_PERSONS) {
    throw new UsageError(`--persons must be a whole number from 0 to ${MAX_GENERATED_PERSONS}, got ${JSON.stringify(values.persons)}`);
  }
  const seed = values.seed ?? 'hub';
  if (seed === '') throw new UsageError('--seed must not be empty');
  const referenceDate = values['reference-date'] ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDate) || Number.isNaN(Date.parse(referenceDate))) {
    throw new UsageError(`--reference-date must be an ISO date (YYYY-MM-DD), got ${JSON.stringify(referenceDate)}`);
  }
  const databaseUrl = values['database-url'];
  if (databaseUrl !== undefined && !/^(postgres(ql)?:\/\/|sqlite:).+/.test(databaseUrl)) {
    throw new UsageError('--database-url must be postgres://… or sqlite:<path>');
  }
  return { persons, seed, databaseUrl, referenceDate };
}

function openDatabases(databaseUrl: string | undefined): { databases: Record<Register, HubDatabase<any>>; close(): Promise<void> } {
  // One connection pool per distinct URL: registers sharing a database (and SQLite files above all) share it.
  const byUrl = new Map<string, HubDatabase<any>>();
  const databases = {} as Record<Register, HubDatabase<any>>;
  for (const register of REGISTERS) {
    const url = databaseUrl ?? readRegisterDatabaseUrl(process.env, register);
    let database = byUrl.get(url);
    if (!database) {
      database = openDatabase<any>({ url });
      byUrl.set(url, database);
    }
    databases[register] = database;
  }
  return { databases, close: async () => void (await Promise.all([...byUrl.values()].map((d) => d.close()))) };
}

async function main(): Promise<number> {
  let args: SeedArguments | 'help';
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`seed: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { databases, close } = openDatabases(args.databaseUrl);
  const started = Date.now();
  try {
    const pseudonymKey = await loadSecret(process.env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
    const { persons } = await seedRegisters({
      databases,
      seeders: REGISTER_SEEDERS,
      persons: args.persons,
      seed: args.seed,
      referenceDate: args.referenceDate,
      pseudonymKey,
      onProgress: progressReporter(process.stderr, 'seed', 'persons'),
      onIndexing: () => process.stderr.write(`seed: building indexes (${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
    });
    process.stderr.write(`seed: ${persons} persons (personas included) in ${REGISTERS.length} registers in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (error) {
    // Only the message, scrubbed: a driver's error could otherwise carry register values.
    process.stderr.write(`seed: failed: ${scrub(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  } finally {
    await close();
  }
}

process.exitCode = await main();
