/**
 * A worker thread of `npm run seed-consents`: generates its share of blocks of persons (scripts/consentSeedData.ts)
 * and writes each block with three multi-row statements on its own connection, reporting counts to the parent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { generateBlock, type ConsentSeedSize } from './consentSeedData.js';

/** What the parent hands each worker. */
export interface ConsentSeedWorkerData {
  url: string;
  size: ConsentSeedSize;
  /** Persons per block (one set of statements). */
  blockPersons: number;
  /** This worker takes blocks worker, worker + workers, …: the rows do not depend on who writes them. */
  worker: number;
  workers: number;
}

// unnest of column arrays: one statement per table per block, no per-row INSERT, no COPY (pg alone, no new dependency).
const INSERT_CONSENTS = `insert into consents (id, person_id, client_id, client_name, subject, purpose, scopes, granted_at, expires_at, revoked_at, grant_id)
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[])`;
const INSERT_DISCLOSURES = `insert into disclosures (id, person_id, seq, client_id, client_name, consent_id, purpose, fields, request_id, at, prev_hash, hash)
  select * from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[])`;
const INSERT_HEADS = `insert into disclosure_heads (person_id, seq, hash) select * from unnest($1::text[], $2::int[], $3::text[])`;

async function run(data: ConsentSeedWorkerData): Promise<void> {
  const client = new pg.Client({ connectionString: data.url });
  await client.connect();
  try {
    // A lost tail after a crash only means a reseed (the marker is written last), so durability per commit is not needed.
    await client.query('set synchronous_commit = off');
    const { persons } = data.size;
    for (let from = data.worker * data.blockPersons; from < persons; from += data.workers * data.blockPersons) {
      const block = generateBlock(data.size, from, Math.min(persons, from + data.blockPersons));
      const c = block.consents;
      const d = block.disclosures;
      const h = block.heads;
      await client.query('begin');
      await client.query(INSERT_CONSENTS, [c.id, c.person_id, c.client_id, c.client_name, c.subject, c.purpose, c.scopes, c.granted_at, c.expires_at, c.revoked_at, c.grant_id]);
      await client.query(INSERT_DISCLOSURES, [d.id, d.person_id, d.seq, d.client_id, d.client_name, d.consent_id, d.purpose, d.fields, d.request_id, d.at, d.prev_hash, d.hash]);
      await client.query(INSERT_HEADS, [h.person_id, h.seq, h.hash]);
      await client.query('commit');
      parentPort!.postMessage({ consents: c.id.length, disclosures: d.id.length });
    }
  } finally {
    await client.end();
  }
}

await run(workerData as ConsentSeedWorkerData);
