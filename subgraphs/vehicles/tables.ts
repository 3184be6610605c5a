/** Kysely table interfaces of the vehicles register; names carry the `vehicles_` prefix to share a database. */

/** One row per person the vehicles register knows (a vehicle or a licence). */
export interface VehiclesPersonTable {
  person_id: string;
  /** ISO 8601 timestamp (UTC) of the last change to any of the person's rows. */
  updated_at: string;
}

/** A registered vehicle and the person's role in it (the other party, like a leasing company, is not a person). */
export interface VehiclesVehicleTable {
  registration_number: string;
  person_id: string;
  /** OWNER or HOLDER. */
  role: string;
  make: string;
  model: string;
  /** Type-approval class: M1, N1, L3e. */
  vehicle_class: string;
  /** ISO 8601 date. */
  first_registered: string;
}

/** A driving licence. */
export interface VehiclesLicenceTable {
  person_id: string;
  /** Categories in the order of the licence card, comma-separated. */
  categories: string;
  issued_on: string;
  valid_until: string;
}

/**
 * EU harmonised medical restriction codes 01-05 on a licence. Health data: the register keeps them for the
 * police and the licence card, and nothing that the hub serves ever reads this table.
 */
export interface VehiclesLicenceMedicalRestrictionTable {
  person_id: string;
  code: string;
}

/** The vehicles register's tables. */
export interface VehiclesTables {
  vehicles_person: VehiclesPersonTable;
  vehicles_vehicle: VehiclesVehicleTable;
  vehicles_licence: VehiclesLicenceTable;
  vehicles_licence_medical_restriction: VehiclesLicenceMedicalRestrictionTable;
}

/** The tables the register's read access may see: the health data table is not among them, so it cannot be queried. */
export type VehiclesReadableTables = Omit<VehiclesTables, 'vehicles_licence_medical_restriction'>;
