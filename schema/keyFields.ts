import { Kind, valueFromASTUntyped, type DocumentNode } from 'graphql';

/** `Type.field` of every field named in an `@key(fields: "...")` (top-level names only; the hub's keys are flat). */
export function keyFields(document: DocumentNode): Set<string> {
  const keys = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = directive.arguments?.find((argument) => argument.name.value === 'fields');
      if (!fields) continue;
      for (const name of String(valueFromASTUntyped(fields.value)).split(/[\s{}]+/).filter(Boolean)) keys.add(`${definition.name.value}.${name}`);
    }
  }
  return keys;
}
