import { describe, expect, it } from '@jest/globals';
import type { RateLimitStore } from '../../lib/consents/rateLimitStore.js';
import { createLogger } from '../../lib/logger.js';
import type { Authenticated } from '../authenticate.js';
import { readGatewayConfig } from '../config.js';
import { createLocalRateLimitStore } from '../localRateLimitStore.js';
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimiterOptions } from '../rateLimit.js';
import { rejectedHubError as refusal } from '../../tests/support/refusals.js';

// The gateway's rate limiter on its own: which counters a caller advances, the refusal it throws (code, status,
// Retry-After), and how it keeps counting in the process while the shared store fails. The shared store's own
// behaviour (atomic counts on SQLite and PostgreSQL) is lib/consents/__tests__/rateLimitStore.test.ts.

const PERSON = 'person-id-3f9a2c';
const OTHER_PERSON = 'person-id-77b1e0';
const LIMITS = Object.freeze({ partner: 4, citizen: 3, windowMs: 60_000 });
// 12:00:00 is a window boundary; these tests start 20 s into it.
const WINDOW_START = Date.parse('2025-06-15T12:00:00.000Z');

const citizen = (subject = PERSON): Authenticated => ({ credential: { subject, scopes: new Set(), party: 'citizen', clientId: 'citizen-portal' } });
const partner = (subject = PERSON, clientId = 'demo-bank'): Authenticated => ({
  credential: { subject, scopes: new Set(), party: 'partner', clientId },
  consent: { id: 'c1', clientName: 'Demo Bank', purpose: { fi: 'x', sv: 'x', en: 'x' } },
});

/** A limiter on a frozen clock, an in-memory "shared" store that a test can break, and the lines it logged. */
function setup(options: Partial<RateLimiterOptions> & { broken?: boolean } = {}) {
  let now = WINDOW_START + 20_000;
  const clock = () => new Date(now);
  const shared = createLocalRateLimitStore({ now: clock });
  const calls = { hitAll: 0, purge: 0 };
  const state = { broken: options.broken ?? false };
  const store: RateLimitStore = {
    hit: (...args) => shared.hit(...args),
    async hitAll(...args) {
      calls.hitAll += 1;
      if (state.broken) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
      return shared.hitAll(...args);
    },
    async purge(...args) {
      calls.purge += 1;
      return shared.purge(...args);
    },
  };
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: 'gateway', level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const limiter = createRateLimiter({ store, limits: LIMITS, logger, now: clock, ...options });
  return {
    limiter, shared, calls, state, lines,
    advance: (ms: number) => void (now += ms),
    setNow: (ms: number) => void (now = ms),
  };
}

describe('rate limits per citizen and per partner', () => {
  it('lets a citizen make `citizen` requests per window, then answers 429 RATE_LIMITED with Retry-After to the window end', async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 3; i += 1) await limiter.check(citizen());
    advance(12_300); // 32.3 s into the window: 27.7 s left
    const error = await refusal(limiter.check(citizen()));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(error.headers['retry-after']).toBe('28'); // whole seconds, rounded up (RFC 9110 §10.2.3)
    expect(error.headers['ratelimit-policy']).toBe('"citizen";q=3;w=60');
    expect(error.headers.ratelimit).toBe('"citizen";r=0;t=28');
    expect(error.message).toBe('Too many requests: 3 requests per 60 s; try again in 28 s');
    expect(error.message).not.toContain(PERSON);
    // Another citizen is unaffected; the next window starts the count again.
    await limiter.check(citizen(OTHER_PERSON));
    advance(27_700);
    await limiter.check(citizen());
  });

  it('counts a partner across all its citizens, and per citizen, without touching the citizen\'s own allowance', async () => {
    const { limiter } = setup();
    for (let i = 0; i < 3; i += 1) await limiter.check(partner(PERSON));
    // The fourth request about the same person is over that partner's per-citizen limit.
    const perCitizen = await refusal(limiter.check(partner(PERSON)));
    expect(perCitizen.code).toBe('RATE_LIMITED');
    expect(perCitizen.headers['ratelimit-policy']).toBe('"partner-citizen";q=3;w=60');
    expect(perCitizen.message).toBe('Too many requests from this client about this person: 3 requests per 60 s; try again in 40 s');
    // The partner's count is now 4 (refused requests count too): the next request, about anyone, is over it.
    const perPartner = await refusal(limiter.check(partner(OTHER_PERSON)));
    expect(perPartner.headers['ratelimit-policy']).toBe('"partner";q=4;w=60');
    expect(perPartner.headers['retry-after']).toBe('40');
    // Another partner, and the citizen themself, have their own counts.
    await limiter.check(partner(PERSON, 'other-bank'));
    for (let i = 0; i < 3; i += 1) await limiter.check(citizen(PERSON));
  });

  it('keeps counting in the process while the shared store fails, warns once per outage, and goes back to the store', async () => {
    const { limiter, calls, state, lines, advance, shared } = setup({ broken: true, retryStoreAfterMs: 5000 });
    // Citizens are served while the store is down, and still limited.
    for (let i = 0; i < 3; i += 1) await limiter.check(citizen());
    const error = await refusal(limiter.check(citizen()));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.headers['retry-after']).toBe('40');
    // The store was asked once, then left alone until retryStoreAfterMs had passed.
    expect(calls.hitAll).toBe(1);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toBe('rate limit store unavailable; counting in this process until it is back');
    advance(5000);
    await limiter.check(citizen(OTHER_PERSON)); // asks the store again: still down, no second warning
    expect(calls.hitAll).toBe(2);
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
    // Back: counts go to the shared store again (which had seen none of the outage's requests).
    state.broken = false;
    advance(5000);
    await limiter.check(citizen());
    expect(calls.hitAll).toBe(3);
    expect((await shared.hit(`citizen:${PERSON}`, 3, 60_000)).hits).toBe(2);
    expect(lines.filter((line) => line.msg === 'rate limit store reachable again; counting in the shared store')).toHaveLength(1);
    // A second outage warns again.
    state.broken = true;
    await limiter.check(citizen(OTHER_PERSON));
    expect(lines.filter((line) => line.level === 40)).toHaveLength(2);
    // Nothing logged names a person (the keys hold the person id; the logs never do).
    expect(JSON.stringify(lines)).not.toContain(PERSON);
    expect(JSON.stringify(lines)).not.toContain(OTHER_PERSON);
  });

  it('counts locally when the shared store does not answer in time', async () => {
    const { limiter, lines } = setup({
      storeTimeoutMs: 50,
      store: { hit: () => new Promise(() => undefined), hitAll: () => new Promise(() => undefined), purge: async () => 0 },
    });
    const started = Date.now();
    for (let i = 0; i < 3; i += 1) await limiter.check(citizen());
    expect((await refusal(limiter.check(citizen()))).code).toBe('RATE_LIMITED');
    expect(Date.now() - started).toBeLessThan(1000); // one timeout, then the store is left alone for a while
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
  });

  it('purges ended windows from the store at most once per purgeEveryMs', async () => {
    const { limiter, calls, advance } = setup({ purgeEveryMs: 120_000 });
    await limiter.check(citizen());
    expect(calls.purge).toBe(0);
    advance(120_000);
    await limiter.check(citizen());
    await limiter.check(citizen());
    expect(calls.purge).toBe(1);
  });

  it('reads its limits from the environment, per minute by default', () => {
    const base = { HUB_MODE: 'dev' };
    expect(readGatewayConfig(base).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS).toEqual({ partner: 600, citizen: 300, windowMs: 60_000 });
    expect(readGatewayConfig({ ...base, RATE_LIMIT_PARTNER_PER_MINUTE: '10', RATE_LIMIT_CITIZEN_PER_MINUTE: '5', RATE_LIMIT_WINDOW_SECONDS: '2' }).rateLimits)
      .toEqual({ partner: 10, citizen: 5, windowMs: 2000 });
    expect(() => readGatewayConfig({ ...base, RATE_LIMIT_CITIZEN_PER_MINUTE: '0' })).toThrow(new TypeError('RATE_LIMIT_CITIZEN_PER_MINUTE must be a positive integer, got "0"'));
    expect(Object.isFrozen(readGatewayConfig(base).rateLimits)).toBe(true);
  });

  it('rejects misuse with a TypeError naming the option', () => {
    const { shared } = setup();
    const logger = createLogger({ service: 'gateway', level: 'silent' });
    expect(() => createRateLimiter({ store: shared, logger, limits: { ...LIMITS, citizen: 0 } })).toThrow(new TypeError('createRateLimiter: option "limits.citizen" must be a positive integer, got 0'));
    expect(() => createRateLimiter({ store: shared, logger, limits: LIMITS, storeTimeoutMs: -1 })).toThrow(new TypeError('createRateLimiter: option "storeTimeoutMs" must be a positive integer, got -1'));
    expect(() => createRateLimiter({ store: shared, logger, limits: LIMITS, now: 1 as unknown as () => Date })).toThrow(new TypeError('createRateLimiter: option "now" must be a function'));
  });
});

describe('the in-process store', () => {
  it('counts like the shared one, and stays within maxKeys', async () => {
    let now = WINDOW_START;
    const store = createLocalRateLimitStore({ now: () => new Date(now), maxKeys: 3 });
    expect((await store.hit('a', 1, 1000)).allowed).toBe(true);
    expect(await store.hit('a', 1, 1000)).toMatchObject({ hits: 2, allowed: false, remaining: 0, retryAfterSeconds: 1 });
    await store.hit('b', 1, 1000);
    await store.hit('c', 1, 1000);
    await store.hit('d', 1, 1000); // full and every counter live: the oldest ('a') goes
    expect((await store.hit('a', 1, 1000)).hits).toBe(1);
    now += 1000;
    expect(await store.purge(1000)).toBe(3);
    expect((await store.hit('b', 1, 1000)).hits).toBe(1);
  });
});
