import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { completeResponse, type ResponseHoles } from '../completeResponse.js';

const schema = buildSchema(`
  interface Product { id: ID! name: String! }
  type Book implements Product { id: ID! name: String! price: Int! }
  type Movie implements Product { id: ID! name: String! price: Int! }
  type Person { name: String! tags: [String!]! address: Address }
  type Address { street: String! }
  type Query { products: [Product!]! maybe: Product me: Person! search: [Product] }
`);

const NO_HOLES: ResponseHoles = { placeholders: new Map(), failedPaths: [], erroredPaths: [], entities: new Set() };
const operation = (query: string) => parse(query).definitions[0] as OperationDefinitionNode;
const complete = (query: string, data: Record<string, unknown>, holes: Partial<ResponseHoles> = {}) =>
  completeResponse(schema, operation(query), structuredClone(data), { ...NO_HOLES, ...holes });

describe('completeResponse: GraphQL null propagation (spec 6.4.4) over data shaped without it', () => {
  it('a null in a non-null field nulls the nearest nullable parent', () => {
    expect(complete('{ maybe { id name } me { name } }', { maybe: { id: '1', name: null }, me: { name: 'A' } })).toEqual({ maybe: null, me: { name: 'A' } });
  });

  it('through non-null list items and a non-null root field, the whole data', () => {
    expect(complete('{ products { id } }', { products: [{ id: '1' }, { id: null }] })).toBeNull();
  });

  it('a nullable list item takes the null, the list stays', () => {
    expect(complete('{ search { id } }', { search: [{ id: '1' }, { id: null }] })).toEqual({ search: [{ id: '1' }, null] });
  });

  it('nulls that are allowed stay as they are, and nothing else changes', () => {
    const data = { me: { name: 'A', tags: ['x'], address: null }, maybe: null };
    expect(complete('{ me { name tags address { street } } maybe { id } }', data)).toEqual(data);
  });

  it('fields inside type conditions are judged by the type they were selected on', () => {
    const query = '{ search { id ... on Book { price } ... on Movie { name } } }';
    expect(complete(query, { search: [{ id: 'b', price: null }, { id: 'm', name: 'M' }] })).toEqual({ search: [null, { id: 'm', name: 'M' }] });
  });
});

describe('completeResponse: the hub\'s holes stay where they are', () => {
  it('a failed register\'s field (a path pattern, @ for any item)', () => {
    const query = '{ me { name tags } products { id name } }';
    const data = { me: { name: 'A', tags: null }, products: [{ id: '1', name: null }, { id: '2', name: null }] };
    expect(complete(query, data, { failedPaths: [['me', 'tags'], ['products', '@', 'name']] })).toEqual(data);
    expect(complete(query, data)).toBeNull();
  });

  it('a register\'s error on an entity\'s field, and only an entity\'s', () => {
    const query = '{ me { name } }';
    const data = { me: { name: null } };
    expect(complete(query, data, { erroredPaths: [['me', 'name']], entities: new Set(['Person']) })).toEqual(data);
    expect(complete(query, data, { erroredPaths: [['me', 'name']] })).toBeNull();
    expect(complete(query, data, { erroredPaths: [['me', 'other']], entities: new Set(['Person']) })).toBeNull();
  });

  it('an error at one list index keeps that item\'s null only', () => {
    const query = '{ products { id name } }';
    const holes = { erroredPaths: [['products', 1, 'name']], entities: new Set(['Product']) };
    expect(complete(query, { products: [{ id: '1', name: 'a' }, { id: '2', name: null }] }, holes)).toEqual({ products: [{ id: '1', name: 'a' }, { id: '2', name: null }] });
    expect(complete(query, { products: [{ id: '1', name: null }, { id: '2', name: null }] }, holes)).toBeNull();
  });

  it('a placeholder becomes its field\'s null where it came back, and is judged by no other selection of that key', () => {
    const query = '{ products { id ... on Book { withheld_0: __typename } ... on Movie { price } } }';
    const data = { products: [{ id: 'b', withheld_0: 'Book' }, { id: 'm', price: 3 }] };
    expect(complete(query, data, { placeholders: new Map([['withheld_0', 'price']]) })).toEqual({ products: [{ id: 'b', price: null }, { id: 'm', price: 3 }] });
  });
});
