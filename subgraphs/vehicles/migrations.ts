import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrate } from '../../lib/storage/migrate.js';
import type { VehiclesTables } from './tables.js';

/**
 * Migrations of the vehicles register, in name order; types both SQLite and PostgreSQL know. Primary keys
 * that start with person_id serve as its index; vehicles, keyed by plate, get their own person_id index.
 */
export const vehiclesMigrations: Record<string, Migration> = {
  '0001_create_tables': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('vehicles_person')
        .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('vehicles_vehicle')
        .addColumn('registration_number', 'varchar(10)', (c) => c.primaryKey())
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('vehicles_person.person_id').onDelete('cascade'))
        .addColumn('role', 'varchar(10)', (c) => c.notNull())
        .addColumn('make', 'varchar(100)', (c) => c.notNull())
        .addColumn('model', 'varchar(100)', (c) => c.notNull())
        .addColumn('vehicle_class', 'varchar(8)', (c) => c.notNull())
        .addColumn('first_registered', 'varchar(10)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('vehicles_vehicle_person_id').on('vehicles_vehicle').column('person_id').execute();
      await db.schema
        .createTable('vehicles_licence')
        .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey().references('vehicles_person.person_id').onDelete('cascade'))
        .addColumn('categories', 'varchar(100)', (c) => c.notNull())
        .addColumn('issued_on', 'varchar(10)', (c) => c.notNull())
        .addColumn('valid_until', 'varchar(10)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('vehicles_licence_medical_restriction')
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('vehicles_licence.person_id').onDelete('cascade'))
        .addColumn('code', 'varchar(8)', (c) => c.notNull())
        .addPrimaryKeyConstraint('vehicles_licence_medical_restriction_pk', ['person_id', 'code'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('vehicles_licence_medical_restriction').ifExists().execute();
      await db.schema.dropTable('vehicles_licence').ifExists().execute();
      await db.schema.dropTable('vehicles_vehicle').ifExists().execute();
      await db.schema.dropTable('vehicles_person').ifExists().execute();
    },
  },
};

/** Brings the vehicles register's tables up to date. */
export async function migrateVehicles(db: Kysely<VehiclesTables>): Promise<void> {
  await migrate(db, 'vehicles', vehiclesMigrations);
}
