import type { Kysely } from 'kysely';
import type { HubDatabase } from '../lib/storage/database.js';
import type { OidcModelsTable, OidcTables } from './oidcMigrations.js';

/** What oidc-provider stores per model instance: a JSON object, of which the adapter indexes a few fields. */
export type OidcPayload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  /** Epoch seconds of consumption, set by {@link OidcAdapter.consume}. */
  consumed?: number;
};

/** oidc-provider's adapter contract (its `lib/adapters/memory_adapter.js`); one instance per model name. */
export interface OidcAdapter {
  readonly model: string;
  upsert(id: string, payload: OidcPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** Options for {@link createOidcAdapter}. */
export interface OidcAdapterOptions {
  /** Clock in epoch milliseconds; tests freeze it. */
  now?: () => number;
}

/**
 * The models whose rows belong to a grant and go when it is revoked. It is the `grantable` set of oidc-provider's
 * memory adapter: an `Interaction` also carries a `grantId`, but revoking a grant never deleted interactions there.
 */
export const GRANTABLE_MODELS: readonly string[] = Object.freeze([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/**
 * Thrown when a `ReplayDetection` id is saved while another process holds it unexpired: both requests found the
 * jti unused, only one may win. It is shaped like an oidc-provider error (`message` is the OAuth error code,
 * `expose`, `statusCode`) so the losing request gets a 400 instead of a `server_error`.
 */
export class ReplayDetectedError extends Error {
  readonly code = 'replay_detected' as const;
  readonly statusCode = 400;
  readonly expose = true;
  readonly error_description = 'jti replay detected';

  constructor() {
    super('invalid_request');
    this.name = 'ReplayDetectedError';
  }
}

// oidc-provider's models/replay_detection.js does `find` then `save`; only an insert that refuses a live row closes
// the race between two processes checking the same jti at once.
const REPLAY_DETECTION = 'ReplayDetection';

/** Makes the class oidc-provider's `adapter` option takes: model state in the hub's database, one row per instance. */
export function createOidcAdapter(database: HubDatabase<any>, options: OidcAdapterOptions = {}): { new (name: string): OidcAdapter } {
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new TypeError(`createOidcAdapter: option "now" must be a function, got ${typeof now}`);
  }
  const db = database.db as Kysely<OidcTables>;

  return class DatabaseOidcAdapter implements OidcAdapter {
    readonly model: string;

    constructor(name: string) {
      if (typeof name !== 'string' || name.length === 0) {
        throw new TypeError(`createOidcAdapter: model name must be a non-empty string, got ${JSON.stringify(name)}`);
      }
      this.model = name;
    }

    async upsert(id: string, payload: OidcPayload, expiresIn?: number): Promise<void> {
      if (expiresIn !== undefined && !Number.isFinite(expiresIn)) {
        throw new TypeError(`OidcAdapter.upsert: "expiresIn" must be a finite number of seconds, got ${expiresIn}`);
      }
      const at = now();
      const row: OidcModelsTable = {
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grant_id: stringOrNull(payload.grantId),
        user_code: stringOrNull(payload.userCode),
        uid: stringOrNull(payload.uid),
        // 0 and undefined mean "no expiry"; a negative TTL (a ReplayDetection exp already past) stores it expired.
        expires_at: expiresIn ? at + Math.round(expiresIn * 1000) : null,
        consumed_at: typeof payload.consumed === 'number' ? payload.consumed * 1000 : null,
      };
      const { model: _model, id: _id, ...changes } = row;
      if (this.model === REPLAY_DETECTION) {
        const result = await db
          .insertInto('oidc_models')
          .values(row)
          .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(changes).where('oidc_models.expires_at', '<=', at))
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) throw new ReplayDetectedError();
        return;
      }
      await db
        .insertInto('oidc_models')
        .values(row)
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(changes))
        .execute();
    }

    find(id: string): Promise<OidcPayload | undefined> {
      return this.findWhere('id', id);
    }

    findByUid(uid: string): Promise<OidcPayload | undefined> {
      return this.findWhere('uid', uid);
    }

    findByUserCode(userCode: string): Promise<OidcPayload | undefined> {
      return this.findWhere('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db.updateTable('oidc_models').set({ consumed_at: now() }).where('model', '=', this.model).where('id', '=', id).execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('model', '=', this.model).where('id', '=', id).execute();
    }

    // Called on one model (say RefreshToken.revokeByGrantId) but, as in the memory adapter, the grant's tokens of
    // every grantable model go in one statement; the Grant row itself is destroyed separately by oidc-provider.
    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('grant_id', '=', grantId).where('model', 'in', GRANTABLE_MODELS).execute();
    }

    private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<OidcPayload | undefined> {
      if (typeof value !== 'string') return undefined;
      const row = await db
        .selectFrom('oidc_models')
        .select(['payload', 'consumed_at'])
        .where('model', '=', this.model)
        .where(column, '=', value)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now())]))
        .executeTakeFirst();
      if (!row) return undefined;
      const payload = JSON.parse(row.payload) as OidcPayload;
      if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
      return payload;
    }
  };
}

/** Deletes the rows whose expiry has passed and returns how many went; `find` already hides them meanwhile. */
export async function purgeExpired(database: HubDatabase<any>, now: number = Date.now()): Promise<number> {
  const db = database.db as Kysely<OidcTables>;
  const result = await db.deleteFrom('oidc_models').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
