import { sql, type Kysely } from 'kysely';

/** One constraint or index of a table, as PostgreSQL's catalog defines it. */
export interface IndexDefinition {
  kind: 'constraint' | 'index' | 'foreign key';
  table: string;
  name: string;
  /** `pg_get_constraintdef` of a constraint, `pg_get_indexdef` of an index: DDL that recreates it exactly. */
  definition: string;
}

/** Indexes and constraints dropped for a bulk load, and how to put them back. */
export interface SuspendedIndexes {
  readonly definitions: readonly IndexDefinition[];
  /** Recreates every one from its catalog definition: unique constraints and keys, indexes, then foreign keys. */
  restore(): Promise<void>;
}

/**
 * Reads the primary keys, unique and exclusion constraints, foreign keys and other indexes of `tables` (PostgreSQL,
 * current schema) from the catalog, in the order they are to be recreated.
 */
export async function readIndexDefinitions(db: Kysely<any>, tables: readonly string[]): Promise<IndexDefinition[]> {
  const { rows: constraints } = await sql<{ table: string; name: string; type: string; definition: string }>`
    select t.relname as "table", c.conname as name, c.contype as type, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema() and t.relname = any(${[...tables]}::text[]) and c.contype in ('p', 'u', 'x', 'f')
    order by t.relname, c.conname`.execute(db);
  // Indexes of their own: not the ones behind a key or unique constraint (foreign keys point at those too).
  const { rows: indexes } = await sql<{ table: string; name: string; definition: string }>`
    select t.relname as "table", i.relname as name, pg_get_indexdef(i.oid) as definition
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema() and t.relname = any(${[...tables]}::text[])
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid and c.contype in ('p', 'u', 'x'))
    order by t.relname, i.relname`.execute(db);
  return [
    ...constraints.filter((c) => c.type !== 'f').map((c) => ({ kind: 'constraint' as const, table: c.table, name: c.name, definition: c.definition })),
    ...indexes.map((i) => ({ kind: 'index' as const, ...i })),
    ...constraints.filter((c) => c.type === 'f').map((c) => ({ kind: 'foreign key' as const, table: c.table, name: c.name, definition: c.definition })),
  ];
}

/**
 * Drops every index and constraint of `tables` except NOT NULL, so that a bulk load neither maintains B-trees
 * row by row nor runs a foreign-key trigger per row; `restore()` builds them again in one pass each, from the
 * catalog's own definitions, so they come back exactly as the migrations made them. Only inside a transaction:
 * if the load fails or the process dies before the commit, PostgreSQL rolls the drops back with everything else,
 * and no reader ever sees a register without its indexes.
 */
export async function suspendIndexes(trx: Kysely<any>, tables: readonly string[]): Promise<SuspendedIndexes> {
  if (!trx.isTransaction) throw new TypeError('suspendIndexes: argument "trx" must be a transaction, or a failed load would leave the tables without indexes');
  const definitions = await readIndexDefinitions(trx, tables);
  for (const d of [...definitions].reverse()) {
    if (d.kind === 'index') await sql`drop index ${sql.id(d.name)}`.execute(trx);
    else await sql`alter table ${sql.id(d.table)} drop constraint ${sql.id(d.name)}`.execute(trx);
  }
  return {
    definitions,
    async restore() {
      for (const d of definitions) {
        if (d.kind === 'index') await sql.raw(d.definition).execute(trx);
        else await sql`alter table ${sql.id(d.table)} add constraint ${sql.id(d.name)} ${sql.raw(d.definition)}`.execute(trx);
      }
    },
  };
}
