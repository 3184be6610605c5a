import { readFileSync } from 'node:fs';
import type { RegisterModule } from '../../lib/subgraph/registerModule.js';
import { createPopulationLoaders, type PopulationLoaders } from './loaders.js';
import { migratePopulation } from './migrations.js';
import { populationResolvers } from './resolvers.js';
import { clearPopulation, seedPopulation } from './seed.js';

/** The population register as the shared subgraph runner sees it. */
export const populationModule: RegisterModule<PopulationLoaders> = {
  register: 'population',
  typeDefs: readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  migrate: migratePopulation,
  hasData: async (db) => (await db.selectFrom('population_person').select('person_id').limit(1).execute()).length > 0,
  seed: seedPopulation,
  clear: clearPopulation,
  resolvers: populationResolvers,
  createLoaders: (db) => createPopulationLoaders(db),
};
