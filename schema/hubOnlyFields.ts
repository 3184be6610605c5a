import type { DocumentNode } from 'graphql';
import type { AuthorizationRequirement } from './gatewaySupergraph.js';
import { keyFields } from './keyFields.js';
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
 * excepted, which carry no data and are the subgraph's join, and `Query.me`, the shared entry point that is only
 * ever the credential's own subject, whose shape schema/meRoot.ts fixes), by no scope at all, or by any
 * partner-grantable scope (even as one alternative among others).
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
      if (!keys.has(coordinate) && coordinate !== 'Query.me') found.push({ coordinate, reason: 'a field of a hub-only subgraph must require `self` or `cases:<queue>` (@requiresScopes), not just a token' });
      continue;
    }
    const grantable = [...new Set(scopes.flat())].filter((scope) => PARTNER_GRANTABLE.has(classification.get(scope) as ScopeClassification));
    if (grantable.length > 0) {
      found.push({ coordinate, reason: `a partner can be granted ${grantable.map((s) => `"${s}"`).join(', ')}, and partners may never reach a hub-only subgraph` });
    }
  }
  return found;
}
