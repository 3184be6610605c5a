import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import type { SubgraphName } from '../../lib/config.js';
import { failureErrors } from '../failures.js';
import type { SubgraphFailure } from '../subgraphDataSource.js';

// Which fields a failed register costs, now that `me` is shared by every register (one round trip): a register's
// failure costs its own fields under `me`, and `me` itself only when everything asked under it is lost.

const schema = buildSchema(`
  type Query { me: Person! }
  type Person { firstNames: String! address: Address taxAssessments: [TaxAssessment!]! vehicles: [String!]! }
  type Address { municipality: String! }
  type TaxAssessment { year: Int! }
`);
const owners = new Map<string, readonly SubgraphName[]>([
  ['Query.me', ['population', 'tax', 'vehicles']],
  ['Person.firstNames', ['population']],
  ['Person.address', ['population']],
  ['Address.municipality', ['population']],
  ['Person.taxAssessments', ['tax']],
  ['TaxAssessment.year', ['tax']],
  ['Person.vehicles', ['vehicles']],
]);
const operation = (query: string) => parse(query).definitions[0] as OperationDefinitionNode;
const run = (query: string, failures: Record<string, SubgraphFailure>, unanswered: Record<string, { message: string; extensions: { code: string } }> = {}) =>
  failureErrors(schema, operation(query), owners, new Map(Object.entries(failures)) as never, new Map(Object.entries(unanswered)) as never);
const DASHBOARD = '{ me { firstNames address { municipality } taxAssessments { year } vehicles } }';

describe('failureErrors under the shared me', () => {
  it('population down costs population\'s fields, not me (the other registers answered it)', () => {
    const { errors, nullPaths } = run(DASHBOARD, { population: 'SUBGRAPH_UNAVAILABLE' });
    expect(errors).toEqual([
      { message: 'The population register is unavailable', path: ['me', 'firstNames'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } },
      { message: 'The population register is unavailable', path: ['me', 'address'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } },
    ]);
    expect(nullPaths).toEqual([['me', 'firstNames'], ['me', 'address']]);
  });

  it('each failed register gets its own errors; a list field\'s path has no index', () => {
    const { errors } = run(DASHBOARD, { tax: 'SUBGRAPH_TIMEOUT', vehicles: 'SUBGRAPH_ERROR' });
    expect(errors.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([['me.taxAssessments', 'SUBGRAPH_TIMEOUT'], ['me.vehicles', 'SUBGRAPH_ERROR']]);
  });

  it('when everything asked under me is lost, me is null itself, with one error per failed register', () => {
    expect(run('{ me { firstNames address { municipality } } }', { population: 'SUBGRAPH_UNAVAILABLE' })).toEqual({
      errors: [{ message: 'The population register is unavailable', path: ['me'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }],
      nullPaths: [['me']],
    });
    const both = run('{ me { firstNames taxAssessments { year } } }', { population: 'SUBGRAPH_UNAVAILABLE', tax: 'SUBGRAPH_TIMEOUT' });
    expect(both.errors.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([['me', 'SUBGRAPH_UNAVAILABLE'], ['me', 'SUBGRAPH_TIMEOUT']]);
    expect(both.nullPaths).toEqual([['me']]);
  });

  it('me { __typename } is lost when one of its registers failed (that one was asked); nothing is said when none did', () => {
    expect(run('{ me { __typename } }', { tax: 'SUBGRAPH_ERROR' }).nullPaths).toEqual([['me']]);
    expect(run(DASHBOARD, {})).toEqual({ errors: [], nullPaths: [] });
  });

  it('a register that answered nothing (its me came back null: NOT_FOUND) costs its fields under me, with its own error', () => {
    const notFound = { message: 'No such record', extensions: { code: 'NOT_FOUND' } };
    const { errors, nullPaths } = run(DASHBOARD, {}, { population: notFound });
    expect(errors).toEqual([{ ...notFound, path: ['me', 'firstNames'] }, { ...notFound, path: ['me', 'address'] }]);
    expect(nullPaths).toEqual([['me', 'firstNames'], ['me', 'address']]);
    expect(run('{ me { firstNames } }', {}, { population: notFound }).errors).toEqual([{ ...notFound, path: ['me'] }]);
  });
});
