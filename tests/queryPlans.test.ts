import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import { readSubgraphSchemas } from '../schema/compose.js';
import { oneRoundTripFetches, planOf } from './support/queryPlan.js';

// Issue 14 item 3: the person is known from the token before any register is asked, so the registers answer in one
// round trip. Every subgraph with Person fields declares `me: Person! @shareable` (schema/meRoot.ts), and the
// gateway's planner (@apollo/query-planner, as the gateway drives it) plans the clients' registered operations as
// one Parallel of root fetches `{ me { ... } }` on the committed supergraph: no Sequence, no `_entities`.

const supergraph = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
type Manifest = { operations: Array<{ name: string; type: string; body: string }> };
const registered = (client: string) =>
  (JSON.parse(readFileSync(new URL(`../gateway/trusted-documents/${client}.json`, import.meta.url), 'utf8')) as Manifest).operations;
const operation = (client: string, name: string) => {
  const found = registered(client).find((op) => op.name === name);
  if (!found) throw new Error(`${client} has no registered operation ${name}`);
  return found;
};
/** Each fetch as `<subgraph>: <its root field>` (the operation's first selection). */
const shape = (fetches: ReturnType<typeof oneRoundTripFetches>) =>
  fetches.map((fetch) => `${fetch.serviceName}: ${/^(?:query[^{]*)?\{\s*(\w+)/.exec(fetch.operation)?.[1]}`).sort();

describe('one register round trip', () => {
  it('the portal\'s dashboard (PortalMyData): one Parallel of four root `me` fetches, one per register', () => {
    const dashboard = operation('citizen-portal', 'PortalMyData');
    const plan = planOf(supergraph, dashboard.body, dashboard.name);
    expect(plan.node?.kind).toBe('Parallel');
    expect(shape(oneRoundTripFetches(plan))).toEqual(['education: me', 'population: me', 'tax: me', 'vehicles: me']);
  });

  it('the partner\'s operation (demo-bank BankPrefill: names, address, income): population and tax at once', () => {
    const prefill = operation('demo-bank', 'BankPrefill');
    const plan = planOf(supergraph, prefill.body, prefill.name);
    expect(plan.node?.kind).toBe('Parallel');
    expect(shape(oneRoundTripFetches(plan))).toEqual(['population: me', 'tax: me']);
  });

  it('every registered citizen query that reads `me` is one round trip (consents, disclosures, requests: one fetch each)', () => {
    const queries = registered('citizen-portal').filter((op) => op.type === 'query' && /\{\s*me\s*\{/.test(op.body));
    expect(queries.map((op) => op.name)).toEqual(expect.arrayContaining(['PortalMyData', 'PortalConsents', 'PortalMyRequests']));
    for (const query of queries) expect(() => oneRoundTripFetches(planOf(supergraph, query.body, query.name))).not.toThrow();
    expect(shape(oneRoundTripFetches(planOf(supergraph, operation('citizen-portal', 'PortalConsents').body)))).toEqual(['consent: me']);
    expect(shape(oneRoundTripFetches(planOf(supergraph, operation('citizen-portal', 'PortalMyRequests').body)))).toEqual(['requests: me']);
  });

  it('would fail on the old design: with `me` on population alone the dashboard is a Sequence with _entities', () => {
    // The same subgraphs composed without the shared `me` elsewhere (bypassing the policy, which refuses this).
    const populationOnly = readSubgraphSchemas().map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      // Its declaration with comment and description, then a Query left empty.
      typeDefs: parse(subgraph.name === 'population' ? subgraph.typeDefs : subgraph.typeDefs
        .replace(/(\n *#[^\n]*)*\n *"[^"\n]*"\n *me: Person! @shareable @authenticated/, '').replace(/type Query \{\s*\}/, '')),
    }));
    const composed = composeServices(populationOnly);
    expect(composed.errors).toBeUndefined();
    const dashboard = operation('citizen-portal', 'PortalMyData');
    const plan = planOf(composed.supergraphSdl!, dashboard.body, dashboard.name);
    expect(plan.node?.kind).toBe('Sequence');
    expect(() => oneRoundTripFetches(plan)).toThrow('not one round trip: a Sequence in the plan');
  });
});
