import { resultOf, validCounters, validMillis, validWindow, type RateLimitStore } from '../lib/consents/rateLimitStore.js';

/** Options for {@link createLocalRateLimitStore}. */
export interface LocalRateLimitStoreOptions {
  /** Clock placing a request in its window; tests freeze it. */
  now?: () => Date;
  /** Counters held at most; past it, ended windows go first, then the oldest counters. Default 100,000. */
  maxKeys?: number;
}

/**
 * The same fixed-window counters as the shared store, in this process's memory only: what the gateway counts
 * with while the consent database cannot be reached, so that limits never silently vanish. Windows are aligned
 * to the epoch exactly as the shared store's are.
 */
export function createLocalRateLimitStore(options: LocalRateLimitStoreOptions = {}): RateLimitStore {
  const clock = options.now ?? (() => new Date());
  if (typeof clock !== 'function') throw new TypeError('createLocalRateLimitStore: option "now" must be a function');
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isSafeInteger(maxKeys) || maxKeys <= 0) throw new TypeError(`createLocalRateLimitStore: option "maxKeys" must be a positive integer, got ${maxKeys}`);
  const counters = new Map<string, { windowStart: number; hits: number }>();

  function sweep(before: number): number {
    let removed = 0;
    for (const [key, entry] of counters) {
      if (entry.windowStart <= before) {
        counters.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  const store: RateLimitStore = {
    async hit(key, limit, windowMs, now) {
      const [result] = await store.hitAll([{ key, limit }], windowMs, now);
      return result!;
    },
    async hitAll(requested, windowMs, at) {
      const window = validWindow('hitAll', windowMs);
      const now = validMillis('hitAll', 'now', at ?? clock());
      const windowStart = Math.floor(now / window) * window;
      return validCounters('hitAll', requested).map((counter) => {
        let entry = counters.get(counter.key);
        if (!entry || windowStart > entry.windowStart) {
          if (!entry && counters.size >= maxKeys) {
            // Bounded memory: drop ended windows first; if every counter is live, the oldest one.
            if (sweep(windowStart - window) === 0) counters.delete(counters.keys().next().value as string);
          }
          entry = { windowStart, hits: 0 };
          counters.set(counter.key, entry);
        }
        entry.hits += 1;
        return resultOf(counter, entry.hits, entry.windowStart, window, now);
      });
    },
    async purge(windowMs, at) {
      const window = validWindow('purge', windowMs);
      const now = validMillis('purge', 'now', at ?? clock());
      return sweep(now - window);
    },
  };
  return store;
}
