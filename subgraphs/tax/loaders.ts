import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { perDatabase } from '../../lib/subgraph/perDatabase.js';
import { createTaxRegister } from './register.js';

/** What the tax register holds about one person. */
export type TaxRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof createTaxRegister>['findRecords']>>[number]>;

/** Request-scoped loaders of the tax subgraph. */
export interface TaxLoaders {
  readonly records: DataLoader<string, TaxRecord | null>;
}

const registerOf = perDatabase(createTaxRegister);

/** One batch query per request for every person the request names. */
export function createTaxLoaders(db: Kysely<any>): TaxLoaders {
  const register = registerOf(db);
  return { records: new DataLoader((ids: readonly string[]) => register.findRecords(ids)) };
}
