import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Env, HubMode } from '../lib/config.js';
import { isCaseQueue } from '../schema/caseScopes.js';
import { loadCaseworkers, type Caseworker } from '../requests/caseworkers.js';

/** A caseworker the authorization server may sign in: the dev persona's shape plus, from `CASEWORKERS_FILE`, the upstream identity. */
export interface DirectoryCaseworker extends Caseworker {
  /**
   * The `sub` claim of this caseworker's ID token at the upstream provider (`UPSTREAM_ISSUER`): the identifier
   * OpenID Connect guarantees stable and unique per issuer. Absent on the dev personas, which only the test login lists.
   */
  readonly upstreamSubject?: string;
}

/** The committed dev caseworker personas; refused in production mode (anyone can read who they are). */
export const DEV_CASEWORKERS_FILE = fileURLToPath(new URL('../data/caseworkers.json', import.meta.url));

const ID = /^cw-[a-z0-9-]{1,60}$/;
const VARIABLE = 'CASEWORKERS_FILE';

/**
 * Reads the caseworker directory once, at start: `CASEWORKERS_FILE` (a JSON array of `{ id, name, queue,
 * upstreamSubject }`), else in dev mode the committed personas of data/caseworkers.json, else (production without
 * the file) none, and the console's sign-in is refused. Any bad file is a TypeError naming the variable.
 */
export function loadCaseworkerDirectory(env: Env, mode: HubMode): readonly DirectoryCaseworker[] {
  const file = env[VARIABLE];
  if (!file) return mode === 'dev' ? loadCaseworkers() : [];
  if (mode === 'production' && sameFile(file, DEV_CASEWORKERS_FILE)) {
    throw new TypeError(`${VARIABLE} ${file} is the dev caseworker personas file: refused in production mode`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TypeError(`${VARIABLE} ${file} is not readable JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new TypeError(`${VARIABLE} ${file} must hold a JSON array of caseworkers`);
  const ids = new Set<string>();
  const subjects = new Set<string>();
  return Object.freeze(raw.map((entry: Record<string, unknown> | null, index) => {
    const fail = (what: string): never => {
      throw new TypeError(`${VARIABLE} ${file}[${index}]: ${what}`);
    };
    const { id, name, queue, upstreamSubject } = entry ?? {};
    if (typeof id !== 'string' || !ID.test(id) || ids.has(id)) fail('"id" must be a unique id like "cw-tax-1"');
    if (typeof name !== 'string' || name.trim() === '') fail('"name" is missing');
    if (!isCaseQueue(queue)) fail('"queue" must be population, tax, vehicles, education or triage');
    // Every entry of the file is for the upstream login: without its subject nobody could ever sign in as it.
    if (typeof upstreamSubject !== 'string' || upstreamSubject.length === 0 || upstreamSubject.length > 255 || subjects.has(upstreamSubject)) {
      fail('"upstreamSubject" must be the caseworker\'s unique `sub` at the upstream provider (1-255 characters)');
    }
    ids.add(id as string);
    subjects.add(upstreamSubject as string);
    return Object.freeze({ id: id as string, name: name as string, queue: queue as Caseworker['queue'], upstreamSubject: upstreamSubject as string });
  }));
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false; // an unreadable file is reported when it is read
  }
}
