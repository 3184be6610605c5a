import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_SCOPES, personas, personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { callSubgraph, gatewayCredentials } from '../support/credentials.js';

// Subgraphs trust nobody but the gateway: each demands an internal credential minted for it alone, checks
// the subject of every entity request and the scopes of every field again.

let hub: TestHub;
let credential: Awaited<ReturnType<typeof gatewayCredentials>>;
const persona = personaWith('complete');
const other = personas.find((p) => p.personalIdentityCode !== persona.personalIdentityCode)!;

beforeAll(async () => {
  hub = await startTestHub();
  credential = await gatewayCredentials(hub.env);
});
afterAll(async () => {
  await hub?.stop();
});

function expectNothing(result: { status: number; text: string; body: any }) {
  expect(result.status).toBe(401);
  expect(result.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(result.body.data).toBeUndefined();
  expect(result.text).not.toContain('Person');
  expect(result.text).not.toContain(persona.lastName);
}

describe('a subgraph answers nothing without the gateway credential for it', () => {
  it.each(['population', 'tax', 'vehicles', 'education'])('%s: no credential, not even _service', async (register) => {
    expectNothing(await callSubgraph(hub.subgraphs[register]!.url, null, '{ _service { sdl } }'));
  });

  it('a client access token is refused', async () => {
    const token = await hub.token(persona.personalIdentityCode);
    expectNothing(await callSubgraph(hub.subgraphs.population!.url, `Bearer ${token}`, '{ me { lastName } }'));
  });

  it('a credential minted for another subgraph is refused', async () => {
    const forTax = await credential('tax', await hub.personId(persona.personalIdentityCode), ALL_SCOPES);
    expectNothing(await callSubgraph(hub.subgraphs.population!.url, `Bearer ${forTax}`, '{ me { lastName } }'));
    expectNothing(await callSubgraph(hub.subgraphs.population!.url, `Bearer ${forTax}`, '{ _service { sdl } }'));
  });

  it('the right credential is accepted (the control case)', async () => {
    const mine = await credential('population', await hub.personId(persona.personalIdentityCode), ['population:name']);
    const result = await callSubgraph(hub.subgraphs.population!.url, `Bearer ${mine}`, '{ me { lastName } }');
    expect(result.body).toEqual({ data: { me: { lastName: persona.lastName } } });
  });
});

describe('a subgraph checks the subject and the scopes again', () => {
  const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { lastName personalIdentityCode } } }';

  it('an _entities request for another person is refused', async () => {
    const mine = await credential('population', await hub.personId(persona.personalIdentityCode), ALL_SCOPES);
    const otherId = await hub.personId(other.personalIdentityCode);
    const result = await callSubgraph(hub.subgraphs.population!.url, `Bearer ${mine}`, ENTITIES, {
      r: [{ __typename: 'Person', id: await hub.personId(persona.personalIdentityCode) }, { __typename: 'Person', id: otherId }],
    });
    expect(result.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(result.text).not.toContain(other.lastName);
    expect(result.text).not.toContain(other.personalIdentityCode);
    expect(result.text).not.toContain(otherId);
  });

  it.each(['tax', 'vehicles', 'education'])('%s refuses _entities for another person too', async (register) => {
    const mine = await credential(register as never, await hub.personId(persona.personalIdentityCode), ALL_SCOPES);
    const result = await callSubgraph(hub.subgraphs[register]!.url, `Bearer ${mine}`, 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', {
      r: [{ __typename: 'Person', id: await hub.personId(other.personalIdentityCode) }],
    });
    expect(result.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(result.body.data?._entities ?? null).toBeNull();
  });

  it('a field outside the credential scopes is refused by the subgraph itself', async () => {
    const narrow = await credential('population', await hub.personId(persona.personalIdentityCode), ['population:name']);
    const result = await callSubgraph(hub.subgraphs.population!.url, `Bearer ${narrow}`, '{ me { lastName personalIdentityCode } }');
    expect(result.body.errors[0].extensions.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(result.text).not.toContain(persona.personalIdentityCode);
  });

  // Every subgraph with Person fields answers `me` itself (one round trip): always the credential's subject.
  const ME_PROBES: Array<[string, string]> = [
    ['tax', 'taxAssessments { year earnedIncome }'],
    ['vehicles', 'vehicles { registrationNumber }'],
    ['education', 'qualifications { name }'],
    ['requests', 'requests { id }'],
  ];
  it.each(ME_PROBES)('%s: me is the credential subject (what _entities gives for it), never another person', async (register, selection) => {
    const url = hub.subgraphs[register]!.url;
    const subject = await hub.personId(persona.personalIdentityCode);
    const mine = await credential(register as never, subject, ALL_SCOPES);
    const viaMe = await callSubgraph(url, `Bearer ${mine}`, `{ me { ${selection} } }`);
    expect(viaMe.body.errors).toBeUndefined();
    const viaEntities = await callSubgraph(url, `Bearer ${mine}`, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${selection} } } }`, { r: [{ __typename: 'Person', id: subject }] });
    expect(viaMe.body.data.me).toEqual(viaEntities.body.data._entities[0]);
    const otherSubject = await hub.personId(other.personalIdentityCode);
    const theirs = await credential(register as never, otherSubject, ALL_SCOPES);
    const theirMe = await callSubgraph(url, `Bearer ${theirs}`, `{ me { ${selection} } }`);
    const theirEntities = await callSubgraph(url, `Bearer ${theirs}`, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${selection} } } }`, { r: [{ __typename: 'Person', id: otherSubject }] });
    expect(theirMe.body.data.me).toEqual(theirEntities.body.data._entities[0]);
  });

  it.each(['population', 'tax', 'vehicles', 'education', 'requests'])('%s: me takes no argument (no way to name a person)', async (register) => {
    const mine = await credential(register as never, await hub.personId(persona.personalIdentityCode), ALL_SCOPES);
    for (const argument of ['id', 'personId', 'personalIdentityCode', 'subject']) {
      const result = await callSubgraph(hub.subgraphs[register]!.url, `Bearer ${mine}`, `{ me(${argument}: "${await hub.personId(other.personalIdentityCode)}") { __typename } }`);
      expect(result.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(result.body.data).toBeUndefined();
    }
  });

  it('a partner never learns that an address is protected; the citizen sees it', async () => {
    const protectedPersona = personaWith('non-disclosure');
    const id = await hub.personId(protectedPersona.personalIdentityCode);
    const asPartner = await credential('population', id, ['population:address'], 'partner');
    const partnerResult = await callSubgraph(hub.subgraphs.population!.url, `Bearer ${asPartner}`, '{ me { address { streetAddress postalCode municipality } } }');
    expect(partnerResult.body).toEqual({ data: { me: { address: null } } });
    const asCitizen = await credential('population', id, ['population:address'], 'citizen');
    const citizenResult = await callSubgraph(hub.subgraphs.population!.url, `Bearer ${asCitizen}`, '{ me { address { streetAddress } } }');
    expect(citizenResult.body.data.me.address.streetAddress).toEqual(expect.any(String));
  });
});

describe('a batch of calls (lib/subgraph/batchProtocol.ts): each call stands on its own credential', () => {
  const BATCH = 'application/vnd.hub.batch+json';
  async function postBatch(calls: unknown, raw?: string) {
    const response = await fetch(hub.subgraphs.population!.url, { method: 'POST', headers: { 'content-type': BATCH }, body: raw ?? JSON.stringify(calls) });
    const text = await response.text();
    return { status: response.status, text, headers: response.headers, body: JSON.parse(text) };
  }
  const call = (authorization: string | undefined, query: string) => ({ headers: authorization ? { authorization } : {}, body: { query } });

  it('answers each call with its own subject\'s data, in order, and says it takes batches', async () => {
    const mine = await credential('population', await hub.personId(persona.personalIdentityCode), ['population:name']);
    const theirs = await credential('population', await hub.personId(other.personalIdentityCode), ['population:name']);
    const result = await postBatch([call(`Bearer ${mine}`, '{ me { lastName } }'), call(`Bearer ${theirs}`, '{ me { lastName } }'), call(`Bearer ${mine}`, '{ me { firstNames } }')]);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe(BATCH);
    expect(result.headers.get('hub-batch')).toBe('1');
    expect(result.body).toEqual([
      { status: 200, body: { data: { me: { lastName: persona.lastName } } } },
      { status: 200, body: { data: { me: { lastName: other.lastName } } } },
      { status: 200, body: { data: { me: { firstNames: persona.firstNames } } } },
    ]);
  });

  it('refuses a call without a valid credential for this subgraph, and only that call', async () => {
    const id = await hub.personId(persona.personalIdentityCode);
    const mine = await credential('population', await hub.personId(other.personalIdentityCode), ['population:name']);
    const forTax = await credential('tax', id, ALL_SCOPES);
    const clientToken = await hub.token(persona.personalIdentityCode);
    const result = await postBatch([
      call(undefined, '{ me { lastName } }'),
      call(`Bearer ${forTax}`, '{ me { lastName } }'),
      call(`Bearer ${clientToken}`, '{ _service { sdl } }'),
      call(`Bearer ${mine}`, '{ me { lastName } }'),
    ]);
    expect(result.status).toBe(200);
    for (const refused of result.body.slice(0, 3)) {
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(refused.body.data).toBeUndefined();
    }
    expect(result.body[3]).toEqual({ status: 200, body: { data: { me: { lastName: other.lastName } } } });
    expect(result.text).not.toContain(persona.lastName);
    expect(result.text).not.toContain('Person');
  });

  it('refuses a batch that is not one, whole, with 400 BAD_REQUEST and nothing run', async () => {
    const mine = await credential('population', await hub.personId(persona.personalIdentityCode), ['population:name']);
    const shapes = ['{"not":"an array"}', '[]', '[1]', '[{"headers":{"authorization":5},"body":{}}]', '{', JSON.stringify(Array.from({ length: 65 }, () => call(`Bearer ${mine}`, '{ me { lastName } }')))];
    for (const raw of shapes) {
      const result = await postBatch(undefined, raw);
      expect(result.status).toBe(400);
      expect(result.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(result.text).not.toContain(persona.lastName);
    }
  });
});

describe('through the gateway: concurrent clients\' calls to a register go as batches', () => {
  async function populationRequests(): Promise<number> {
    const text = await (await fetch(new URL('/metrics', hub.subgraphs.population!.url))).text();
    return [...text.matchAll(/^http_server_request_duration_seconds_count\{[^}]*route="\/graphql"[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  }

  it('and every client gets its own person\'s data', async () => {
    const people = [persona, other];
    const tokens = await Promise.all(people.map((p) => hub.token(p.personalIdentityCode, { scopes: ['population:name'] })));
    // The gateway learns from a register's answer that it takes batches.
    await hub.query(tokens[0]!, '{ me { lastName } }');
    const before = await populationRequests();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => hub.query(tokens[i % 2]!, '{ me { lastName } }')));
    const after = await populationRequests();
    answers.forEach((answer, i) => expect(answer.body).toEqual({ data: { me: { lastName: people[i % 2]!.lastName } } }));
    expect(after - before).toBeGreaterThan(0);
    expect(after - before).toBeLessThan(30);
  });
});
