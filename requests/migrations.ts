import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrate } from '../lib/storage/migrate.js';

/** Migrations of the requests database, in name order; types both SQLite and PostgreSQL know. */
export const requestsMigrations: Record<string, Migration> = {
  '0001_create_tables': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('requests')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('person_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('queue', 'varchar(16)', (c) => c.notNull())
        .addColumn('status', 'varchar(24)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('about', 'varchar(128)')
        .addColumn('language', 'varchar(2)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      // The citizen's list and the daily limit read by person and time; a queue is read by queue and status.
      await db.schema.createIndex('requests_person_created').on('requests').columns(['person_id', 'created_at']).execute();
      await db.schema.createIndex('requests_queue_status').on('requests').columns(['queue', 'status', 'created_at']).execute();
      await db.schema
        .createTable('request_messages')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(32)', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('author', 'varchar(16)', (c) => c.notNull())
        .addColumn('author_id', 'varchar(64)')
        .addColumn('at', 'varchar(32)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_messages_request').on('request_messages').columns(['request_id', 'at']).execute();
      await db.schema
        .createTable('request_moves')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(32)', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('from_queue', 'varchar(16)', (c) => c.notNull())
        .addColumn('to_queue', 'varchar(16)', (c) => c.notNull())
        .addColumn('at', 'varchar(32)', (c) => c.notNull())
        .addColumn('by', 'varchar(16)', (c) => c.notNull())
        .addColumn('caseworker_id', 'varchar(64)')
        .execute();
      await db.schema.createIndex('request_moves_request').on('request_moves').columns(['request_id', 'at']).execute();
      await db.schema
        .createTable('request_corrections')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(32)', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('from_queue', 'varchar(16)', (c) => c.notNull())
        .addColumn('to_queue', 'varchar(16)', (c) => c.notNull())
        .addColumn('at', 'varchar(32)', (c) => c.notNull())
        .addColumn('caseworker_id', 'varchar(64)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_corrections_at').on('request_corrections').columns(['at']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['request_corrections', 'request_moves', 'request_messages', 'requests']) await db.schema.dropTable(table).ifExists().execute();
    },
  },
};

/** Brings the requests database up to date (every process that opens it runs this; a second run changes nothing). */
export async function migrateRequests(db: Kysely<any>): Promise<void> {
  await migrate(db, 'requests', requestsMigrations);
}
