import { readFileSync } from 'node:fs';
import type { RegisterModule } from '../../lib/subgraph/registerModule.js';
import { createEducationLoaders, type EducationLoaders } from './loaders.js';
import { migrateEducation } from './migrations.js';
import { educationResolvers } from './resolvers.js';
import { clearEducation, seedEducation } from './seed.js';

/** The education register as the shared subgraph runner sees it. */
export const educationModule: RegisterModule<EducationLoaders> = {
  register: 'education',
  typeDefs: readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  migrate: migrateEducation,
  hasData: async (db) => (await db.selectFrom('education_person').select('person_id').limit(1).execute()).length > 0,
  seed: seedEducation,
  clear: clearEducation,
  resolvers: () => educationResolvers(),
  createLoaders: (db) => createEducationLoaders(db),
};
