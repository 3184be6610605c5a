import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, type GraphQLSchema, type DocumentNode, valueFromASTUntyped } from 'graphql';
import { authorizationRequirements, loadableSupergraph } from '../schema/gatewaySupergraph.js';
import type { SubgraphName } from '../lib/config.js';
import type { FieldRequirement } from '../lib/subgraph/requirements.js';

/** Everything the gateway derives once from the committed supergraph. */
export interface GatewaySupergraph {
  /** The published API schema: what clients validate and introspect against. */
  readonly apiSchema: GraphQLSchema;
  /**
   * The SDL the federation engine plans and executes on: the supergraph as composed, less only the security
   * `@link`s `@apollo/gateway` refuses to load. Its types are never changed (gateway/federationEngine.ts says how
   * withheld and failed fields still come back as null without wiping out their parents).
   */
  readonly executionSdl: string;
  /** `@authenticated`/`@requiresScopes` of every field, enforced by the gateway itself. */
  readonly requirements: ReadonlyMap<string, FieldRequirement>;
  /**
   * The registers that can resolve each `Type.field`, for pathed errors when they fail: one for most fields, several
   * for a shared one (`Query.me`, which every register with Person fields resolves; entity keys).
   */
  readonly owners: ReadonlyMap<string, readonly SubgraphName[]>;
  /** Types with a `@key` in some subgraph: a register's error on one of their fields is confined to that field. */
  readonly entities: ReadonlySet<string>;
}

/** The committed supergraph. */
export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

/** Reads and prepares the committed supergraph. */
export function loadGatewaySupergraph(sdl: string = readFileSync(SUPERGRAPH_PATH, 'utf8')): GatewaySupergraph {
  const loadable = loadableSupergraph(sdl);
  const apiSchema = Supergraph.build(loadable).apiSchema().toGraphQLJSSchema();
  const requirements = new Map<string, FieldRequirement>();
  for (const [coordinate, requirement] of authorizationRequirements(sdl)) {
    requirements.set(coordinate, { authenticated: requirement.authenticated, scopes: requirement.scopes });
  }
  const document = parse(loadable);
  return { apiSchema, executionSdl: loadable, requirements, owners: fieldOwners(document), entities: entityTypes(document) };
}

/** Which subgraphs resolve each field, from the supergraph's `@join__type`/`@join__field` and `@join__graph`. */
export function fieldOwners(document: DocumentNode): Map<string, readonly SubgraphName[]> {
  const graphNames = new Map<string, SubgraphName>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = directive?.arguments?.find((arg) => arg.name.value === 'name');
      if (name) graphNames.set(value.name.value, valueFromASTUntyped(name.value) as SubgraphName);
    }
  }
  const graphOf = (directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: any }[] }[] | undefined, directiveName: string) =>
    (directives ?? [])
      .filter((d) => d.name.value === directiveName)
      .map((d) => d.arguments?.find((arg) => arg.name.value === 'graph'))
      .filter((arg): arg is NonNullable<typeof arg> => arg !== undefined)
      .map((arg) => graphNames.get(String(valueFromASTUntyped(arg.value))))
      .filter((graph): graph is SubgraphName => graph !== undefined);
  const owners = new Map<string, readonly SubgraphName[]>();
  const inherited: Array<{ coordinate: string; field: string; interfaces: string[] }> = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeGraphs = graphOf(definition.directives, 'join__type');
    for (const field of definition.fields ?? []) {
      const coordinate = `${definition.name.value}.${field.name.value}`;
      // A bare @join__field (no graph) on an implementation: the field comes from an @interfaceObject, whose
      // subgraph owns the interface's field.
      const bare = field.directives?.some((d) => d.name.value === 'join__field' && !d.arguments?.some((arg) => arg.name.value === 'graph'));
      if (bare) {
        inherited.push({ coordinate, field: field.name.value, interfaces: (definition.interfaces ?? []).map((i) => i.name.value) });
        continue;
      }
      const fieldGraphs = graphOf(field.directives, 'join__field');
      const owner = fieldGraphs.length > 0 ? fieldGraphs : typeGraphs;
      // Several for a key field, or a @shareable one such as `Query.me` (gateway/failures.ts says how they are judged).
      if (owner.length > 0) owners.set(coordinate, owner);
    }
  }
  for (const { coordinate, field, interfaces } of inherited) {
    const owner = interfaces.map((name) => owners.get(`${name}.${field}`)).find((graphs) => graphs !== undefined);
    if (owner) owners.set(coordinate, owner);
  }
  return owners;
}

/** Object and interface types that have a `@join__type(key:)` in some subgraph. */
export function entityTypes(document: DocumentNode): Set<string> {
  const entities = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const keyed = definition.directives?.some((directive) => directive.name.value === 'join__type' && directive.arguments?.some((arg) => arg.name.value === 'key'));
    if (keyed) entities.add(definition.name.value);
  }
  return entities;
}
