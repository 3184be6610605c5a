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
  isAbstractType,
  isCompositeType,
  visit,
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
  /**
   * A withheld field inside a type condition that not every object there meets (`... on Book { secret }` in a list
   * of products) is replaced by a placeholder `alias: __typename`: where the placeholder comes back the field
   * applied, and its response key becomes null there (completeResponse.ts). Placeholder alias -> response key.
   */
  readonly placeholders: ReadonlyMap<string, string>;
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
  const placeholders = new Map<string, string>();
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return { document: null, unauthorizedPaths, nullPaths, placeholders };
  let usedKeys: Set<string> | undefined;

  /** What is left of a selection set; `real` is false when only placeholders are (nothing would be disclosed). */
  interface Filtered {
    readonly selectionSet: SelectionSetNode | null;
    readonly real: boolean;
  }

  /** `narrowed`: a type condition on the way from the enclosing field excludes some of the objects it returns. */
  function filterSelections(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: ResponsePath, narrowed: boolean): Filtered {
    const kept: SelectionNode[] = [];
    let real = false;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = filterField(selection, parentType, path, narrowed);
        if (field) kept.push(field.node);
        real ||= field?.real ?? false;
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const conditionName = fragment.typeCondition?.name.value;
      const conditionType = conditionName ? schema.getType(conditionName) : parentType;
      if (!conditionType || !isCompositeType(conditionType)) continue;
      const inner = filterSelections(fragment.selectionSet, conditionType, path, narrowed || !covers(conditionType, parentType));
      if (inner.selectionSet) {
        kept.push({
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: selection.directives,
          selectionSet: inner.selectionSet,
        });
      }
      real ||= inner.real;
    }
    return { selectionSet: kept.length > 0 ? { kind: Kind.SELECTION_SET, selections: kept } : null, real };
  }

  function filterField(node: FieldNode, parentType: GraphQLCompositeType, path: ResponsePath, narrowed: boolean): { node: FieldNode; real: boolean } | null {
    const name = node.name.value;
    if (name.startsWith('__')) return { node, real: true };
    const key = node.alias?.value ?? name;
    const fieldPath = [...path, key];
    const requirement = requirements.get(`${parentType.name}.${name}`);
    if (requirement && !scopesSatisfy(requirement.scopes, granted)) {
      unauthorizedPaths.push(fieldPath);
      if (!narrowed) {
        nullPaths.push(fieldPath);
        return null;
      }
      // Only some objects here meet the type condition: a placeholder tells afterwards which ones did.
      const alias = placeholderAlias();
      placeholders.set(alias, key);
      return { node: { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: '__typename' }, directives: node.directives }, real: false };
    }
    if (!node.selectionSet) return { node, real: true };
    const fieldDef = 'getFields' in parentType ? parentType.getFields()[name] : undefined;
    if (!fieldDef) return { node, real: true };
    const childType = getNamedType(fieldDef.type);
    if (!isCompositeType(childType)) return { node, real: true };
    const before = nullPaths.length;
    const placeholdersBefore = new Set(placeholders.keys());
    const inner = filterSelections(node.selectionSet, childType, [...fieldPath, ...listMarkers(fieldDef.type)], false);
    if (inner.selectionSet && inner.real) return { node: { ...node, selectionSet: inner.selectionSet }, real: true };
    // Every child was removed: drop the field itself and null it instead of its children.
    for (const alias of placeholders.keys()) if (!placeholdersBefore.has(alias)) placeholders.delete(alias);
    nullPaths.splice(before, nullPaths.length - before);
    if (narrowed) {
      const alias = placeholderAlias();
      placeholders.set(alias, key);
      return { node: { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: '__typename' }, directives: node.directives }, real: false };
    }
    nullPaths.push(fieldPath);
    return null;
  }

  /** A response key no selection of the document uses. */
  function placeholderAlias(): string {
    usedKeys ??= responseKeys(document);
    for (let index = placeholders.size; ; index += 1) {
      const alias = `withheld_${index}`;
      if (!usedKeys.has(alias) && !placeholders.has(alias)) return alias;
    }
  }

  /** Every object of `type` also meets `condition`. */
  function covers(condition: GraphQLCompositeType, type: GraphQLCompositeType): boolean {
    const possible = (t: GraphQLCompositeType) => (isAbstractType(t) ? schema.getPossibleTypes(t) : [t]).map((o) => o.name);
    const met = new Set(possible(condition));
    return possible(type).every((name) => met.has(name));
  }

  const filtered = filterSelections(operation.selectionSet, rootType, [], false);
  if (!filtered.selectionSet || !filtered.real) return { document: null, unauthorizedPaths, nullPaths: [], placeholders: new Map() };
  const executed: OperationDefinitionNode = { ...operation, selectionSet: filtered.selectionSet };
  return { document: { kind: Kind.DOCUMENT, definitions: [executed] }, unauthorizedPaths, nullPaths, placeholders };
}

/** Every alias and field name of a document. */
function responseKeys(document: DocumentNode): Set<string> {
  const keys = new Set<string>();
  visit(document, { Field: (node) => void keys.add(node.alias?.value ?? node.name.value) });
  return keys;
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
