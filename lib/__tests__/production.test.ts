import { describe, expect, it } from '@jest/globals';
import { readRegisterDatabaseUrl } from '../config.js';
import { startPortal } from '../../portal/server.js';
import { readPortalConfig } from '../../portal/config.js';
import { loadSecret, loadSigningKey } from '../keys.js';
import { readGatewayConfig } from '../../gateway/config.js';
import { createDocumentCache } from '../../gateway/operations.js';
import { loadGatewaySupergraph } from '../../gateway/supergraph.js';
import { HubError } from '../errors.js';

// Production refuses to start on guesses: no generated keys, no default database, no introspection.

const production = { HUB_MODE: 'production', HUB_HOME: '/nonexistent' };

describe('production mode', () => {
  it('refuses to start without configured keys', async () => {
    await expect(loadSigningKey({ env: production, variable: 'ISSUER_PRIVATE_JWK', devFile: 'issuer.jwk', alg: 'ES256' })).rejects.toThrow(/ISSUER_PRIVATE_JWK must hold a private JWK in production mode/);
    await expect(loadSecret(production, 'HUB_PSEUDONYM_KEY', 'pseudonym.key')).rejects.toThrow(/HUB_PSEUDONYM_KEY must be set/);
  });

  it('refuses to start without a database URL', () => {
    expect(() => readRegisterDatabaseUrl(production, 'tax')).toThrow(/TAX_DATABASE_URL or DATABASE_URL/);
    expect(readRegisterDatabaseUrl({ ...production, DATABASE_URL: 'postgres://db/hub' }, 'tax')).toBe('postgres://db/hub');
  });

  it('refuses to start the portal without its sessions database and its sealing secret', async () => {
    const portal = { ...production, PORTAL_URL: 'https://omat.example.fi' };
    expect(() => readPortalConfig(portal)).toThrow(/PORTAL_DATABASE_URL or DATABASE_URL must be set in production mode/);
    expect(readPortalConfig({ ...portal, DATABASE_URL: 'postgres://db/hub' }).databaseUrl).toBe('postgres://db/hub');
    await expect(startPortal({ ...portal, PORTAL_DATABASE_URL: 'sqlite::memory:', PORTAL_PORT: '0' })).rejects.toThrow(/PORTAL_SESSION_SECRET must be set in production mode/);
  });

  it('refuses an unknown mode', () => {
    expect(() => readGatewayConfig({ HUB_MODE: 'staging' })).toThrow(/HUB_MODE must be/);
  });

  it('turns introspection and field suggestions off', () => {
    expect(readGatewayConfig(production).introspection).toBe(false);
    const { apiSchema } = loadGatewaySupergraph();
    const documents = createDocumentCache({ schema: apiSchema, introspection: false });
    expect(() => documents.prepare('{ __schema { types { name } } }')).toThrow(HubError);
    let caught: unknown;
    try {
      documents.prepare('{ me { firstName } }');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HubError);
    expect((caught as HubError).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((caught as HubError).message).not.toMatch(/Did you mean/);
    const dev = createDocumentCache({ schema: apiSchema, introspection: true });
    expect(() => dev.prepare('{ me { firstName } }')).toThrow(/Did you mean/);
  });
});
