import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ApolloGateway } from '@apollo/gateway';
import { Kind, parse } from 'graphql';
import { SUPERGRAPH_PATH, readSubgraphSchemas } from '../compose.js';
import { authorizationRequirements, loadableSupergraph } from '../gatewaySupergraph.js';

process.env.APOLLO_TELEMETRY_DISABLED = '1';
const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');

describe('loadableSupergraph', () => {
  it('is refused by @apollo/gateway as composed, and loads once stripped', async () => {
    await expect(new ApolloGateway({ supergraphSdl: supergraph }).load()).rejects.toThrow(/for: SECURITY but is unsupported/);
    const gateway = new ApolloGateway({ supergraphSdl: loadableSupergraph(supergraph) });
    try {
      const { schema } = await gateway.load();
      expect(schema.getQueryType()?.getFields().me).toBeDefined();
      expect(schema.getType('Person')).toBeDefined();
    } finally {
      await gateway.stop();
    }
  });

  it('removes the links, definitions and uses of @authenticated and @requiresScopes only', () => {
    const loadable = loadableSupergraph(supergraph);
    expect(loadable).not.toMatch(/authenticated|requiresScopes/);
    expect(loadable).toContain('@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)');
    expect(loadable).toContain('id: ID! @inaccessible');
    expect(loadable).toContain('@join__field(graph: TAX)');
  });

  it('follows `as:` renames in the supergraph', () => {
    const renamed = supergraph
      .replace('requiresScopes/v0.1", for: SECURITY', 'requiresScopes/v0.1", as: "scopes", for: SECURITY')
      .replace('authenticated/v0.1", for: SECURITY', 'authenticated/v0.1", as: "signedIn", for: SECURITY')
      .replaceAll('@requiresScopes', '@scopes').replaceAll('requiresScopes__Scope', 'scopes__Scope')
      .replaceAll('@authenticated', '@signedIn');
    expect(authorizationRequirements(renamed).get('Person.vehicles')).toEqual({ authenticated: true, scopes: [['vehicles:owned']] });
    expect(loadableSupergraph(renamed)).not.toMatch(/@scopes|@signedIn|scopes__Scope/);
  });
});

describe('authorizationRequirements', () => {
  const requirements = authorizationRequirements(supergraph);

  it('reads @requiresScopes as OR-of-ANDs and @authenticated alone', () => {
    expect(requirements.get('Person.taxAssessments')).toEqual({ authenticated: true, scopes: [['tax:income']] });
    expect(requirements.get('TaxAssessment.earnedIncome')).toEqual({ authenticated: true, scopes: [['tax:income']] });
    expect(requirements.get('Query.me')).toEqual({ authenticated: true, scopes: null });
    expect(requirements.get('Person.id')).toEqual({ authenticated: true, scopes: null });
  });

  it('has an entry for every field of the supergraph except the link-spec types', () => {
    const fields = parse(supergraph).definitions.flatMap((d) =>
      d.kind === Kind.OBJECT_TYPE_DEFINITION ? (d.fields ?? []).map((f) => `${d.name.value}.${f.name.value}`) : []);
    expect([...requirements.keys()].sort()).toEqual(fields.sort());
    expect([...requirements.keys()].filter((k) => k.includes('__'))).toEqual([]);
  });

  it('reads the same requirements from the subgraph schemas', () => {
    for (const { typeDefs } of readSubgraphSchemas()) {
      for (const [coordinate, requirement] of authorizationRequirements(typeDefs)) {
        expect([coordinate, requirements.get(coordinate)]).toEqual([coordinate, requirement]);
      }
    }
  });

  it('follows import renames and combines type and field requirements by AND', () => {
    const sdl = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", { name: "@requiresScopes", as: "@needs" }])
      type Secret @needs(scopes: [["a"], ["b"]]) @federation__authenticated {
        value: String @needs(scopes: [["c"]])
        other: String
      }`;
    const found = authorizationRequirements(sdl);
    expect(found.get('Secret.value')).toEqual({ authenticated: true, scopes: [['a', 'c'], ['b', 'c']] });
    expect(found.get('Secret.other')).toEqual({ authenticated: true, scopes: [['a'], ['b']] });
  });
});
