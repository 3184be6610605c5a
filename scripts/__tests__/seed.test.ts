import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { freshPostgresDatabase } from '../../tests/support/postgres.js';

const script = new URL('../seed.ts', import.meta.url).pathname;

function seed(...args: string[]): { status: number | null; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), 'hub-seed-'));
  try {
    const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, HUB_HOME: home, HUB_MODE: 'dev' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('npm run seed', () => {
  it('refuses bad arguments with a clear message and exit code 2', () => {
    for (const args of [['--persons', 'many'], ['--unknown'], ['--database-url', 'mysql://x']]) {
      const { status, stderr } = seed(...args);
      expect({ args, status }).toEqual({ args, status: 2 });
      expect(stderr).toMatch(/^seed: [\s\S]+\nusage: npm run seed/);
    }
  });

  it('seeds a SQLite database and reports progress on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-seed-db-'));
    try {
      const { status, stderr } = seed('--persons', '50', '--database-url', `sqlite:${join(dir, 'all.sqlite')}`, '--reference-date', '2025-06-15');
      expect(status).toBe(0);
      expect(stderr).toContain('seed: 100% (60/60 persons');
      expect(stderr).not.toMatch(/\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/); // no identity code in the output
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bulk loads PostgreSQL and says when it builds the indexes', async () => {
    const fresh = await freshPostgresDatabase();
    if (!fresh) return; // freshPostgresDatabase has warned loudly (and throws instead with CI=true)
    try {
      const { status, stderr } = seed('--persons', '50', '--database-url', fresh.url, '--reference-date', '2025-06-15');
      expect(status).toBe(0);
      expect(stderr).toMatch(/seed: 100% \(60\/60 persons[^\n]*\nseed: building indexes \([\d.]+ s\)\nseed: 60 persons/);
    } finally {
      await fresh.drop();
    }
  });
});
