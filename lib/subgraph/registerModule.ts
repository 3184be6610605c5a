import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Kysely } from 'kysely';
import type { CorePerson } from '../synthetic/persons.js';
import type { SubgraphContext } from './service.js';

/** Options a register's seeder receives with each batch of persons. */
export interface SeedOptions {
  seed: string;
  referenceDate: Date;
}

/** Everything the shared subgraph runner needs to know about one register; each subgraph folder exports one. */
export interface RegisterModule<Loaders> {
  /** Its name in `subgraphs/registry.json`: also its port, URL and database variables' prefix. */
  readonly register: string;
  /** The subgraph's schema (its `schema.graphql`). */
  readonly typeDefs: string;
  migrate(db: Kysely<any>): Promise<void>;
  /** Whether the register holds any data yet (dev mode seeds an empty register on first start). */
  hasData(db: Kysely<any>): Promise<boolean>;
  /** Inserts one batch of synthetic persons' records. */
  seed(db: Kysely<any>, persons: readonly CorePerson[], options: SeedOptions): Promise<void>;
  /** Deletes every record of the register. */
  clear(db: Kysely<any>): Promise<void>;
  /** Resolvers; the context carries request-scoped loaders made by {@link createLoaders}. */
  resolvers(now: () => Date): GraphQLResolverMap<SubgraphContext<Loaders>>;
  /** Request-scoped DataLoaders over the register. */
  createLoaders(db: Kysely<any>): Loaders;
}
