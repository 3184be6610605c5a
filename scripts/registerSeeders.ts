import type { Register } from '../lib/config.js';
import type { RegisterSeeder } from '../lib/synthetic/seedAll.js';
import { migrateEducation } from '../subgraphs/education/migrations.js';
import { EDUCATION_TABLE_NAMES, clearEducation, seedEducation } from '../subgraphs/education/seed.js';
import { migratePopulation } from '../subgraphs/population/migrations.js';
import { POPULATION_TABLE_NAMES, clearPopulation, seedPopulation } from '../subgraphs/population/seed.js';
import { migrateTax } from '../subgraphs/tax/migrations.js';
import { TAX_TABLE_NAMES, clearTax, seedTax } from '../subgraphs/tax/seed.js';
import { migrateVehicles } from '../subgraphs/vehicles/migrations.js';
import { VEHICLES_TABLE_NAMES, clearVehicles, seedVehicles } from '../subgraphs/vehicles/seed.js';

/** Every register's tables and migrate, clear and seed functions, for `seedRegisters` (wired here: lib/ never imports a service). */
export const REGISTER_SEEDERS: Readonly<Record<Register, RegisterSeeder>> = Object.freeze({
  population: { tables: POPULATION_TABLE_NAMES, migrate: migratePopulation, clear: clearPopulation, seed: seedPopulation },
  tax: { tables: TAX_TABLE_NAMES, migrate: migrateTax, clear: clearTax, seed: seedTax },
  vehicles: { tables: VEHICLES_TABLE_NAMES, migrate: migrateVehicles, clear: clearVehicles, seed: seedVehicles },
  education: { tables: EDUCATION_TABLE_NAMES, migrate: migrateEducation, clear: clearEducation, seed: seedEducation },
});
