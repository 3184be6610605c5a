import type { Kysely } from 'kysely';
import type { Env } from '../config.js';
import { loadSecret } from '../keys.js';
import { PSEUDONYM_KEY_DEV_FILE, PSEUDONYM_KEY_VARIABLE } from '../personId.js';
import { generatePersons } from '../synthetic/generatePersons.js';
import { loadPersonas, personaPersons } from '../synthetic/personas.js';
import type { CorePerson } from '../synthetic/persons.js';
import type { RegisterModule } from './registerModule.js';

/** The seed every register uses on first start, so the four registers agree about each person. */
export const DEV_SEED = 'hub';
const BATCH = 1000;

/**
 * Seeds one register with the personas and `persons` generated persons. Each register seeds itself from the
 * same deterministic generator, so they agree about every person without sharing a database.
 */
export async function seedRegisterForDev<L>(module: RegisterModule<L>, db: Kysely<any>, options: { env: Env; persons: number }): Promise<void> {
  const pseudonymKey = await loadSecret(options.env, PSEUDONYM_KEY_VARIABLE, PSEUDONYM_KEY_DEV_FILE);
  const referenceDate = new Date();
  const seedOptions = { seed: options.env.HUB_SEED ?? DEV_SEED, referenceDate };
  const personas = personaPersons(loadPersonas(), pseudonymKey);
  await module.seed(db, personas, seedOptions);
  let batch: CorePerson[] = [];
  for (const person of generatePersons({ count: options.persons, seed: seedOptions.seed, referenceDate, pseudonymKey, reserved: personas.map((p) => p.personalIdentityCode) })) {
    batch.push(person);
    if (batch.length === BATCH) {
      await module.seed(db, batch, seedOptions);
      batch = [];
    }
  }
  if (batch.length > 0) await module.seed(db, batch, seedOptions);
}
