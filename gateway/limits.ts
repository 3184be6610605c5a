import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { HubError } from '../lib/errors.js';

/** How large one operation may be; each limit has its own error code (gateway/README.md "Limits"). */
export interface QueryLimits {
  /** Fields nested along the deepest path (`{ me { address { postalCode } } }` is 3). */
  readonly maxDepth: number;
  /** Aliased fields, counted as executed (a fragment spread twice counts twice). */
  readonly maxAliases: number;
  /** Directive uses anywhere in the operation, counted as executed. */
  readonly maxDirectives: number;
  /** Lexical tokens of the whole document, enforced by the parser before any AST is built. */
  readonly maxTokens: number;
  /** Static cost: see {@link measureOperation}. */
  readonly maxCost: number;
}

/**
 * Defaults for this API, whose data part has one root field and no cycles: the citizen portal's heaviest query
 * (every Person field plus consents and disclosures) measures depth 4, cost 430 and 110 tokens, so each default
 * leaves it several times the room while refusing queries built to multiply work (aliased copies of `me`,
 * introspection nested through its own cycles). A tool's full introspection query (depth 15, cost about 50,000)
 * exceeds them: a developer who needs one raises the limits in dev mode (production has no introspection).
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 1000,
  maxCost: 5000,
});

/** What a field of list type multiplies its sub-selection's cost by: a guess at a list's length. */
export const LIST_COST_FACTOR = 10;

/** The size of one operation as {@link measureOperation} counts it. */
export interface OperationMeasurement {
  readonly depth: number;
  readonly aliases: number;
  readonly directives: number;
  readonly cost: number;
}

const NOTHING: OperationMeasurement = Object.freeze({ depth: 0, aliases: 0, directives: 0, cost: 0 });

/**
 * Measures one operation of a validated document, fragments expanded where they are spread. Cost is static:
 * each field costs 1 plus its sub-selection's cost, which a list field multiplies by {@link LIST_COST_FACTOR}
 * once per list level (`[[T]]` twice); every fragment is measured once, so a document of fragments spread many
 * times over is measured in linear time even where its expansion would be exponential.
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode, schema: GraphQLSchema): OperationMeasurement {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, OperationMeasurement>();
  const visiting = new Set<string>();

  function fragment(name: string): OperationMeasurement {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition) return NOTHING;
    // Validation (NoFragmentCyclesRule) rejects cycles first; this only keeps a misuse from recursing forever.
    if (visiting.has(name)) throw new TypeError(`measureOperation: fragment "${name}" spreads itself; validate the document first`);
    visiting.add(name);
    const type = schema.getType(definition.typeCondition.name.value);
    const own = selections(definition.selectionSet, isCompositeType(type) ? type : undefined);
    visiting.delete(name);
    const result = { ...own, directives: own.directives + (definition.directives?.length ?? 0) };
    measured.set(name, result);
    return result;
  }

  function selections(selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined): OperationMeasurement {
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        const field = fieldDefinition(schema, parent, selection.name.value);
        const child = selection.selectionSet ? selections(selection.selectionSet, childType(field)) : NOTHING;
        if (selection.alias) aliases += 1;
        depth = Math.max(depth, 1 + child.depth);
        aliases += child.aliases;
        directives += child.directives;
        cost += 1 + listFactor(field?.type) * child.cost;
      } else {
        let child: OperationMeasurement;
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          child = fragment(selection.name.value);
        } else {
          const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
          child = selections(selection.selectionSet, isCompositeType(type) ? type : undefined);
        }
        depth = Math.max(depth, child.depth);
        aliases += child.aliases;
        directives += child.directives;
        cost += child.cost;
      }
    }
    return { depth, aliases, directives, cost };
  }

  const root = schema.getRootType(operation.operation) ?? undefined;
  const own = selections(operation.selectionSet, root);
  const variableDirectives = (operation.variableDefinitions ?? []).reduce((sum, variable) => sum + (variable.directives?.length ?? 0), 0);
  return Object.freeze({ ...own, directives: own.directives + (operation.directives?.length ?? 0) + variableDirectives });
}

/** Throws the error of the first limit `measurement` exceeds; the message names the limit and the value, never query text. */
export function assertWithinLimits(measurement: OperationMeasurement, limits: QueryLimits): void {
  if (measurement.depth > limits.maxDepth) {
    throw new HubError('QUERY_TOO_DEEP', `The operation is ${measurement.depth} fields deep; the limit is ${limits.maxDepth}`);
  }
  if (measurement.aliases > limits.maxAliases) {
    throw new HubError('TOO_MANY_ALIASES', `The operation uses ${measurement.aliases} aliases; the limit is ${limits.maxAliases}`);
  }
  if (measurement.directives > limits.maxDirectives) {
    throw new HubError('TOO_MANY_DIRECTIVES', `The operation uses ${measurement.directives} directives; the limit is ${limits.maxDirectives}`);
  }
  if (measurement.cost > limits.maxCost) {
    throw new HubError('QUERY_TOO_COMPLEX', `The operation's cost is ${measurement.cost}; the limit is ${limits.maxCost}`);
  }
}

/** The schema's definition of a field, including the introspection meta-fields (GraphQL spec §4.1). */
function fieldDefinition(schema: GraphQLSchema, parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (!parent) return undefined;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function childType(field: GraphQLField<unknown, unknown> | undefined): GraphQLCompositeType | undefined {
  const type = field ? getNamedType(field.type) : undefined;
  return isCompositeType(type) ? type : undefined;
}

/** {@link LIST_COST_FACTOR} to the power of the list levels of `type`. */
function listFactor(type: GraphQLOutputType | undefined): number {
  let factor = 1;
  let current = type ? getNullableType(type) : undefined;
  while (current && isListType(current)) {
    factor *= LIST_COST_FACTOR;
    current = getNullableType(current.ofType as GraphQLOutputType);
  }
  return factor;
}
