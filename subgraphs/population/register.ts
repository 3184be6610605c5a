import type { Kysely } from 'kysely';
import type { DatabaseEngine } from '../../lib/storage/database.js';
import { engineOf, jsonArrayFromFor, parseJsonArray } from '../../lib/storage/jsonArrays.js';
import type { PopulationTables } from './tables.js';

/** A child as the population register records it. */
export interface PopulationChild {
  firstNames: string;
  lastName: string;
  dateOfBirth: string;
}

/** A permanent address; `nonDisclosure` says an address non-disclosure order is in force. */
export interface PopulationAddress {
  streetAddress: string;
  postalCode: string;
  municipality: string;
  nonDisclosure: boolean;
}

/** Everything the population register holds about one person. */
export interface PopulationRecord {
  personId: string;
  personalIdentityCode: string;
  firstNames: string;
  lastName: string;
  dateOfBirth: string;
  nationalities: string[];
  nativeLanguage: string | null;
  maritalStatus: string;
  address: PopulationAddress | null;
  children: PopulationChild[];
  updatedAt: string;
}

/** Batched read access to the population register, for the subgraph's DataLoaders. */
export interface PopulationRegister {
  /** Records in the order of `personIds`, null where the register has no such person; always one SQL statement. */
  findPersons(personIds: readonly string[]): Promise<Array<PopulationRecord | null>>;
}

/** Creates the population register's data access over a database (the engine is read from its dialect if not given). */
export function createPopulationRegister(db: Kysely<PopulationTables>, engine: DatabaseEngine = engineOf(db)): PopulationRegister {
  // The JSON aggregate differs by engine (json_agg vs json_group_array); the query is otherwise the same.
  const jsonArrayFrom = jsonArrayFromFor(engine);
  return {
    async findPersons(personIds) {
      if (personIds.length === 0) return [];
      const rows = await db
        .selectFrom('population_person as p')
        .leftJoin('population_address as a', 'a.person_id', 'p.person_id')
        .select((eb) => [
          'p.person_id',
          'p.personal_identity_code',
          'p.first_names',
          'p.last_name',
          'p.date_of_birth',
          'p.nationalities',
          'p.native_language',
          'p.marital_status',
          'p.updated_at',
          'a.street_address',
          'a.postal_code',
          'a.municipality',
          'a.non_disclosure',
          jsonArrayFrom(
            eb
              .selectFrom('population_child as c')
              .select(['c.first_names', 'c.last_name', 'c.date_of_birth', 'c.ordinal'])
              .whereRef('c.person_id', '=', 'p.person_id')
              .orderBy('c.ordinal'),
          ).as('children'),
        ])
        .where('p.person_id', 'in', [...new Set(personIds)])
        .execute();
      const byId = new Map(rows.map((row) => [row.person_id, row]));
      return personIds.map((personId) => {
        const row = byId.get(personId);
        if (!row) return null;
        const children = parseJsonArray<{ first_names: string; last_name: string; date_of_birth: string; ordinal: number }>(row.children);
        return {
          personId: row.person_id,
          personalIdentityCode: row.personal_identity_code,
          firstNames: row.first_names,
          lastName: row.last_name,
          dateOfBirth: row.date_of_birth,
          nationalities: row.nationalities.split(','),
          nativeLanguage: row.native_language,
          maritalStatus: row.marital_status,
          address:
            row.street_address === null || row.postal_code === null || row.municipality === null
              ? null
              : {
                  streetAddress: row.street_address,
                  postalCode: row.postal_code,
                  municipality: row.municipality,
                  nonDisclosure: Number(row.non_disclosure) === 1,
                },
          children: children
            .sort((a, b) => a.ordinal - b.ordinal)
            .map((child) => ({ firstNames: child.first_names, lastName: child.last_name, dateOfBirth: child.date_of_birth })),
          updatedAt: row.updated_at,
        };
      });
    },
  };
}
