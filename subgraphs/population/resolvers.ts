import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { SubgraphContext } from '../../lib/subgraph/service.js';
import type { PopulationLoaders } from './loaders.js';

type Context = SubgraphContext<PopulationLoaders>;
type PersonRef = { id: string };

/** Resolvers of the population subgraph; `now` decides who is an adult today. `me` is the shared runner's (lib/subgraph/me.ts). */
export function populationResolvers(now: () => Date): GraphQLResolverMap<Context> {
  async function record(person: PersonRef, context: Context) {
    const found = await context.loaders.person.load(person.id);
    if (!found) throw new GraphQLError('The population register holds no record of this person', { extensions: { code: 'NOT_FOUND' } });
    return found;
  }
  return {
    Person: {
      __resolveReference: (reference: PersonRef) => ({ id: reference.id }),
      personalIdentityCode: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).personalIdentityCode,
      dateOfBirth: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).dateOfBirth,
      firstNames: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).firstNames,
      lastName: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).lastName,
      isAdult: async (person: PersonRef, _args: unknown, context: Context) => isAdultOn((await record(person, context)).dateOfBirth, now()),
      nationalities: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).nationalities,
      nativeLanguage: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).nativeLanguage,
      address: async (person: PersonRef, _args: unknown, context: Context) => {
        const { address } = await record(person, context);
        // An address non-disclosure order (turvakielto) hides the address from everyone but the person;
        // a partner gets null with no error, so it cannot even learn that an order exists.
        if (!address || (address.nonDisclosure && context.credential.party !== 'citizen')) return null;
        return { streetAddress: address.streetAddress, postalCode: address.postalCode, municipality: address.municipality };
      },
      maritalStatus: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).maritalStatus,
      children: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).children,
      populationUpdatedAt: async (person: PersonRef, _args: unknown, context: Context) => (await record(person, context)).updatedAt,
    },
  };
}

/** Whether someone born on `dateOfBirth` (ISO date) is 18 or older on `today`, by calendar date. */
export function isAdultOn(dateOfBirth: string, today: Date): boolean {
  const [year, month, day] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const eighteenth = Date.UTC(year + 18, month - 1, day);
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return todayUtc >= eighteenth;
}
