import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, print, type OperationDefinitionNode } from 'graphql';
import { authorizeOperation } from '../authorizeOperation.js';

const schema = buildSchema(`
  interface Product { id: ID! name: String! }
  type Book implements Product { id: ID! name: String! price: Int! }
  type Movie implements Product { id: ID! name: String! price: Int! }
  type Query { products: [Product!]! book: Book }
`);
const requirements = new Map([['Book.price', { authenticated: true, scopes: [['shop:prices']] }]]);

function authorize(query: string, granted: string[] = []) {
  const document = parse(query);
  const result = authorizeOperation(schema, document, document.definitions[0] as OperationDefinitionNode, requirements, new Set(granted));
  return { ...result, printed: result.document ? print(result.document).replace(/\s+/g, ' ') : null };
}

describe('authorizeOperation', () => {
  it('removes a withheld field where every object meets its type, to be nulled at its path', () => {
    const result = authorize('{ book { id price } }');
    expect(result.printed).toBe('{ book { id } }');
    expect(result.nullPaths).toEqual([['book', 'price']]);
    expect(result.unauthorizedPaths).toEqual([['book', 'price']]);
    expect(result.placeholders.size).toBe(0);
  });

  it('inside a type condition only some objects meet, puts a placeholder that tells which ones did', () => {
    const result = authorize('{ products { id ... on Book { price } ... on Movie { price } } }');
    expect(result.printed).toBe('{ products { id ... on Book { withheld_0: __typename } ... on Movie { price } } }');
    expect([...result.placeholders]).toEqual([['withheld_0', 'price']]);
    expect(result.unauthorizedPaths).toEqual([['products', '@', 'price']]);
    expect(result.nullPaths).toEqual([]);
  });

  it('the placeholder alias is one no selection of the document uses', () => {
    const result = authorize('{ products { withheld_0: id ... on Book { price } } }');
    expect([...result.placeholders]).toEqual([['withheld_1', 'price']]);
  });

  it('a field left with nothing but placeholders is removed and nulled itself (the register is not asked)', () => {
    const result = authorize('{ book { id } products { ... on Book { price } } }');
    expect(result.printed).toBe('{ book { id } }');
    expect(result.nullPaths).toEqual([['products']]);
    expect(result.placeholders.size).toBe(0);
  });

  it('nothing authorized: no document', () => {
    expect(authorize('{ products { ... on Book { price } } }').document).toBeNull();
  });

  it('with the scope nothing changes', () => {
    const query = '{ products { id ... on Book { price } } }';
    const result = authorize(query, ['shop:prices']);
    expect(result.printed).toBe(print(parse(query)).replace(/\s+/g, ' '));
    expect(result.unauthorizedPaths).toEqual([]);
  });
});
