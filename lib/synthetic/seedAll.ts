import { sql, type Kysely } from 'kysely';
import { REGISTERS, type Register } from '../config.js';
import type { HubDatabase } from '../storage/database.js';
import { generatePersons, type GeneratePersonsOptions } from './generatePersons.js';
import { loadPersonas, personaPersons, type Persona } from './personas.js';
import { resolveSeedOptions, type CorePerson, type SeedOptions } from './persons.js';
import { suspendIndexes } from './suspendIndexes.js';

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
  /** Persons per batch: one statement per table and batch (default 1000). */
  batchSize?: number;
  /** Called after each batch with persons done and the total (personas included). */
  onProgress?(done: number, total: number): void;
  /** Called once on PostgreSQL after the last batch, when the indexes are being built again (the last stretch). */
  onIndexing?(): void;
}

/** What seeding needs from one register (each subgraph's table list and migrate, clear and seed functions fit). */
export interface RegisterSeeder {
  /** The register's tables, parents first (PostgreSQL bulk loading empties them and suspends their indexes). */
  tables: readonly string[];
  migrate(db: Kysely<any>): Promise<void>;
  clear(db: Kysely<any>): Promise<void>;
  seed(db: Kysely<any>, persons: readonly CorePerson[], options: SeedOptions): Promise<void>;
}

/** Batches in flight at once: generating the next batch overlaps with the database writing the previous one. */
const IN_FLIGHT = 2;

/**
 * Migrates and empties every register, then seeds the personas and `persons` generated persons into all four.
 * Deterministic for (seed, referenceDate, persons, pseudonym key): every register derives a person's data from the
 * seed and that person alone, so batching and interleaving change nothing. On SQLite, one transaction per register
 * and batch; on PostgreSQL a bulk load, one transaction per register (see {@link bulkLoad}), which needs four
 * connections from a pool that registers share.
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
  // Registers that share a database are migrated one after the other: migrations take locks.
  for (const register of REGISTERS) await SEEDERS[register].migrate(databases[register].db);

  const total = personas.length + persons;
  const batches = personBatches(personaPersons(personas, pseudonymKey), {
    count: persons,
    ...seedOptions,
    pseudonymKey,
    reserved: personas.map((p) => p.personalIdentityCode),
  }, batchSize);
  const onBatch = (done: number): void => options.onProgress?.(done, total);
  if (REGISTERS.some((r) => databases[r].engine === 'sqlite')) {
    await seedSequentially(databases, SEEDERS, seedOptions, batches, onBatch);
  } else {
    await bulkLoad(databases, SEEDERS, seedOptions, batches, onBatch, () => options.onIndexing?.());
  }
  return { persons: total };
}

/** The personas as the first batch, then the generated persons in batches of `batchSize`. */
function* personBatches(personas: CorePerson[], generate: GeneratePersonsOptions, batchSize: number): Generator<CorePerson[]> {
  yield personas;
  let batch: CorePerson[] = [];
  for (const person of generatePersons(generate)) {
    batch.push(person);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * SQLite (one connection per file, which gains nothing from interleaving): clear, then one transaction per
 * register and batch, the registers one after the other.
 */
async function seedSequentially(
  databases: Record<Register, HubDatabase<any>>,
  seeders: Record<Register, RegisterSeeder>,
  seedOptions: SeedOptions,
  batches: Iterable<CorePerson[]>,
  onBatch: (done: number) => void,
): Promise<void> {
  for (const register of REGISTERS) await seeders[register].clear(databases[register].db);
  let done = 0;
  for (const batch of batches) {
    for (const register of REGISTERS) await seeders[register].seed(databases[register].db, batch, seedOptions);
    done += batch.length;
    onBatch(done);
  }
}

/**
 * PostgreSQL: each register in one transaction of its own, on its own connection, the four side by side. Each
 * empties its tables, drops their indexes and constraints, takes every batch, builds the indexes and constraints
 * again from their catalog definitions, analyzes, and commits. Building an index once over a million rows costs
 * a fraction of maintaining it row by row (random person ids touch every B-tree page), and foreign keys are
 * checked by one join instead of a trigger per row. A failure, or a killed process, rolls a register back to what
 * it held before, indexes included: no register is ever left half-seeded or without its indexes. The four commit
 * together at the very end, so only a failure between those commits could leave registers from different runs.
 * Readers of a register wait for its commit (TRUNCATE locks the tables), as seeding replaces everything anyway.
 */
async function bulkLoad(
  databases: Record<Register, HubDatabase<any>>,
  seeders: Record<Register, RegisterSeeder>,
  seedOptions: SeedOptions,
  batches: Iterable<CorePerson[]>,
  onBatch: (done: number) => void,
  onIndexing: () => void,
): Promise<void> {
  const opened = await Promise.allSettled(REGISTERS.map((r) => databases[r].db.startTransaction().execute()));
  const transactions = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  try {
    const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    const suspended = await Promise.all(
      REGISTERS.map(async (register, i) => {
        const trx = transactions[i]!;
        const tables = seeders[register].tables;
        await sql`truncate table ${sql.join(tables.map((t) => sql.id(t)))}`.execute(trx);
        return suspendIndexes(trx, tables);
      }),
    );
    let done = 0;
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | null = null;
    for (const batch of batches) {
      if (failure) break;
      // Generating the next batch overlaps with the database writing this one.
      const pending: Promise<void> = Promise.all(REGISTERS.map((r, i) => seeders[r].seed(transactions[i]!, batch, seedOptions)))
        .then(() => {
          done += batch.length;
          onBatch(done);
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(pending));
      inFlight.add(pending);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) throw (failure as { error: unknown }).error;
    onIndexing();
    await Promise.all(
      REGISTERS.map(async (register, i) => {
        await suspended[i]!.restore();
        // Fresh statistics, so the first queries after seeding are planned for the tables' real sizes.
        await sql`analyze ${sql.join(seeders[register].tables.map((t) => sql.id(t)))}`.execute(transactions[i]!);
      }),
    );
    await Promise.all(transactions.map((trx) => trx.commit().execute()));
  } catch (error) {
    await Promise.allSettled(transactions.map((trx) => (trx.isCommitted ? undefined : trx.rollback().execute())));
    throw error;
  }
}
