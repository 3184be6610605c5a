import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { compiledOnce } from '../storage/compiledOnce.js';
import type { HubDatabase } from '../storage/database.js';
import type { ConsentTables } from './migrations.js';

/** DPoP proof replay detection (RFC 9449 §11.1), shared by every gateway process through the database. */
export interface ReplayStore {
  /** True the first time a jti is seen (or once its earlier use has expired), false while an earlier use is live. */
  remember(jti: string, expiresAt: Date): Promise<boolean>;
  /** Deletes the uses that expired at or before `now`; returns how many went. */
  purge(now?: Date): Promise<number>;
}

/** Options for {@link createReplayStore}. */
export interface ReplayStoreOptions {
  /** Clock deciding whether an earlier use has expired; tests freeze it. */
  now?: () => Date;
}

/** The replay store on a database migrated with `migrateConsents`. */
export function createReplayStore(database: HubDatabase<any>, options: ReplayStoreOptions = {}): ReplayStore {
  const clock = options.now ?? (() => new Date());
  if (typeof clock !== 'function') throw new TypeError('createReplayStore: option "now" must be a function');
  const db = database.db as Kysely<ConsentTables>;
  // Two gateways checking the same proof at once both reach this insert; the primary key lets exactly one win.
  // A row left over from an expired use (not purged yet) is taken over, as if purge had run first. Compiled once:
  // it runs on every partner request. Values: the jti's hash, its expiry (twice), now.
  const insertUse = compiledOnce(
    db.insertInto('dpop_proofs')
      .values({ jti_hash: '$jti_hash', expires_at: -1 })
      .onConflict((oc) => oc.column('jti_hash').doUpdateSet({ expires_at: -2 }).where('dpop_proofs.expires_at', '<=', -3)),
    ['$jti_hash', -1, -2, -3],
  );

  return {
    async remember(jti, expiresAt) {
      if (typeof jti !== 'string' || jti.length === 0) throw new TypeError('remember: option "jti" must be a non-empty string');
      const expires = validMillis('remember', 'expiresAt', expiresAt);
      const now = validMillis('remember', 'now', clock());
      const result = await insertUse(database, [jtiHash(jti), expires, expires, now]);
      return Number(result.numAffectedRows ?? 0) > 0;
    },

    async purge(at) {
      const now = validMillis('purge', 'now', at ?? clock());
      const result = await db.deleteFrom('dpop_proofs').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

// Only a digest is kept: the table needs equality, not the jti, and then holds nothing a proof could be rebuilt from.
function jtiHash(jti: string): string {
  return createHash('sha256').update(jti, 'utf8').digest('hex');
}

function validMillis(method: string, name: string, value: unknown): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${method}: option "${name}" must be a valid Date`);
  return value.getTime();
}
