import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrate } from '../../lib/storage/migrate.js';
import type { TaxTables } from './tables.js';

/**
 * Migrations of the tax register, in name order; types both SQLite and PostgreSQL know. Every primary key
 * starts with person_id, which gives the person_id index that batched reads need. `integer` cents hold up to
 * 21 million euros a year, beyond any synthetic income.
 */
export const taxMigrations: Record<string, Migration> = {
  '0001_create_tables': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('tax_person')
        .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('debt_cents', 'integer')
        .addColumn('debt_recorded_on', 'varchar(10)')
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tax_assessment')
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('tax_person.person_id').onDelete('cascade'))
        .addColumn('tax_year', 'integer', (c) => c.notNull())
        .addColumn('earned_income_cents', 'integer', (c) => c.notNull())
        .addColumn('capital_income_cents', 'integer', (c) => c.notNull())
        .addColumn('taxes_paid_cents', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('tax_assessment_pk', ['person_id', 'tax_year'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('tax_assessment').ifExists().execute();
      await db.schema.dropTable('tax_person').ifExists().execute();
    },
  },
};

/** Brings the tax register's tables up to date. */
export async function migrateTax(db: Kysely<TaxTables>): Promise<void> {
  await migrate(db, 'tax', taxMigrations);
}
