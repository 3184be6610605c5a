import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { buildManifest, documentHash, parseManifest } from '../../lib/trustedDocuments.js';
import { COMMITTED_TRUSTED_DOCUMENTS_DIR, devTrustedDocuments, manifestText } from '../../scripts/devTrustedDocuments.js';
import { createDocumentCache } from '../operations.js';
import { loadGatewaySupergraph } from '../supergraph.js';
import { createTrustedDocuments, loadTrustedDocuments, watchTrustedDocuments } from '../trustedDocuments.js';
import { thrownHubError as refusal } from '../../tests/support/refusals.js';

// Trusted documents: a partner runs only the operations registered for it, by hash; the citizen's own client
// may send other documents only where the gateway was told so (dev mode).

const PREFILL = 'query Prefill { me { firstNames lastName } }';
const OTHER = 'query Other { me { isAdult } }';
const registry = new Map([
  ['demo-bank', new Map(buildManifest([PREFILL]).operations.map((o) => [o.id, o]))],
  ['other-bank', new Map(buildManifest([OTHER]).operations.map((o) => [o.id, o]))],
]);
const { documentFor } = createTrustedDocuments({ registry, adHocClients: new Set(['citizen-portal']), validate: () => undefined });

describe('createTrustedDocuments', () => {
  it('runs a partner\'s registered document by id or by its exact text', () => {
    expect(documentFor('demo-bank', { documentHash: documentHash(PREFILL) })).toBe(PREFILL);
    expect(documentFor('demo-bank', { query: PREFILL })).toBe(PREFILL);
    expect(documentFor('demo-bank', { query: PREFILL, documentHash: documentHash(PREFILL) })).toBe(PREFILL);
  });

  it('refuses a partner\'s unregistered text, whitespace changes included, with 403 QUERY_NOT_IN_SAFELIST', () => {
    for (const query of ['{ me { personalIdentityCode } }', `${PREFILL} `, 'query Prefill { me { firstNames  lastName } }', '{ __schema { types { name } } }']) {
      const error = refusal(() => documentFor('demo-bank', { query }));
      expect({ code: error.code, status: error.status }).toEqual({ code: 'QUERY_NOT_IN_SAFELIST', status: 403 });
      expect(error.message).toBe('This client may run only its registered operations: send a registered document or its documentId');
    }
  });

  it('refuses another client\'s document id, and an unknown one, with 400 PERSISTED_QUERY_NOT_IN_LIST', () => {
    for (const [clientId, hash] of [['demo-bank', documentHash(OTHER)], ['demo-bank', 'f'.repeat(64)], ['unregistered-bank', documentHash(PREFILL)]] as const) {
      const error = refusal(() => documentFor(clientId, { documentHash: hash }));
      expect({ code: error.code, status: error.status }).toEqual({ code: 'PERSISTED_QUERY_NOT_IN_LIST', status: 400 });
    }
    // Text of another partner's registered operation is not this partner's either.
    expect(refusal(() => documentFor('demo-bank', { query: OTHER })).code).toBe('QUERY_NOT_IN_SAFELIST');
  });

  it('refuses a document id sent with a text that is not its own', () => {
    const error = refusal(() => documentFor('demo-bank', { documentHash: documentHash(PREFILL), query: OTHER }));
    expect({ code: error.code, message: error.message }).toEqual({ code: 'BAD_REQUEST', message: 'The document id is not the SHA-256 of the query sent with it' });
  });

  it('lets only the ad-hoc clients send unregistered documents', () => {
    expect(documentFor('citizen-portal', { query: '{ me { personalIdentityCode } }' })).toBe('{ me { personalIdentityCode } }');
    const strict = createTrustedDocuments({ registry, adHocClients: new Set(), validate: () => undefined });
    expect(refusal(() => strict.documentFor('citizen-portal', { query: '{ me { personalIdentityCode } }' })).code).toBe('QUERY_NOT_IN_SAFELIST');
  });

  it('refuses to start on a registered document the gateway would refuse', () => {
    const { apiSchema } = loadGatewaySupergraph();
    const documents = createDocumentCache({ schema: apiSchema, introspection: false, limits: { maxDepth: 3, maxAliases: 15, maxDirectives: 20, maxTokens: 1000, maxCost: 5000 } });
    const bad = (body: string) => new Map([['demo-bank', new Map(buildManifest([body]).operations.map((o) => [o.id, o]))]]);
    const start = (body: string) => () => createTrustedDocuments({ registry: bad(body), adHocClients: new Set(), validate: (text) => documents.prepare(text) });
    expect(start('query Deep { me { address { postalCode } } }')).not.toThrow();
    expect(start('query Deeper { me { consents { client { id } } } }')).toThrow('trusted document demo-bank/Deeper is refused: QUERY_TOO_DEEP');
    expect(start('query Unknown { me { bloodType } }')).toThrow('trusted document demo-bank/Unknown is refused: GRAPHQL_VALIDATION_FAILED');
  });
});

describe('a changed registry', () => {
  const { apiSchema } = loadGatewaySupergraph();
  const documents = createDocumentCache({ schema: apiSchema, introspection: false });
  const registryOf = (bodies: string[]) => new Map([['demo-bank', new Map(buildManifest(bodies).operations.map((o) => [o.id, o]))]]);
  const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-watch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the registry whole, or not at all when a document in it would be refused', () => {
    const trusted = createTrustedDocuments({ registry: registryOf([PREFILL]), adHocClients: new Set(), validate: (text) => documents.prepare(text) });
    expect(refusal(() => trusted.documentFor('demo-bank', { query: OTHER })).code).toBe('QUERY_NOT_IN_SAFELIST');
    trusted.replace(registryOf([PREFILL, OTHER]));
    expect(trusted.documentFor('demo-bank', { query: OTHER })).toBe(OTHER);
    expect(() => trusted.replace(registryOf([OTHER, 'query Unknown { me { bloodType } }']))).toThrow('trusted document demo-bank/Unknown is refused: GRAPHQL_VALIDATION_FAILED');
    // The refused registry did not half-apply: both earlier documents still run.
    expect(trusted.documentFor('demo-bank', { query: PREFILL })).toBe(PREFILL);
    expect(trusted.documentFor('demo-bank', { query: OTHER })).toBe(OTHER);
  });

  it('is picked up from the folder without a restart; a broken one is logged by name and the one in place stays', async () => {
    writeFileSync(join(dir, 'demo-bank.json'), manifestText(buildManifest([PREFILL])));
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (fields: object, msg: string) => lines.push({ ...fields, msg }), error: (fields: object, msg: string) => lines.push({ ...fields, msg }) } as never;
    const trusted = createTrustedDocuments({ registry: loadTrustedDocuments(dir), adHocClients: new Set(), validate: (text) => documents.prepare(text) });
    const stop = watchTrustedDocuments({ dir, intervalMs: 20, documents: trusted, logger });
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(check()).toBe(true);
    };
    try {
      writeFileSync(join(dir, 'demo-bank.json'), manifestText(buildManifest([PREFILL, OTHER])));
      await until(() => lines.some((line) => line.msg === 'trusted documents reloaded'));
      expect(trusted.documentFor('demo-bank', { query: OTHER })).toBe(OTHER);
      writeFileSync(join(dir, 'demo-bank.json'), manifestText(buildManifest([PREFILL, 'query Secret { me { bloodType } }'])));
      await until(() => lines.some((line) => line.msg === 'trusted documents not reloaded; the registry in place stays'));
      expect(trusted.documentFor('demo-bank', { query: OTHER })).toBe(OTHER);
      const refusedLine = JSON.stringify(lines.find((line) => String(line.msg).startsWith('trusted documents not reloaded')));
      expect(refusedLine).toContain('demo-bank/Secret is refused: GRAPHQL_VALIDATION_FAILED');
      expect(refusedLine).not.toContain('bloodType');
      // Logged once per broken state, not at every look.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lines.filter((line) => String(line.msg).startsWith('trusted documents not reloaded'))).toHaveLength(1);
    } finally {
      stop();
    }
  });
});

describe('manifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const sub = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(sub, name), text);
    return sub;
  };

  it('match what the portal and Demo Bank send: run `npm run trusted-documents` after changing an operation', () => {
    for (const [clientId, manifest] of Object.entries(devTrustedDocuments())) {
      const committed = readFileSync(join(COMMITTED_TRUSTED_DOCUMENTS_DIR, `${clientId}.json`), 'utf8');
      if (committed !== manifestText(manifest)) throw new Error(`gateway/trusted-documents/${clientId}.json is stale: run \`npm run trusted-documents\` and commit it`);
    }
    expect([...loadTrustedDocuments(COMMITTED_TRUSTED_DOCUMENTS_DIR).keys()]).toEqual(['caseworker-console', 'citizen-portal', 'demo-bank']);
  });

  it('hold only what the client may ask for: no personal identity code for Demo Bank', () => {
    const [prefill] = devTrustedDocuments()['demo-bank']!.operations;
    expect(prefill!.body).not.toMatch(/personalIdentityCode|dateOfBirth|consents|disclosures/);
  });

  it.each([
    ['a file not named <client id>.json', 'Demo Bank.json', manifestText(buildManifest([PREFILL])), 'trusted documents: Demo Bank.json is not named <client id>.json'],
    ['JSON that is no manifest', 'bank.json', '{"operations":[]}', 'trusted documents bank.json: expected { "format": "apollo-persisted-query-manifest", "version": 1, "operations": [...] }'],
    ['an id that is not the body\'s hash', 'bank.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: documentHash(OTHER), name: 'Prefill', type: 'query', body: PREFILL }] }), 'trusted documents bank.json: operation 0 (Prefill): "id" is not the SHA-256 of "body"'],
    ['a name that is not the operation\'s', 'bank.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: documentHash(PREFILL), name: 'Innocent', type: 'query', body: PREFILL }] }), 'trusted documents bank.json: operation 0 (Innocent): "name" and "type" must be the operation\'s own'],
    ['two operations in one document', 'bank.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: documentHash(`${PREFILL} ${OTHER}`), name: 'Prefill', type: 'query', body: `${PREFILL} ${OTHER}` }] }), 'trusted documents bank.json: operation 0 (Prefill): must hold exactly one named query or mutation'],
    ['not JSON', 'bank.json', '{', 'trusted documents bank.json: not valid JSON'],
  ])('refuse %s', (_name, file, text, message) => {
    expect(() => loadTrustedDocuments(write(file, text))).toThrow(message);
  });

  it('refuse a subscription and a document with two operations when built', () => {
    expect(() => buildManifest(['subscription S { me { isAdult } }'])).toThrow('document: must hold exactly one named query or mutation');
    expect(() => buildManifest([`${PREFILL} ${OTHER}`])).toThrow('document: must hold exactly one named query or mutation');
    expect(() => buildManifest(['{ me { isAdult } }'])).toThrow('document: must hold exactly one named query or mutation');
    expect(buildManifest(['{ me { isAdult } }'], { allowAnonymous: true }).operations[0]!.name).toBe(`anonymous-${documentHash('{ me { isAdult } }').slice(0, 12)}`);
    expect(parseManifest(manifestText(buildManifest([PREFILL, OTHER])), 'x').operations.map((o) => o.name)).toEqual(['Prefill', 'Other']);
    mkdirSync(join(dir, 'empty'));
    expect(loadTrustedDocuments(join(dir, 'empty')).size).toBe(0);
  });
});
