import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { REGISTERS } from '../lib/config.js';

/**
 * The items a request may be `about`: `Person.<field>` for every field the four registers put on Person (their
 * `schema.graphql`), except the join key. Read once at start; a register that adds a field adds an item.
 */
export function registerPersonItems(): ReadonlySet<string> {
  const items = new Set<string>();
  for (const register of REGISTERS) {
    const sdl = readFileSync(new URL(`../subgraphs/${register}/schema.graphql`, import.meta.url), 'utf8');
    for (const definition of parse(sdl).definitions) {
      if ((definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) || definition.name.value !== 'Person') continue;
      for (const field of definition.fields ?? []) if (field.name.value !== 'id') items.add(`Person.${field.name.value}`);
    }
  }
  return items;
}
