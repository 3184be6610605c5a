import { getNamedType, getNullableType, isCompositeType, isListType, Kind, type GraphQLCompositeType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SubgraphName } from '../lib/config.js';
import type { ResponsePath } from './authorizeOperation.js';
import type { SubgraphFailure } from './subgraphDataSource.js';

/** A client-facing error of the gateway. */
export interface GatewayError {
  message: string;
  path?: readonly (string | number)[];
  extensions: { code: string; retryAfterSeconds?: number };
}

const MESSAGES: Readonly<Record<SubgraphFailure, string>> = {
  SUBGRAPH_TIMEOUT: 'did not answer in time',
  SUBGRAPH_UNAVAILABLE: 'is unavailable',
  SUBGRAPH_ERROR: 'answered with an error',
};

/**
 * One pathed error for every field of the operation that a failed register should have resolved (the
 * outermost such field of each branch), so the client sees which data is missing and why.
 *
 * A field several registers resolve (a shared one: `Query.me`, which every register with Person fields answers
 * in the same round trip, or an entity key) is not lost with one of them. It is judged by what is under it: when
 * every field selected under it failed, so did it (its own path gets the errors, one per failed register, and its
 * null stays); otherwise each failed field under it gets its own error and the rest is answered. A shared field
 * with nothing but `__typename` under it failed when one of its registers did; a shared leaf, only when all did.
 * Under a shared field, a register that answered nothing (`unanswered`: its `me` came back null, say for a
 * `NOT_FOUND` on a non-null field) counts as failed too, with its own (already masked) error on each of its fields.
 */
export function failureErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  owners: ReadonlyMap<string, readonly SubgraphName[]>,
  failures: ReadonlyMap<SubgraphName, SubgraphFailure>,
  unanswered: ReadonlyMap<SubgraphName, Omit<GatewayError, 'path'>> = new Map(),
): { errors: GatewayError[]; nullPaths: ResponsePath[] } {
  const found: Array<{ path: ResponsePath; register: SubgraphName; error: Omit<GatewayError, 'path'> }> = [];
  const root = schema.getRootType(operation.operation);
  if (!root || (failures.size === 0 && unanswered.size === 0)) return { errors: [], nullPaths: [] };

  /** Why a register's fields are missing at this point of the walk, if they are. */
  function lostOf(register: SubgraphName, underShared: boolean): Omit<GatewayError, 'path'> | undefined {
    const failure = failures.get(register);
    if (failure) return { message: `The ${register} register ${MESSAGES[failure]}`, extensions: { code: failure } };
    return underShared ? unanswered.get(register) : undefined;
  }

  /** Walks one selection set; counts the fields selected in it and how many of them failed. */
  function walk(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: ResponsePath, underShared: boolean): { selected: number; failed: number } {
    const tally = { selected: 0, failed: 0 };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        // Fields inside a type condition belong to that type (its own resolver may differ from the interface's).
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        const inner = walk(selection.selectionSet, condition && isCompositeType(condition) ? condition : parentType, path, underShared);
        tally.selected += inner.selected;
        tally.failed += inner.failed;
        continue;
      }
      if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
      tally.selected += 1;
      const here = [...path, selection.alias?.value ?? selection.name.value];
      const registers = owners.get(`${parentType.name}.${selection.name.value}`) ?? [];
      const lostRegisters = registers.filter((register) => lostOf(register, underShared) !== undefined);
      // The parent was answered (or its failure would have been reported instead of walking in), so a field of one
      // register is lost exactly when that register failed.
      if (registers.length === 1 && lostRegisters.length === 1) {
        report(here, lostRegisters, underShared);
        tally.failed += 1;
        continue;
      }
      const field = 'getFields' in parentType ? parentType.getFields()[selection.name.value] : undefined;
      const child = field ? getNamedType(field.type) : undefined;
      if (!field || !selection.selectionSet || !child || !isCompositeType(child)) {
        if (registers.length > 1 && lostRegisters.length === registers.length) {
          report(here, lostRegisters, underShared);
          tally.failed += 1;
        }
        continue;
      }
      const markers: '@'[] = [];
      for (let t = getNullableType(field.type); isListType(t); t = getNullableType(t.ofType)) markers.push('@');
      const mark = found.length;
      const shared = registers.length > 1;
      const inner = walk(selection.selectionSet, child, [...here, ...markers], underShared || shared);
      if (!shared) continue;
      const lost = inner.selected === 0 ? lostRegisters : inner.failed === inner.selected ? [...new Set(found.slice(mark).map((f) => f.register))] : [];
      if (lost.length > 0) {
        // Everything under the shared field failed: it is null itself, and says why once per register.
        found.length = mark;
        report(here, lost, true);
        tally.failed += 1;
      }
    }
    return tally;
  }

  function report(path: ResponsePath, registers: readonly SubgraphName[], underShared: boolean): void {
    for (const register of registers) found.push({ path, register, error: lostOf(register, underShared)! });
  }

  walk(operation.selectionSet, root, [], false);
  const errors = found.map(({ path, error }): GatewayError => ({ ...error, path: path.filter((p) => p !== '@') }));
  const nullPaths: ResponsePath[] = [];
  for (const { path } of found) if (nullPaths.at(-1) !== path) nullPaths.push(path);
  return { errors, nullPaths };
}
