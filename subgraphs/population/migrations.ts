import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrate } from '../../lib/storage/migrate.js';
import type { PopulationTables } from './tables.js';

/**
 * Migrations of the population register, in name order. Only types both SQLite and PostgreSQL know are used.
 * Every table's primary key starts with person_id, which gives the person_id index that batched reads need.
 */
export const populationMigrations: Record<string, Migration> = {
  '0001_create_tables': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('population_person')
        .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('personal_identity_code', 'varchar(11)', (c) => c.notNull().unique())
        .addColumn('first_names', 'varchar(200)', (c) => c.notNull())
        .addColumn('last_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('date_of_birth', 'varchar(10)', (c) => c.notNull())
        .addColumn('nationalities', 'varchar(64)', (c) => c.notNull())
        .addColumn('native_language', 'varchar(8)')
        .addColumn('marital_status', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('population_address')
        .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey().references('population_person.person_id').onDelete('cascade'))
        .addColumn('street_address', 'varchar(200)', (c) => c.notNull())
        .addColumn('postal_code', 'varchar(5)', (c) => c.notNull())
        .addColumn('municipality', 'varchar(100)', (c) => c.notNull())
        .addColumn('non_disclosure', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('population_child')
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('population_person.person_id').onDelete('cascade'))
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('first_names', 'varchar(200)', (c) => c.notNull())
        .addColumn('last_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('date_of_birth', 'varchar(10)', (c) => c.notNull())
        .addPrimaryKeyConstraint('population_child_pk', ['person_id', 'ordinal'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('population_child').ifExists().execute();
      await db.schema.dropTable('population_address').ifExists().execute();
      await db.schema.dropTable('population_person').ifExists().execute();
    },
  },
};

/** Brings the population register's tables up to date. */
export async function migratePopulation(db: Kysely<PopulationTables>): Promise<void> {
  await migrate(db, 'population', populationMigrations);
}
