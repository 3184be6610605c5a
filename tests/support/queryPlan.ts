import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { loadableSupergraph } from '../../schema/gatewaySupergraph.js';

/** The plan `@apollo/query-planner` (the gateway's own planner) builds for a query on a supergraph as committed. */
export function planOf(supergraphSdl: string, query: string, operationName?: string): QueryPlan {
  const supergraph = Supergraph.build(loadableSupergraph(supergraphSdl));
  const operation = operationFromDocument(supergraph.apiSchema(), parse(query), { operationName });
  return new QueryPlanner(supergraph).buildQueryPlan(operation);
}

/**
 * The fetches of a plan that is one round trip: a single Fetch, or one Parallel of Fetches, each a root fetch (no
 * `requires`, no `_entities`). Throws, naming the plan's shape, for anything else (a Sequence, a Flatten).
 */
export function oneRoundTripFetches(plan: QueryPlan): FetchNode[] {
  const node = plan.node as PlanNode | undefined;
  const fetches: PlanNode[] = !node ? [] : node.kind === 'Parallel' ? node.nodes : [node];
  for (const fetch of fetches) {
    if (fetch.kind !== 'Fetch') throw new Error(`not one round trip: a ${fetch.kind} in ${node?.kind === 'Parallel' ? 'the Parallel' : 'the plan'}`);
    if (fetch.requires !== undefined || fetch.operation.includes('_entities')) throw new Error(`not one round trip: ${fetch.serviceName} is asked for _entities`);
  }
  return fetches as FetchNode[];
}
