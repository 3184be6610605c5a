import { readFileSync } from 'node:fs';
import type { RegisterModule } from '../../lib/subgraph/registerModule.js';
import { createTaxLoaders, type TaxLoaders } from './loaders.js';
import { migrateTax } from './migrations.js';
import { taxResolvers } from './resolvers.js';
import { clearTax, seedTax } from './seed.js';

/** The tax register as the shared subgraph runner sees it. */
export const taxModule: RegisterModule<TaxLoaders> = {
  register: 'tax',
  typeDefs: readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  migrate: migrateTax,
  hasData: async (db) => (await db.selectFrom('tax_person').select('person_id').limit(1).execute()).length > 0,
  seed: seedTax,
  clear: clearTax,
  resolvers: () => taxResolvers(),
  createLoaders: (db) => createTaxLoaders(db),
};
