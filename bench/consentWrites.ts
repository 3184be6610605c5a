/**
 * `node --import tsx bench/consentWrites.ts [--root DIR]... [--concurrency 1,4,10] [--requests N] [--rounds N]`: the
 * consent database's side of a partner's request, without HTTP, on a fresh SQLite file: the DPoP replay insert, the
 * two rate-limit counters, the consent read and the disclosure append, one after the other (the gateway reads the
 * consent before it counts; the order changes nothing measured here), with C requests at once (each for its own
 * person). Prints the process's CPU µs per request (user + system) and the wall-clock µs per request
 * for each tree (`--root`, default this one: a copy of another version to compare against, as `ab.ts --variant`) and
 * each concurrency, rounds side by side. See bench/README.md ("Group commit").
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConsentRecords } from '../lib/consents/index.js';
import { ROOT } from './processes.js';

const DISCLOSURE = { clientId: 'demo-bank', clientName: 'Demo Bank', consentId: 'bench-consent', purpose: 'Account opening', fields: ['Person.firstNames', 'Person.lastName', 'TaxAssessment.year'] };

/** One partner request's statements on the consent records. */
async function partnerRequest(records: ConsentRecords, person: string): Promise<void> {
  await records.replay.remember(randomUUID(), new Date(Date.now() + 60_000));
  await records.rateLimits.hitAll([{ key: 'client:demo-bank', limit: 1e9 }, { key: `person:${person}`, limit: 1e9 }], 60_000);
  await records.consents.activeConsent('bench-consent', 'demo-bank', 'bench-subject');
  await records.disclosures.append({ ...DISCLOSURE, personId: person, requestId: randomUUID() });
}

/** CPU and wall-clock µs per request of `requests` requests, `concurrency` at a time, after a round of warm-up. */
async function measure(root: string, concurrency: number, requests: number, rounds: number): Promise<Array<{ cpu: number; wall: number }>> {
  const { openConsentRecords } = (await import(pathToFileURL(join(root, 'lib/consents/index.ts')).href)) as typeof import('../lib/consents/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'hub-consent-writes-'));
  const records = await openConsentRecords(`sqlite:${join(dir, 'consent.sqlite')}`);
  try {
    const figures: Array<{ cpu: number; wall: number }> = [];
    for (let round = 0; round <= rounds; round += 1) {
      const startedAt = performance.now();
      const started = process.cpuUsage();
      for (let i = 0; i < requests / concurrency; i += 1) {
        await Promise.all(Array.from({ length: concurrency }, (_, slot) => partnerRequest(records, `person-${slot}`)));
      }
      const used = process.cpuUsage(started);
      // Wall time also counts what blocks the thread without using CPU (an fsync at a checkpoint, say).
      const wall = (performance.now() - startedAt) * 1000;
      if (round > 0) figures.push({ cpu: Math.round((used.user + used.system) / requests), wall: Math.round(wall / requests) });
    }
    return figures;
  } finally {
    await records.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { root: { type: 'string', multiple: true }, concurrency: { type: 'string' }, requests: { type: 'string' }, rounds: { type: 'string' } } });
  const roots = (values.root ?? [ROOT]).map((root) => resolve(root));
  const concurrencies = (values.concurrency ?? '1,4,10').split(',').map(Number);
  const requests = Number(values.requests ?? 4000);
  const rounds = Number(values.rounds ?? 3);
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1) || !Number.isInteger(requests) || requests < 1 || !Number.isInteger(rounds) || rounds < 1) {
    throw new TypeError('--concurrency takes positive integers, --requests and --rounds a positive integer');
  }
  for (const concurrency of concurrencies) {
    for (const root of roots) {
      const figures = await measure(root, concurrency, requests, rounds);
      const cpu = figures.map((f) => f.cpu).join(' / ');
      const wall = figures.map((f) => f.wall).join(' / ');
      process.stdout.write(`${root}  ${concurrency} at once: ${cpu} µs CPU per request; ${wall} µs of wall time per request\n`);
    }
  }
}

await main();
