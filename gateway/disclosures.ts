import {
  getNamedType,
  isCompositeType,
  Kind,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The schema coordinates (`Type.field`) of every non-null value a response actually carries. Walked along the
 * executed operation, so aliases cannot disguise what was disclosed, and nulls (unauthorized, failed, absent)
 * are not counted as disclosed.
 */
export function disclosedFields(schema: GraphQLSchema, operation: OperationDefinitionNode, data: Record<string, unknown> | null | undefined): string[] {
  const found = new Set<string>();
  const root = schema.getRootType(operation.operation);
  if (!root || !data) return [];

  function walk(selectionSet: SelectionSetNode, type: GraphQLCompositeType, value: unknown): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(selectionSet, type, item);
      return;
    }
    const object = value as Record<string, unknown>;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) walk(selection.selectionSet, condition, object);
        continue;
      }
      if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
      const fieldValue = object[selection.alias?.value ?? selection.name.value];
      if (fieldValue === null || fieldValue === undefined) continue;
      if (!('getFields' in type)) continue;
      const field = type.getFields()[selection.name.value];
      if (!field) continue;
      // Root fields (`Query.me`) name the subject, not data; every other non-null field was disclosed, even an
      // empty list, which tells the partner there is nothing on record.
      if (type !== root) found.add(`${type.name}.${field.name}`);
      const fieldType = getNamedType(field.type);
      if (selection.selectionSet && isCompositeType(fieldType)) walk(selection.selectionSet, fieldType, fieldValue);
    }
  }

  walk(operation.selectionSet, root, data);
  return [...found].sort();
}
