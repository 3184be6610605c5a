import { readFileSync } from 'node:fs';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type FetchNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { REGISTERS, subgraphAudience, type Register } from '../lib/config.js';
import type { SigningKey } from '../lib/keys.js';
import { createInternalCredentialMinter, type Party } from '../lib/tokens/internalCredential.js';
import { SUPERGRAPH_PATH } from '../gateway/supergraph.js';
import { loadableSupergraph } from '../schema/gatewaySupergraph.js';
import { scopeCatalogue } from '../schema/scopes.js';

/** The workloads of the benchmark, as named in results/latest.json. */
export type WorkloadName = 'dashboard' | 'partner' | 'single';

/** One GraphQL operation sent to a gateway, and who sends it. */
export interface Workload {
  readonly name: WorkloadName;
  readonly operationName: string;
  readonly query: string;
  /** A citizen's own token (Bearer), or a partner's consent token (DPoP-bound, a fresh proof per request). */
  readonly caller: 'citizen' | 'partner';
  /** The scopes of the caller's token, and of the internal credentials the peers forward. */
  readonly scopes: readonly string[];
}

/** The persona every workload asks about: complete data in all four registers (data/personas.json). */
export const BENCH_PERSONA = '140385-962D';
/** The citizen portal's client id (consent/provider.ts), which citizen tokens name. */
export const CITIZEN_CLIENT_ID = 'citizen-portal';
/** The dev partner of consent/partners/dev, whose committed key makes the DPoP proofs. */
export const PARTNER_CLIENT_ID = 'demo-bank';
/** What the partner workload's consent covers: two registers. */
export const PARTNER_SCOPES: readonly string[] = Object.freeze(['population:name', 'tax:income']);
/** Every scope of the catalogue: what the citizen portal's token carries. */
export const ALL_SCOPES: readonly string[] = Object.freeze(scopeCatalogue().map((entry) => entry.scope));

/** The citizen's whole dashboard: every field of the four registers (the consent service's fields excluded). */
const DASHBOARD = `query Dashboard {
  me {
    personalIdentityCode dateOfBirth firstNames lastName isAdult nationalities nativeLanguage
    address { streetAddress postalCode municipality }
    maritalStatus children { firstNames lastName dateOfBirth } populationUpdatedAt
    taxAssessments { year earnedIncome capitalIncome taxesPaid } taxDebt { amount recordedOn } taxUpdatedAt
    vehicles { registrationNumber make model vehicleClass role firstRegistered } drivingLicence { categories validUntil } vehiclesUpdatedAt
    qualifications { name level institution completedOn } enrolments { programme institution startedOn } educationUpdatedAt
  }
}`;

/** A bank's account-opening read: names and income, two registers, exactly what the consent grants. */
const PARTNER = `query Partner {
  me { firstNames lastName taxAssessments { year earnedIncome capitalIncome taxesPaid } }
}`;

/** One field from one register. */
const SINGLE = `query Single { me { firstNames } }`;

/** The three workloads, in the order they are measured. */
export const WORKLOADS: readonly Workload[] = Object.freeze([
  { name: 'dashboard', operationName: 'Dashboard', query: DASHBOARD, caller: 'citizen', scopes: ALL_SCOPES },
  { name: 'partner', operationName: 'Partner', query: PARTNER, caller: 'partner', scopes: PARTNER_SCOPES },
  { name: 'single', operationName: 'Single', query: SINGLE, caller: 'citizen', scopes: ALL_SCOPES },
]);

/** The request body a gateway receives for a workload. */
export function gatewayBody(workload: Workload): string {
  return JSON.stringify({ query: workload.query, operationName: workload.operationName });
}

/** The committed supergraph (with @authenticated/@requiresScopes), and the copy @apollo/gateway can load. */
export function readSupergraphs(): { committed: string; loadable: string } {
  const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
  return { committed, loadable: loadableSupergraph(committed) };
}

/** A supergraph whose `@join__graph` URLs point at the bench's subgraphs instead of the default ports. */
export function withSubgraphUrls(sdl: string, urls: Readonly<Partial<Record<string, string>>>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g, (whole, name: string) => {
    const url = urls[name];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : whole;
  });
}

/** One subgraph call as the gateway makes it for a workload: what the `direct` runs send. */
export interface SubgraphRequest {
  readonly subgraph: Register;
  readonly operationName: string | undefined;
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
}

/**
 * The subgraph calls of a workload, from the same query planner @apollo/gateway uses on the same supergraph, with
 * the `_entities` representations filled in for `personId` (every entity fetch here is a `Person` by `id`).
 */
export function subgraphRequests(workload: Workload, personId: string, loadableSdl: string): SubgraphRequest[] {
  const supergraph = Supergraph.build(loadableSdl);
  const planner = new QueryPlanner(supergraph);
  const operation = operationFromDocument(supergraph.apiSchema(), parse(workload.query), { operationName: workload.operationName });
  const plan = planner.buildQueryPlan(operation);
  const fetches: FetchNode[] = [];
  const walk = (node: PlanNode | undefined): void => {
    if (!node) return;
    if (node.kind === 'Fetch') fetches.push(node);
    else if (node.kind === 'Sequence' || node.kind === 'Parallel') node.nodes.forEach(walk);
    else if (node.kind === 'Flatten') walk(node.node);
    else throw new Error(`bench: unexpected ${node.kind} node in the plan of ${workload.name}`);
  };
  walk(plan.node as PlanNode | undefined);
  return fetches.map((fetch) => {
    if (!(REGISTERS as readonly string[]).includes(fetch.serviceName)) throw new Error(`bench: ${workload.name} reaches ${fetch.serviceName}, not a register`);
    const entities = fetch.requires !== undefined;
    if (entities && !fetch.operation.includes('_entities')) throw new Error(`bench: a fetch of ${workload.name} needs representations but is not _entities`);
    return {
      subgraph: fetch.serviceName as Register,
      operationName: fetch.operationName,
      query: fetch.operation,
      variables: entities ? { representations: [{ __typename: 'Person', id: personId }] } : undefined,
    };
  });
}

/** The body of a direct subgraph call. */
export function subgraphBody(request: SubgraphRequest): string {
  return JSON.stringify({ query: request.query, operationName: request.operationName, variables: request.variables });
}

/** The header that carries a subgraph's internal credential to a peer gateway, which forwards it as `authorization`. */
export function credentialHeader(subgraph: string): string {
  return `x-bench-credential-${subgraph}`;
}

/**
 * Internal credentials for every register, as the hub's gateway would mint them for this workload's caller. The
 * registers refuse a credential older than 120 s (lib/tokens/internalCredential.ts, `maxAgeSeconds`), whatever its
 * `exp`, so the runner mints a fresh set for every cell rather than one long-lived set for the whole bench.
 */
export async function mintCredentials(key: SigningKey, workload: Workload, personId: string): Promise<Record<Register, string>> {
  const mint = createInternalCredentialMinter({ key, ttlSeconds: 120 });
  const party: Party = workload.caller;
  const clientId = workload.caller === 'partner' ? PARTNER_CLIENT_ID : CITIZEN_CLIENT_ID;
  const entries = await Promise.all(
    REGISTERS.map(async (register) => [register, await mint(subgraphAudience(register), { subject: personId, scopes: new Set(workload.scopes), party, clientId })] as const),
  );
  return Object.fromEntries(entries) as Record<Register, string>;
}
