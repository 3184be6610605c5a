import { describe, expect, it } from '@jest/globals';
import { readRequestsConfig } from '../config.js';
import { loadCaseworkers } from '../caseworkers.js';
import { registerPersonItems } from '../aboutItems.js';
import { startRequestsService } from '../server.js';

describe('the requests service\'s configuration', () => {
  it('defaults to port 4005, HUB_HOME/requests.sqlite and 20 a day in dev mode', () => {
    const config = readRequestsConfig({ HUB_HOME: '/tmp/hub-x' });
    expect(config).toMatchObject({ port: 4005, databaseUrl: 'sqlite:/tmp/hub-x/requests.sqlite', dailyLimit: 20, populationUrl: 'http://127.0.0.1:4001/graphql' });
    expect(readRequestsConfig({ REQUESTS_DATABASE_URL: 'postgres://a/b', DATABASE_URL: 'postgres://c/d' }).databaseUrl).toBe('postgres://a/b');
    expect(readRequestsConfig({ DATABASE_URL: 'postgres://c/d' }).databaseUrl).toBe('postgres://c/d');
    expect(() => readRequestsConfig({ REQUESTS_PER_DAY: '0' })).toThrow(/REQUESTS_PER_DAY must be a positive integer/);
    expect(() => readRequestsConfig({ REQUESTS_PORT: 'x' })).toThrow(/REQUESTS_PORT must be a TCP port/);
  });

  it('refuses production without a database URL or the internal keys', async () => {
    expect(() => readRequestsConfig({ HUB_MODE: 'production' })).toThrow(/REQUESTS_DATABASE_URL or DATABASE_URL must be set in production mode/);
    await expect(startRequestsService({ HUB_MODE: 'production', HUB_HOME: '/nonexistent', DATABASE_URL: 'postgres://127.0.0.1:1/none' }))
      .rejects.toThrow(/GATEWAY_INTERNAL_PUBLIC_JWK must hold a public JWK in production mode|GATEWAY_INTERNAL_PRIVATE_JWK must hold a private JWK/);
  });
});

describe('what the service reads at start', () => {
  it('has at least one caseworker persona per queue, with unique ids', () => {
    const caseworkers = loadCaseworkers();
    expect(new Set(caseworkers.map((c) => c.queue))).toEqual(new Set(['population', 'tax', 'vehicles', 'education', 'triage']));
    expect(new Set(caseworkers.map((c) => c.id)).size).toBe(caseworkers.length);
  });

  it('offers the registers\' Person fields as items, never the hub\'s own or the join key', () => {
    const items = registerPersonItems();
    for (const item of ['Person.address', 'Person.firstNames', 'Person.taxAssessments', 'Person.vehicles', 'Person.drivingLicence', 'Person.qualifications']) expect(items.has(item)).toBe(true);
    for (const item of ['Person.id', 'Person.requests', 'Person.consents', 'Person.disclosures']) expect(items.has(item)).toBe(false);
  });
});
