import {
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ResponsePath } from './authorizeOperation.js';

/** The hub's own reasons for a null, which GraphQL's null propagation must leave where they are. */
export interface ResponseHoles {
  /**
   * Placeholder response keys (`alias: __typename`) that stand for a withheld field inside a type condition: where the
   * placeholder came back, the field applied, and it becomes the response key's `null`.
   */
  readonly placeholders: ReadonlyMap<string, string>;
  /** Paths (`'@'` for every list item) of fields whose register failed: a null there stays, with its pathed error. */
  readonly failedPaths: readonly ResponsePath[];
  /**
   * Response paths (list indices included) where a register reported an error. A null there on a field of an
   * `entities` type stays, and nothing above it is nulled: a register's error costs that register's field, not the
   * person (an entity) it belongs to. Elsewhere the null propagates as GraphQL says.
   */
  readonly erroredPaths: ReadonlyArray<ReadonlyArray<string | number>>;
  /** The types (with a `@key`) whose fields confine a register's error to themselves. */
  readonly entities: ReadonlySet<string>;
}

/**
 * GraphQL's null propagation (spec §6.4.4, "Handling Field Errors") over data that the engine shaped without it: a
 * null in a non-null position nulls the nearest nullable parent, as `@apollo/gateway` would, except at the holes.
 * Works in place; returns the data, or null when the null reached the root. Which fragment applied is read from
 * which response keys are present (the shaping writes exactly the keys that applied), and fields sharing a response
 * key have the same type shape in a valid operation (OverlappingFieldsCanBeMerged), so no runtime type is needed.
 */
export function completeResponse(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  data: Record<string, unknown> | null,
  holes: ResponseHoles,
): Record<string, unknown> | null {
  const root = schema.getRootType(operation.operation);
  if (!data || !root) return data;
  const errored = holes.erroredPaths.length > 0 ? new Set(holes.erroredPaths.map((path) => path.join('\u0000'))) : undefined;
  /** A null at `path` that the hub keeps where it is. */
  const isHole = (path: readonly (string | number)[], parentTypeName: string) =>
    holes.failedPaths.some((pattern) => matches(pattern, path)) || (errored !== undefined && holes.entities.has(parentTypeName) && errored.has(path.join('\u0000')));
  const fieldsOf = collectedFieldsFor(schema);
  // One path, grown and shrunk along the walk; copied only when a hole has to be looked up.
  const path: (string | number)[] = [];

  function completeObject(selectionSets: readonly SelectionSetNode[], parentType: GraphQLCompositeType, object: Record<string, unknown>): boolean {
    let withheldHere: Set<string> | undefined;
    for (const [key, field] of fieldsOf(selectionSets, parentType)) {
      if (!Object.hasOwn(object, key) || withheldHere?.has(key)) continue;
      const withheld = holes.placeholders.size > 0 ? holes.placeholders.get(key) : undefined;
      if (withheld !== undefined) {
        // The same response key may also be selected, allowed, under another type condition: this object is not one
        // of those (it met the withheld one), so that selection must not judge the null put here.
        delete object[key];
        object[withheld] = null;
        (withheldHere ??= new Set()).add(withheld);
        continue;
      }
      if (!field.type) continue;
      path.push(key);
      const value = completeValue(field.type, object[key], field.selectionSets);
      const hole = value === INVALID && isHole(path, field.parentTypeName);
      path.pop();
      if (value !== INVALID) {
        object[key] = value;
      } else {
        object[key] = null;
        if (!hole) return false;
      }
    }
    return true;
  }

  /** The completed value, or {@link INVALID} when it is null in a non-null position (its parent must take the null). */
  function completeValue(type: GraphQLOutputType, value: unknown, selectionSets: readonly SelectionSetNode[]): unknown {
    if (isNonNullType(type)) {
      const inner = completeValue(type.ofType, value, selectionSets);
      return inner === null || inner === undefined ? INVALID : inner;
    }
    if (value === null || value === undefined) return null;
    if (isListType(type)) {
      if (!Array.isArray(value)) return value;
      for (let index = 0; index < value.length; index += 1) {
        path.push(index);
        const item = completeValue(type.ofType, value[index], selectionSets);
        path.pop();
        if (item === INVALID) return null;
        value[index] = item;
      }
      return value;
    }
    if (isCompositeType(type) && typeof value === 'object') {
      return completeObject(selectionSets, type, value as Record<string, unknown>) ? value : null;
    }
    return value;
  }

  return completeObject(rootSelection(operation), root, data) ? data : null;
}

/** Marks a null in a non-null position on its way up. */
const INVALID = Symbol('invalid');

const rootSelections = new WeakMap<OperationDefinitionNode, readonly SelectionSetNode[]>();
/** The operation's selection set as a stable one-element list (a cache key below). */
function rootSelection(operation: OperationDefinitionNode): readonly SelectionSetNode[] {
  let selections = rootSelections.get(operation);
  if (!selections) {
    selections = [operation.selectionSet];
    rootSelections.set(operation, selections);
  }
  return selections;
}

const collectedBySchema = new WeakMap<GraphQLSchema, WeakMap<readonly SelectionSetNode[], Map<string, Map<string, CollectedField>>>>();
/**
 * {@link collectFields}, remembered per schema, selection sets and parent type: the executed operations are cached
 * (gateway/executeOperation.ts), so the same selection-set lists come back request after request, and every item
 * of a list shares its field's.
 */
function collectedFieldsFor(schema: GraphQLSchema) {
  let bySelections = collectedBySchema.get(schema);
  if (!bySelections) {
    bySelections = new WeakMap();
    collectedBySchema.set(schema, bySelections);
  }
  const cache = bySelections;
  return (selectionSets: readonly SelectionSetNode[], parentType: GraphQLCompositeType): Map<string, CollectedField> => {
    let byType = cache.get(selectionSets);
    if (!byType) {
      byType = new Map();
      cache.set(selectionSets, byType);
    }
    let fields = byType.get(parentType.name);
    if (!fields) {
      fields = collectFields(schema, selectionSets, parentType);
      byType.set(parentType.name, fields);
    }
    return fields;
  };
}

interface CollectedField {
  /** The field's type as declared on the type its selection was made on; undefined for meta fields. */
  readonly type: GraphQLOutputType | undefined;
  /** That type's name. */
  readonly parentTypeName: string;
  readonly selectionSets: SelectionSetNode[];
}

/** Fields by response key across every fragment of the selection sets, each with its sub-selections merged. */
function collectFields(schema: GraphQLSchema, selectionSets: readonly SelectionSetNode[], parentType: GraphQLCompositeType): Map<string, CollectedField> {
  const fields = new Map<string, CollectedField>();
  const visit = (selectionSet: SelectionSetNode, type: GraphQLCompositeType) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        add(selection, type);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        visit(selection.selectionSet, condition && isCompositeType(condition) ? condition : type);
      }
      // Fragment spreads never reach here: the operation executed has its fragments inlined (authorizeOperation).
    }
  };
  const add = (node: FieldNode, type: GraphQLCompositeType) => {
    const key = node.alias?.value ?? node.name.value;
    let entry = fields.get(key);
    if (!entry) {
      const definition = node.name.value.startsWith('__') || !('getFields' in type) ? undefined : type.getFields()[node.name.value];
      entry = { type: definition?.type, parentTypeName: type.name, selectionSets: [] };
      fields.set(key, entry);
    }
    if (node.selectionSet) entry.selectionSets.push(node.selectionSet);
  };
  for (const selectionSet of selectionSets) visit(selectionSet, parentType);
  return fields;
}

/** Whether a concrete response path is one of a pattern's (`'@'` matches any list index). */
function matches(pattern: ResponsePath, path: readonly (string | number)[]): boolean {
  return pattern.length === path.length && pattern.every((step, index) => (step === '@' ? typeof path[index] === 'number' : step === path[index]));
}
