import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseManifest } from '../../lib/trustedDocuments.js';
import { createHubClient, HubClientError } from '../hubClient.js';

// The GraphQL client against a stand-in gateway (a fetch function): how answers and failures map to what the
// pages show. The stand-in resolves document ids as a production gateway does: only through the committed registry.

const manifest = parseManifest(readFileSync(new URL('../../gateway/trusted-documents/citizen-portal.json', import.meta.url), 'utf8'), 'citizen-portal.json');
const REGISTERED = new Map(manifest.operations.map((operation) => [`sha256:${operation.id}`, operation.body]));

type Answer = { status?: number; body: unknown };

function fakeGateway(answer: (request: { query: string; variables: Record<string, unknown>; authorization: string | null }) => Answer) {
  const requests: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const fetchImpl = (async (_url: string | URL | Request, init?: RequestInit) => {
    const sent = JSON.parse(String(init?.body));
    // The portal sends registered operations by id only, never a document's text.
    if (sent.query !== undefined || !REGISTERED.has(sent.documentId)) throw new Error(`the portal sent an unregistered document: ${String(init?.body)}`);
    const body = { query: REGISTERED.get(sent.documentId)!, variables: sent.variables };
    requests.push(body);
    const headers = new Headers(init?.headers);
    const { status = 200, body: out } = answer({ ...body, authorization: headers.get('authorization') });
    return new Response(typeof out === 'string' ? out : JSON.stringify(out), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { requests, client: createHubClient({ gatewayUrl: 'http://gateway.test/graphql', timeoutMs: 1000, fetch: fetchImpl }) };
}

describe('createHubClient', () => {
  it('sends the citizen token as a Bearer token and asks for every register field', async () => {
    let seen: string | null = null;
    const { client, requests } = fakeGateway(({ authorization }) => {
      seen = authorization;
      return { body: { data: { me: { firstNames: 'Aino' } } } };
    });
    const data = await client.myData('token-1');
    expect(seen).toBe('Bearer token-1');
    expect(data.unavailable.size).toBe(0);
    for (const field of ['personalIdentityCode', 'nationalities', 'nativeLanguage', 'children', 'taxDebt', 'vehicleClass', 'drivingLicence', 'enrolments', 'populationUpdatedAt', 'taxUpdatedAt', 'vehiclesUpdatedAt', 'educationUpdatedAt']) {
      expect(requests[0]!.query).toContain(field);
    }
  });

  it('marks a register unavailable from a pathed error, and every register when `me` itself failed', async () => {
    const partial = fakeGateway(() => ({
      body: {
        data: { me: { firstNames: 'Aino', taxAssessments: null, qualifications: null } },
        errors: [
          { message: 'x', path: ['me', 'taxAssessments'], extensions: { code: 'SUBGRAPH_TIMEOUT' } },
          { message: 'x', path: ['me', 'qualifications'], extensions: { code: 'SUBGRAPH_ERROR' } },
        ],
      },
    }));
    expect([...(await partial.client.myData('t')).unavailable].sort()).toEqual(['education', 'tax']);
    const down = fakeGateway(() => ({ body: { data: null, errors: [{ message: 'x', path: ['me'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] } }));
    const none = await down.client.myData('t');
    expect(none.person).toBeNull();
    expect(none.unavailable.size).toBe(4);
  });

  it('maps a 401 to SIGN_IN_REQUIRED, a failing gateway to HUB_UNAVAILABLE and NOT_FOUND to NOT_FOUND', async () => {
    const refused = fakeGateway(() => ({ status: 401, body: { errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED' } }] } }));
    await expect(refused.client.consents('t', 'en')).rejects.toMatchObject({ name: 'HubClientError', code: 'SIGN_IN_REQUIRED' });
    const broken = fakeGateway(() => ({ status: 502, body: 'Bad gateway' }));
    await expect(broken.client.myData('t')).rejects.toMatchObject({ code: 'HUB_UNAVAILABLE' });
    const consentDown = fakeGateway(() => ({ body: { data: null, errors: [{ message: 'x', path: ['me', 'consents'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] } }));
    await expect(consentDown.client.consents('t', 'fi')).rejects.toMatchObject({ code: 'HUB_UNAVAILABLE' });
    const missing = fakeGateway(() => ({ body: { data: null, errors: [{ message: 'No such consent', path: ['revokeConsent'], extensions: { code: 'NOT_FOUND' } }] } }));
    await expect(missing.client.revokeConsent('t', 'x')).rejects.toEqual(expect.any(HubClientError));
    await expect(missing.client.revokeConsent('t', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const limited = fakeGateway(() => ({ status: 429, body: { errors: [{ message: 'Too many requests', extensions: { code: 'RATE_LIMITED' } }] } }));
    await expect(limited.client.myData('t')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: undefined });
    const unreachable = createHubClient({ gatewayUrl: 'http://127.0.0.1:1/graphql', timeoutMs: 1000 });
    await expect(unreachable.myData('t')).rejects.toMatchObject({ code: 'HUB_UNAVAILABLE' });
  });

  it('maps a 429 to RATE_LIMITED with the gateway\'s Retry-After, never to HUB_UNAVAILABLE', async () => {
    const fetchImpl = (async () => new Response(JSON.stringify({ errors: [{ message: 'x', extensions: { code: 'RATE_LIMITED' } }] }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '17' } })) as typeof fetch;
    const client = createHubClient({ gatewayUrl: 'http://gateway.test/graphql', timeoutMs: 1000, fetch: fetchImpl });
    await expect(client.consents('t', 'fi')).rejects.toMatchObject({ name: 'HubClientError', code: 'RATE_LIMITED', retryAfterSeconds: 17 });
  });

  it('asks for the purpose in the page language and passes the paging cursor', async () => {
    const { client, requests } = fakeGateway(() => ({ body: { data: { me: { consents: [], disclosures: [] } } } }));
    await client.consents('t', 'sv');
    await client.disclosures('t', { first: 21, before: '40' });
    expect(requests[0]!.query).toContain('purpose(language: $lang)');
    expect(requests[0]!.variables).toEqual({ lang: 'sv' });
    expect(requests[1]!.variables).toEqual({ first: 21, before: '40' });
  });

  it('downloads every page of the disclosure log and every consent with its receipt and purposes', async () => {
    const total = 1234;
    const { client, requests } = fakeGateway(({ query, variables }) => {
      if (query.includes('PortalMyData')) return { body: { data: { me: { firstNames: 'Aino' } } } };
      if (query.includes('PortalExport')) {
        return { body: { data: { me: { consents: [{ id: 'c1', status: 'ACTIVE', scopes: ['population:name'], receipt: 'a.b.c', fi: 'Fi', sv: 'Sv', en: 'En', client: { id: 'demo-bank', name: 'Demo Bank' } }] } } } };
      }
      // Cursors count down from `total`; `before` excludes itself and everything newer.
      const before = variables.before === null ? total + 1 : Number(variables.before);
      const first = Number(variables.first);
      const page = [];
      for (let seq = before - 1; seq >= 1 && page.length < first; seq -= 1) page.push({ cursor: String(seq), fields: [] });
      return { body: { data: { me: { disclosures: page } } } };
    });
    const exported = await client.everything('t');
    expect(exported.disclosures).toHaveLength(total);
    expect(exported.disclosures.at(-1)!.cursor).toBe('1');
    expect(new Set(exported.disclosures.map((d) => d.cursor)).size).toBe(total);
    expect(requests.filter((r) => r.query.includes('PortalDisclosures'))).toHaveLength(3);
    expect(exported.consents).toEqual([{ id: 'c1', status: 'ACTIVE', scopes: ['population:name'], receipt: 'a.b.c', purpose: { fi: 'Fi', sv: 'Sv', en: 'En' }, client: { id: 'demo-bank', name: 'Demo Bank' } }]);
  });
  it('sends a request with its item; says the citizen\'s own refusals by their code, anything else as an outage', async () => {
    const { client, requests } = fakeGateway(({ variables }) => {
      if (variables.text === '') return { status: 400, body: { data: null, errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] } };
      if (variables.text === 'limit') return { status: 429, body: { data: null, errors: [{ extensions: { code: 'RATE_LIMITED' } }] } };
      if (variables.text === 'in body') return { body: { data: null, errors: [{ extensions: { code: 'RATE_LIMITED' } }] } };
      if (variables.text === 'broken') return { status: 502, body: { data: null, errors: [{ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] } };
      return { body: { data: { submitRequest: { id: 'R-ABCDE-12345', queue: 'TAX', status: 'RECEIVED' } } } };
    });
    await expect(client.submitRequest('t', 'my tax', 'Person.taxDebt')).resolves.toEqual({ id: 'R-ABCDE-12345', queue: 'TAX', status: 'RECEIVED' });
    expect(requests[0]!.query).toContain('submitRequest(text: $text, about: $about)');
    expect(requests[0]!.variables).toEqual({ text: 'my tax', about: 'Person.taxDebt' });
    await client.submitRequest('t', 'no item', undefined);
    expect(requests[1]!.variables).toEqual({ text: 'no item', about: null });
    await expect(client.submitRequest('t', '', undefined)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(client.submitRequest('t', 'limit', undefined)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(client.submitRequest('t', 'in body', undefined)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(client.submitRequest('t', 'broken', undefined)).rejects.toMatchObject({ code: 'HUB_UNAVAILABLE' });
  });

  it('answers and disputes by case number; a case that is not the citizen\'s is NOT_FOUND', async () => {
    const { client, requests } = fakeGateway(({ query, variables }) => {
      if (variables.id === 'R-OTHER-00000') return { body: { data: null, errors: [{ extensions: { code: 'NOT_FOUND' } }] } };
      return { body: { data: query.includes('answerRequest') ? { answerRequest: { id: variables.id, status: 'IN_PROGRESS' } } : { disputeRoute: { id: variables.id, queue: 'TRIAGE', status: 'RECEIVED' } } } };
    });
    await expect(client.answerRequest('t', 'R-ABCDE-12345', 'yes')).resolves.toMatchObject({ status: 'IN_PROGRESS' });
    await expect(client.disputeRoute('t', 'R-ABCDE-12345')).resolves.toMatchObject({ queue: 'TRIAGE' });
    expect(requests.map((r) => r.variables)).toEqual([{ id: 'R-ABCDE-12345', text: 'yes' }, { id: 'R-ABCDE-12345' }]);
    await expect(client.answerRequest('t', 'R-OTHER-00000', 'x')).rejects.toBeInstanceOf(HubClientError);
    await expect(client.disputeRoute('t', 'R-OTHER-00000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('downloads everything even when the requests service is down (requests: null), never as "none"', async () => {
    const { client } = fakeGateway(({ query }) => {
      if (query.includes('PortalMyRequests')) return { body: { data: null, errors: [{ path: ['me', 'requests'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] } };
      if (query.includes('PortalMyData')) return { body: { data: { me: { firstNames: 'Aino' } } } };
      if (query.includes('PortalExport')) return { body: { data: { me: { consents: [] } } } };
      return { body: { data: { me: { disclosures: [] } } } };
    });
    const exported = await client.everything('t');
    expect(exported.requests).toBeNull();
    expect(exported.person).toMatchObject({ firstNames: 'Aino' });
  });
});
