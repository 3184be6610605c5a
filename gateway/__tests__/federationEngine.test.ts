import { describe, expect, it } from '@jest/globals';
import { buildSchema as buildFederationSchema } from '@apollo/federation-internals';
import { printSchema, validateSchema } from 'graphql';
import { nullableOutputs } from '../federationEngine.js';

describe('nullableOutputs: the shaping copy of the API schema', () => {
  const api = buildFederationSchema(`
    interface Product { id: ID! tags: [String!]! }
    type Book implements Product { id: ID! tags: [String!]! pages(min: Int!): [[Int!]!] }
    input Filter { name: String! }
    type Query { products(filter: Filter!): [Product!]! }
  `);

  it('makes every output field nullable at every level, interfaces and implementations alike, and stays valid', () => {
    const copy = nullableOutputs(api).toGraphQLJSSchema();
    expect(validateSchema(copy)).toEqual([]);
    const printed = printSchema(copy);
    expect(printed).toContain('interface Product {\n  id: ID\n  tags: [String]\n}');
    expect(printed).toContain('pages(min: Int!): [[Int]]');
    expect(printed).toContain('products(filter: Filter!): [Product]');
  });

  it('leaves inputs and arguments as they are, and the original untouched', () => {
    const printed = printSchema(nullableOutputs(api).toGraphQLJSSchema());
    expect(printed).toContain('input Filter {\n  name: String!\n}');
    expect(printSchema(api.toGraphQLJSSchema())).toContain('products(filter: Filter!): [Product!]!');
  });
});
