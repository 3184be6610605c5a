/** Kysely table interfaces of the population register; names carry the `population_` prefix to share a database. */

/** One row per person in the population register. */
export interface PopulationPersonTable {
  person_id: string;
  personal_identity_code: string;
  first_names: string;
  last_name: string;
  /** ISO 8601 date (text in both engines, so that no driver converts it through a time zone). */
  date_of_birth: string;
  /** ISO 3166-1 alpha-2 codes, comma-separated: a person has one to three, always read together. */
  nationalities: string;
  /** ISO 639-1, or null when the register does not know it. */
  native_language: string | null;
  /** SINGLE, MARRIED, REGISTERED_PARTNERSHIP, DIVORCED or WIDOWED. */
  marital_status: string;
  /** ISO 8601 timestamp (UTC) of the last change to any of the person's rows. */
  updated_at: string;
}

/** A person's permanent address; absent when the register has none. */
export interface PopulationAddressTable {
  person_id: string;
  street_address: string;
  postal_code: string;
  municipality: string;
  /** 1 when an address non-disclosure order (turvakielto) is in force; an integer works the same in both engines. */
  non_disclosure: number;
}

/** A child of the person, in order of birth. */
export interface PopulationChildTable {
  person_id: string;
  ordinal: number;
  first_names: string;
  last_name: string;
  date_of_birth: string;
}

/** The population register's tables. */
export interface PopulationTables {
  population_person: PopulationPersonTable;
  population_address: PopulationAddressTable;
  population_child: PopulationChildTable;
}
