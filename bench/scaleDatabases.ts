import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { REGISTERS } from '../lib/config.js';
import { ROOT } from './processes.js';

/** The PostgreSQL server of the scale part: `BENCH_DATABASE_URL`, else the local server as the tests use it. */
export function readAdminUrl(env: NodeJS.ProcessEnv): string {
  return env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The database holding `persons` generated persons: hub_bench_1k, hub_bench_100k, hub_bench_1m. */
export function scaleDatabaseName(persons: number): string {
  if (persons >= 1_000_000 && persons % 1_000_000 === 0) return `hub_bench_${persons / 1_000_000}m`;
  if (persons >= 1000 && persons % 1000 === 0) return `hub_bench_${persons / 1000}k`;
  return `hub_bench_${persons}`;
}

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Whether the server answers at all (the scale part is skipped, and says so, when it does not). */
export async function postgresAvailable(adminUrl: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** What identifies a seeded database: if all of it matches, the database is reused as it is. */
export interface SeedIdentity {
  readonly persons: number;
  readonly seed: string;
  /** A fingerprint of the pseudonym key (the persons' ids depend on it), never the key. */
  readonly keyFingerprint: string;
  /** A fingerprint of the registers' migrations: a changed schema means a reseed. */
  readonly schemaFingerprint: string;
}

/** The identity of a seed of `persons` persons with `seed` under the pseudonym key `key`. */
export function seedIdentity(persons: number, seed: string, key: Buffer): SeedIdentity {
  const schema = createHash('sha256');
  for (const register of REGISTERS) schema.update(readFileSync(join(ROOT, 'subgraphs', register, 'migrations.ts')));
  return {
    persons,
    seed,
    keyFingerprint: createHash('sha256').update('bench-key').update(key).digest('hex').slice(0, 16),
    schemaFingerprint: schema.digest('hex').slice(0, 16),
  };
}

/** The marker table the bench writes after a complete seed (and drops before reseeding). */
const MARKER = 'hub_bench_seed';

/** What {@link ensureScaleDatabase} did. */
export interface ScaleDatabase {
  readonly persons: number;
  readonly name: string;
  readonly url: string;
  readonly reused: boolean;
  readonly seedSeconds: number;
}

/**
 * A database on the server seeded with `identity.persons` persons by `npm run seed`: reused when its marker
 * says it already holds exactly that seed (so a second run skips the minutes a million persons take), else
 * created if missing, and seeded (which migrates and clears the registers first).
 */
export async function ensureScaleDatabase(options: {
  adminUrl: string;
  identity: SeedIdentity;
  env: Record<string, string | undefined>;
  reseed: boolean;
  log: (line: string) => void;
}): Promise<ScaleDatabase> {
  const { adminUrl, identity } = options;
  const name = scaleDatabaseName(identity.persons);
  const url = databaseUrl(adminUrl, name);
  await createDatabaseIfMissing(adminUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (!options.reseed && (await markerMatches(client, identity))) {
      options.log(`scale: ${name} already holds ${identity.persons.toLocaleString('en')} persons (seed "${identity.seed}"): reused`);
      return { persons: identity.persons, name, url, reused: true, seedSeconds: 0 };
    }
    await client.query(`drop table if exists ${MARKER}`);
  } finally {
    await client.end();
  }
  options.log(`scale: seeding ${name} with ${identity.persons.toLocaleString('en')} persons (npm run seed) ...`);
  const started = Date.now();
  await runSeed(identity, url, options.env);
  const seedSeconds = (Date.now() - started) / 1000;
  const marker = new pg.Client({ connectionString: url });
  await marker.connect();
  try {
    await marker.query(`create table ${MARKER} (persons bigint not null, seed text not null, key_fingerprint text not null, schema_fingerprint text not null, seeded_at timestamptz not null default now())`);
    await marker.query(`insert into ${MARKER} (persons, seed, key_fingerprint, schema_fingerprint) values ($1, $2, $3, $4)`, [
      identity.persons, identity.seed, identity.keyFingerprint, identity.schemaFingerprint,
    ]);
  } finally {
    await marker.end();
  }
  options.log(`scale: ${name} seeded in ${seedSeconds.toFixed(1)} s`);
  return { persons: identity.persons, name, url, reused: false, seedSeconds };
}

async function markerMatches(client: pg.Client, identity: SeedIdentity): Promise<boolean> {
  const table = await client.query('select 1 from information_schema.tables where table_name = $1', [MARKER]);
  if (table.rowCount === 0) return false;
  const rows = await client.query(`select persons, seed, key_fingerprint, schema_fingerprint from ${MARKER}`);
  const row = rows.rows[0] as { persons: string; seed: string; key_fingerprint: string; schema_fingerprint: string } | undefined;
  return rows.rowCount === 1 && row !== undefined && Number(row.persons) === identity.persons && row.seed === identity.seed &&
    row.key_fingerprint === identity.keyFingerprint && row.schema_fingerprint === identity.schemaFingerprint;
}

/** `npm run seed -- --persons N --seed S --database-url URL`, its progress shown on our stderr. */
function runSeed(identity: SeedIdentity, url: string, env: Record<string, string | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'seed', '--', '--persons', String(identity.persons), '--seed', identity.seed, '--database-url', url], {
      cwd: ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run seed exited with ${String(code)} for ${url}`))));
  });
}

/** Creates the database `name` on the server of `adminUrl` unless it exists. */
export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
}
