import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import type { TrustedDocumentManifest } from '../lib/trustedDocuments.js';
import { composeSupergraph, SchemaCompositionError, type SubgraphSource } from './compose.js';
import { authorizationRequirements, loadableSupergraph } from './gatewaySupergraph.js';
import { coordinatesUsed } from './operationCoordinates.js';
import type { ScopeEntry } from './scopes.js';

/** How much a change matters to clients: `BREAKING` is used by a registered operation (or cannot be attributed). */
export type ChangeLevel = 'BREAKING' | 'DANGEROUS' | 'SAFE';

/** A registered operation of one client. */
export interface OperationRef {
  readonly client: string;
  readonly operation: string;
}

/** One change of the API schema (or of a field's authorization) against the current supergraph. */
export interface SchemaChange {
  readonly level: ChangeLevel;
  /** graphql-inspector's change type (`FIELD_REMOVED`, ...) or `AUTHORIZATION_CHANGED`. */
  readonly type: string;
  /** Schema coordinate, like `Person.taxUpdatedAt`; empty when the differ gives none. */
  readonly path: string;
  readonly message: string;
  /** Registered operations that select what changed. */
  readonly usedBy: readonly OperationRef[];
  /** True when the differ called it breaking and no registered operation uses it, so it is reported as dangerous. */
  readonly unused: boolean;
}

/** A registered operation the proposed schema would break, and why. */
export interface AffectedOperation extends OperationRef {
  /** Validation errors against the proposed API schema (field and type names only, never data). */
  readonly errors: readonly string[];
  /** Paths of breaking changes the operation uses. */
  readonly changes: readonly string[];
}

/** What `npm run check-subgraph` found; `ok` decides the exit code. */
export interface SubgraphCheckReport {
  readonly register: string;
  readonly ok: boolean;
  readonly composition: { readonly ok: boolean; readonly code: 'COMPOSITION_FAILED' | 'POLICY_VIOLATION' | null; readonly errors: readonly string[] };
  readonly changes: readonly SchemaChange[];
  readonly operations: { readonly checked: number; readonly affected: readonly AffectedOperation[] };
}

/** Inputs of {@link checkSubgraph}. */
export interface SubgraphCheckInput {
  register: string;
  /** The proposed SDL of `register`. */
  proposedTypeDefs: string;
  /** Every subgraph as it is now (the working tree's schemas); `register`'s is replaced by the proposal. */
  subgraphs: readonly SubgraphSource[];
  /** The supergraph in service (the committed `schema/supergraph.graphql`), what changes are classified against. */
  currentSupergraphSdl: string;
  /** Every client's registered operations, by client id. */
  manifests: ReadonlyMap<string, TrustedDocumentManifest>;
  catalogue?: readonly ScopeEntry[];
}

/**
 * Checks a proposed subgraph schema the way GraphOS and Hive check a change against real traffic, with the hub's
 * registered operations as the traffic: composition and the policy, every change classified by graphql-inspector,
 * and every client's registered operations validated against the proposed API schema. A breaking change that no
 * registered operation uses is reported as dangerous; `ok` is false when composition or the policy fails, or a
 * registered operation would stop validating or selects what a breaking change removes or retypes.
 */
export async function checkSubgraph(input: SubgraphCheckInput): Promise<SubgraphCheckReport> {
  if (!input.subgraphs.some((s) => s.name === input.register)) throw new TypeError(`unknown register "${input.register}"`);
  const subgraphs = input.subgraphs.map((s) => (s.name === input.register ? { ...s, typeDefs: input.proposedTypeDefs } : s));
  let proposedSupergraphSdl: string;
  try {
    proposedSupergraphSdl = (input.catalogue ? composeSupergraph(subgraphs, input.catalogue) : composeSupergraph(subgraphs)).supergraphSdl;
  } catch (error) {
    if (!(error instanceof SchemaCompositionError)) throw error;
    const operations = [...input.manifests.values()].reduce((n, m) => n + m.operations.length, 0);
    return {
      register: input.register, ok: false,
      composition: { ok: false, code: error.code, errors: [...error.details] },
      changes: [], operations: { checked: operations, affected: [] },
    };
  }
  const currentApi = apiSchemaOf(input.currentSupergraphSdl);
  const proposedApi = apiSchemaOf(proposedSupergraphSdl);
  const operations = [...input.manifests].flatMap(([client, manifest]) =>
    manifest.operations.map((op) => ({ client, operation: op.name, document: parse(op.body) })));
  const usage = operations.map((op) => ({ ...op, coordinates: coordinatesUsed(currentApi, op.document) }));
  const usersOf = (path: string): OperationRef[] => (path === '' ? [] : usage
    .filter(({ coordinates: { touched, parents } }) =>
      touched.has(path) || [...touched].some((c) => c.startsWith(`${path}.`)) || [...parents].some((p) => path.startsWith(`${p}.`)))
    .map(({ client, operation }) => ({ client, operation })));

  const changes: SchemaChange[] = [];
  for (const change of await diff(currentApi, proposedApi)) changes.push(classify(change, usersOf(change.path ?? '')));
  changes.push(...authorizationChanges(input.currentSupergraphSdl, proposedSupergraphSdl, usersOf));

  const affected: AffectedOperation[] = [];
  for (const op of usage) {
    const errors = validate(proposedApi, op.document, specifiedRules).map((e) => e.message);
    const breaking = changes.filter((c) => c.level === 'BREAKING' && c.usedBy.some((u) => u.client === op.client && u.operation === op.operation)).map((c) => c.path);
    if (errors.length > 0 || breaking.length > 0) affected.push({ client: op.client, operation: op.operation, errors, changes: breaking });
  }
  const unattributed = changes.some((c) => c.level === 'BREAKING' && c.usedBy.length === 0);
  return {
    register: input.register,
    ok: affected.length === 0 && !unattributed,
    composition: { ok: true, code: null, errors: [] },
    changes,
    operations: { checked: operations.length, affected },
  };
}

/** The client-facing API schema of a supergraph (what the gateway serves and validates operations against). */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(loadableSupergraph(supergraphSdl)).apiSchema().toGraphQLJSSchema();
}

/** Registered operations that do not validate against an API schema, each with its validation messages. */
export function invalidOperations(apiSchema: GraphQLSchema, manifests: ReadonlyMap<string, TrustedDocumentManifest>): Array<OperationRef & { errors: string[] }> {
  const invalid: Array<OperationRef & { errors: string[] }> = [];
  for (const [client, manifest] of manifests) {
    for (const op of manifest.operations) {
      const errors = validate(apiSchema, parse(op.body), specifiedRules).map((e) => e.message);
      if (errors.length > 0) invalid.push({ client, operation: op.name, errors });
    }
  }
  return invalid;
}

function classify(change: Change, usedBy: OperationRef[]): SchemaChange {
  const level = change.criticality.level;
  const base = { type: String(change.type), path: change.path ?? '', message: change.message, usedBy };
  if (level === CriticalityLevel.Breaking) {
    // Only what some registered operation selects can break a client: anything else is reported, not refused.
    const unused = usedBy.length === 0 && base.path !== '';
    return { ...base, level: unused ? 'DANGEROUS' : 'BREAKING', unused };
  }
  return { ...base, level: level === CriticalityLevel.Dangerous ? 'DANGEROUS' : 'SAFE', unused: false };
}

/**
 * The API schema carries no authorization, so a field whose `@requiresScopes` changed is diffed separately: tighter
 * or looser, a client may start getting null (or a partner more than before), which a reviewer must see.
 */
function authorizationChanges(currentSdl: string, proposedSdl: string, usersOf: (path: string) => OperationRef[]): SchemaChange[] {
  const before = authorizationRequirements(currentSdl);
  const after = authorizationRequirements(proposedSdl);
  const changes: SchemaChange[] = [];
  const text = (r: { scopes: string[][] | null } | undefined) => (r?.scopes ? JSON.stringify(r.scopes) : '@authenticated');
  for (const [coordinate, requirement] of after) {
    const previous = before.get(coordinate);
    if (!previous || text(previous) === text(requirement)) continue;
    changes.push({
      level: 'DANGEROUS', type: 'AUTHORIZATION_CHANGED', path: coordinate, usedBy: usersOf(coordinate), unused: false,
      message: `Field '${coordinate}' now requires ${text(requirement)} instead of ${text(previous)}`,
    });
  }
  return changes;
}
