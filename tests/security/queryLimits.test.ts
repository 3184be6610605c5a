import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { signAccessToken } from '../../consent/accessTokens.js';
import { startGateway } from '../../gateway/start.js';
import { DEFAULT_QUERY_LIMITS } from '../../gateway/limits.js';
import { loadSigningKey } from '../../lib/keys.js';
import { createLogger } from '../../lib/logger.js';
import type { RunningService } from '../../lib/subgraph/start.js';
import { PERSON_SELECTION } from '../../portal/registers.js';
import { readResponse, type RawResponse } from '../support/http.js';
import { writeTrustedDocuments } from '../../scripts/devTrustedDocuments.js';
import { personas, personaWith, startTestHub, type TestHub } from '../support/hub.js';

// Query abuse at the gateway: each limit (depth, aliases, directives, tokens, cost, body size) lets a query at
// the limit through and refuses one over it with its own code, HTTP 400 (413 for the body) and no data; no
// batches; GET for queries only and only with a header that forces a CORS preflight; introspection and field
// suggestions in dev mode only. No refusal carries a register value.

const persona = personaWith('complete');
const logger = createLogger({ service: 'gateway', level: 'warn' });
let hub: TestHub;
let token: string;
/** A second gateway on the same hub, with lowered limits from its environment. */
let strict: RunningService;

beforeAll(async () => {
  hub = await startTestHub();
  token = await hub.token(persona.personalIdentityCode);
  // These limits are below what the citizen portal's registered operations need: with the committed registry the
  // gateway refuses to start (tested below), so this one gets a registry with nobody's operations in it.
  const registry = mkdtempSync(join(tmpdir(), 'empty-registry-'));
  strict = await startGateway({ ...hub.env, GATEWAY_PORT: '0', GATEWAY_MAX_DEPTH: '3', GATEWAY_MAX_COST: '100', TRUSTED_DOCUMENTS_DIR: registry }, { logger });
});
afterAll(async () => {
  await strict?.stop();
  await hub?.stop();
});

/** No persona's names or identity code anywhere in a response. */
function expectNoRegisterValue(response: RawResponse): void {
  for (const p of personas) {
    expect(response.text).not.toContain(p.firstNames);
    expect(response.text).not.toContain(p.lastName);
    expect(response.text).not.toContain(p.personalIdentityCode);
  }
}

/** Refused as a whole: the status, exactly one error with `code`, no data, no register value. */
function expectRefused(response: RawResponse, code: string, status = 400): void {
  expect({ status: response.status, codes: response.body.errors?.map((e: { extensions: { code: string } }) => e.extensions.code) }).toEqual({ status, codes: [code] });
  expect(response.body.data).toBeUndefined();
  expectNoRegisterValue(response);
}

/** Answered: 200, the persona's own first names in the data, no error at all. */
function expectAnswered(response: RawResponse): void {
  expect({ status: response.status, errors: response.body.errors }).toEqual({ status: 200, errors: undefined });
  expect(response.body.data.me.firstNames).toBe(persona.firstNames);
}

function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, url = hub.gatewayUrl): Promise<RawResponse> {
  return fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body }).then(readResponse);
}

function get(params: Record<string, string>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): Promise<RawResponse> {
  const url = `${hub.gatewayUrl}?${new URLSearchParams(params)}`;
  return fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } }).then(readResponse);
}

const query = (text: string) => hub.query(token, text);
const SCALARS = ['isAdult', 'lastName', 'dateOfBirth', 'maritalStatus', 'nativeLanguage', 'nationalities', 'populationUpdatedAt', 'taxUpdatedAt', 'vehiclesUpdatedAt', 'educationUpdatedAt'];
const repeat = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join(' ');

/** The citizen portal's heaviest query: every Person field of the supergraph, consents and the disclosure log. */
const DASHBOARD = `query Dashboard { me { ${PERSON_SELECTION}
  consents { id status scopes grantedAt expiresAt revokedAt receipt purpose(language: "fi") client { id name } }
  disclosures(first: 500) { cursor at consentId purpose fields requestId client { id name } } } }`;

describe('the default limits', () => {
  const limits = DEFAULT_QUERY_LIMITS;

  it('let the citizen portal\'s dashboard through', async () => {
    expectAnswered(await query(DASHBOARD));
  });

  it('depth: at the limit passes, one over is QUERY_TOO_DEEP', async () => {
    // Only introspection nests past depth 4 in this API: __type (1) + ofType × (n - 2) + name (1).
    const deep = (n: number) => `{ me { firstNames } __type(name: "Person") ${'{ ofType '.repeat(n - 2)}{ name }${' }'.repeat(n - 2)} }`;
    expectAnswered(await query(deep(limits.maxDepth)));
    const refused = await query(deep(limits.maxDepth + 1));
    expectRefused(refused, 'QUERY_TOO_DEEP');
    expect(refused.body.errors[0].message).toBe(`The operation is ${limits.maxDepth + 1} fields deep; the limit is ${limits.maxDepth}`);
  });

  it('aliases: at the limit passes, one over is TOO_MANY_ALIASES', async () => {
    const aliased = (n: number) => `{ me { firstNames ${repeat(n, (i) => `a${i}: isAdult`)} } }`;
    expectAnswered(await query(aliased(limits.maxAliases)));
    expectRefused(await query(aliased(limits.maxAliases + 1)), 'TOO_MANY_ALIASES');
  });

  it('directives: at the limit passes, one over is TOO_MANY_DIRECTIVES', async () => {
    const directed = (n: number) => `{ me { firstNames ${repeat(n, () => 'isAdult @include(if: true)')} } }`;
    expectAnswered(await query(directed(limits.maxDirectives)));
    expectRefused(await query(directed(limits.maxDirectives + 1)), 'TOO_MANY_DIRECTIVES');
  });

  it('tokens: at the limit passes, one over is TOO_MANY_TOKENS', async () => {
    // { me { firstNames ... } }: five tokens besides the fields, taken in turn from a few scalar fields (graphql-js
    // meters the work of comparing fields of one name, and one field repeated 995 times exceeds its budget).
    const long = (n: number) => `{ me { firstNames ${repeat(n - 6, (i) => SCALARS[i % SCALARS.length]!)} } }`;
    expectAnswered(await query(long(limits.maxTokens)));
    expectRefused(await query(long(limits.maxTokens + 1)), 'TOO_MANY_TOKENS');
  });

  it('cost: at the limit passes, one over is QUERY_TOO_COMPLEX', async () => {
    // me 1 + firstNames 1 + taxAssessments (1 + 10 × years) + isAdults
    const years = Math.floor((limits.maxCost - 3) / 10);
    const costly = (cost: number) => `{ me { firstNames taxAssessments { ${repeat(years, () => 'year')} } ${repeat(cost - 3 - 10 * years, () => 'isAdult')} } }`;
    expectAnswered(await query(costly(limits.maxCost)));
    const refused = await query(costly(limits.maxCost + 1));
    expectRefused(refused, 'QUERY_TOO_COMPLEX');
    expect(refused.body.errors[0].message).toBe(`The operation's cost is ${limits.maxCost + 1}; the limit is ${limits.maxCost}`);
  });

  it('body: a body over GATEWAY_BODY_LIMIT_BYTES is PAYLOAD_TOO_LARGE (413)', async () => {
    const body = JSON.stringify({ query: `{ me { firstNames } }${' '.repeat(64 * 1024)}` });
    expectRefused(await post(body), 'PAYLOAD_TOO_LARGE', 413);
  });
});

describe('the limits are configurable', () => {
  const strictQuery = (text: string) => post(JSON.stringify({ query: text }), undefined, strict.url);

  it('GATEWAY_MAX_DEPTH=3 lets an address through and refuses a consent\'s client', async () => {
    expectAnswered(await strictQuery('{ me { firstNames address { postalCode } } }'));
    const refused = await strictQuery('{ me { firstNames consents { client { name } } } }');
    expectRefused(refused, 'QUERY_TOO_DEEP');
    expect(refused.body.errors[0].message).toBe('The operation is 4 fields deep; the limit is 3');
  });

  it('refuses to start when a registered operation is over the limits (the portal\'s, with GATEWAY_MAX_COST=100)', async () => {
    await expect(startGateway({ ...hub.env, GATEWAY_PORT: '0', GATEWAY_MAX_COST: '100' }, { logger })).rejects.toThrow(/^trusted document citizen-portal\/Portal\w+ is refused: QUERY_TOO_COMPLEX$/);
  });

  it('GATEWAY_MAX_COST=100 refuses the dashboard that the default lets through', async () => {
    expectRefused(await strictQuery(`{ me { ${PERSON_SELECTION} } }`), 'QUERY_TOO_COMPLEX');
  });
});

describe('one operation per request, and the right method for it', () => {
  it('a batch is BATCHING_NOT_SUPPORTED', async () => {
    const batch = JSON.stringify([{ query: '{ me { firstNames } }' }, { query: '{ me { lastName } }' }]);
    expectRefused(await post(batch), 'BATCHING_NOT_SUPPORTED');
  });

  it('POST with text/plain is UNSUPPORTED_MEDIA_TYPE (415)', async () => {
    expectRefused(await post(JSON.stringify({ query: '{ me { firstNames } }' }), { 'content-type': 'text/plain' }), 'UNSUPPORTED_MEDIA_TYPE', 415);
  });

  it('GET runs a query that carries a preflight header, with variables and operation name; nothing may cache it', async () => {
    const response = await get({ query: 'query Mine($x: Boolean!) { me { firstNames @include(if: $x) } }', variables: '{"x":true}', operationName: 'Mine' });
    expectAnswered(response);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expectAnswered(await get({ query: '{ me { firstNames } }' }, { 'content-type': 'application/json' }));
  });

  it.each([
    ['no header', {}],
    ['a form\'s content type', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])('GET with %s is CSRF_PREVENTED', async (_name, headers) => {
    expectRefused(await get({ query: '{ me { firstNames } }' }, headers), 'CSRF_PREVENTED');
  });

  it('GET with a mutation is METHOD_NOT_ALLOWED (405, Allow: POST)', async () => {
    const response = await get({ query: 'mutation { revokeConsent(id: "00000000-0000-0000-0000-000000000000") { id status } }' });
    expectRefused(response, 'METHOD_NOT_ALLOWED', 405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('another method is METHOD_NOT_ALLOWED (405, Allow: GET, POST)', async () => {
    const response = await fetch(hub.gatewayUrl, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' }).then(readResponse);
    expectRefused(response, 'METHOD_NOT_ALLOWED', 405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });
});

describe('introspection and field suggestions', () => {
  const MISSPELT = '{ me { firstName } }';
  const INTROSPECTION = '{ __schema { queryType { name } } }';

  it('are on in dev mode', async () => {
    const introspected = await query(INTROSPECTION);
    expect({ status: introspected.status, data: introspected.body.data }).toEqual({ status: 200, data: { __schema: { queryType: { name: 'Query' } } } });
    const misspelt = await query(MISSPELT);
    expectRefused(misspelt, 'GRAPHQL_VALIDATION_FAILED');
    expect(misspelt.body.errors[0].message).toMatch(/Did you mean "firstNames"/);
  });

  describe('in production mode', () => {
    let home: string;
    let production: RunningService;
    let productionToken: string;
    let productionEnv: Record<string, string>;
    let keySet: ReturnType<typeof createLocalJWKSet>;

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'hub-limits-production-'));
      const issuerPair = await generateKeyPair('ES256', { extractable: true });
      const internalPair = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
      const env = {
        HUB_MODE: 'production',
        HUB_HOME: join(home, 'never-used'),
        GATEWAY_PORT: '0',
        ISSUER_URL: 'https://issuer.example',
        GATEWAY_AUDIENCE: 'https://hub.example/graphql',
        CONSENT_DATABASE_URL: `sqlite:${join(home, 'consent.sqlite')}`,
        ISSUER_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(issuerPair.privateKey)), kid: 'issuer-test' }),
        GATEWAY_INTERNAL_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(internalPair.privateKey)), kid: 'internal-test' }),
      };
      const issuerKey = await loadSigningKey({ env, variable: 'ISSUER_PRIVATE_JWK', devFile: 'unused', alg: 'ES256' });
      keySet = createLocalJWKSet({ keys: [issuerKey.publicJwk] });
      productionEnv = env;
      production = await startGateway(env, { logger, keySet });
      productionToken = await signAccessToken(issuerKey, {
        issuer: env.ISSUER_URL,
        audience: env.GATEWAY_AUDIENCE,
        subject: await hub.personId(persona.personalIdentityCode),
        clientId: 'citizen-portal',
        scopes: ['population:name'],
        ttlSeconds: 300,
      });
    });
    afterAll(async () => {
      await production?.stop();
      rmSync(home, { recursive: true, force: true });
    });

    const productionQuery = (text: string) =>
      fetch(production.url, { method: 'POST', headers: { authorization: `Bearer ${productionToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) }).then(readResponse);

    it('are off: nobody\'s ad-hoc document reaches validation, and a registered one that uses them stops the start', async () => {
      // Production runs registered documents only, the citizen portal's included: neither query is parsed at all.
      const introspected = await productionQuery(INTROSPECTION);
      expectRefused(introspected, 'QUERY_NOT_IN_SAFELIST', 403);
      expect(introspected.text).not.toContain('queryType {');
      const misspelt = await productionQuery(MISSPELT);
      expectRefused(misspelt, 'QUERY_NOT_IN_SAFELIST', 403);
      expect(misspelt.text).not.toMatch(/Did you mean|firstNames/);
      // Registered, each is refused by production's validation (no introspection) before the gateway serves anyone;
      // the messages without suggestions are tested in lib/__tests__/production.test.ts.
      for (const [name, document] of [['Introspection', INTROSPECTION], ['Misspelt', MISSPELT]] as const) {
        const registry = mkdtempSync(join(home, 'registry-'));
        writeTrustedDocuments(registry, { 'citizen-portal': [document.replace(/^(query \w*)?\s*\{/, `query ${name} {`)] });
        await expect(startGateway({ ...productionEnv, GATEWAY_PORT: '0', TRUSTED_DOCUMENTS_DIR: registry }, { logger, keySet })).rejects.toThrow(`trusted document citizen-portal/${name} is refused: GRAPHQL_VALIDATION_FAILED`);
      }
    });
  });
});
