import type { Kysely } from 'kysely';
import { migrateOidc } from '../consent/oidcMigrations.js';
import { readConsentDatabaseUrl, readRegisterDatabaseUrl, readRequestsDatabaseUrl, readServiceDatabaseUrl, type Env } from '../lib/config.js';
import { migrateConsents } from '../lib/consents/migrations.js';
import type { Logger } from '../lib/logger.js';
import { openDatabase } from '../lib/storage/database.js';
import { migrateWebSessions } from '../lib/web/sessionStore.js';
import { migrateRequests } from '../requests/migrations.js';
import { educationModule } from '../subgraphs/education/module.js';
import { populationModule } from '../subgraphs/population/module.js';
import { taxModule } from '../subgraphs/tax/module.js';
import { vehiclesModule } from '../subgraphs/vehicles/module.js';

/** A database the hub migrates: its name for the log, where it is, and what brings it up to date. */
interface MigrationTarget {
  readonly name: string;
  readonly url: string;
  readonly migrate: (db: Kysely<any>) => Promise<void>;
}

/**
 * Brings every database of the hub up to date, one after another: the four registers (`<REGISTER>_DATABASE_URL` or
 * `DATABASE_URL`) and the consent database (`CONSENT_DATABASE_URL` or `DATABASE_URL`: consents, disclosures, the
 * authorization server's state). What the Kubernetes migration Job runs before a rollout; each service also
 * migrates its own database at start, so a Job that did not run delays nothing but the first start.
 * Also the requests subgraph's database and the portal's and the console's sessions. A new service with a database
 * adds its target here.
 */
export async function migrateAll(env: Env, logger: Logger): Promise<string[]> {
  const targets: MigrationTarget[] = [
    ...[populationModule, taxModule, vehiclesModule, educationModule].map((module) => ({
      name: module.register,
      url: readRegisterDatabaseUrl(env, module.register),
      migrate: (db: Kysely<any>) => module.migrate(db),
    })),
    {
      name: 'consent',
      url: readConsentDatabaseUrl(env),
      migrate: async (db: Kysely<any>) => {
        await migrateConsents(db);
        await migrateOidc(db);
      },
    },
    { name: 'requests', url: readRequestsDatabaseUrl(env), migrate: migrateRequests },
    // The web apps' sessions (sealed; lib/web/sessionStore.ts).
    { name: 'portal', url: readServiceDatabaseUrl(env, 'PORTAL'), migrate: migrateWebSessions },
    { name: 'console', url: readServiceDatabaseUrl(env, 'CONSOLE'), migrate: migrateWebSessions },
  ];
  const done: string[] = [];
  for (const target of targets) {
    const started = Date.now();
    const database = openDatabase<any>({ url: target.url });
    try {
      await target.migrate(database.db as Kysely<any>);
    } finally {
      await database.close();
    }
    // The database's name only: its URL holds credentials.
    logger.info({ database: target.name, ms: Date.now() - started }, 'migrated');
    done.push(target.name);
  }
  return done;
}
