import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { HubError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { SUPERGRAPH_PATH } from '../../schema/compose.js';
import { scopeCatalogue } from '../../schema/scopes.js';
import { supergraphHash, supergraphVersion, watchSupergraph, type RegisteredOperation } from '../supergraphReloader.js';

// watchSupergraph() in-process with a stand-in build: what is validated, what is swapped, what is logged. The real
// gateway processes are in tests/supergraphReload.test.ts.

const COMMITTED = readFileSync(SUPERGRAPH_PATH, 'utf8');
const WITH_NEW_SCOPE = COMMITTED.replace('taxDebt: TaxDebt @join__field(graph: TAX) @requiresScopes(scopes: [["tax:debt"]])', 'taxDebt: TaxDebt @join__field(graph: TAX) @requiresScopes(scopes: [["tax:arrears"]])');

let dir: string;
let file: string;
let lines: any[];
let registered: RegisteredOperation[];
let refuse: Set<string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reloader-'));
  file = join(dir, 'supergraph.graphql');
  writeFileSync(file, COMMITTED);
  lines = [];
  registered = [{ clientId: 'demo-bank', name: 'BankPrefill', body: 'query BankPrefill { me { firstNames } }' }];
  refuse = new Set();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function watch() {
  const logger = createLogger({ service: 'gateway', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return watchSupergraph({
    path: file, intervalMs: 3_600_000, logger, registered: () => registered,
    build: (sdl, hash) => ({ hash, sdl }),
    // Stands in for the document cache: a registered body is refused when the test says so.
    validate: (served, body) => {
      if (refuse.has(body) && served.sdl !== COMMITTED) throw new HubError('GRAPHQL_VALIDATION_FAILED', 'Cannot query field');
    },
  });
}

describe('watchSupergraph', () => {
  it('swaps a changed supergraph in as one new object, and does nothing while the text is the same', () => {
    const source = watch();
    const first = source.current();
    expect(first.hash).toBe(supergraphHash(COMMITTED));
    expect(source.poll()).toBe(false);
    const next = `${COMMITTED}\n# republished\n`;
    writeFileSync(file, next);
    expect(source.poll()).toBe(true);
    expect(source.current()).not.toBe(first);
    expect(source.current().hash).toBe(supergraphHash(next));
    // What a request took before the swap is unchanged: it finishes on it.
    expect(first.sdl).toBe(COMMITTED);
    expect(lines.at(-1)).toMatchObject({ msg: 'supergraph reloaded', supergraph: 'supergraph.graphql', version: supergraphVersion(supergraphHash(next)) });
    source.stop();
  });

  it('refuses a supergraph a registered operation would not validate on, names it, logs once, keeps the one in service', () => {
    const source = watch();
    const next = `${COMMITTED}\n# breaks the bank\n`;
    refuse.add(registered[0]!.body);
    writeFileSync(file, next);
    expect(source.poll()).toBe(false);
    expect(source.poll()).toBe(false);
    expect(source.current().hash).toBe(supergraphHash(COMMITTED));
    const refusals = lines.filter((l) => l.msg === 'supergraph refused; the one in service stays');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 50, version: supergraphVersion(supergraphHash(next)), inService: supergraphVersion(supergraphHash(COMMITTED)) });
    expect(refusals[0].reason).toBe('registered operations would stop validating: demo-bank/BankPrefill (GRAPHQL_VALIDATION_FAILED)');
    source.stop();
  });

  it('checks the policy against the scope catalogue published beside it, and tries again when that changes', () => {
    writeFileSync(join(dir, 'scopes.json'), JSON.stringify(scopeCatalogue()));
    const source = watch();
    writeFileSync(file, WITH_NEW_SCOPE);
    expect(source.poll()).toBe(false);
    expect(lines.at(-1).reason).toContain('[supergraph] Person.taxDebt: scope "tax:arrears" is not in schema/scopes.json');
    // The scope is published next: the same supergraph is accepted at the next look.
    writeFileSync(join(dir, 'scopes.json'), JSON.stringify([...scopeCatalogue(), { scope: 'tax:arrears', register: 'tax', classification: 'personal', description: { fi: 'a', sv: 'b', en: 'c' } }]));
    expect(source.poll()).toBe(true);
    expect(source.current().hash).toBe(supergraphHash(WITH_NEW_SCOPE));
    source.stop();
  });

  it('will not start on a supergraph the policy refuses', () => {
    writeFileSync(file, COMMITTED.replace('taxUpdatedAt: String @join__field(graph: TAX) @requiresScopes(scopes: [["tax:income"], ["tax:debt"]])', 'taxUpdatedAt: String @join__field(graph: TAX) @authenticated'));
    expect(() => watch()).toThrow(/AUTHENTICATED_ONLY|guarded by @authenticated alone/);
  });
});
