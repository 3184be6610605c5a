import { createServer, request, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { close, listen } from '../support/http.js';

// Issue 14 item 3 at run time: the portal's dashboard reaches each register once, as a root `me` fetch (one round
// trip, no `_entities`), and a token with no scope of a register never reaches that register at all (the gateway
// removes withheld fields before planning): it learns nothing about it, and the register hears nothing of the person.

const REGISTERS = ['population', 'tax', 'vehicles', 'education'] as const;
type Register = (typeof REGISTERS)[number];
const DASHBOARD = (JSON.parse(readFileSync(new URL('../../gateway/trusted-documents/citizen-portal.json', import.meta.url), 'utf8')) as {
  operations: Array<{ name: string; body: string }>;
}).operations.find((op) => op.name === 'PortalMyData')!.body;
const POPULATION_SCOPES = ['population:identity', 'population:name', 'population:adult', 'population:nationality', 'population:language', 'population:address', 'population:family'];
const persona = personaWith('complete');

/** A pass-through proxy in front of one register that records the GraphQL query of every call. */
interface RecordingProxy {
  readonly url: string;
  readonly queries: string[];
  target: string | undefined;
  readonly server: Server;
}

async function recordingProxy(): Promise<RecordingProxy> {
  const proxy: Omit<RecordingProxy, 'url'> & { url?: string } = { queries: [], target: undefined, server: createServer() };
  proxy.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/graphql' && body.length > 0) proxy.queries.push(String(JSON.parse(body.toString('utf8')).query));
      if (!proxy.target) return void res.writeHead(503).end();
      const target = new URL(proxy.target);
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  return Object.assign(proxy, { url: `${await listen(proxy.server)}/graphql` }) as RecordingProxy;
}

let hub: TestHub;
const proxies = {} as Record<Register, RecordingProxy>;
beforeAll(async () => {
  for (const register of REGISTERS) proxies[register] = await recordingProxy();
  const env = Object.fromEntries(REGISTERS.map((register) => [`${register.toUpperCase()}_URL`, proxies[register].url]));
  hub = await startTestHub({ env });
  for (const register of REGISTERS) proxies[register].target = new URL('/graphql', new URL(hub.subgraphs[register]!.url)).href;
}, 60_000);
afterAll(async () => {
  await hub?.stop();
  await Promise.all(REGISTERS.map((register) => proxies[register] && close(proxies[register].server)));
});

const forget = () => REGISTERS.forEach((register) => (proxies[register].queries.length = 0));

describe('which registers the dashboard reaches', () => {
  it('with every scope: each register once, a root `me` fetch, no `_entities`', async () => {
    forget();
    const { status, body } = await hub.query(await hub.token(persona.personalIdentityCode), DASHBOARD);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.data.me.taxAssessments.length).toBeGreaterThan(0);
    for (const register of REGISTERS) {
      expect(proxies[register].queries).toHaveLength(1);
      expect(proxies[register].queries[0]).toMatch(/^(query[^{]*)?\{\s*me\s*\{/);
      expect(proxies[register].queries[0]).not.toContain('_entities');
    }
  });

  it('with population scopes only: tax, vehicles and education are never called, and their fields are withheld', async () => {
    forget();
    const token = await hub.token(persona.personalIdentityCode, { scopes: POPULATION_SCOPES });
    const { status, body } = await hub.query(token, DASHBOARD);
    expect(status).toBe(200);
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.data.me).toMatchObject({ taxAssessments: null, taxUpdatedAt: null, vehicles: null, drivingLicence: null, qualifications: null, educationUpdatedAt: null });
    expect(new Set(body.errors.map((e: any) => e.extensions.code))).toEqual(new Set(['UNAUTHORIZED_FIELD_OR_TYPE']));
    expect(proxies.population.queries).toHaveLength(1);
    expect(proxies.population.queries[0]).not.toMatch(/tax|vehicle|licence|qualification|enrolment|education/i);
    expect({ tax: proxies.tax.queries, vehicles: proxies.vehicles.queries, education: proxies.education.queries }).toEqual({ tax: [], vehicles: [], education: [] });
  });

  it('with tax:income only: population is never called either (no register is asked for the person first)', async () => {
    forget();
    const token = await hub.token(persona.personalIdentityCode, { scopes: ['tax:income'] });
    const { body } = await hub.query(token, '{ me { firstNames taxAssessments { year } } }');
    expect(body.data.me.firstNames).toBeNull();
    expect(body.data.me.taxAssessments.length).toBeGreaterThan(0);
    expect(proxies.population.queries).toEqual([]);
    expect(proxies.tax.queries).toHaveLength(1);
  });
});
