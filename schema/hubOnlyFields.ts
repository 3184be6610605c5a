import { Kind, valueFromASTUntyped, type DocumentNode } from 'graphql';
import type { AuthorizationRequirement } from './gatewaySupergraph.js';
import type { ScopeClassification } from './scopes.js';

/**
 * Subgraphs that partners can never reach: the citizens' free-text requests and the caseworkers' queues. Their
 * fields may require only scopes no partner can ever be granted (`self`, `cases:<queue>`).
 */
export const HUB_ONLY_SUBGRAPHS: ReadonlySet<string> = new Set(['requests']);
/** Classifications a partner may be granted on a consent (schema/scopes.json; `self` is refused in consent/partners.ts). */
const PARTNER_GRANTABLE: ReadonlySet<ScopeClassification> = new Set(['personal', 'derived']);

/**
 * Fields of a hub-only subgraph that a partner could reach: guarded by `@authenticated` alone (entity keys
 * excepted, which carry no data and are the subgraph's join), by no scope at all, or by any partner-grantable scope
 * (even as one alternative among others).
 */
export function partnerReachableFields(
  subgraph: string,
  document: DocumentNode,
  requirements: ReadonlyMap<string, AuthorizationRequirement>,
  classification: ReadonlyMap<string, ScopeClassification>,
): Array<{ coordinate: string; reason: string }> {
  if (!HUB_ONLY_SUBGRAPHS.has(subgraph)) return [];
  const keys = keyFields(document);
  const found: Array<{ coordinate: string; reason: string }> = [];
  for (const [coordinate, { scopes }] of requirements) {
    if (scopes === null || scopes.length === 0 || scopes.some((all) => all.length === 0)) {
      if (!keys.has(coordinate)) found.push({ coordinate, reason: 'a field of a hub-only subgraph must require `self` or `cases:<queue>` (@requiresScopes), not just a token' });
      continue;
    }
    const grantable = [...new Set(scopes.flat())].filter((scope) => PARTNER_GRANTABLE.has(classification.get(scope) as ScopeClassification));
    if (grantable.length > 0) {
      found.push({ coordinate, reason: `a partner can be granted ${grantable.map((s) => `"${s}"`).join(', ')}, and partners may never reach a hub-only subgraph` });
    }
  }
  return found;
}

/** `Type.field` of every field named in an `@key(fields: "...")` (top-level names only; the hub's keys are flat). */
function keyFields(document: DocumentNode): Set<string> {
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
