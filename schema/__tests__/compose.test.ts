import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import {
  DEFAULT_SUBGRAPH_URLS, SUPERGRAPH_PATH, SchemaCompositionError, composeSupergraph, readSubgraphSchemas, supergraphFileText,
} from '../compose.js';
import { HEALTH_VOCABULARY, healthNames } from '../policy.js';

const failureOf = (run: () => unknown): SchemaCompositionError => {
  try {
    run();
  } catch (error) {
    if (error instanceof SchemaCompositionError) return error;
    throw error;
  }
  throw new Error('expected a SchemaCompositionError');
};

describe('composeSupergraph', () => {
  const composed = composeSupergraph(readSubgraphSchemas());

  it('matches the committed schema/supergraph.graphql', () => {
    const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
    const fresh = supergraphFileText(composed.supergraphSdl);
    if (committed !== fresh) {
      throw new Error('schema/supergraph.graphql is stale: run `npm run compose` and commit the result');
    }
  });

  it('writes the default subgraph addresses', () => {
    for (const [name, url] of Object.entries(DEFAULT_SUBGRAPH_URLS)) {
      expect(composed.supergraphSdl).toContain(`@join__graph(name: "${name}", url: "${url}")`);
    }
  });

  it('keeps the standard authorization directives in the supergraph', () => {
    expect(composed.supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(composed.supergraphSdl).toContain('taxAssessments: [TaxAssessment!]! @join__field(graph: TAX) @requiresScopes(scopes: [["tax:income"]])');
  });

  it('leaves no health name in the API schema', () => {
    expect(HEALTH_VOCABULARY.length).toBeGreaterThan(10);
    expect(healthNames(composed.apiSchemaSdl)).toEqual([]);
    expect(composed.apiSchemaSdl).toMatch(/drivingLicence: DrivingLicence/);
    // Person.id (the pseudonymous person id) is @inaccessible; consents and clients have ids of their own.
    const person = /\ntype Person \{[^}]*\}/.exec(composed.apiSchemaSdl)?.[0] ?? '';
    expect(person).toContain('firstNames: String!');
    expect(person).not.toMatch(/\bid: ID/);
    expect(() => parse(composed.apiSchemaSdl)).not.toThrow();
  });

  it('refuses policy violations before composing, with readable messages', () => {
    const subgraphs = readSubgraphSchemas().map((s) => s.name !== 'vehicles' ? s : {
      ...s,
      typeDefs: s.typeDefs.replace('type DrivingLicence {', 'type DrivingLicence {\n  medicalRestrictionCodes: [String!]! @requiresScopes(scopes: [["vehicles:licence"]])'),
    });
    const error = failureOf(() => composeSupergraph(subgraphs));
    expect(error.code).toBe('POLICY_VIOLATION');
    expect(error.violations.map((v) => v.code)).toEqual(['HEALTH_DATA']);
    expect(error.message).toMatch(/^the schema policy refused the subgraphs:\n {2}- \[vehicles\] DrivingLicence\.medicalRestrictionCodes: /);
  });

  it('reports composition errors readably', () => {
    const subgraphs = readSubgraphSchemas().map((s) => s.name !== 'tax' ? s : {
      ...s, typeDefs: s.typeDefs.replace(/taxUpdatedAt: String @requiresScopes/, "populationUpdatedAt: Int @requiresScopes"),
    });
    const error = failureOf(() => composeSupergraph(subgraphs));
    expect(error.code).toBe('COMPOSITION_FAILED');
    expect(error.message).toMatch(/^composition failed:\n {2}- .*Person\.populationUpdatedAt/);
  });
});
