import { readFileSync } from 'node:fs';
import type { RegisterModule } from '../../lib/subgraph/registerModule.js';
import { createVehiclesLoaders, type VehiclesLoaders } from './loaders.js';
import { migrateVehicles } from './migrations.js';
import { vehiclesResolvers } from './resolvers.js';
import { clearVehicles, seedVehicles } from './seed.js';

/** The vehicles register as the shared subgraph runner sees it. */
export const vehiclesModule: RegisterModule<VehiclesLoaders> = {
  register: 'vehicles',
  typeDefs: readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  migrate: migrateVehicles,
  hasData: async (db) => (await db.selectFrom('vehicles_person').select('person_id').limit(1).execute()).length > 0,
  seed: seedVehicles,
  clear: clearVehicles,
  resolvers: () => vehiclesResolvers(),
  createLoaders: (db) => createVehiclesLoaders(db),
};
