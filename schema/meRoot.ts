import { Kind, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import type { AuthorizationRequirement } from './gatewaySupergraph.js';
import { keyFields } from './keyFields.js';
import { linkedNames } from './linkedDirectives.js';

/** The one declaration of `me` every subgraph with Person fields carries, as a register owner writes it. */
export const ME_DECLARATION = 'type Query { me: Person! @shareable @authenticated }';

/**
 * The one-round-trip rule. The person is known from the token before any register is asked, so every subgraph that
 * contributes Person fields declares the same root `me: Person! @shareable @authenticated`, resolved from the
 * gateway's credential (lib/subgraph/me.ts): the query planner then asks every register `{ me { ... } }` at once,
 * where a register without `me` could only be asked for `_entities` after another one answered `me` (two round
 * trips in a row). Wherever `me` is declared it has exactly that shape: no argument (it is always the token's
 * subject), `Person!`, `@shareable` (or composition refuses the second one), and `@authenticated` with no scope (a
 * scope on one subgraph's `me` would compose into a requirement on everyone's, shutting out every token without it).
 * A supergraph (the gateway checks the one it loads) has no `@shareable` left: there only the shape is checked.
 */
export function meRootFindings(document: DocumentNode, requirements: ReadonlyMap<string, AuthorizationRequirement>): Array<{ coordinate: string; reason: string }> {
  const shareable = linkedNames(document).directives.shareable;
  const supergraph = isSupergraph(document);
  const keys = keyFields(document);
  const personFields: string[] = [];
  let me: FieldDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const type = definition.name.value;
    for (const field of definition.fields ?? []) {
      if (type === 'Person' && !keys.has(`Person.${field.name.value}`)) personFields.push(field.name.value);
      if (type === 'Query' && field.name.value === 'me') me = field;
    }
  }
  if (!me) {
    if (personFields.length === 0 || supergraph) return [];
    return [{ coordinate: 'Query.me', reason: `a subgraph with Person fields must declare \`${ME_DECLARATION}\`, so that the gateway asks it at the same time as every other register (one round trip)` }];
  }
  const wrong: string[] = [];
  if ((me.arguments ?? []).length > 0) wrong.push('it may take no argument (it is always the token\'s subject)');
  if (!(me.type.kind === Kind.NON_NULL_TYPE && me.type.type.kind === Kind.NAMED_TYPE && me.type.type.name.value === 'Person')) wrong.push('its type must be `Person!`');
  if (!supergraph && !(me.directives ?? []).some((directive) => shareable.has(directive.name.value))) wrong.push('it must be @shareable (every subgraph with Person fields declares it)');
  const requirement = requirements.get('Query.me');
  if (requirement && requirement.scopes !== null) wrong.push('it takes @authenticated alone: a scope here would compose into a requirement on every subgraph\'s `me`');
  return wrong.length === 0 ? [] : [{ coordinate: 'Query.me', reason: `must be declared as \`${ME_DECLARATION}\`: ${wrong.join('; ')}` }];
}

/** Whether the SDL is a composed supergraph (it links the join spec), not a subgraph's schema. */
function isSupergraph(document: DocumentNode): boolean {
  return document.definitions.some((definition) =>
    (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) &&
    (definition.directives ?? []).some((directive) => directive.name.value === 'link' && directive.arguments?.some((argument) =>
      argument.name.value === 'url' && argument.value.kind === Kind.STRING && /\/join\/v\d+\.\d+$/.test(argument.value.value))));
}
