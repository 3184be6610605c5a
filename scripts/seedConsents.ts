/**
 * `npm run seed-consents -- --database-url <postgres url> [--consents N] [--disclosures N] [--persons N] [--seed S]
 * [--workers N] [--replace]`: fills a PostgreSQL consent database with synthetic consents and disclosure hash chains
 * (default 10,000,000 and 50,000,000), with a progress bar on stderr. A complete seed leaves a marker table, and the
 * same command on the same database then reuses it at once; an interrupted one is redone. Exit 0 done or reused,
 * 1 failed, 2 bad arguments (or a database holding consents this command did not write, without --replace).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { readMode } from '../lib/config.js';
import { migrateConsents } from '../lib/consents/migrations.js';
import { scrub } from '../lib/logger.js';
import { openDatabase } from '../lib/storage/database.js';
import type { ConsentSeedSize } from './consentSeedData.js';
import type { ConsentSeedWorkerData } from './consentSeedWorker.js';
import { progressReporter } from './progressReporter.js';

const USAGE = 'usage: npm run seed-consents -- --database-url <postgres://…> [--consents N] [--disclosures N] [--persons N] [--seed S] [--workers N] [--replace]';

/** The table a complete seed leaves behind; its row says which seed the database holds. */
export const CONSENT_SEED_MARKER = 'hub_consent_seed';

const TABLES = ['consents', 'disclosures', 'disclosure_heads'];
const BLOCK_PERSONS = 1000;

class UsageError extends Error {}

interface Settings extends ConsentSeedSize {
  url: string;
  workers: number;
  replace: boolean;
}

function wholeNumber(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number of at least ${min}`);
  return n;
}

function parse(argv: string[]): Settings | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'database-url': { type: 'string' }, consents: { type: 'string' }, disclosures: { type: 'string' }, persons: { type: 'string' },
        seed: { type: 'string' }, workers: { type: 'string' }, replace: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const url = values['database-url'] as string | undefined;
  if (!url || !/^postgres(ql)?:\/\/.+/.test(url)) throw new UsageError('--database-url must be a postgres://… URL (the seeder writes PostgreSQL only)');
  const consents = wholeNumber('consents', values.consents as string | undefined, 10_000_000);
  const disclosures = wholeNumber('disclosures', values.disclosures as string | undefined, 50_000_000);
  // About four consents and twenty disclosures a person by default.
  const persons = wholeNumber('persons', values.persons as string | undefined, Math.max(1, Math.ceil(consents / 4)), 1);
  if (disclosures > 0 && consents < persons) throw new UsageError('--consents must be at least --persons (each disclosure names a consent of its person)');
  const workers = wholeNumber('workers', values.workers as string | undefined, Math.min(2, availableParallelism()), 1);
  const seed = (values.seed as string | undefined) ?? 'bench';
  return { url, consents, disclosures, persons, seed, workers, replace: values.replace === true };
}

/**
 * A fingerprint of what the rows depend on: the record hash and the generator. Not the schema: later migrations
 * bring a seeded database forward when a gateway opens it, as they do a production one.
 */
function schemaFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of ['../lib/consents/disclosureHash.ts', '../lib/timeOrderedId.ts', './consentSeedData.ts']) hash.update(readFileSync(new URL(file, import.meta.url)));
  return hash.digest('hex').slice(0, 16);
}

async function markerMatches(client: pg.Client, settings: Settings, fingerprint: string): Promise<boolean> {
  const table = await client.query('select 1 from information_schema.tables where table_name = $1', [CONSENT_SEED_MARKER]);
  if (table.rowCount === 0) return false;
  const { rows } = await client.query(`select consents, disclosures, persons, seed, schema_fingerprint, complete from ${CONSENT_SEED_MARKER}`);
  const row = rows[0] as Record<string, string | boolean> | undefined;
  return rows.length === 1 && row !== undefined && row.complete === true && Number(row.consents) === settings.consents && Number(row.disclosures) === settings.disclosures &&
    Number(row.persons) === settings.persons && row.seed === settings.seed && row.schema_fingerprint === fingerprint;
}

/**
 * True when the database holds consent records that no run of this command wrote (an operator's real data). The
 * marker is written before the first record, so a seed that was interrupted is known as ours and redone.
 */
async function holdsForeignRecords(client: pg.Client): Promise<boolean> {
  const marker = await client.query('select 1 from information_schema.tables where table_name = $1', [CONSENT_SEED_MARKER]);
  if (marker.rowCount !== 0) return false;
  const { rows } = await client.query(`select table_name from information_schema.tables where table_schema = 'public' and table_name in ('consents', 'disclosures')`);
  for (const { table_name: table } of rows as { table_name: string }[]) {
    if ((await client.query(`select 1 from ${table} limit 1`)).rowCount !== 0) return true;
  }
  return false;
}

/** Runs the workers; resolves when every block is written. */
function load(settings: Settings, onRecords: (n: number) => void): Promise<void> {
  const size: ConsentSeedSize = { consents: settings.consents, disclosures: settings.disclosures, persons: settings.persons, seed: settings.seed };
  return new Promise((resolve, reject) => {
    let running = settings.workers;
    const workers: Worker[] = [];
    for (let worker = 0; worker < settings.workers; worker += 1) {
      const data: ConsentSeedWorkerData = { url: settings.url, size, blockPersons: BLOCK_PERSONS, worker, workers: settings.workers };
      const thread = new Worker(new URL('./consentSeedWorker.ts', import.meta.url), { workerData: data });
      workers.push(thread);
      thread.on('message', (m: { consents: number; disclosures: number }) => onRecords(m.consents + m.disclosures));
      thread.once('error', (error) => {
        for (const other of workers) void other.terminate();
        reject(error);
      });
      thread.once('exit', (code) => {
        running -= 1;
        if (code !== 0) reject(new Error(`a seeding worker exited with ${code}`));
        else if (running === 0) resolve();
      });
    }
  });
}

async function seed(settings: Settings, fingerprint: string, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: settings.url });
  await client.connect();
  try {
    // Start from nothing: a half-written seed (no marker) or another size is thrown away whole.
    await client.query(`drop table if exists ${CONSENT_SEED_MARKER}, disclosure_checkpoints, disclosures, disclosure_heads, consents, dpop_proofs, rate_limits, consents_migration, consents_migration_lock cascade`);
    await client.query('drop function if exists disclosures_advance_head() cascade');
    const database = openDatabase<any>({ url: settings.url });
    try {
      await migrateConsents(database.db);
    } finally {
      await database.close();
    }
    // Bulk load without indexes or the head trigger (heads are written in bulk), then build the indexes once:
    // several times faster than maintaining them row by row. Their definitions come from the migrated schema.
    const { rows: constraints } = await client.query(
      `select conname, conrelid::regclass::text as table_name, pg_get_constraintdef(oid) as def from pg_constraint
        where contype in ('p', 'u') and conrelid::regclass::text = any($1)`, [TABLES]);
    const { rows: indexes } = await client.query(
      `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = any($1)
        and indexname not in (select conname from pg_constraint where contype in ('p', 'u'))`, [TABLES]);
    // The marker first (not complete): should this run be interrupted, the next one knows the records as its own.
    await client.query(`create table ${CONSENT_SEED_MARKER} (consents bigint not null, disclosures bigint not null, persons bigint not null,
      seed text not null, schema_fingerprint text not null, complete boolean not null default false, seeded_at timestamptz not null default now())`);
    await client.query(`insert into ${CONSENT_SEED_MARKER} (consents, disclosures, persons, seed, schema_fingerprint) values ($1, $2, $3, $4, $5)`, [
      settings.consents, settings.disclosures, settings.persons, settings.seed, fingerprint,
    ]);
    for (const c of constraints) await client.query(`alter table ${c.table_name} drop constraint ${c.conname}`);
    for (const i of indexes) await client.query(`drop index ${i.indexname}`);
    await client.query('alter table disclosures disable trigger disclosures_advance_head');

    const total = settings.consents + settings.disclosures;
    const progress = progressReporter(process.stderr, 'seed-consents', 'records');
    let done = 0;
    progress(0, total);
    await load(settings, (n) => {
      done += n;
      progress(done, total);
    });

    log('seed-consents: building indexes ...');
    const started = Date.now();
    await client.query(`set maintenance_work_mem = '512MB'`);
    for (const c of constraints) await client.query(`alter table ${c.table_name} add constraint ${c.conname} ${c.def}`);
    for (const i of indexes) await client.query(i.indexdef);
    await client.query('alter table disclosures enable trigger disclosures_advance_head');
    log(`seed-consents: indexes built in ${((Date.now() - started) / 1000).toFixed(1)} s; vacuum analyze ...`);
    // Vacuumed now, not by autovacuum in the middle of a later measurement; also sets the visibility map.
    for (const table of TABLES) await client.query(`vacuum analyze ${table}`);
    await client.query(`update ${CONSENT_SEED_MARKER} set complete = true, seeded_at = now()`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  let settings: Settings | 'help';
  try {
    if (readMode(process.env) === 'production') throw new UsageError('refused in production mode: it replaces the consent records');
    settings = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`seed-consents: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (settings === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const what = `${settings.consents.toLocaleString('en')} consents, ${settings.disclosures.toLocaleString('en')} disclosures of ${settings.persons.toLocaleString('en')} persons (seed "${settings.seed}")`;
  const fingerprint = schemaFingerprint();
  try {
    const client = new pg.Client({ connectionString: settings.url });
    await client.connect();
    try {
      if (!settings.replace && (await markerMatches(client, settings, fingerprint))) {
        process.stdout.write(`seed-consents: reused: the database already holds ${what}\n`);
        return 0;
      }
      if (!settings.replace && (await holdsForeignRecords(client))) {
        process.stderr.write('seed-consents: the database holds consent records this command did not write; --replace to overwrite them\n');
        return 2;
      }
    } finally {
      await client.end();
    }
    const started = Date.now();
    await seed(settings, fingerprint, log);
    process.stdout.write(`seed-consents: seeded ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (error) {
    // Only the message, scrubbed: never the URL, which may hold a password.
    process.stderr.write(`seed-consents: failed: ${scrub(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

process.exitCode = await main();
