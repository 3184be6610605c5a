/**
 * The consent-scale part's databases and its flatness measurement. `ensureConsentScaleDatabase` seeds (or reuses,
 * by the marker `npm run seed-consents` leaves) a PostgreSQL consent database of 10M consents and 50M disclosures;
 * `emptyConsentDatabase` makes its empty twin; `measureFlatness` times a disclosure append and the citizen's
 * newest-first page on a database; `prepareConsentScaleDatabases`, `startConsentScaleHubs` and `consentScaleTokens` are
 * what `bench/run.ts` uses of it (one hub gateway per consent database). Run alone, it prints the flatness of the empty and the big database side by side:
 * `node --import tsx bench/consentScale.ts [--samples N] [--consents N --disclosures N]`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openConsentRecords } from '../lib/consents/index.js';
import { token } from './harness.js';
import { readyz, ROOT, startService, type ChildService } from './processes.js';
import { createDatabaseIfMissing, databaseUrl, readAdminUrl } from './scaleDatabases.js';

/** The consent database of `consents` consents: hub_bench_consents_10m for 10,000,000. */
export function consentScaleDatabaseName(consents: number): string {
  if (consents >= 1_000_000 && consents % 1_000_000 === 0) return `hub_bench_consents_${consents / 1_000_000}m`;
  if (consents >= 1000 && consents % 1000 === 0) return `hub_bench_consents_${consents / 1000}k`;
  return `hub_bench_consents_${consents}`;
}

/** The seeded consent database (created if missing); `npm run seed-consents` reuses a complete seed, its progress on our stderr. */
export async function ensureConsentScaleDatabase(options: { adminUrl: string; consents: number; disclosures: number; env: NodeJS.ProcessEnv; reseed?: boolean }): Promise<{ name: string; url: string; seconds: number }> {
  const name = consentScaleDatabaseName(options.consents);
  await createDatabaseIfMissing(options.adminUrl, name);
  const url = databaseUrl(options.adminUrl, name);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const args = ['run', '--silent', 'seed-consents', '--', '--database-url', url, '--consents', String(options.consents), '--disclosures', String(options.disclosures), ...(options.reseed ? ['--replace'] : [])];
    const child = spawn('npm', args, { cwd: ROOT, env: options.env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run seed-consents exited with ${String(code)}`))));
  });
  return { name, url, seconds: (Date.now() - started) / 1000 };
}

/** The empty consent database's name. */
export const EMPTY_CONSENT_DATABASE = 'hub_bench_consents_empty';

/** An empty consent database (hub_bench_consents_empty), emptied again at every call so each run starts alike. */
export async function emptyConsentDatabase(adminUrl: string): Promise<string> {
  const name = EMPTY_CONSENT_DATABASE;
  await createDatabaseIfMissing(adminUrl, name);
  const url = databaseUrl(adminUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop schema public cascade');
    await client.query('create schema public');
  } finally {
    await client.end();
  }
  return url;
}

/** Medians of the two operations whose flatness the part checks, in milliseconds. */
export interface Flatness {
  disclosures: number;
  append_p50_ms: number;
  page_p50_ms: number;
  samples: number;
}

/**
 * Times `samples` appends (each to a person with a history when there is one, as a partner's read would) and as
 * many newest-first pages (50 records, then the next page by `beforeSeq`), one at a time, through the log's own code.
 */
export async function measureFlatness(url: string, samples: number): Promise<Flatness> {
  const records = await openConsentRecords(url);
  try {
    const { rows } = await sql<{ person_id: string }>`select person_id from disclosure_heads order by person_id limit ${samples}`.execute(records.database.db);
    const persons = rows.length > 0 ? rows.map((row) => row.person_id) : Array.from({ length: samples }, (_, i) => `p_bench_flat_${i}`);
    const appendMs: number[] = [];
    const pageMs: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const personId = persons[i % persons.length]!;
      let started = performance.now();
      await records.disclosures.append({ personId, clientId: 'demo-bank', clientName: 'Demo Bank', consentId: randomUUID(), purpose: 'Flatness', fields: ['Person.lastName'], requestId: randomUUID() });
      appendMs.push(performance.now() - started);
      started = performance.now();
      const page = await records.disclosures.list(personId, { limit: 50 });
      if (page.length === 50) await records.disclosures.list(personId, { limit: 50, beforeSeq: page[49]!.seq });
      pageMs.push(performance.now() - started);
    }
    return { disclosures: await disclosureCount(records), append_p50_ms: median(appendMs), page_p50_ms: median(pageMs), samples };
  } finally {
    await records.close();
  }
}

/** Exact below a million records; above, PostgreSQL's estimate (the seeder analyzes): counting 50M rows takes minutes. */
async function disclosureCount(records: Awaited<ReturnType<typeof openConsentRecords>>): Promise<number> {
  const { rows } = await sql<{ n: string }>`select greatest(reltuples, 0)::bigint as n from pg_class where relname = 'disclosures'`.execute(records.database.db);
  const estimate = Number(rows[0]?.n ?? 0);
  return estimate < 1_000_000 ? records.disclosures.count() : estimate;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(3));
}

/** The size (item 6 of issue 14): 10,000,000 consents and 50,000,000 disclosure records. */
export const CONSENT_SCALE_SIZE = { consents: 10_000_000, disclosures: 50_000_000 } as const;

/** One consent database of the part, as results/latest.json records it (without the URL). */
export interface ConsentScaleDatabase {
  name: string;
  url: string;
  /** What the seed holds: 0 and 0 for the empty database. The bench's own records (and earlier runs') come on top. */
  consents: number;
  disclosures: number;
  /** Seconds spent seeding, or checking that the seed is complete (0 for the empty database). */
  seedSeconds: number;
}

/**
 * The part's two databases, the empty one first: `hub_bench_consents_empty` (emptied) and the seeded one (seeded or
 * reused). The seeded one's expired DPoP proofs are purged, as the authorization server does in production, so
 * that earlier runs' rows do not pile up in it (no authorization server writes there).
 */
export async function prepareConsentScaleDatabases(options: { adminUrl: string; size: { consents: number; disclosures: number }; env: NodeJS.ProcessEnv; reseed: boolean }): Promise<ConsentScaleDatabase[]> {
  const seeded = await ensureConsentScaleDatabase({ adminUrl: options.adminUrl, ...options.size, env: options.env, reseed: options.reseed });
  const records = await openConsentRecords(seeded.url);
  try {
    await records.replay.purge();
  } finally {
    await records.close();
  }
  const empty = await emptyConsentDatabase(options.adminUrl);
  return [
    { name: EMPTY_CONSENT_DATABASE, url: empty, consents: 0, disclosures: 0, seedSeconds: 0 },
    { name: seeded.name, url: seeded.url, ...options.size, seedSeconds: Math.round(seeded.seconds * 10) / 10 },
  ];
}

/** {@link measureFlatness} on each database, one after the other, named. */
export async function measureFlatnessOf(databases: readonly ConsentScaleDatabase[], samples: number): Promise<({ name: string; consents: number } & Flatness)[]> {
  const out: ({ name: string; consents: number } & Flatness)[] = [];
  for (const db of databases) out.push({ name: db.name, consents: db.consents, ...(await measureFlatness(db.url, samples)) });
  return out;
}

/**
 * One hub gateway (one worker) per consent database, on `ports`: everything as the main hub's `env` (the same
 * registers, authorization server, keys and audience) but `CONSENT_DATABASE_URL`, so that only the consent
 * database differs between them.
 */
export function startConsentScaleHubs(databases: readonly ConsentScaleDatabase[], env: Record<string, string | undefined>, ports: readonly number[], logDir: string): Promise<ChildService[]> {
  return Promise.all(databases.map((db, i) => startService({
    name: `hub-gateway-${db.name}`,
    script: 'gateway/main.ts',
    env: { ...env, GATEWAY_WORKERS: '1', GATEWAY_PORT: String(ports[i]), CONSENT_DATABASE_URL: db.url },
    port: ports[i]!,
    logDir,
    ready: readyz,
  })));
}

/**
 * A partner token per database (`scripts/token.ts` with `tokenArgs`), its consent recorded in that database: each
 * gateway checks the token's consent id in its own consent database, so one token cannot serve both.
 */
export function consentScaleTokens(databases: readonly ConsentScaleDatabase[], env: Record<string, string | undefined>, tokenArgs: string[]): Promise<string[]> {
  return Promise.all(databases.map((db) => token({ ...env, CONSENT_DATABASE_URL: db.url }, tokenArgs)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { samples: { type: 'string' }, consents: { type: 'string' }, disclosures: { type: 'string' } } });
  const adminUrl = readAdminUrl(process.env);
  const samples = Number(values.samples ?? 200);
  const big = await ensureConsentScaleDatabase({ adminUrl, consents: Number(values.consents ?? 10_000_000), disclosures: Number(values.disclosures ?? 50_000_000), env: process.env });
  const empty = await emptyConsentDatabase(adminUrl);
  // Alternating, so that neither always runs on a colder or busier machine.
  const emptyResult = await measureFlatness(empty, samples);
  const bigResult = await measureFlatness(big.url, samples);
  process.stdout.write(`${JSON.stringify({ empty: emptyResult, big: { database: big.name, ...bigResult } }, null, 2)}\n`);
}
