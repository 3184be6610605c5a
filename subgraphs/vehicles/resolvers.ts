import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { SubgraphContext } from '../../lib/subgraph/service.js';
import type { VehiclesLoaders } from './loaders.js';

type Context = SubgraphContext<VehiclesLoaders>;
type PersonRef = { id: string };

/** Resolvers of the vehicles subgraph. Medical restriction codes are never loaded, so they cannot leak. */
export function vehiclesResolvers(): GraphQLResolverMap<Context> {
  const records = (person: PersonRef, context: Context) => context.loaders.records.load(person.id);
  return {
    Person: {
      __resolveReference: (reference: PersonRef) => ({ id: reference.id }),
      vehicles: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.vehicles ?? [],
      drivingLicence: async (person: PersonRef, _args: unknown, context: Context) => {
        const licence = (await records(person, context))?.licence;
        // Copy the published fields only: whatever else the register row holds stays in the register.
        return licence ? { categories: licence.categories, validUntil: licence.validUntil } : null;
      },
      vehiclesUpdatedAt: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.updatedAt ?? null,
    },
  };
}
