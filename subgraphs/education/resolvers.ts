import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { SubgraphContext } from '../../lib/subgraph/service.js';
import type { EducationLoaders } from './loaders.js';

type Context = SubgraphContext<EducationLoaders>;
type PersonRef = { id: string };

/** Resolvers of the education subgraph: a person with no records has empty lists. */
export function educationResolvers(): GraphQLResolverMap<Context> {
  const records = (person: PersonRef, context: Context) => context.loaders.records.load(person.id);
  return {
    Person: {
      __resolveReference: (reference: PersonRef) => ({ id: reference.id }),
      qualifications: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.qualifications ?? [],
      enrolments: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.enrolments ?? [],
      educationUpdatedAt: async (person: PersonRef, _args: unknown, context: Context) => (await records(person, context))?.updatedAt ?? null,
    },
  };
}
