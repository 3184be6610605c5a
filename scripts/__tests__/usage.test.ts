import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openConsentRecords } from '../../lib/consents/index.js';
import { REPO_ROOT } from '../../lib/subgraphRegistry.js';
import { freshPostgresDatabase, type FreshPostgresDatabase } from '../../tests/support/postgres.js';

// `npm run usage -- <register>` on a seeded disclosure log (SQLite, and PostgreSQL when one is there): per field,
// the registered operations that select it and the disclosures per client and month; never a person.

const run = promisify(execFile);
const PERSONS = ['p_usage_person_one', 'p_usage_person_two', 'p_usage_person_three'];
const SECRETS = [...PERSONS, 'Loan application purpose', 'req-usage-', 'consent-usage-', 'Demo Bank Oyj'];

/** Three clients' disclosures over three months, by three persons. */
async function seed(url: string): Promise<void> {
  const records = await openConsentRecords(url);
  try {
    let n = 0;
    const append = (personId: string, clientId: string, at: string, fields: string[]) => records.disclosures.append({
      personId, clientId, clientName: 'Demo Bank Oyj', consentId: `consent-usage-${clientId}`, purpose: 'Loan application purpose',
      fields, requestId: `req-usage-${n++}`, at: new Date(at),
    });
    const bank = ['Person.firstNames', 'Person.lastName', 'Person.address', 'Address.streetAddress', 'Person.taxAssessments', 'TaxAssessment.year', 'TaxAssessment.earnedIncome'];
    await append(PERSONS[0]!, 'demo-bank', '2026-09-30T23:59:59Z', bank);
    await append(PERSONS[1]!, 'demo-bank', '2026-10-01T00:00:00Z', bank);
    await append(PERSONS[2]!, 'demo-bank', '2026-10-15T12:00:00Z', ['Person.firstNames', 'Person.lastName']);
    await append(PERSONS[0]!, 'insure-co', '2026-11-02T08:00:00Z', ['Person.isAdult', 'Person.vehicles', 'Vehicle.make']);
    await append(PERSONS[1]!, 'insure-co', '2026-11-03T08:00:00Z', ['Person.isAdult']);
  } finally {
    await records.close();
  }
}

async function usage(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/usage.ts', ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const field = (report: any, name: string) => report.fields.find((f: any) => f.field === name);

describe('npm run usage on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-'));
  const url = `sqlite:${join(dir, 'consent.sqlite')}`;
  beforeAll(() => seed(url));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: per field, the operations that select it and disclosures per client and month (UTC)', async () => {
    const { code, stdout } = await usage(['population', '--database-url', url, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ register: 'population', since: null });
    expect(field(report, 'Person.firstNames')).toEqual({
      field: 'Person.firstNames',
      operations: expect.arrayContaining([{ client: 'demo-bank', operation: 'BankPrefill' }, { client: 'citizen-portal', operation: 'PortalMyData' }]),
      disclosures: [{ client: 'demo-bank', month: '2026-09', count: 1 }, { client: 'demo-bank', month: '2026-10', count: 2 }],
    });
    expect(field(report, 'Address.streetAddress').disclosures).toEqual([{ client: 'demo-bank', month: '2026-09', count: 1 }, { client: 'demo-bank', month: '2026-10', count: 1 }]);
    expect(field(report, 'Person.isAdult')).toEqual({
      field: 'Person.isAdult', operations: [{ client: 'citizen-portal', operation: 'PortalMyData' }],
      disclosures: [{ client: 'insure-co', month: '2026-11', count: 2 }],
    });
    expect(field(report, 'Person.maritalStatus').disclosures).toEqual([]);
    // Only the population register's fields; the key joining registers is not one.
    expect(field(report, 'Person.taxAssessments')).toBeUndefined();
    expect(field(report, 'Vehicle.make')).toBeUndefined();
    expect(field(report, 'Person.id')).toBeUndefined();
    for (const secret of SECRETS) expect(stdout).not.toContain(secret);
  }, 60_000);

  it('--since drops older disclosures; the text report says the same', async () => {
    const { code, stdout } = await usage(['tax', '--database-url', url, '--since', '2026-10-01']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('usage of the tax register\'s fields since 2026-10-01 (disclosures per client and month, UTC)');
    const at = lines.indexOf('TaxAssessment.earnedIncome');
    expect(lines.slice(at, at + 3)).toEqual([
      'TaxAssessment.earnedIncome',
      expect.stringMatching(/^ {2}operations: {2}.*demo-bank\/BankPrefill/),
      '  disclosures: demo-bank 1 (2026-10: 1)',
    ]);
    const debt = lines.indexOf('Person.taxDebt');
    expect(lines[debt + 2]).toBe('  disclosures: none');
    for (const secret of SECRETS) expect(stdout).not.toContain(secret);
  }, 60_000);

  it('refuses bad arguments (exit 2) and a missing log (exit 3) without creating it', async () => {
    expect((await usage(['nowhere', '--database-url', url])).code).toBe(2);
    expect((await usage(['tax', '--database-url', url, '--since', 'yesterday'])).code).toBe(2);
    const missing = await usage(['tax', '--database-url', `sqlite:${join(dir, 'none.sqlite')}`]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).not.toContain(dir);
  }, 60_000);
});

describe('npm run usage on PostgreSQL', () => {
  let database: FreshPostgresDatabase | null = null;
  beforeAll(async () => {
    database = await freshPostgresDatabase();
    if (database) await seed(database.url);
  }, 60_000);
  afterAll(async () => database?.drop());

  it('counts the same as on SQLite', async () => {
    if (!database) return;
    const { code, stdout } = await usage(['population', '--database-url', database.url, '--json', '--since', '2026-10-01']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(field(report, 'Person.firstNames').disclosures).toEqual([{ client: 'demo-bank', month: '2026-10', count: 2 }]);
    expect(field(report, 'Person.isAdult').disclosures).toEqual([{ client: 'insure-co', month: '2026-11', count: 2 }]);
    for (const secret of SECRETS) expect(stdout).not.toContain(secret);
  }, 60_000);
});
