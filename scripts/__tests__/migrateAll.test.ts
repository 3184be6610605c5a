import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createLogger } from '../../lib/logger.js';
import { openDatabase } from '../../lib/storage/database.js';
import { migrateAll } from '../migrateAll.js';

const quiet = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('migrateAll (npm run migrate, the migration Job)', () => {
  it('creates every register table, the consent and authorization server tables, the requests tables and the web sessions, and runs again as a no-op', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hub-migrate-'));
    try {
      const env = { HUB_MODE: 'dev', HUB_HOME: home };
      expect(await migrateAll(env, quiet)).toEqual(['population', 'tax', 'vehicles', 'education', 'consent', 'requests', 'portal', 'console']);
      expect(await migrateAll(env, quiet)).toHaveLength(8);
      for (const [file, minimum] of [['population', 1], ['tax', 1], ['vehicles', 1], ['education', 1], ['consent', 3], ['requests', 3], ['portal', 1], ['console', 1]] as const) {
        const database = openDatabase<any>({ url: `sqlite:${join(home, `${file}.sqlite`)}` });
        const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(database.db);
        await database.close();
        expect(rows.length).toBeGreaterThan(minimum);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses to guess a database in production mode', async () => {
    await expect(migrateAll({ HUB_MODE: 'production' }, quiet)).rejects.toThrow('POPULATION_DATABASE_URL or DATABASE_URL must be set in production mode');
  });
});
