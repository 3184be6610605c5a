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
 */
export function failureErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  owners: ReadonlyMap<string, SubgraphName>,
  failures: ReadonlyMap<SubgraphName, SubgraphFailure>,
): { errors: GatewayError[]; nullPaths: ResponsePath[] } {
  const errors: GatewayError[] = [];
  const nullPaths: ResponsePath[] = [];
  const root = schema.getRootType(operation.operation);
  if (!root || failures.size === 0) return { errors, nullPaths };

  function walk(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: ResponsePath, parentOwner: SubgraphName | undefined) {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        // Fields inside a type condition belong to that type (its own resolver may differ from the interface's).
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        walk(selection.selectionSet, condition && isCompositeType(condition) ? condition : parentType, path, parentOwner);
        continue;
      }
      if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
      const key = selection.alias?.value ?? selection.name.value;
      const owner = owners.get(`${parentType.name}.${selection.name.value}`);
      const failure = owner ? failures.get(owner) : undefined;
      if (owner && failure && owner !== parentOwner) {
        errors.push({ message: `The ${owner} register ${MESSAGES[failure]}`, path: [...path, key].filter((p) => p !== '@'), extensions: { code: failure } });
        nullPaths.push([...path, key]);
        continue;
      }
      const field = 'getFields' in parentType ? parentType.getFields()[selection.name.value] : undefined;
      if (!field || !selection.selectionSet) continue;
      const child = getNamedType(field.type);
      if (!isCompositeType(child)) continue;
      const markers: '@'[] = [];
      for (let t = getNullableType(field.type); isListType(t); t = getNullableType(t.ofType)) markers.push('@');
      walk(selection.selectionSet, child, [...path, key, ...markers], owner ?? parentOwner);
    }
  }
  walk(operation.selectionSet, root, [], undefined);
  return { errors, nullPaths };
}
