import { describe, expect, it } from '@jest/globals';
import { buildSchema, getOperationAST, parse, type DocumentNode } from 'graphql';
import { PERSON_SELECTION } from '../../portal/registers.js';
import { readGatewayConfig } from '../config.js';
import { assertWithinLimits, DEFAULT_QUERY_LIMITS, measureOperation, type QueryLimits } from '../limits.js';
import { createDocumentCache } from '../operations.js';
import { loadGatewaySupergraph } from '../supergraph.js';
import { thrownHubError as refusal } from '../../tests/support/refusals.js';

// Query abuse limits: what measureOperation counts, and how the document cache refuses by code.

const schema = buildSchema(/* GraphQL */ `
  directive @trace on QUERY | MUTATION | FRAGMENT_DEFINITION | VARIABLE_DEFINITION
  type Query { me: Person! people: [Person!]! groups: [[Person!]!]! tags: [String!]! }
  type Mutation { rename(name: String!): Person! }
  type Person { name: String! address: Address friends: [Person!]! pets: [Pet!]! }
  type Address { street: String postalCode: String }
  union Pet = Cat | Dog
  type Cat { name: String lives: Int }
  type Dog { name: String barks: Boolean }
`);

function measure(query: string, operationName?: string) {
  const document: DocumentNode = parse(query);
  return measureOperation(document, getOperationAST(document, operationName)!, schema);
}

describe('measureOperation', () => {
  it('counts depth as fields nested along the deepest path, and 1 per field of cost', () => {
    expect(measure('{ me { name address { street } } }')).toEqual({ depth: 3, aliases: 0, directives: 0, cost: 4 });
    expect(measure('{ __typename }')).toEqual({ depth: 1, aliases: 0, directives: 0, cost: 1 });
  });

  it('multiplies the sub-selection of a list field by 10, once per list level', () => {
    // friends: 1 + 10 × name; me: 1 + friends
    expect(measure('{ me { friends { name } } }').cost).toBe(12);
    // people: 1 + 10 × (friends: 1 + 10 × 1)
    expect(measure('{ people { friends { name } } }').cost).toBe(111);
    // [[Person!]!]!: two list levels
    expect(measure('{ groups { name } }').cost).toBe(101);
    // a list of scalars has no sub-selection to multiply
    expect(measure('{ tags }').cost).toBe(1);
  });

  it('counts aliases and directives wherever they are', () => {
    expect(measure('{ a: me { b: name c: address { street } } d: tags }')).toMatchObject({ aliases: 4, cost: 5 });
    const measured = measure('query Q($x: Boolean! @trace) @trace { me { name @include(if: $x) address @skip(if: $x) { street } } }');
    expect(measured.directives).toBe(4);
  });

  it('expands named fragments where they are spread: a fragment spread twice counts twice', () => {
    const query = /* GraphQL */ `
      query { me { ...P ...P } }
      fragment P on Person @trace { n: name friends { ...Q } }
      fragment Q on Person { m: name @include(if: true) address { street } }
    `;
    // Q: depth 2, cost 1 + 2 = 3, 1 alias, 1 directive
    // P: depth 3, cost 1 + (1 + 10 × 3) = 32, 2 aliases, 2 directives (its own @trace and Q's @include)
    // me { ...P ...P }: depth 4, cost 1 + 2 × 32
    expect(measure(query)).toEqual({ depth: 4, aliases: 4, directives: 4, cost: 65 });
  });

  it('expands inline fragments in place: they add no depth, their fields add cost', () => {
    const query = '{ me { pets { __typename ... on Cat { lives } ... on Dog { barks @skip(if: false) } ... @include(if: true) { __typename } } } }';
    // pets: 1 + 10 × (4 fields); me: 1 + pets
    expect(measure(query)).toEqual({ depth: 3, aliases: 0, directives: 2, cost: 42 });
  });

  it('measures the operation it is given, not the others of the document', () => {
    const query = 'query Small { tags } query Large { people { friends { name } } }';
    expect(measure(query, 'Small').cost).toBe(1);
    expect(measure(query, 'Large').cost).toBe(111);
    expect(measure('mutation { rename(name: "x") { name } }')).toMatchObject({ depth: 2, cost: 2 });
  });

  it('measures each fragment once, so a document whose expansion is exponential is measured at once', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Person { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const query = `{ me { ...F0 } }\n${fragments}\nfragment F${levels} on Person { name }`;
    const started = performance.now();
    expect(measure(query)).toMatchObject({ depth: 2, cost: 1 + 2 ** levels });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('fragment cycles are rejected by validation first; called on one anyway, it throws a TypeError', () => {
    const query = '{ me { ...A } } fragment A on Person { friends { ...B } } fragment B on Person { friends { ...A } }';
    const documents = createDocumentCache({ schema, introspection: false });
    expect(refusal(() => documents.prepare(query)).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(() => measure(query)).toThrow(new TypeError('measureOperation: fragment "A" spreads itself; validate the document first'));
  });

  it('leaves the citizen portal\'s heaviest query well inside the defaults', () => {
    const { apiSchema } = loadGatewaySupergraph();
    const query = `query Dashboard { me { ${PERSON_SELECTION}
      consents { id status scopes grantedAt expiresAt revokedAt receipt purpose(language: "fi") client { id name } }
      disclosures(first: 500) { cursor at consentId purpose fields requestId client { id name } } } }`;
    const document = parse(query);
    const measured = measureOperation(document, getOperationAST(document)!, apiSchema);
    expect(measured).toEqual({ depth: 4, aliases: 0, directives: 0, cost: 430 });
    expect(measured.depth * 2).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxDepth);
    expect(measured.cost * 10).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxCost);
    expect(() => createDocumentCache({ schema: apiSchema, introspection: false }).prepare(query)).not.toThrow();
  });
});

describe('assertWithinLimits', () => {
  const limits: QueryLimits = { maxDepth: 3, maxAliases: 2, maxDirectives: 1, maxTokens: 50, maxCost: 20 };
  const fine = { depth: 3, aliases: 2, directives: 1, cost: 20 };

  it('accepts a measurement at every limit and refuses one over it, by code, naming value and limit', () => {
    expect(() => assertWithinLimits(fine, limits)).not.toThrow();
    const cases = [
      [{ ...fine, depth: 4 }, 'QUERY_TOO_DEEP', 'The operation is 4 fields deep; the limit is 3'],
      [{ ...fine, aliases: 3 }, 'TOO_MANY_ALIASES', 'The operation uses 3 aliases; the limit is 2'],
      [{ ...fine, directives: 2 }, 'TOO_MANY_DIRECTIVES', 'The operation uses 2 directives; the limit is 1'],
      [{ ...fine, cost: 21 }, 'QUERY_TOO_COMPLEX', "The operation's cost is 21; the limit is 20"],
    ] as const;
    for (const [measurement, code, message] of cases) {
      const error = refusal(() => assertWithinLimits(measurement, limits));
      expect({ code: error.code, message: error.message, status: error.status }).toEqual({ code, message, status: 400 });
    }
  });
});

describe('the document cache enforces the limits', () => {
  const roomy: QueryLimits = { maxDepth: 100, maxAliases: 100, maxDirectives: 100, maxTokens: 1000, maxCost: 100_000 };
  const limits: QueryLimits = { maxDepth: 3, maxAliases: 2, maxDirectives: 1, maxTokens: 30, maxCost: 20 };
  const documents = createDocumentCache({ schema, introspection: false, limits });

  it.each([
    ['QUERY_TOO_DEEP', { maxDepth: 3 }, '{ me { address { street } } }', '{ me { friends { address { street } } } }'],
    ['TOO_MANY_ALIASES', { maxAliases: 2 }, '{ a: me { b: name } }', '{ a: me { b: name c: name } }'],
    ['TOO_MANY_DIRECTIVES', { maxDirectives: 1 }, '{ me { name @skip(if: false) } }', '{ me { name @skip(if: false) @include(if: true) } }'],
    ['QUERY_TOO_COMPLEX', { maxCost: 20 }, '{ me { friends { name } } }', '{ me { friends { name name } } }'],
    // { me { name name ... } }: 5 tokens besides the names
    ['TOO_MANY_TOKENS', { maxTokens: 30 }, `{ me { ${'name '.repeat(25)}} }`, `{ me { ${'name '.repeat(26)}} }`],
  ] as const)('%s: at the limit passes, one over is refused', (code, limit, under, over) => {
    const cache = createDocumentCache({ schema, introspection: false, limits: { ...roomy, ...limit } });
    expect(() => cache.prepare(under)).not.toThrow();
    const error = refusal(() => cache.prepare(over));
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(new RegExp(`\\b${Object.values(limit)[0]}\\b`));
    expect(error.message).not.toMatch(/\b(me|name|friends|street|skip|include)\b/);
  });

  it('checks the tokens before building the document: a text far over the limit is refused the same way', () => {
    expect(refusal(() => documents.prepare(`{ me { ${'name '.repeat(100_000)}} }`))).toMatchObject({
      code: 'TOO_MANY_TOKENS',
      message: 'The document has more than 30 tokens, the limit; reading stopped there',
    });
  });

  it('measures a document once: the verdict is cached with it', () => {
    const over = '{ a: me { b: name c: name } }';
    expect(refusal(() => documents.prepare(over))).toBe(refusal(() => documents.prepare(over)));
    expect(documents.prepare('{ me { name } }')).toBe(documents.prepare('{ me { name } }'));
  });

  it('measures every operation of a document, whichever a request names', () => {
    expect(refusal(() => documents.prepare('query A { me { name } } query B { me { friends { address { street } } } }')).code).toBe('QUERY_TOO_DEEP');
  });

  it('uses the defaults when given no limits', () => {
    const defaults = createDocumentCache({ schema, introspection: false });
    const deep = (n: number) => `{ me ${'{ friends '.repeat(n - 2)}{ name }${' }'.repeat(n - 2)} }`;
    expect(refusal(() => defaults.prepare(deep(DEFAULT_QUERY_LIMITS.maxDepth + 1))).code).toBe('QUERY_TOO_DEEP');
  });
});

describe('suggestions and introspection', () => {
  const { apiSchema } = loadGatewaySupergraph();

  it('are off outside dev mode', () => {
    const production = createDocumentCache({ schema: apiSchema, introspection: false });
    expect(refusal(() => production.prepare('{ __schema { queryType { name } } }')).code).toBe('GRAPHQL_VALIDATION_FAILED');
    const misspelt = refusal(() => production.prepare('{ me { firstName } }'));
    expect(misspelt.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(misspelt.message).toBe('Cannot query field "firstName" on type "Person".');
  });

  it('are on in dev mode', () => {
    const dev = createDocumentCache({ schema: apiSchema, introspection: true });
    expect(() => dev.prepare('{ __schema { queryType { name } } }')).not.toThrow();
    expect(refusal(() => dev.prepare('{ me { firstName } }')).message).toMatch(/Did you mean "firstNames"/);
  });
});

describe('readGatewayConfig', () => {
  it('reads each limit from its variable, defaults otherwise, frozen', () => {
    expect(readGatewayConfig({}).limits).toEqual(DEFAULT_QUERY_LIMITS);
    const { limits } = readGatewayConfig({ GATEWAY_MAX_DEPTH: '3', GATEWAY_MAX_ALIASES: '4', GATEWAY_MAX_DIRECTIVES: '5', GATEWAY_MAX_TOKENS: '60', GATEWAY_MAX_COST: '700' });
    expect(limits).toEqual({ maxDepth: 3, maxAliases: 4, maxDirectives: 5, maxTokens: 60, maxCost: 700 });
    expect(Object.isFrozen(limits)).toBe(true);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => readGatewayConfig({ GATEWAY_MAX_COST: '0' })).toThrow(new TypeError('GATEWAY_MAX_COST must be a positive integer, got "0"'));
    expect(() => readGatewayConfig({ GATEWAY_MAX_DEPTH: 'deep' })).toThrow(/GATEWAY_MAX_DEPTH must be a positive integer/);
  });
});
