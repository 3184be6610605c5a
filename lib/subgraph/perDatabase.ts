import type { Kysely } from 'kysely';

/** Memoises a register's data access per database, so request-scoped loaders reuse prepared state. */
export function perDatabase<R>(factory: (db: Kysely<any>) => R): (db: Kysely<any>) => R {
  const made = new WeakMap<Kysely<any>, R>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = factory(db);
      made.set(db, value);
    }
    return value;
  };
}
