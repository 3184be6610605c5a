import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrate } from '../lib/storage/migrate.js';

/** One row of `oidc_models`: an oidc-provider model instance, keyed by model name and id. */
export interface OidcModelsTable {
  model: string;
  id: string;
  /** The payload as oidc-provider handed it over, as JSON text. */
  payload: string;
  /** Copied out of the payload so that revoking a grant and the secondary look-ups are index scans. */
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** Epoch milliseconds; null never expires. PostgreSQL's pg driver reads `bigint` back as a string. */
  expires_at: number | string | null;
  /** Epoch milliseconds of the first `consume`, null while unconsumed. */
  consumed_at: number | string | null;
}

/** The tables of the authorization server's state. */
export interface OidcTables {
  oidc_models: OidcModelsTable;
}

/**
 * Migrations of the authorization server's state, in name order. Only types both SQLite and PostgreSQL know are
 * used; times are epoch milliseconds in `bigint` so that expiry comparisons need no date functions on either engine.
 */
export const oidcMigrations: Record<string, Migration> = {
  '0001_create_oidc_models': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('oidc_models')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('user_code', 'text')
        .addColumn('uid', 'text')
        .addColumn('expires_at', 'bigint')
        .addColumn('consumed_at', 'bigint')
        .addPrimaryKeyConstraint('oidc_models_pk', ['model', 'id'])
        .execute();
      await db.schema.createIndex('oidc_models_grant_id').on('oidc_models').column('grant_id').execute();
      await db.schema.createIndex('oidc_models_uid').on('oidc_models').column('uid').execute();
      await db.schema.createIndex('oidc_models_user_code').on('oidc_models').column('user_code').execute();
      // purgeExpired deletes by range of expiry.
      await db.schema.createIndex('oidc_models_expires_at').on('oidc_models').column('expires_at').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('oidc_models').ifExists().execute();
    },
  },
};

/** Brings the authorization server's tables up to date. */
export async function migrateOidc(db: Kysely<any>): Promise<void> {
  await migrate(db, 'oidc', oidcMigrations);
}
