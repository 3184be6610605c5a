import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { perDatabase } from '../../lib/subgraph/perDatabase.js';
import { createEducationRegister } from './register.js';

/** What the education register holds about one person. */
export type EducationRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof createEducationRegister>['findRecords']>>[number]>;

/** Request-scoped loaders of the education subgraph. */
export interface EducationLoaders {
  readonly records: DataLoader<string, EducationRecord | null>;
}

const registerOf = perDatabase(createEducationRegister);

/** One batch query per request for every person the request names. */
export function createEducationLoaders(db: Kysely<any>): EducationLoaders {
  const register = registerOf(db);
  return { records: new DataLoader((ids: readonly string[]) => register.findRecords(ids)) };
}
