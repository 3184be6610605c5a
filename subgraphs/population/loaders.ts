import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { perDatabase } from '../../lib/subgraph/perDatabase.js';
import { createPopulationRegister, type PopulationRecord } from './register.js';

/** Request-scoped loaders of the population subgraph. */
export interface PopulationLoaders {
  readonly person: DataLoader<string, PopulationRecord | null>;
}

const registerOf = perDatabase(createPopulationRegister);

/** One batch query per request for every person the request names. */
export function createPopulationLoaders(db: Kysely<any>): PopulationLoaders {
  const register = registerOf(db);
  return { person: new DataLoader((ids: readonly string[]) => register.findPersons(ids)) };
}
