import { availableParallelism } from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { MAX_GATEWAY_WORKERS, readGatewayConfig } from '../config.js';

// The gateway's configuration: what it takes from the environment, and what it refuses at start.

describe('readGatewayConfig', () => {
  it('takes GATEWAY_PUBLIC_URL as the URL DPoP proofs name; unset or empty means the bound address', () => {
    expect(readGatewayConfig({ GATEWAY_PUBLIC_URL: 'https://hub.example/graphql' }).publicUrl).toBe('https://hub.example/graphql');
    expect(readGatewayConfig({}).publicUrl).toBeUndefined();
    expect(readGatewayConfig({ GATEWAY_PUBLIC_URL: '' }).publicUrl).toBeUndefined();
  });

  it.each(['hub.example/graphql', '/graphql', 'ftp://hub.example/graphql'])('refuses GATEWAY_PUBLIC_URL=%s at start', (value) => {
    expect(() => readGatewayConfig({ GATEWAY_PUBLIC_URL: value })).toThrow(`GATEWAY_PUBLIC_URL must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  });

  it('lets only the hub\'s own clients (portal, caseworkers\' console) send unregistered documents, and only in dev mode; reloads the registry every 10 s', () => {
    expect([...readGatewayConfig({}).adHocClients]).toEqual(['citizen-portal', 'caseworker-console']);
    expect([...readGatewayConfig({ HUB_MODE: 'production' }).adHocClients]).toEqual([]);
    expect(readGatewayConfig({}).trustedDocumentsReloadSeconds).toBe(10);
    expect(readGatewayConfig({ TRUSTED_DOCUMENTS_RELOAD_SECONDS: '2' }).trustedDocumentsReloadSeconds).toBe(2);
    expect(() => readGatewayConfig({ TRUSTED_DOCUMENTS_RELOAD_SECONDS: '0' })).toThrow(/TRUSTED_DOCUMENTS_RELOAD_SECONDS/);
  });

  it('runs GATEWAY_WORKERS processes, by default one per core this process may use', () => {
    expect(readGatewayConfig({}).workers).toBe(Math.min(availableParallelism(), MAX_GATEWAY_WORKERS));
    expect(readGatewayConfig({ GATEWAY_WORKERS: '' }).workers).toBe(Math.min(availableParallelism(), MAX_GATEWAY_WORKERS));
    expect(readGatewayConfig({ GATEWAY_WORKERS: '1' }).workers).toBe(1);
    expect(readGatewayConfig({ GATEWAY_WORKERS: '64' }).workers).toBe(64);
  });

  it.each(['0', '-1', '65', '1.5', 'two', '2e1', ' '])('refuses GATEWAY_WORKERS=%j at start', (value) => {
    expect(() => readGatewayConfig({ GATEWAY_WORKERS: value })).toThrow(new TypeError(`GATEWAY_WORKERS must be an integer from 1 to 64, got ${JSON.stringify(value)}`));
  });
});
