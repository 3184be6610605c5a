import type { RateLimitCounter, RateLimitResult, RateLimitStore } from '../lib/consents/rateLimitStore.js';
import { HubError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Authenticated } from './authenticate.js';
import { createLocalRateLimitStore } from './localRateLimitStore.js';

/** Requests allowed per fixed window (`RATE_LIMIT_*`). */
export interface RateLimits {
  /** One partner client, all its citizens together. */
  readonly partner: number;
  /** One citizen's own requests; and, separately, one partner's requests about one citizen. */
  readonly citizen: number;
  readonly windowMs: number;
}

/** Defaults of {@link RateLimits}: a person clicking through the portal, or a partner's back end, stays far below. */
export const DEFAULT_RATE_LIMITS: RateLimits = Object.freeze({ partner: 600, citizen: 300, windowMs: 60_000 });

/** Collaborators and settings of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** The counters every gateway process shares (the consent database). */
  store: RateLimitStore;
  limits: RateLimits;
  logger: Logger;
  now?: () => Date;
  /** Where to count while `store` fails; default an in-process store. */
  fallback?: RateLimitStore;
  /** A shared store slower than this counts as failed for this request; default 1000 ms. */
  storeTimeoutMs?: number;
  /** After a failure the shared store is left alone this long (requests count locally), then tried again; default 1000 ms. */
  retryStoreAfterMs?: number;
  /** Ended windows are purged from the store at most this often per process; default every 5 windows, at least a minute. */
  purgeEveryMs?: number;
}

/** Counts each authenticated request; throws `RATE_LIMITED` once a counter is over its limit. */
export interface RateLimiter {
  check(caller: Authenticated): Promise<void>;
}

/** What a refusal names: which kind of limit, never whose. */
type Policy = 'partner' | 'citizen' | 'partner-citizen';

/**
 * Fixed-window rate limits per partner and per citizen, counted in the store all gateway processes share. A
 * partner request counts against the partner (all its citizens together) and against that partner's requests
 * about that one citizen; a citizen's own request counts against the citizen. A partner therefore never uses up
 * the citizen's own allowance (no partner can lock a person out of their own data) nor another partner's, and
 * still cannot flood one citizen's disclosure log. If the shared store fails, counting goes on in this process
 * until it is back: limits never silently vanish, and citizens are served while the consent database is down.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store, limits, logger } = options;
  const clock = options.now ?? (() => new Date());
  if (typeof clock !== 'function') throw new TypeError('createRateLimiter: option "now" must be a function');
  for (const name of ['partner', 'citizen', 'windowMs'] as const) {
    if (!Number.isSafeInteger(limits?.[name]) || limits[name] <= 0) throw new TypeError(`createRateLimiter: option "limits.${name}" must be a positive integer, got ${limits?.[name]}`);
  }
  const fallback = options.fallback ?? createLocalRateLimitStore({ now: clock });
  const storeTimeoutMs = positive('storeTimeoutMs', options.storeTimeoutMs ?? 1000);
  const retryStoreAfterMs = positive('retryStoreAfterMs', options.retryStoreAfterMs ?? 1000);
  const purgeEveryMs = positive('purgeEveryMs', options.purgeEveryMs ?? Math.max(60_000, 5 * limits.windowMs));
  const { windowMs } = limits;
  /** While set, the shared store failed and is not asked again before this time (epoch ms). */
  let outageRetryAt: number | undefined;
  let lastPurge = clock().getTime();

  async function count(counters: RateLimitCounter[], now: Date): Promise<RateLimitResult[]> {
    if (outageRetryAt !== undefined && now.getTime() < outageRetryAt) return fallback.hitAll(counters, windowMs, now);
    try {
      const results = await withTimeout(store.hitAll(counters, windowMs, now), storeTimeoutMs);
      if (outageRetryAt !== undefined) {
        outageRetryAt = undefined;
        logger.info('rate limit store reachable again; counting in the shared store');
      }
      return results;
    } catch (error) {
      // Once per outage: a line per request would flood the log exactly when it matters. Neither the error's
      // details nor the caller are logged beyond the error itself (no key, no person id).
      if (outageRetryAt === undefined) logger.warn({ err: error }, 'rate limit store unavailable; counting in this process until it is back');
      outageRetryAt = now.getTime() + retryStoreAfterMs;
      return fallback.hitAll(counters, windowMs, now);
    }
  }

  function purgeNow(now: Date): void {
    if (now.getTime() - lastPurge < purgeEveryMs) return;
    lastPurge = now.getTime();
    // Off the request path's result: a failed purge only leaves rows for the next one.
    void fallback.purge(windowMs, now).catch(() => undefined);
    if (outageRetryAt === undefined) void store.purge(windowMs, now).catch(() => undefined);
  }

  return {
    async check(caller) {
      const { credential } = caller;
      const now = clock();
      const counters = countersFor(credential.party, credential.clientId, credential.subject, limits);
      const results = await count(counters.map((c) => c.counter), now);
      purgeNow(now);
      const refused = results.map((result, i) => ({ result, policy: counters[i]!.policy })).filter(({ result }) => !result.allowed);
      if (refused.length === 0) return;
      const { result, policy } = refused.reduce((worst, next) => (next.result.retryAfterSeconds > worst.result.retryAfterSeconds ? next : worst));
      const seconds = result.retryAfterSeconds;
      throw new HubError('RATE_LIMITED', `${MESSAGES[policy]}: ${result.limit} requests per ${windowMs / 1000} s; try again in ${seconds} s`, {
        headers: {
          'retry-after': String(seconds),
          // draft-ietf-httpapi-ratelimit-headers-10: the quota policy and what is left of it.
          'ratelimit-policy': `"${policy}";q=${result.limit};w=${Math.ceil(windowMs / 1000)}`,
          ratelimit: `"${policy}";r=${result.remaining};t=${seconds}`,
        },
      });
    },
  };
}

const MESSAGES: Readonly<Record<Policy, string>> = Object.freeze({
  partner: 'Too many requests from this client',
  citizen: 'Too many requests',
  'partner-citizen': 'Too many requests from this client about this person',
});

// Keys name the client and the hub's pseudonymous person id; the shared store keeps only their SHA-256.
function countersFor(party: string, clientId: string, subject: string, limits: RateLimits): Array<{ counter: RateLimitCounter; policy: Policy }> {
  if (party === 'partner') {
    return [
      { counter: { key: `partner:${clientId}`, limit: limits.partner }, policy: 'partner' },
      { counter: { key: `partner:${clientId}:citizen:${subject}`, limit: limits.citizen }, policy: 'partner-citizen' },
    ];
  }
  return [{ counter: { key: `citizen:${subject}`, limit: limits.citizen }, policy: 'citizen' }];
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`createRateLimiter: option "${name}" must be a positive integer, got ${value}`);
  return value;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limit store did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  // A late failure after the timeout must not become an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
