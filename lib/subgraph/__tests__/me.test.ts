import { describe, expect, it } from '@jest/globals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { installMe } from '../me.js';
import { createSubgraphHandler } from '../service.js';
import { createLogger } from '../../logger.js';

// Every subgraph's `me` is the credential's subject, resolved once for all by the shared runner.

const typeDefs = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@authenticated"])
  type Query { me: Person! @shareable @authenticated }
  type Person @key(fields: "id") { id: ID! @authenticated }
`;
const credential = (subject: string) => ({ subject, scopes: new Set<string>(), party: 'citizen' as const, clientId: 'citizen-portal' });

describe('installMe', () => {
  it('resolves me to the credential subject, whoever asks for what', async () => {
    const schema = installMe(buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: {} }), {});
    const result = await graphql({ schema, source: '{ me { id } }', contextValue: { credential: credential('p_subject') } });
    expect(result).toEqual({ data: { me: { id: 'p_subject' } } });
    const other = await graphql({ schema, source: '{ me { id } }', contextValue: { credential: credential('p_other') } });
    expect(other).toEqual({ data: { me: { id: 'p_other' } } });
  });

  it('refuses a subgraph\'s own Query.me resolver, by the shared runner too', async () => {
    const own = { Query: { me: () => ({ id: 'someone else' }) } };
    expect(() => installMe(buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: own as never }), own)).toThrow(TypeError);
    await expect(createSubgraphHandler({
      register: 'crafted', typeDefs, resolvers: own as never, verifyCredential: async () => credential('x'),
      createLoaders: () => ({}), logger: createLogger({ service: 'test', level: 'silent' }), introspection: false,
    })).rejects.toThrow('resolvers.Query.me: `me` is resolved by the shared subgraph runner');
  });

  it('leaves a schema without me as it is', () => {
    const schema = buildSubgraphSchema({ typeDefs: parse('type Person @key(fields: "id") { id: ID! }'), resolvers: {} });
    expect(installMe(schema, {})).toBe(schema);
  });
});
