import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import type { InternalCredential } from '../tokens/internalCredential.js';
import { fieldRequirement, scopesSatisfy } from './requirements.js';

/** The part of a subgraph's context the enforcement reads. */
export interface AuthorizedContext {
  readonly credential: InternalCredential;
}

/**
 * Wraps the schema's resolvers so that the subgraph checks again what the gateway already checked: every
 * `@requiresScopes` field against the credential's scopes, and every `_entities` representation against the
 * credential's subject. Defence in depth: a gateway bug or a stolen credential for one person reaches nothing more.
 */
export function enforceAuthorization(schema: GraphQLSchema, entityTypes: readonly string[] = ['Person']): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const requirement = fieldRequirement(field);
      if (!requirement?.scopes) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const coordinate = `${type.name}.${field.name}`;
      field.resolve = (source, args, context: AuthorizedContext, info) => {
        if (!scopesSatisfy(requirement.scopes, context.credential.scopes)) {
          throw new GraphQLError(`Not authorized to read ${coordinate}`, { extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
        }
        return resolve(source, args, context, info);
      };
    }
  }
  const entities = schema.getQueryType()?.getFields()._entities;
  if (entities?.resolve) {
    const resolve = entities.resolve;
    const allowed = new Set(entityTypes);
    entities.resolve = (source, args: { representations?: unknown }, context: AuthorizedContext, info) => {
      const representations = Array.isArray(args.representations) ? args.representations : [];
      for (const representation of representations) {
        const { __typename, id } = (representation ?? {}) as { __typename?: unknown; id?: unknown };
        if (typeof __typename !== 'string' || !allowed.has(__typename) || id !== context.credential.subject) {
          // The message names neither the requested id nor the subject.
          throw new GraphQLError('Entities may be requested only for the credential subject', { extensions: { code: 'FORBIDDEN' } });
        }
      }
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
