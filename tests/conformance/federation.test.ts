import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startBareGateway, startHubPipeline, type GraphQLAnswer, type QueryTarget } from '../../scripts/conformance/gateways.js';
import { CATALOG } from './catalog.js';
import { serveSubgraphs, type ServedSubgraphs } from './subgraphs.js';

// The gateway serves any supergraph that composes, as @apollo/gateway does: a graph of our own with an interface its
// entities implement, @interfaceObject, @requires and @provides into abstract types, @override and a union mixing
// entities with a non-entity, composed in-process, subgraphs over HTTP on free ports. Every query goes through the
// hub's whole pipeline (startGateway, a citizen's token, authorization on) and through a bare @apollo/gateway 2.14.4
// on the same subgraphs; the answers must agree. Then what only the hub does: a withheld field inside a type
// condition, a register's error on an entity's field, a register down.

let served: ServedSubgraphs;
let hub: QueryTarget;
let hubWithoutPrices: QueryTarget;
let bare: QueryTarget;

beforeAll(async () => {
  served = await serveSubgraphs(CATALOG);
  const options = { supergraphSdl: served.supergraphSdl, subgraphUrls: served.urls };
  hub = await startHubPipeline({ ...options, scopes: ['shop:prices'] });
  hubWithoutPrices = await startHubPipeline({ ...options, scopes: ['shop:browse'] });
  bare = await startBareGateway({ supergraphSdl: served.supergraphSdl });
});
afterAll(async () => {
  await Promise.all([hub?.stop(), hubWithoutPrices?.stop(), bare?.stop()]);
  await served?.stop();
});

/** What must agree: the data, and where errors are (messages differ: the hub never passes a register's words on). */
function comparable(answer: GraphQLAnswer) {
  return { data: answer.data ?? null, errorPaths: (answer.errors ?? []).map((error) => (error.path ?? []).join('.')).sort() };
}

const SAME_ANSWERS: ReadonlyArray<readonly [string, string]> = [
  ['entities implementing an interface, fields through type conditions', '{ products { __typename id name ... on Book { isbn price } ... on Movie { price runtime } } }'],
  ['@interfaceObject fields on the interface', '{ products { id reviewCount } }'],
  ['@interfaceObject fields inside an implementation\'s type condition', '{ product(id: "b2") { ... on Book { name reviewCount } } }'],
  ['a union of entities and a non-entity sharing `id: ID!`', '{ search { __typename ... on Book { id name } ... on Movie { id } ... on Review { id body } } }'],
  ['@requires on an implementation, reached through the interface', '{ products { ... on Book { id shelf } } }'],
  ['@provides through a type condition on an interface-typed field', '{ bestseller { id ... on Book { name } } }'],
  ['@override of an implementation\'s field', '{ products { ... on Movie { id runtime } } }'],
  ['__typename of interface members', '{ products { __typename } product(id: "m1") { __typename id } }'],
  ['a null in a non-entity\'s non-null field propagates as GraphQL says', '{ search { ... on Review { id rating } } }'],
  ['aliases and fragments', 'query Q { first: product(id: "b1") { ...P } second: product(id: "m2") { ...P } } fragment P on Product { id name ... on Movie { runtime } }'],
];

describe('the hub answers as a bare @apollo/gateway on a supergraph with abstract types', () => {
  it.each(SAME_ANSWERS)('%s', async (_name, query) => {
    const [ours, reference] = [await hub.query(query), await bare.query(query)];
    expect(reference.data).toBeDefined();
    expect(comparable(ours)).toEqual(comparable(reference));
  });

  it('the reference answers are real data (the comparison cannot pass on two empty answers)', async () => {
    const reference = await bare.query('{ products { id ... on Book { shelf } ... on Movie { runtime } } }');
    expect(reference).toEqual({ data: { products: [{ id: 'b1', shelf: 'shelf 1' }, { id: 'm1', runtime: 181 }, { id: 'b2', shelf: 'shelf 2' }, { id: 'm2', runtime: 97 }] } });
  });
});

describe('a withheld field inside an abstract selection', () => {
  it('comes back null with UNAUTHORIZED_FIELD_OR_TYPE only on the objects its type condition applies to; the rest is returned', async () => {
    const query = '{ products { id name ... on Book { price } ... on Movie { price } } }';
    const reference = (await bare.query(query)) as { data: { products: Array<Record<string, unknown>> } };
    const ours = await hubWithoutPrices.query(query);
    const expected = reference.data.products.map((item) => (String(item.id).startsWith('b') ? { ...item, price: null } : item));
    expect(expected.filter((item) => item.price === null)).toHaveLength(2);
    expect(ours.data).toEqual({ products: expected });
    expect(ours.errors).toEqual([{ message: 'Unauthorized field or type', path: ['products', 'price'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);
  });

  it('with every scope the same query is answered whole', async () => {
    const query = '{ products { id name ... on Book { price } ... on Movie { price } } }';
    expect(await hub.query(query)).toEqual(await bare.query(query));
  });

  it('a selection left with only withheld fields is null itself, and the register is told nothing', async () => {
    const ours = await hubWithoutPrices.query('{ product(id: "b1") { ... on Book { price } } bestseller { id } }');
    expect(ours.data).toEqual({ product: null, bestseller: { id: 'b1' } });
    expect(ours.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['product', 'price'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
  });
});

describe('where the hub differs from bare @apollo/gateway on purpose', () => {
  it('a register\'s error on an entity\'s non-null field costs that field, not the entity and everything above it', async () => {
    const query = '{ products { id averageStars } }';
    const reference = await bare.query(query);
    expect(reference.data).toBeNull(); // GraphQL's propagation: Product! in [Product!]! in a non-null root field
    const ours = await hub.query(query);
    expect(ours.data).toEqual({ products: [{ id: 'b1', averageStars: 4.5 }, { id: 'm1', averageStars: 3.5 }, { id: 'b2', averageStars: 4.5 }, { id: 'm2', averageStars: null }] });
    expect(ours.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['products', 3, 'averageStars'], 'SUBGRAPH_ERROR']]);
    expect(JSON.stringify(ours)).not.toContain('stars unavailable');
  });

  it('a register down: its fields come back null with a pathed SUBGRAPH_UNAVAILABLE, and the rest is returned', async () => {
    await served.stopOne('reviews');
    const ours = await hub.query('{ products { id name reviewCount } }');
    expect(ours.data).toEqual({
      products: [
        { id: 'b1', name: 'Seitsemän veljestä', reviewCount: null },
        { id: 'm1', name: 'Tuntematon sotilas', reviewCount: null },
        { id: 'b2', name: 'Kalevala', reviewCount: null },
        { id: 'm2', name: 'Mies vailla menneisyyttä', reviewCount: null },
      ],
    });
    expect(ours.errors).toEqual([{ message: 'The reviews register is unavailable', path: ['products', 'reviewCount'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }]);
  });
});
