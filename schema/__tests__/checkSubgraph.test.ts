import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from '../../gateway/trustedDocuments.js';
import { REPO_ROOT } from '../../lib/subgraphRegistry.js';
import { checkSubgraphCli } from '../../tests/support/checkSubgraphCli.js';

// `npm run check-subgraph` on proposed tax schemas written to a temporary folder; the real tree is never changed.

const dir = mkdtempSync(join(tmpdir(), 'check-subgraph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TAX = readFileSync(join(REPO_ROOT, 'subgraphs/tax/schema.graphql'), 'utf8');

function proposal(name: string, edit: (sdl: string) => string): string {
  const changed = edit(TAX);
  if (changed === TAX) throw new Error(`${name}: the edit changed nothing`);
  const file = join(dir, `${name}.graphql`);
  writeFileSync(file, changed);
  return file;
}

describe('npm run check-subgraph -- tax --schema <file>', () => {
  it('a rename that breaks demo-bank\'s registered operation: exit 1, one line per affected client and operation', async () => {
    const file = proposal('rename', (sdl) => sdl.replace('  earnedIncome: Float!', '  earnedIncomeEuros: Float!'));
    const { code, stdout } = await checkSubgraphCli(['tax', '--schema', file]);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines).toContain('demo-bank BankPrefill: stops validating: Cannot query field "earnedIncome" on type "TaxAssessment". Did you mean "earnedIncomeEuros"?');
    expect(lines.filter((l) => /^citizen-portal Portal\w+: stops validating/.test(l)).length).toBeGreaterThan(0);
    expect(stdout).toMatch(/ {2}BREAKING +TaxAssessment\.earnedIncome: Field 'earnedIncome' was removed from object type 'TaxAssessment' \(used by [^)]*demo-bank\/BankPrefill/);
    expect(stdout).toMatch(/ {2}SAFE +TaxAssessment\.earnedIncomeEuros: /);
    expect(lines.at(-2)).toMatch(/^result: FAIL \(\d+ registered operation\(s\) would break\)$/);
  }, 60_000);

  it('a removal no registered operation uses: reported as dangerous, exit 0', async () => {
    // Demo Bank alone is registered here: nothing it runs selects taxDebt.
    const documents = join(dir, 'bank-only');
    mkdirSync(documents);
    writeFileSync(join(documents, 'demo-bank.json'), readFileSync(join(DEFAULT_TRUSTED_DOCUMENTS_DIR, 'demo-bank.json')));
    const file = proposal('unused-removal', (sdl) => sdl.replace(/ {2}"Tax debt in the register[^\n]*\n {2}taxDebt: [^\n]*\n/, ''));
    const { code, stdout } = await checkSubgraphCli(['tax', '--schema', file], { ...process.env, TRUSTED_DOCUMENTS_DIR: documents });
    expect(stdout).toMatch(/ {2}DANGEROUS +Person\.taxDebt: Field 'taxDebt' was removed from object type 'Person' \(breaking, but no registered operation uses it\)/);
    expect(stdout).toContain('registered operations: 1 checked, 0 affected');
    expect(stdout).toContain('result: PASS');
    expect(code).toBe(0);
    // The same removal against every client's operations breaks the portal.
    const all = await checkSubgraphCli(['tax', '--schema', file]);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^citizen-portal PortalMyData: stops validating: Cannot query field "taxDebt" on type "Person"/m);
  }, 60_000);

  it('an added field is safe: exit 0', async () => {
    const file = proposal('added', (sdl) => sdl.replace('type Person @key(fields: "id") {', 'type Person @key(fields: "id") {\n  "Whether a refund is due for the last tax year."\n  taxRefundDue: Boolean @requiresScopes(scopes: [["tax:income"]])'));
    const { code, stdout } = await checkSubgraphCli(['tax', '--schema', file]);
    expect(stdout).toContain('changes against schema/supergraph.graphql: 0 breaking, 0 dangerous, 2 safe');
    expect(stdout).toMatch(/ {2}SAFE +Person\.taxRefundDue: Field 'taxRefundDue' was added to object type 'Person'/);
    expect(stdout).toContain('result: PASS');
    expect(code).toBe(0);
  }, 60_000);

  it('a policy violation: exit 1 with the rule broken', async () => {
    const file = proposal('policy', (sdl) => sdl.replace('type Person @key(fields: "id") {', 'type Person @key(fields: "id") {\n  taxOfficeNote: String @authenticated'));
    const { code, stdout } = await checkSubgraphCli(['tax', '--schema', file]);
    expect(code).toBe(1);
    expect(stdout).toContain('policy: FAILED');
    expect(stdout).toContain('[tax] Person.taxOfficeNote: is guarded by @authenticated alone');
  }, 60_000);

  it('a composition error: exit 1 with the composer\'s message', async () => {
    const file = proposal('composition', (sdl) => sdl.replace(/taxUpdatedAt: String @requiresScopes/, 'populationUpdatedAt: Int @requiresScopes'));
    const { code, stdout } = await checkSubgraphCli(['tax', '--schema', file]);
    expect(code).toBe(1);
    expect(stdout).toContain('composition: FAILED');
    expect(stdout).toMatch(/Person\.populationUpdatedAt/);
  }, 60_000);

  it('--json: a report for CI bots', async () => {
    const file = proposal('json', (sdl) => sdl.replace('  earnedIncome: Float!', '  earnedIncomeEuros: Float!'));
    const { code, stdout } = await checkSubgraphCli(['tax', '--schema', file, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).sort()).toEqual(['changes', 'composition', 'ok', 'operations', 'register', 'schema']);
    expect(report).toMatchObject({ register: 'tax', schema: file, ok: false, composition: { ok: true, code: null, errors: [] } });
    expect(report.changes).toEqual(expect.arrayContaining([{
      level: 'BREAKING', type: 'FIELD_REMOVED', path: 'TaxAssessment.earnedIncome', unused: false,
      message: "Field 'earnedIncome' was removed from object type 'TaxAssessment'",
      usedBy: expect.arrayContaining([{ client: 'demo-bank', operation: 'BankPrefill' }]),
    }]));
    expect(report.operations.checked).toBeGreaterThan(1);
    expect(report.operations.affected).toEqual(expect.arrayContaining([{
      client: 'demo-bank', operation: 'BankPrefill', changes: ['TaxAssessment.earnedIncome'],
      errors: ['Cannot query field "earnedIncome" on type "TaxAssessment". Did you mean "earnedIncomeEuros"?'],
    }]));
  }, 60_000);

  it('misuse exits 2: an unknown register, an unreadable file', async () => {
    expect((await checkSubgraphCli(['taxes'])).code).toBe(2);
    const missing = await checkSubgraphCli(['tax', '--schema', join(dir, 'nope.graphql')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
  }, 60_000);
});
