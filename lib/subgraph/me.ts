import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { InternalCredential } from '../tokens/internalCredential.js';

/** What every subgraph's `Query.me` resolves to: the Person entity of the credential's subject, by its key. */
export interface SubjectPerson {
  readonly id: string;
}

/**
 * `Query.me` of every subgraph: the subject of the gateway's internal credential, never anything a caller names
 * (the field takes no argument; the schema policy refuses one). Every subgraph with Person fields declares the
 * same `me: Person! @shareable`, so the gateway asks each register `{ me { ... } }` at once instead of asking one
 * register for the person and the others for `_entities` after it.
 */
export const resolveMe: GraphQLFieldResolver<unknown, { readonly credential: InternalCredential }> = (_source, _args, context): SubjectPerson => ({
  id: context.credential.subject,
});

/**
 * Installs {@link resolveMe} on the schema's `Query.me`, if it declares one. A subgraph's own resolver for it is
 * refused: `me` means the same person in every register, so no register decides it for itself.
 */
export function installMe(schema: GraphQLSchema, resolvers: { readonly Query?: unknown }): GraphQLSchema {
  const query = resolvers.Query;
  if (query !== null && typeof query === 'object' && 'me' in query) {
    throw new TypeError('resolvers.Query.me: `me` is resolved by the shared subgraph runner (lib/subgraph/me.ts), always to the credential subject; remove the subgraph\'s own');
  }
  const me = schema.getQueryType()?.getFields().me;
  if (me) me.resolve = resolveMe as GraphQLFieldResolver<unknown, unknown>;
  return schema;
}
