import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { SubgraphContext } from '../../lib/subgraph/service.js';
import type { TaxLoaders } from './loaders.js';

type Context = SubgraphContext<TaxLoaders>;
type PersonRef = { id: string };

/** Resolvers of the tax subgraph: a person with no records has no assessments and no debt. */
export function taxResolvers(): GraphQLResolverMap<Context> {
  const records = (person: PersonRef, context: Context) => context.loaders.records.load(person.id);
  return {
    Person: {
      __resolveReference: (reference: PersonRef) => ({ id: reference.id }),
      taxAssessments: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.assessments ?? [],
      taxDebt: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.debt ?? null,
      taxUpdatedAt: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.updatedAt ?? null,
    },
  };
}
