import { readFileSync } from 'node:fs';
import { isCaseQueue, type CaseQueue } from '../schema/caseScopes.js';

/** A dev caseworker persona (data/caseworkers.json). */
export interface Caseworker {
  readonly id: string;
  readonly name: string;
  readonly queue: CaseQueue;
}

const FILE = new URL('../data/caseworkers.json', import.meta.url);
const ID = /^cw-[a-z0-9-]{1,60}$/;

/** The committed caseworker personas, validated: unique ids shaped `cw-...`, a known queue each. */
export function loadCaseworkers(): readonly Caseworker[] {
  const raw = JSON.parse(readFileSync(FILE, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new TypeError('data/caseworkers.json must be an array');
  const seen = new Set<string>();
  return Object.freeze(raw.map((entry: Partial<Caseworker> | null, index) => {
    const where = `data/caseworkers.json[${index}]`;
    if (typeof entry?.id !== 'string' || !ID.test(entry.id) || seen.has(entry.id)) throw new TypeError(`${where}: "id" must be a unique id like "cw-tax-1"`);
    if (typeof entry.name !== 'string' || entry.name.trim() === '') throw new TypeError(`${where}: "name" is missing`);
    if (!isCaseQueue(entry.queue)) throw new TypeError(`${where}: "queue" must be population, tax, vehicles, education or triage`);
    seen.add(entry.id);
    return Object.freeze({ id: entry.id, name: entry.name, queue: entry.queue });
  }));
}
