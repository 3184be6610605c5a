import type { Kysely } from 'kysely';
import { REGISTERS, type Register } from '../config.js';
import type { HubDatabase } from '../storage/database.js';
import { generatePersons } from './generatePersons.js';
import { loadPersonas, personaPersons, type Persona } from './personas.js';
import { resolveSeedOptions, type CorePerson, type SeedOptions } from './persons.js';

/** Options for {@link seedRegisters}. */
export interface SeedRegistersOptions extends SeedOptions {
  /** The database of each register; registers may share one. */
  databases: Record<Register, HubDatabase<any>>;
  /** Each register's seeder; passed in because lib/ never imports a service (see `scripts/registerSeeders.ts`). */
  seeders: Record<Register, RegisterSeeder>;
  /** Generated persons, on top of the personas. */
  persons: number;
  pseudonymKey: Buffer;
  /** The personas to seed first (default: `data/personas.json`). */
  personas?: readonly Persona[];
  /** Persons per transaction (default 1000). */
  batchSize?: number;
  /** Called after each batch with persons done and the total (personas included). */
  onProgress?(done: number, total: number): void;
}

/** What seeding needs from one register (each subgraph's migrate, clear and seed functions fit). */
export interface RegisterSeeder {
  migrate(db: Kysely<any>): Promise<void>;
  clear(db: Kysely<any>): Promise<void>;
  seed(db: Kysely<any>, persons: readonly CorePerson[], options: SeedOptions): Promise<void>;
}

/** Batches in flight at once: generating the next batch overlaps with the database writing the previous one. */
const IN_FLIGHT = 2;

/**
 * Migrates and empties every register, then seeds the personas and `persons` generated persons into all four,
 * one transaction per register and batch. Deterministic for (seed, referenceDate, persons, pseudonym key).
 */
export async function seedRegisters(options: SeedRegistersOptions): Promise<{ persons: number }> {
  const { databases, seeders: SEEDERS, persons, pseudonymKey } = options;
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(persons) || persons < 0) throw new TypeError(`seedRegisters: option "persons" must be a non-negative integer, got ${String(persons)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError(`seedRegisters: option "batchSize" must be a positive integer, got ${String(batchSize)}`);
  for (const register of REGISTERS) {
    if (!databases?.[register]) throw new TypeError(`seedRegisters: option "databases" has no database for register "${register}"`);
    if (!SEEDERS?.[register]) throw new TypeError(`seedRegisters: option "seeders" has no seeder for register "${register}"`);
  }
  const seedOptions = resolveSeedOptions(options);
  const personas = options.personas ?? loadPersonas();
  // Registers that share a database are migrated and cleared one after the other: migrations take locks.
  for (const register of REGISTERS) await SEEDERS[register].migrate(databases[register].db);
  for (const register of REGISTERS) await SEEDERS[register].clear(databases[register].db);

  const total = personas.length + persons;
  let done = 0;
  const seedBatch = async (batch: readonly CorePerson[]): Promise<void> => {
    // SQLite has one connection per file and gains nothing from interleaving; PostgreSQL writes in parallel.
    const sequential = REGISTERS.some((r) => databases[r].engine === 'sqlite');
    if (sequential) {
      for (const register of REGISTERS) await SEEDERS[register].seed(databases[register].db, batch, seedOptions);
    } else {
      await Promise.all(REGISTERS.map((register) => SEEDERS[register].seed(databases[register].db, batch, seedOptions)));
    }
    done += batch.length;
    options.onProgress?.(done, total);
  };

  await seedBatch(personaPersons(personas, pseudonymKey));
  const generated = generatePersons({
    count: persons,
    ...seedOptions,
    pseudonymKey,
    reserved: personas.map((p) => p.personalIdentityCode),
  });
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let batch: CorePerson[] = [];
  const flush = async (): Promise<void> => {
    const pending: Promise<void> = seedBatch(batch)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
    batch = [];
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  };
  for (const person of generated) {
    if (failure) break;
    batch.push(person);
    if (batch.length === batchSize) await flush();
  }
  if (batch.length > 0 && !failure) await flush();
  await Promise.all(inFlight);
  if (failure) throw (failure as { error: unknown }).error;
  return { persons: total };
}
