import { openDatabase, type HubDatabase } from '../storage/database.js';
import { createConsentStore, type ConsentStore } from './consentStore.js';
import { createDisclosureLog, type DisclosureLog } from './disclosureLog.js';
import { migrateConsents } from './migrations.js';
import { createRateLimitStore, type RateLimitStore } from './rateLimitStore.js';
import { createReplayStore, type ReplayStore } from './replayStore.js';

/** The consent records of one database, as the issuer and each gateway process use them. */
export interface ConsentRecords {
  database: HubDatabase<any>;
  consents: ConsentStore;
  disclosures: DisclosureLog;
  replay: ReplayStore;
  rateLimits: RateLimitStore;
  close(): Promise<void>;
}

/** Opens the consent database at `url`, brings its tables up to date and returns the stores on it. */
export async function openConsentRecords(url: string): Promise<ConsentRecords> {
  const database = openDatabase<any>({ url, checkpointInBackground: true });
  try {
    await migrateConsents(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    database,
    consents: createConsentStore(database),
    disclosures: createDisclosureLog(database),
    replay: createReplayStore(database),
    rateLimits: createRateLimitStore(database),
    close: () => database.close(),
  };
}
