import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callSubgraph, gatewayCredentials } from '../support/credentials.js';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { authorizeWithPar, exchangeCode, partnerClient, partnerRequest, type PartnerClient } from '../support/partnerFlow.js';

// Issue 12 item 5: when a register last changed a person's records is metadata of that register. Under
// @authenticated alone any partner read it, and its null said "no record here" (no degree, no car, no income).
// Each `*UpdatedAt` now needs a scope of its own register.

const persona = personaWith('complete');
const PROBE = 'query UpdatedAtProbe { me { firstNames populationUpdatedAt taxUpdatedAt vehiclesUpdatedAt educationUpdatedAt } }';

let hub: TestHub;
let partner: PartnerClient;
let token: string;
beforeAll(async () => {
  hub = await startTestHub({ trustedDocuments: { 'demo-bank': [PROBE] } });
  partner = await partnerClient(hub.env.ISSUER_URL!);
  const authorization = await authorizeWithPar(partner, { persona: persona.personalIdentityCode }, 'openid population:name');
  token = (await exchangeCode(partner, authorization)).access_token;
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

describe('*UpdatedAt needs a scope of its own register', () => {
  it('a partner holding population:name alone gets taxUpdatedAt (and the other registers\') null with UNAUTHORIZED_FIELD_OR_TYPE', async () => {
    const { status, body } = await partnerRequest(partner, hub.gatewayUrl, token, { query: PROBE });
    expect(status).toBe(200);
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    // population:name is a population scope: the population register's own metadata is readable.
    expect(body.data.me.populationUpdatedAt).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    expect(body.data.me).toMatchObject({ taxUpdatedAt: null, vehiclesUpdatedAt: null, educationUpdatedAt: null });
    const refused = body.errors.map((e: any) => [e.path.join('.'), e.extensions.code]);
    expect(refused).toEqual(expect.arrayContaining([
      ['me.taxUpdatedAt', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['me.vehiclesUpdatedAt', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['me.educationUpdatedAt', 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]));
    expect(body.errors).toHaveLength(3);
  });

  it('any one scope of the register is enough (tax:debt reads taxUpdatedAt), a scope of another register is not', async () => {
    const withDebt = await hub.query(await hub.token(persona.personalIdentityCode, { scopes: ['tax:debt'] }), '{ me { taxUpdatedAt } }');
    expect(withDebt.body.errors).toBeUndefined();
    expect(withDebt.body.data.me.taxUpdatedAt).toEqual(expect.stringMatching(/^\d{4}-/));
    const withVehicles = await hub.query(await hub.token(persona.personalIdentityCode, { scopes: ['vehicles:owned'] }), '{ me { taxUpdatedAt } }');
    expect(withVehicles.body.data).toBeUndefined();
    expect(withVehicles.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
  });

  it('the citizen\'s own full-scope token (the portal\'s) still reads every "last updated"', async () => {
    const { body } = await hub.query(await hub.token(persona.personalIdentityCode), PROBE);
    expect(body.errors).toBeUndefined();
    for (const register of ['population', 'tax', 'vehicles', 'education']) {
      expect(body.data.me[`${register}UpdatedAt`]).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    }
  });

  it('the tax subgraph itself refuses taxUpdatedAt to a credential without a tax scope (defence in depth)', async () => {
    const credential = await gatewayCredentials(hub.env);
    const personId = await hub.personId(persona.personalIdentityCode);
    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { taxUpdatedAt } } }';
    const representations = { r: [{ __typename: 'Person', id: personId }] };
    const refused = await callSubgraph(hub.subgraphs.tax!.url, `Bearer ${await credential('tax', personId, ['population:name'])}`, entities, representations);
    expect(refused.body.data._entities[0].taxUpdatedAt).toBeNull();
    expect(refused.body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const allowed = await callSubgraph(hub.subgraphs.tax!.url, `Bearer ${await credential('tax', personId, ['tax:debt'])}`, entities, representations);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data._entities[0].taxUpdatedAt).toMatch(/^\d{4}-/);
  });
});
