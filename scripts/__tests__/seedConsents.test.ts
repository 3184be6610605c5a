import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { timeOfOrderedId } from '../../lib/timeOrderedId.js';
import { freshPostgresDatabase, type FreshPostgresDatabase } from '../../tests/support/postgres.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const fresh = await freshPostgresDatabase();

function run(script: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}`, ...args], { cwd: ROOT, env: { ...process.env, HUB_MODE: 'dev' }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

(fresh ? describe : describe.skip)(`npm run seed-consents${fresh ? '' : ' (SKIPPED: no PostgreSQL available)'}`, () => {
  let target: FreshPostgresDatabase;
  beforeAll(() => {
    target = fresh!;
  });
  afterAll(async () => target?.drop());

  it('seeds exact counts of valid chains, reuses a complete seed, and refuses bad arguments', async () => {
    const seeded = run('seedConsents.ts', '--database-url', target.url, '--consents', '2000', '--disclosures', '10000');
    expect(seeded).toMatchObject({ status: 0, stdout: expect.stringMatching(/^seed-consents: seeded 2,000 consents, 10,000 disclosures of 500 persons/) });
    expect(seeded.stderr).toContain('seed-consents: 100% (12000/12000 records');
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      const counts = await client.query(`select (select count(*) from consents) as consents, (select count(*) from disclosures) as disclosures,
        (select count(*) from disclosure_heads) as heads, (select count(distinct client_id) from consents) as clients,
        (select count(*) from consents where revoked_at is not null) as revoked, (select count(*) from consents where revoked_at is null and expires_at < extract(epoch from now()) * 1000) as expired`);
      expect(counts.rows[0]).toMatchObject({ consents: '2000', disclosures: '10000', heads: '500', clients: '12' });
      expect(Number(counts.rows[0].revoked)).toBeGreaterThan(100);
      expect(Number(counts.rows[0].expired)).toBeGreaterThan(100);
      // Disclosure ids are time-ordered, as the log makes them, of each record's own time.
      const sample = await client.query('select id, at from disclosures order by random() limit 50');
      for (const row of sample.rows as { id: string; at: string }[]) expect(timeOfOrderedId(row.id)).toBe(Number(row.at));
    } finally {
      await client.end();
    }
    expect(run('verifyDisclosures.ts', '--database-url', target.url, '--full')).toMatchObject({ status: 0, stdout: expect.stringContaining('full: 10000 records of 500 persons, 0 problems') });
    expect(run('seedConsents.ts', '--database-url', target.url, '--consents', '2000', '--disclosures', '10000').stdout).toMatch(/^seed-consents: reused/);
    // A verification wrote a checkpoint, but the consents are this command's own: a different size reseeds.
    expect(run('seedConsents.ts', '--database-url', target.url, '--consents', '1000', '--disclosures', '0').status).toBe(0);
    // A seed interrupted before it completed (its marker says so) is this command's own: it is redone, no --replace.
    const interrupted = new pg.Client({ connectionString: target.url });
    await interrupted.connect();
    try {
      await interrupted.query('update hub_consent_seed set complete = false');
    } finally {
      await interrupted.end();
    }
    expect(run('seedConsents.ts', '--database-url', target.url, '--consents', '1000', '--disclosures', '0').stdout).toMatch(/^seed-consents: seeded 1,000 consents/);
    for (const args of [['--consents', '10'], ['--database-url', 'sqlite:x'], ['--database-url', target.url, '--consents', '10', '--persons', '20']]) {
      expect(run('seedConsents.ts', ...args).status).toBe(2);
    }
  }, 180_000);
});
