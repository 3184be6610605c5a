import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../lib/logger.js';
import { personaWith, startTestHub, type TestHub } from './support/hub.js';

// Plants a personal identity code and a token in every place a request can carry them, and finds neither
// in any log line of any service (gateway, subgraphs, issuer), including error and failure logs.

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let hub: TestHub;
const persona = personaWith('complete');
const code = persona.personalIdentityCode;

beforeAll(async () => {
  hub = await startTestHub({ logger: createLogger({ service: 'test', level: 'debug', destination: sink }) });
});
afterAll(async () => {
  await hub?.stop();
});

describe('logs never hold a personal identity code, a token or a register value', () => {
  it('whatever the request carries', async () => {
    const token = await hub.token(code);
    const gateway = new URL(hub.gatewayUrl);
    const planted = async (url: string, init: RequestInit) => {
      await fetch(url, init).then((r) => r.text());
    };
    const json = { 'content-type': 'application/json' };
    // The happy path: the response carries register values, the log must not.
    await hub.query(token, '{ me { personalIdentityCode firstNames lastName address { streetAddress } taxAssessments { earnedIncome } } }');
    // Identity code and token in the query string, the path, headers, the body, variables and the query text.
    await planted(`${gateway.origin}/graphql?hetu=${code}&access_token=${token}`, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ me { firstNames } }' }) });
    await planted(`${gateway.origin}/graphql/${code}/${token}`, { method: 'POST', headers: json, body: '{}' });
    await planted(gateway.href, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}`, 'x-request-id': code, 'x-forwarded-for': code, cookie: `t=${token}` }, body: JSON.stringify({ query: `{ me { firstNames(id: "${code}") } }` }) });
    await planted(gateway.href, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: `query($c: String) { me { firstNames } }`, variables: { c: code, t: token } }) });
    await planted(gateway.href, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: `{ "query": "{ me { ${code} } }" }` });
    await planted(gateway.href, { method: 'POST', headers: { ...json, authorization: `Bearer ${code}` }, body: '{}' });
    await planted(gateway.href, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}x` }, body: '{}' });
    await planted(gateway.href, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: `not json ${code} ${token}` });
    // Straight to a subgraph, with the client's token and the identity code.
    await planted(hub.subgraphs.population!.url, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}`, 'x-request-id': code }, body: JSON.stringify({ query: `{ me { lastName } }`, variables: { c: code } }) });

    expect(lines.length).toBeGreaterThan(10);
    const all = lines.join('\n');
    expect(all).not.toContain(code);
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[1]!);
    expect(all).not.toContain(persona.lastName);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    // Request ids follow a request from the gateway into the subgraphs: one id, several services' request lines.
    const perId = new Map<string, number>();
    for (const line of lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request' && l.path === '/graphql')) {
      perId.set(line.requestId, (perId.get(line.requestId) ?? 0) + 1);
    }
    expect(Math.max(...perId.values())).toBeGreaterThanOrEqual(3);
  });
});
