import type { Register } from '../lib/config.js';
import type { RegisterSeeder } from '../lib/synthetic/seedAll.js';
import { migrateEducation } from '../subgraphs/education/migrations.js';
import { clearEducation, seedEducation } from '../subgraphs/education/seed.js';
import { migratePopulation } from '../subgraphs/population/migrations.js';
import { clearPopulation, seedPopulation } from '../subgraphs/population/seed.js';
import { migrateTax } from '../subgraphs/tax/migrations.js';
import { clearTax, seedTax } from '../subgraphs/tax/seed.js';
import { migrateVehicles } from '../subgraphs/vehicles/migrations.js';
import { clearVehicles, seedVehicles } from '../subgraphs/vehicles/seed.js';

/** Every register's migrate, clear and seed functions, for `seedRegisters` (wired here: lib/ never imports a service). */
export const REGISTER_SEEDERS: Readonly<Record<Register, RegisterSeeder>> = Object.freeze({
  population: { migrate: migratePopulation, clear: clearPopulation, seed: seedPopulation },
  tax: { migrate: migrateTax, clear: clearTax, seed: seedTax },
  vehicles: { migrate: migrateVehicles, clear: clearVehicles, seed: seedVehicles },
  education: { migrate: migrateEducation, clear: clearEducation, seed: seedEducation },
});
