/**
 * The consent-scale part's databases and its flatness measurement. `ensureConsentScaleDatabase` seeds (or reuses,
 * by the marker `npm run seed-consents` leaves) a PostgreSQL consent database of 10M consents and 50M disclosures;
 * `emptyConsentDatabase` makes its empty twin; `measureFlatness` times a disclosure append and the citizen's
 * newest-first page on a database. Run alone, it prints the flatness of the empty and the big database side by side:
 * `node --import tsx bench/consentScale.ts [--samples N] [--consents N --disclosures N]`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openConsentRecords } from '../lib/consents/index.js';
import { ROOT } from './processes.js';
import { databaseUrl, readAdminUrl } from './scaleDatabases.js';

/** The consent database of `consents` consents: hub_bench_consents_10m for 10,000,000. */
export function consentScaleDatabaseName(consents: number): string {
  if (consents >= 1_000_000 && consents % 1_000_000 === 0) return `hub_bench_consents_${consents / 1_000_000}m`;
  if (consents >= 1000 && consents % 1000 === 0) return `hub_bench_consents_${consents / 1000}k`;
  return `hub_bench_consents_${consents}`;
}

async function createIfMissing(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
}

/** The seeded consent database (created if missing); `npm run seed-consents` reuses a complete seed, its progress on our stderr. */
export async function ensureConsentScaleDatabase(options: { adminUrl: string; consents: number; disclosures: number; env: NodeJS.ProcessEnv; reseed?: boolean }): Promise<{ name: string; url: string; seconds: number }> {
  const name = consentScaleDatabaseName(options.consents);
  await createIfMissing(options.adminUrl, name);
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

/** An empty consent database (hub_bench_consents_empty), emptied again at every call so each run starts alike. */
export async function emptyConsentDatabase(adminUrl: string): Promise<string> {
  const name = 'hub_bench_consents_empty';
  await createIfMissing(adminUrl, name);
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
    return { disclosures: await records.disclosures.count(), append_p50_ms: median(appendMs), page_p50_ms: median(pageMs), samples };
  } finally {
    await records.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(3));
}

/** The consent-scale target: partner p50 on the big database within 1.2x of the empty one's, both from one run. */
export function consentScaleTarget(emptyP50: number | undefined, bigP50: number | undefined): { id: string; description: string; measured: string; met: boolean | null } {
  return {
    id: 'p50-partner-consent-scale',
    description: 'hub p50 on partner with 10M consents / 50M disclosures <= 1.2x with an empty consent database (PostgreSQL)',
    measured: emptyP50 && bigP50 ? `${bigP50.toFixed(2)} ms vs ${emptyP50.toFixed(2)} ms = ${(bigP50 / emptyP50).toFixed(2)}x` : 'not measured',
    met: emptyP50 && bigP50 ? bigP50 <= 1.2 * emptyP50 : null,
  };
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
