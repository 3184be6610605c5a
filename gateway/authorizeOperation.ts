import {
  getNamedType,
  getNullableType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  isCompositeType,
} from 'graphql';
import { scopesSatisfy, type FieldRequirement } from '../lib/subgraph/requirements.js';

/** A response path; `'@'` stands for every item of a list, as in Apollo Router. */
export type ResponsePath = readonly (string | '@')[];

/** The operation cut down to what the token's scopes cover. */
export interface AuthorizedOperation {
  /** The document to execute, or null when nothing requested is authorized. */
  readonly document: DocumentNode | null;
  /** Fields removed for lack of scope: each gets `UNAUTHORIZED_FIELD_OR_TYPE` at its path. */
  readonly unauthorizedPaths: readonly ResponsePath[];
  /** Where to put `null` in the result for removed fields (outermost removed field of each branch). */
  readonly nullPaths: readonly ResponsePath[];
}

/**
 * Removes every field whose `@requiresScopes` the granted scopes do not satisfy (Apollo Router's "filter"
 * mode): the rest of the operation still runs. Fragments are inlined first, so a field is judged the same
 * way however the query reaches it.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  requirements: ReadonlyMap<string, FieldRequirement>,
  granted: ReadonlySet<string>,
): AuthorizedOperation {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const unauthorizedPaths: ResponsePath[] = [];
  const nullPaths: ResponsePath[] = [];
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return { document: null, unauthorizedPaths, nullPaths };

  function filterSelections(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: ResponsePath): SelectionSetNode | null {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = filterField(selection, parentType, path);
        if (field) kept.push(field);
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const conditionName = fragment.typeCondition?.name.value;
      const conditionType = conditionName ? schema.getType(conditionName) : parentType;
      if (!conditionType || !isCompositeType(conditionType)) continue;
      const inner = filterSelections(fragment.selectionSet, conditionType, path);
      if (inner) {
        kept.push({
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: selection.directives,
          selectionSet: inner,
        });
      }
    }
    return kept.length > 0 ? { kind: Kind.SELECTION_SET, selections: kept } : null;
  }

  function filterField(node: FieldNode, parentType: GraphQLCompositeType, path: ResponsePath): FieldNode | null {
    const name = node.name.value;
    if (name.startsWith('__')) return node;
    const key = node.alias?.value ?? name;
    const fieldPath = [...path, key];
    const requirement = requirements.get(`${parentType.name}.${name}`);
    if (requirement && !scopesSatisfy(requirement.scopes, granted)) {
      unauthorizedPaths.push(fieldPath);
      nullPaths.push(fieldPath);
      return null;
    }
    if (!node.selectionSet) return node;
    const fieldDef = 'getFields' in parentType ? parentType.getFields()[name] : undefined;
    if (!fieldDef) return node;
    const childType = getNamedType(fieldDef.type);
    if (!isCompositeType(childType)) return node;
    const before = nullPaths.length;
    const inner = filterSelections(node.selectionSet, childType, [...fieldPath, ...listMarkers(fieldDef.type)]);
    if (inner) return { ...node, selectionSet: inner };
    // Every child was removed: drop the field itself and null it instead of its children.
    nullPaths.splice(before, nullPaths.length - before, fieldPath);
    return null;
  }

  const selectionSet = filterSelections(operation.selectionSet, rootType, []);
  if (!selectionSet) return { document: null, unauthorizedPaths, nullPaths: [] };
  const filtered: OperationDefinitionNode = { ...operation, selectionSet };
  return { document: { kind: Kind.DOCUMENT, definitions: [filtered] }, unauthorizedPaths, nullPaths };
}

/** One `'@'` per list level of a field's type. */
function listMarkers(type: GraphQLType): '@'[] {
  const markers: '@'[] = [];
  let current = getNullableType(type);
  while (isListType(current)) {
    markers.push('@');
    current = getNullableType(current.ofType);
  }
  return markers;
}

/** Sets `null` at `path` in `data` wherever the parent exists; `'@'` walks every list item. */
export function setNullAt(data: unknown, path: ResponsePath): void {
  if (data === null || typeof data !== 'object' || path.length === 0) return;
  const [head, ...rest] = path;
  if (head === '@') {
    if (Array.isArray(data)) for (const item of data) setNullAt(item, rest);
    return;
  }
  const record = data as Record<string, unknown>;
  if (rest.length === 0) {
    record[head as string] = null;
  } else {
    setNullAt(record[head as string], rest);
  }
}
