import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { perDatabase } from '../../lib/subgraph/perDatabase.js';
import { createVehiclesRegister } from './register.js';

/** What the vehicles register holds about one person. */
export type VehiclesRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof createVehiclesRegister>['findRecords']>>[number]>;

/** Request-scoped loaders of the vehicles subgraph. */
export interface VehiclesLoaders {
  readonly records: DataLoader<string, VehiclesRecord | null>;
}

const registerOf = perDatabase(createVehiclesRegister);

/** One batch query per request for every person the request names. */
export function createVehiclesLoaders(db: Kysely<any>): VehiclesLoaders {
  const register = registerOf(db);
  return { records: new DataLoader((ids: readonly string[]) => register.findRecords(ids)) };
}
