import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { exportDocument } from '../exportDocument.js';
import { exportJwks, loadExportKey, MY_DATA_TYPE, signExport } from '../signedExport.js';

// The signed download: a compact JWS over the whole my-data document, verifiable with the portal's published key
// set only, and refused by a verifier as soon as one byte changes or another key signed it.

const home = mkdtempSync(join(tmpdir(), 'portal-export-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const document = exportDocument({ person: null, unavailableRegisters: ['population', 'tax', 'vehicles', 'education'], consents: [], disclosures: [], requests: [] }, new Date('2026-12-01T10:00:00Z'));
const options = { algorithms: ['ES256'], typ: MY_DATA_TYPE, issuer: 'https://portal.example' };

describe('signed download', () => {
  it('verifies with the published key set and holds the document', async () => {
    const key = await loadExportKey({ HUB_MODE: 'dev', HUB_HOME: home });
    const jws = await signExport(key, 'https://portal.example', document, new Date('2026-12-01T10:00:00Z'));
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', typ: MY_DATA_TYPE, kid: key.kid });
    const { payload } = await jwtVerify(jws, createLocalJWKSet(exportJwks(key) as never), options);
    expect(payload).toMatchObject({ format: 'personal-data-hub/my-data/1', iss: 'https://portal.example', iat: 1796119200, requests: [] });
    expect(JSON.stringify(exportJwks(key))).not.toContain('"d"');
  });

  it('fails when the payload is changed, or when another key signed it', async () => {
    const key = await loadExportKey({ HUB_MODE: 'dev', HUB_HOME: home });
    const jws = await signExport(key, 'https://portal.example', document, new Date());
    const [header, body, signature] = jws.split('.') as [string, string, string];
    const tampered = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    tampered.requests = [{ id: 'R-FAKED-00000' }];
    const jwks = createLocalJWKSet(exportJwks(key) as never);
    await expect(jwtVerify(`${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`, jwks, options)).rejects.toThrow('signature verification failed');
    const other = await loadExportKey({ HUB_MODE: 'dev', HUB_HOME: mkdtempSync(join(tmpdir(), 'portal-export-other-')) });
    const forged = await signExport({ ...other, kid: key.kid }, 'https://portal.example', document, new Date());
    await expect(jwtVerify(forged, jwks, options)).rejects.toThrow('signature verification failed');
  });

  it('refuses to start in production without a configured key', async () => {
    await expect(loadExportKey({ HUB_MODE: 'production', HUB_HOME: home })).rejects.toThrow('PORTAL_SIGNING_JWK must hold a private JWK in production mode');
  });
});
