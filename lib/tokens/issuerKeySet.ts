import {
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  jwksCache,
  type CryptoKey,
  type ExportedJWKSCache,
  type FlattenedJWSInput,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import { HubError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Default for {@link IssuerKeySetOptions.maxAgeMs}: ten minutes. */
export const DEFAULT_ISSUER_KEYS_MAX_AGE_MS = 600_000;
/** Default for {@link IssuerKeySetOptions.refreshIntervalMs}: five minutes, so one failed refetch is survived. */
export const DEFAULT_ISSUER_KEYS_REFRESH_MS = 300_000;
/** While the keys are stale, requests start a refetch at most this often: quick recovery, yet no fetch per request. */
const STALE_RETRY_MS = 1000;
/** Discovery and JWKS requests give up after this (jose's default too). */
const FETCH_TIMEOUT_MS = 5000;

/** Options for {@link createIssuerKeySet}. */
export interface IssuerKeySetOptions {
  /** The issuer; its JWKS is found through `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** Keys not confirmed by a successful fetch for longer than this are stale: no token is accepted on them. */
  maxAgeMs?: number;
  /** How often the JWKS is refetched in the background; less than `maxAgeMs`. */
  refreshIntervalMs?: number;
  /** Minimum time between two refetches caused by an unknown `kid` (jose's `cooldownDuration`). */
  cooldownMs?: number;
  /** The current time; tests freeze and advance it. */
  now?: () => Date;
  /** Discovery and JWKS fetch; tests swap it. */
  fetch?: typeof fetch;
  /** Where background refresh failures and staleness are reported. */
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Called when a fetch brings a key set other than the previous one (a cache of verified tokens must forget). */
  onChange?: () => void;
}

/** What the gateway knows about the issuer's keys right now. */
export interface IssuerKeysStatus {
  /** `stale`: not confirmed within the maximum age (or never fetched), so tokens are refused. */
  readonly state: 'fresh' | 'stale';
  /** Seconds since the last successful fetch; null before the first. */
  readonly ageSeconds: number | null;
}

/**
 * The issuer's signing keys as the gateway knows them: discovered once, fetched by jose's remote key set, refetched
 * in the background and on an unknown `kid`, and trusted only for `maxAgeMs` after the last successful fetch. Past
 * that, every token is refused with 503 `ISSUER_UNAVAILABLE` until a fetch succeeds again: a key the issuer has
 * withdrawn (rotation after a compromise) must not stay trusted for as long as the issuer happens to be down.
 */
export function createIssuerKeySet(options: IssuerKeySetOptions) {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_ISSUER_KEYS_MAX_AGE_MS;
  const refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_ISSUER_KEYS_REFRESH_MS;
  if (!Number.isFinite(maxAgeMs) || maxAgeMs <= 0) throw new TypeError(`createIssuerKeySet: "maxAgeMs" must be a positive number, got ${maxAgeMs}`);
  if (!Number.isFinite(refreshIntervalMs) || refreshIntervalMs <= 0 || refreshIntervalMs >= maxAgeMs) {
    throw new TypeError(`createIssuerKeySet: "refreshIntervalMs" must be positive and less than "maxAgeMs" (${maxAgeMs}), got ${refreshIntervalMs}`);
  }
  const now = options.now ?? (() => new Date());
  const doFetch = options.fetch ?? fetch;
  // jose writes the time (`uat`) and content of every successful fetch here, its own refetches on an unknown `kid`
  // included; the freshness clock itself is ours (`now`), so tests can advance it.
  const fetched: Partial<ExportedJWKSCache> = {};
  let seenFetch: number | undefined;
  let lastKeys: string | undefined;
  let confirmedAt: number | undefined;
  let attemptedAt: number | undefined;
  let reportedStale = false;
  let remote: RemoteJWKSet | undefined;
  let discovering: Promise<RemoteJWKSet> | undefined;
  let refreshing: Promise<void> | undefined;

  /** Reads the JWKS location from the discovery document once; a failure is retried on the next refresh. */
  function discover(): Promise<RemoteJWKSet> {
    if (remote) return Promise.resolve(remote);
    discovering ??= (async () => {
      const response = await doFetch(`${options.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      const metadata = (await response.json()) as { issuer?: string; jwks_uri?: string };
      if (metadata.issuer !== options.issuer || typeof metadata.jwks_uri !== 'string') {
        throw new Error('discovery document does not match the configured issuer');
      }
      remote = createRemoteJWKSet(new URL(metadata.jwks_uri), {
        cooldownDuration: options.cooldownMs ?? 30_000,
        // Age is ours to judge (`maxAgeMs`, on the injected clock): with jose's own expiry a failed refetch would
        // refuse every token at once, even moments after the last good fetch.
        cacheMaxAge: Infinity,
        timeoutDuration: FETCH_TIMEOUT_MS,
        [jwksCache]: fetched as JWKSCacheInput,
        [customFetch]: doFetch,
      });
      return remote;
    })().finally(() => {
      discovering = undefined;
    });
    return discovering;
  }

  /** Records a successful fetch: the keys are confirmed as of now, and a changed set is announced. */
  function confirm(): void {
    seenFetch = fetched.uat;
    confirmedAt = now().getTime();
    const keys = JSON.stringify(fetched.jwks);
    if (lastKeys !== undefined && keys !== lastKeys) options.onChange?.();
    lastKeys = keys;
    if (reportedStale) {
      reportedStale = false;
      options.logger?.info('issuer keys confirmed again: access tokens are accepted');
    }
  }

  function isFresh(): boolean {
    return confirmedAt !== undefined && now().getTime() - confirmedAt <= maxAgeMs;
  }

  /** Fetches the JWKS now (discovering it first if need be); concurrent calls share one fetch. */
  function refresh(): Promise<void> {
    refreshing ??= (async () => {
      attemptedAt = now().getTime();
      const keys = await discover();
      await keys.reload();
      confirm();
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  /** Resolves when the keys are fresh, refetching if they are not (at most once a second); else 503. */
  async function ensureFresh(): Promise<void> {
    if (isFresh()) return;
    if (refreshing || attemptedAt === undefined || now().getTime() - attemptedAt >= STALE_RETRY_MS) {
      await refresh().catch(() => undefined);
    }
    if (!isFresh()) throw unavailable();
  }

  /** A jose key resolver for `jwtVerify` that refuses to resolve on stale keys. */
  async function getKey(protectedHeader: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    await ensureFresh();
    const keys = await discover();
    try {
      return await keys(protectedHeader, token);
    } catch (error) {
      // No key, several keys, or an algorithm the set cannot serve: the token's fault, a 401 for the caller. Anything
      // else means jose's refetch for an unknown `kid` failed: the issuer could not be asked, so nobody can tell.
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys || error instanceof joseErrors.JOSENotSupported) throw error;
      throw unavailable(error);
    } finally {
      if (fetched.uat !== seenFetch) confirm();
    }
  }

  function currentStatus(): IssuerKeysStatus {
    const ageSeconds = confirmedAt === undefined ? null : Math.max(0, Math.floor((now().getTime() - confirmedAt) / 1000));
    return { state: isFresh() ? 'fresh' : 'stale', ageSeconds };
  }

  const timer = setInterval(() => {
    refresh().catch((error: unknown) => {
      // The message only (a fetch failure, an HTTP status): never a token, and the cause may hold internal addresses.
      const reason = error instanceof Error ? error.message : String(error);
      options.logger?.warn({ reason, ageSeconds: currentStatus().ageSeconds }, 'issuer keys could not be refreshed');
      if (!isFresh() && !reportedStale) {
        reportedStale = true;
        options.logger?.error({ ageSeconds: currentStatus().ageSeconds }, 'issuer keys are stale: access tokens are refused until the issuer answers');
      }
    });
  }, refreshIntervalMs);
  // Never what keeps a process alive.
  timer.unref();

  return {
    getKey,
    refresh,
    ensureFresh,
    /** Fresh or stale, and how old; tries a refetch first if stale (for `/readyz`). */
    async status(): Promise<IssuerKeysStatus> {
      await ensureFresh().catch(() => undefined);
      return currentStatus();
    },
    /** Stops the background refresh. */
    stop(): void {
      clearInterval(timer);
    },
  };
}

/** The key set {@link createIssuerKeySet} returns. */
export type IssuerKeySet = ReturnType<typeof createIssuerKeySet>;

function unavailable(cause?: unknown): HubError {
  return new HubError('ISSUER_UNAVAILABLE', "The token issuer's signing keys could not be confirmed recently, so the access token cannot be checked; try again later", { cause });
}
