import type { Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';

/** Applies a register's migrations in order; each register keeps its own migration table. */
export async function migrate(db: Kysely<any>, register: string, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: `${register}_migration`,
    migrationLockTableName: `${register}_migration_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migrations of register "${register}" failed at ${failed?.migrationName ?? 'setup'}`, { cause: error });
  }
}
