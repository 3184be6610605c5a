import type { Kysely } from 'kysely';
import type { DatabaseEngine } from '../../lib/storage/database.js';
import { engineOf, jsonArrayFromFor, parseJsonArray } from '../../lib/storage/jsonArrays.js';
import type { VehiclesReadableTables, VehiclesTables } from './tables.js';

/** A vehicle and the person's role in it. */
export interface VehicleRecord {
  registrationNumber: string;
  make: string;
  model: string;
  vehicleClass: string;
  role: 'OWNER' | 'HOLDER';
  firstRegistered: string;
}

/** A driving licence without any medical information. */
export interface DrivingLicenceRecord {
  categories: string[];
  validUntil: string;
}

/** What the vehicles register may disclose about one person; health data is not part of it. */
export interface VehiclesRecord {
  vehicles: VehicleRecord[];
  licence: DrivingLicenceRecord | null;
  updatedAt: string;
}

/** Batched read access to the vehicles register, for the subgraph's DataLoaders. */
export interface VehiclesRegister {
  /** Records in the order of `personIds`, null where the register has no such person; always one SQL statement. */
  findRecords(personIds: readonly string[]): Promise<Array<VehiclesRecord | null>>;
}

interface VehicleRow {
  registration_number: string;
  make: string;
  model: string;
  vehicle_class: string;
  role: string;
  first_registered: string;
}

/**
 * Creates the vehicles register's data access. It is typed over {@link VehiclesReadableTables}, which leaves
 * out the medical restriction table: health data cannot be selected here even by mistake.
 */
export function createVehiclesRegister(
  database: Kysely<VehiclesTables> | Kysely<VehiclesReadableTables>,
  engine: DatabaseEngine = engineOf(database),
): VehiclesRegister {
  // Narrowed once here, so that every query below is checked against the readable tables only.
  const db = database as unknown as Kysely<VehiclesReadableTables>;
  // The JSON aggregate differs by engine (json_agg vs json_group_array); the query is otherwise the same.
  const jsonArrayFrom = jsonArrayFromFor(engine);
  return {
    async findRecords(personIds) {
      if (personIds.length === 0) return [];
      const rows = await db
        .selectFrom('vehicles_person as p')
        .leftJoin('vehicles_licence as l', 'l.person_id', 'p.person_id')
        .select((eb) => [
          'p.person_id',
          'p.updated_at',
          'l.categories',
          'l.valid_until',
          jsonArrayFrom(
            eb
              .selectFrom('vehicles_vehicle as v')
              .select(['v.registration_number', 'v.make', 'v.model', 'v.vehicle_class', 'v.role', 'v.first_registered'])
              .whereRef('v.person_id', '=', 'p.person_id')
              .orderBy('v.first_registered', 'desc')
              .orderBy('v.registration_number'),
          ).as('vehicles'),
        ])
        .where('p.person_id', 'in', [...new Set(personIds)])
        .execute();
      const byId = new Map(rows.map((row) => [row.person_id, row]));
      return personIds.map((personId) => {
        const row = byId.get(personId);
        if (!row) return null;
        const vehicles = parseJsonArray<VehicleRow>(row.vehicles).sort(
          (a, b) => b.first_registered.localeCompare(a.first_registered) || a.registration_number.localeCompare(b.registration_number),
        );
        return {
          vehicles: vehicles.map((v) => ({
            registrationNumber: v.registration_number,
            make: v.make,
            model: v.model,
            vehicleClass: v.vehicle_class,
            role: v.role === 'HOLDER' ? 'HOLDER' : 'OWNER',
            firstRegistered: v.first_registered,
          })),
          licence:
            row.categories === null || row.valid_until === null
              ? null
              : { categories: row.categories.split(','), validUntil: row.valid_until },
          updatedAt: row.updated_at,
        };
      });
    },
  };
}
