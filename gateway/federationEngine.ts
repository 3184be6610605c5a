import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import {
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  ListType,
  operationFromDocument,
  Supergraph,
  type Schema,
  type Type,
} from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { Logger } from '../lib/logger.js';
import { LruCache } from '../lib/lru.js';

/** What {@link FederationEngine.execute} gives back: data shaped without null propagation, and the fetches' errors. */
export interface EngineResult {
  /**
   * The response data shaped along the operation with every output type taken as nullable: a missing or null value
   * stays null where it is and never wipes out its parents. `completeResponse()` then applies GraphQL's null
   * propagation on the real types, except where the hub has its own reason for a null.
   */
  readonly data: Record<string, unknown> | null;
  /** Errors of the subgraph fetches (a data source's thrown failure included), as `@apollo/gateway` reports them. */
  readonly errors: readonly GraphQLError[];
}

/** One operation to run: the document is already validated, authorized and reduced to one operation. */
export interface EngineRequest {
  readonly document: DocumentNode;
  readonly operationName: string | null;
  /** Names the document for the plan cache (the same document must always have the same hash). */
  readonly queryHash: string;
  readonly variables: Record<string, unknown> | undefined;
  /** Handed to every data source call. */
  readonly context: Record<string, unknown>;
  readonly logger: Logger;
}

/** The federation engine: plans on the unchanged supergraph and runs the plan through the given data sources. */
export interface FederationEngine {
  /** The API schema (what clients see) as graphql-js. */
  readonly apiSchema: GraphQLSchema;
  /** The subgraphs of the supergraph, with the URL each was composed with. */
  readonly subgraphs: ReadonlyArray<{ readonly name: string; readonly url: string }>;
  execute(request: EngineRequest): Promise<EngineResult>;
}

/** Options of {@link createFederationEngine}. */
export interface FederationEngineOptions {
  /** A supergraph `@apollo/gateway` can load (schema/gatewaySupergraph.ts `loadableSupergraph()`). */
  readonly supergraphSdl: string;
  /** The data source that calls one subgraph. */
  readonly buildService: (subgraph: { name: string; url: string }) => GraphQLDataSource;
  /** Query plans kept (by query hash and operation name). */
  readonly planCacheSize?: number;
}

/**
 * `@apollo/gateway`'s query planner and plan executor, driven directly rather than through `ApolloGateway`, for one
 * reason: the result shaping. The planner and every subgraph fetch see the supergraph exactly as composed (so any
 * supergraph that composes is served as `@apollo/gateway` serves it); only the final shaping step is given a copy of
 * the API schema whose output types are all nullable, so that a value missing for a reason the hub knows (a withheld
 * field, a failed register) can be kept as a hole with a pathed error instead of nulling everything above it.
 * `completeResponse()` restores the standard null propagation everywhere else.
 */
export function createFederationEngine(options: FederationEngineOptions): FederationEngine {
  const supergraph = Supergraph.build(options.supergraphSdl);
  const api = supergraph.apiSchema();
  const apiSchema = api.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const shapingSchema = nullableOutputs(api);
  const planner = new QueryPlanner(supergraph);
  const plans = new LruCache<string, QueryPlan>(options.planCacheSize ?? 2000);
  const subgraphs = [...supergraph.subgraphs().values()].map((subgraph) => ({ name: subgraph.name, url: subgraph.url }));
  const serviceMap: ServiceMap = Object.create(null);
  for (const subgraph of subgraphs) serviceMap[subgraph.name] = options.buildService(subgraph);

  function planFor(request: EngineRequest): QueryPlan {
    const key = `${request.queryHash}\n${request.operationName ?? ''}`;
    let plan = plans.get(key);
    if (!plan) {
      const operation = operationFromDocument(api, request.document, { operationName: request.operationName ?? undefined });
      plan = planner.buildQueryPlan(operation);
      plans.set(key, plan);
    }
    return plan;
  }

  return {
    apiSchema,
    subgraphs,
    async execute(request) {
      const plan = planFor(request);
      const operationContext = buildOperationContext({ schema: apiSchema, operationDocument: request.document, operationName: request.operationName ?? undefined });
      const requestContext = {
        request: { variables: request.variables ?? {}, operationName: request.operationName ?? undefined },
        document: request.document,
        operationName: request.operationName,
        operation: operationContext.operation,
        queryHash: request.queryHash,
        context: request.context,
        logger: request.logger,
        metrics: {},
      };
      const result = await executeQueryPlan(plan, serviceMap, requestContext as never, operationContext, supergraphSchema, shapingSchema);
      return { data: (result.data ?? null) as Record<string, unknown> | null, errors: (result.errors ?? []) as readonly GraphQLError[] };
    },
  };
}

/**
 * A copy of the API schema in which every field of every object and interface type is nullable at every list level.
 * Relaxing all of them alike keeps the copy a valid schema (an implementation's field stays a subtype of its
 * interface's), which relaxing only some of them does not. Only the final result shaping sees it.
 */
export function nullableOutputs(schema: Schema): Schema {
  const copy = schema.clone();
  for (const type of copy.types()) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of type.fields()) {
      if (field.type) field.type = nullable(field.type) as typeof field.type;
    }
  }
  return copy;
}

function nullable(type: Type): Type {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner) ? new ListType(nullable(inner.ofType) as never) : inner;
}
