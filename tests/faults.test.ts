import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { personaWith, startTestHub, type TestHub } from './support/hub.js';

// One failing register must not take the others down: its fields come back null with a pathed error that
// says why, the rest of the data is returned, and no internal address reaches the client.

let hub: TestHub;
const servers: Server[] = [];
// A register that refuses connections. Nothing listens on port 1 and the system never hands it out for port 0; a port
// freed by a server of this test could be given to one of the hub's own services first, which would then answer.
const CLOSED = 'http://127.0.0.1:1/graphql';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  const hanging = await serve(() => undefined); // accepts, never answers
  const garbage = await serve((_req, res) => res.end('<html>502 Bad Gateway</html>'));
  hub = await startTestHub({ env: { TAX_URL: hanging, VEHICLES_URL: CLOSED, EDUCATION_URL: garbage, SUBGRAPH_TIMEOUT_MS: '500' } });
});
afterAll(async () => {
  await hub?.stop();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('a failing register', () => {
  it('nulls only its own fields, with pathed errors and codes, and the others are returned', async () => {
    const persona = personaWith('complete');
    const started = Date.now();
    const { status, body } = await hub.query(
      await hub.token(persona.personalIdentityCode),
      '{ me { firstNames taxAssessments { year } vehicles { make } qualifications { name } } }',
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(status).toBe(200);
    expect(body.data.me).toEqual({ firstNames: persona.firstNames, taxAssessments: null, vehicles: null, qualifications: null });
    const byPath = Object.fromEntries(body.errors.map((e: any) => [e.path.join('.'), e.extensions.code]));
    expect(byPath).toEqual({
      'me.taxAssessments': 'SUBGRAPH_TIMEOUT',
      'me.vehicles': 'SUBGRAPH_UNAVAILABLE',
      'me.qualifications': 'SUBGRAPH_ERROR',
    });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|http:|ECONNREFUSED|stack/i);
  });

  it('makes the gateway /readyz answer 503 while /healthz stays 200', async () => {
    const base = new URL(hub.gatewayUrl);
    expect((await fetch(new URL('/healthz', base))).status).toBe(200);
    expect((await fetch(new URL('/readyz', base))).status).toBe(503);
  });
});

describe('the population register down', () => {
  // Every register answers `me` itself (one round trip), so the person no longer hangs on the population register:
  // with it down, the other registers' data still comes back, and each population field is null with its error.
  let alone: TestHub;
  beforeAll(async () => {
    alone = await startTestHub({ env: { POPULATION_URL: CLOSED, SUBGRAPH_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await alone?.stop();
  });

  it('costs its own fields only: the other registers answer, and each population field has a pathed SUBGRAPH_UNAVAILABLE', async () => {
    const persona = personaWith('complete');
    const { status, body } = await alone.query(
      await alone.token(persona.personalIdentityCode),
      '{ me { firstNames address { municipality } taxAssessments { year } vehicles { make } qualifications { name } } }',
    );
    expect(status).toBe(200);
    expect(body.data.me).toMatchObject({ firstNames: null, address: null });
    expect(body.data.me.taxAssessments.length).toBeGreaterThan(0);
    expect(Array.isArray(body.data.me.vehicles)).toBe(true);
    expect(Array.isArray(body.data.me.qualifications)).toBe(true);
    expect(body.errors.map((e: any) => [e.path.join('.'), e.extensions.code, e.message])).toEqual([
      ['me.firstNames', 'SUBGRAPH_UNAVAILABLE', 'The population register is unavailable'],
      ['me.address', 'SUBGRAPH_UNAVAILABLE', 'The population register is unavailable'],
    ]);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|http:|ECONNREFUSED|stack/i);
  });

  it('when it was the only register asked, `me` itself is null with one error, as before', async () => {
    const persona = personaWith('complete');
    const { status, body } = await alone.query(await alone.token(persona.personalIdentityCode), '{ me { firstNames lastName } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: null }, errors: [{ message: 'The population register is unavailable', path: ['me'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
  });
});
