import { describe, expect, it } from '@jest/globals';
import { SUBGRAPHS, type SubgraphName } from '../../lib/config.js';
import type { AccessTokenKeysStatus } from '../../lib/tokens/accessToken.js';
import { readGatewayConfig } from '../config.js';
import { createGatewayReadiness } from '../readiness.js';

// The gateway's side of the issuer's keys: their timing is configured and validated once, and /readyz says not ready
// when they are stale, naming each dependency's state.

// Each subgraph's name in its host, since `/readyz` is asked at the root of the subgraph's origin.
const URLS = Object.fromEntries(SUBGRAPHS.map((name) => [name, `http://${name}.invalid/graphql`])) as Record<SubgraphName, string>;

/** A subgraph `/readyz` fetch that answers 200, except that the names in `down` cannot be reached. */
function subgraphFetch(down: readonly string[] = []): typeof fetch {
  return (async (input: string | URL | Request) => {
    const host = new URL(String(input)).hostname;
    if (down.some((name) => host === `${name}.invalid`)) throw new TypeError('fetch failed');
    return new Response('{"status":"ready"}', { status: 200 });
  }) as typeof fetch;
}

function readiness(keys: AccessTokenKeysStatus, options: { database?: boolean; down?: string[] } = {}) {
  return createGatewayReadiness({
    issuerKeys: async () => keys,
    consentDatabase: async () => options.database ?? true,
    subgraphUrls: URLS,
    fetch: subgraphFetch(options.down),
  })();
}

const allReady = Object.fromEntries(SUBGRAPHS.map((name) => [name, 'ready']));

describe('gateway /readyz', () => {
  it('is ready when the keys are fresh, the consent database answers and every subgraph is ready', async () => {
    expect(await readiness({ state: 'fresh', ageSeconds: 42 })).toEqual({
      ready: true,
      checks: { issuerKeys: 'fresh', issuerKeysAgeSeconds: 42, consentDatabase: 'up', subgraphs: allReady },
    });
  });

  it('is not ready when the issuer keys are stale, whatever else answers', async () => {
    expect(await readiness({ state: 'stale', ageSeconds: 601 })).toEqual({
      ready: false,
      checks: { issuerKeys: 'stale', issuerKeysAgeSeconds: 601, consentDatabase: 'up', subgraphs: allReady },
    });
  });

  it('is not ready when the consent subgraph (the issuer process) is down, though the keys are still fresh', async () => {
    const outcome = await readiness({ state: 'fresh', ageSeconds: 30 }, { down: ['consent'] });
    expect(outcome.ready).toBe(false);
    expect(outcome.checks).toEqual({ issuerKeys: 'fresh', issuerKeysAgeSeconds: 30, consentDatabase: 'up', subgraphs: { ...allReady, consent: 'not ready' } });
  });

  it('is not ready without the consent database', async () => {
    expect(await readiness({ state: 'fresh', ageSeconds: 0 }, { database: false })).toMatchObject({ ready: false, checks: { consentDatabase: 'down' } });
  });

  it('a fixed key set (tests) never goes stale', async () => {
    expect(await readiness({ state: 'fixed', ageSeconds: null })).toMatchObject({ ready: true, checks: { issuerKeys: 'fixed' } });
  });

  it('names no address in its checks', async () => {
    const outcome = await createGatewayReadiness({ issuerKeys: async () => ({ state: 'fresh', ageSeconds: 1 }), consentDatabase: async () => true, subgraphUrls: URLS, fetch: subgraphFetch(['tax']) })();
    expect(outcome.checks.subgraphs).toMatchObject({ tax: 'not ready' });
    expect(JSON.stringify(outcome)).not.toMatch(/invalid|http:/);
  });
});

describe('issuer key timing in the gateway configuration', () => {
  it('defaults to a maximum age of 600 s and a refresh every 300 s', () => {
    expect(readGatewayConfig({}).issuerKeys).toEqual({ maxAgeSeconds: 600, refreshSeconds: 300 });
  });

  it('reads ISSUER_KEYS_MAX_AGE_SECONDS and ISSUER_KEYS_REFRESH_SECONDS', () => {
    const config = readGatewayConfig({ ISSUER_KEYS_MAX_AGE_SECONDS: '4', ISSUER_KEYS_REFRESH_SECONDS: '1' });
    expect(config.issuerKeys).toEqual({ maxAgeSeconds: 4, refreshSeconds: 1 });
    expect(Object.isFrozen(config.issuerKeys)).toBe(true);
  });

  it('refuses a refresh that is not shorter than the maximum age, and values that are not positive integers', () => {
    expect(() => readGatewayConfig({ ISSUER_KEYS_MAX_AGE_SECONDS: '60', ISSUER_KEYS_REFRESH_SECONDS: '60' })).toThrow(
      new TypeError('ISSUER_KEYS_REFRESH_SECONDS (60) must be less than ISSUER_KEYS_MAX_AGE_SECONDS (60)'),
    );
    expect(() => readGatewayConfig({ ISSUER_KEYS_REFRESH_SECONDS: '900' })).toThrow(/ISSUER_KEYS_REFRESH_SECONDS \(900\) must be less than ISSUER_KEYS_MAX_AGE_SECONDS \(600\)/);
    expect(() => readGatewayConfig({ ISSUER_KEYS_MAX_AGE_SECONDS: '0' })).toThrow(/ISSUER_KEYS_MAX_AGE_SECONDS must be a positive integer/);
    expect(() => readGatewayConfig({ ISSUER_KEYS_MAX_AGE_SECONDS: 'ten minutes' })).toThrow(/ISSUER_KEYS_MAX_AGE_SECONDS must be a positive integer/);
  });
});
