import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrate } from '../../lib/storage/migrate.js';
import type { EducationTables } from './tables.js';

/**
 * Migrations of the education register, in name order; types both SQLite and PostgreSQL know. Every primary
 * key starts with person_id, which gives the person_id index that batched reads need.
 */
export const educationMigrations: Record<string, Migration> = {
  '0001_create_tables': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('education_person')
        .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('education_qualification')
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('education_person.person_id').onDelete('cascade'))
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('isced_level', 'integer', (c) => c.notNull())
        .addColumn('institution', 'varchar(200)', (c) => c.notNull())
        .addColumn('completed_on', 'varchar(10)', (c) => c.notNull())
        .addPrimaryKeyConstraint('education_qualification_pk', ['person_id', 'ordinal'])
        .execute();
      await db.schema
        .createTable('education_enrolment')
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('education_person.person_id').onDelete('cascade'))
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('programme', 'varchar(200)', (c) => c.notNull())
        .addColumn('institution', 'varchar(200)', (c) => c.notNull())
        .addColumn('started_on', 'varchar(10)', (c) => c.notNull())
        .addPrimaryKeyConstraint('education_enrolment_pk', ['person_id', 'ordinal'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('education_enrolment').ifExists().execute();
      await db.schema.dropTable('education_qualification').ifExists().execute();
      await db.schema.dropTable('education_person').ifExists().execute();
    },
  },
};

/** Brings the education register's tables up to date. */
export async function migrateEducation(db: Kysely<EducationTables>): Promise<void> {
  await migrate(db, 'education', educationMigrations);
}
