import type { TestSubgraph } from './subgraphs.js';

// A shop's graph written to exercise what register owners may bring: an interface its entities implement (with
// @key on the interface), @interfaceObject, @requires and @provides reaching into abstract types, @override, a
// union mixing entities and a non-entity whose fields share names and types, a scope-guarded non-null field on one
// implementation only, and a register that answers an error for one entity.

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@override", "@interfaceObject", "@requiresScopes"])';

interface Item {
  __typename: 'Book' | 'Movie';
  id: string;
  name: string;
  price: number;
  isbn?: string;
  runtime?: number;
}

const ITEMS: Item[] = [
  { __typename: 'Book', id: 'b1', name: 'Seitsemän veljestä', price: 25, isbn: '978-951-1' },
  { __typename: 'Movie', id: 'm1', name: 'Tuntematon sotilas', price: 12, runtime: 181 },
  { __typename: 'Book', id: 'b2', name: 'Kalevala', price: 30, isbn: '978-951-2' },
  { __typename: 'Movie', id: 'm2', name: 'Mies vailla menneisyyttä', price: 9, runtime: 97 },
];
const byId = (id: string) => ITEMS.find((item) => item.id === id);

const products: TestSubgraph = {
  name: 'products',
  typeDefs: `${LINK}
    interface Product @key(fields: "id") { id: ID! name: String! }
    type Book implements Product @key(fields: "id") {
      id: ID!
      name: String! @shareable
      isbn: String!
      "Guarded on this implementation only: a withheld field inside a type condition."
      price: Int! @requiresScopes(scopes: [["shop:prices"]])
    }
    type Movie implements Product @key(fields: "id") { id: ID! name: String! price: Int! runtime: Int }
    "Not an entity; its id has the same type as the entities' ids."
    type Review {
      id: ID!
      body: String!
      "Never resolvable: a null in a non-null position that is not an entity's, which propagates as GraphQL says."
      rating: Int!
    }
    union SearchResult = Book | Movie | Review
    type Query {
      products: [Product!]!
      product(id: ID!): Product
      search: [SearchResult!]!
    }`,
  resolvers: {
    Product: { __resolveReference: (ref: { id: string }) => byId(ref.id), __resolveType: (item: Item) => item.__typename },
    Book: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
    Movie: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
    Review: { rating: () => null },
    SearchResult: { __resolveType: (value: { __typename: string }) => value.__typename },
    Query: {
      products: () => ITEMS,
      product: (_: unknown, args: { id: string }) => byId(args.id) ?? null,
      search: () => [ITEMS[0], { __typename: 'Review', id: 'r1', body: 'Klassikko' }, ITEMS[1]],
    },
  },
};

const reviews: TestSubgraph = {
  name: 'reviews',
  typeDefs: `${LINK}
    type Product @key(fields: "id") @interfaceObject {
      id: ID!
      reviewCount: Int!
      "Fails for one product (m2): a register's error on an entity's field."
      averageStars: Float!
    }`,
  resolvers: {
    Product: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      reviewCount: (product: { id: string }) => product.id.length + (product.id.endsWith('1') ? 2 : 5),
      averageStars: (product: { id: string }) => {
        if (product.id === 'm2') throw new Error('stars unavailable');
        return product.id.startsWith('b') ? 4.5 : 3.5;
      },
    },
  },
};

const inventory: TestSubgraph = {
  name: 'inventory',
  typeDefs: `${LINK}
    interface Product @key(fields: "id") { id: ID! }
    type Book implements Product @key(fields: "id") {
      id: ID!
      name: String! @external
      isbn: String! @external
      "Needs the isbn from the products subgraph."
      shelf: String! @requires(fields: "isbn")
    }
    type Movie implements Product @key(fields: "id") {
      id: ID!
      "Moved here from the products subgraph."
      runtime: Int @override(from: "products")
    }
    type Query {
      "Provides the name of the book it returns: a type condition inside @provides on an interface-typed field."
      bestseller: Product @provides(fields: "... on Book { name }")
    }`,
  resolvers: {
    Product: { __resolveType: (value: { __typename: string }) => value.__typename },
    Book: { __resolveReference: (ref: { id: string; isbn: string }) => ref, shelf: (book: { isbn: string }) => `shelf ${book.isbn.slice(-1)}` },
    Movie: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, runtime: byId(ref.id)?.runtime ?? null }) },
    Query: { bestseller: () => ({ __typename: 'Book', id: 'b1', name: 'Seitsemän veljestä' }) },
  },
};

export const CATALOG: readonly TestSubgraph[] = [products, reviews, inventory];
