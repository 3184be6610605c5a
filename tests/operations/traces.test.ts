import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { hasIdentityCodeShape } from '../../lib/hetu.js';
import { createLogger } from '../../lib/logger.js';
import { startTracing, type Tracing } from '../../lib/telemetry/tracing.js';
import { decodeJwt, exportJWK } from 'jose';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';
import { dpopGatewayQuery } from '../support/oauthRequests.js';
import { authorizeWithPar, exchangeCode, partnerClient } from '../support/partnerFlow.js';

// One request's trace (operations issue): a client's W3C traceparent is continued by the gateway, carried to every
// subgraph it calls, and stamped on every log line; spans hold no register value and no identity code.

const ME = /* GraphQL */ `query Me { me { personalIdentityCode firstNames lastName address { streetAddress } taxAssessments { year earnedIncome } } }`;

const PARTNER_QUERY = 'query Prefill { me { firstNames lastName } }';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
let hub: TestHub;
const persona = personaWith('complete');

beforeAll(async () => {
  tracing = startTracing({ service: 'hub-test', env: {}, exporter });
  hub = await startTestHub({ logger: createLogger({ service: 'test', level: 'info', destination: sink }), trustedDocuments: { 'demo-bank': [PARTNER_QUERY] } });
}, 60_000);
afterAll(async () => {
  await hub?.stop();
  await tracing?.shutdown();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

async function query(headers: Record<string, string>) {
  const token = await hub.token(persona.personalIdentityCode);
  const response = await fetch(hub.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query: ME }),
  });
  const body = await response.json();
  expect(response.status).toBe(200);
  expect(body.errors).toBeUndefined();
  return { body, requestId: response.headers.get('x-request-id')! };
}

/** The spans of one trace, once its root span (the gateway's, the last of the request to end) is exported. */
async function traceOf(traceId: string, root: (span: ReadableSpan) => boolean): Promise<ReadableSpan[]> {
  const spans = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  // Spans end (and reach the exporter) as responses finish, which can be after the client has its answer: wait up to 5 s.
  for (let i = 0; i < 250 && !spans().some(root); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return spans();
}

/** The trace id on the request's log line, written when its response has finished (up to 5 s after the client read it). */
async function loggedTraceId(requestId: string | null): Promise<string | undefined> {
  const find = () => lines.find((line) => line.requestId === requestId && line.service === 'test' && line.msg === 'request')?.trace_id as string | undefined;
  for (let i = 0; i < 250 && !find(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return find();
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('one trace spans the gateway and the subgraphs of one request', () => {
  it("continues the client's traceparent through the gateway to each subgraph it calls", async () => {
    const { body } = await query({ traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` });
    const spans = await traceOf(TRACE_ID, (span) => span.name === 'POST /graphql' && span.parentSpanContext?.spanId === CLIENT_SPAN);
    const servers = spans.filter((span) => span.name === 'POST /graphql');
    // The gateway's server span is the child of the client's span.
    const gateway = servers.find((span) => parentOf(span) === CLIENT_SPAN);
    expect(gateway).toBeDefined();
    // A client span per subgraph called, under the gateway's request, each parent of that subgraph's server span.
    const calls = spans.filter((span) => /^POST (population|tax)$/.test(span.name));
    expect(calls.map((span) => span.attributes['hub.subgraph']).sort()).toEqual(['population', 'tax']);
    for (const call of calls) {
      expect(call.kind).toBe(2); // SpanKind.CLIENT
      const served = servers.filter((span) => parentOf(span) === call.spanContext().spanId);
      expect(served).toHaveLength(1);
      expect(served[0]!.kind).toBe(1); // SpanKind.SERVER
    }
    // Every span of the request is in this trace and hangs under the gateway's span, directly or not.
    const ids = new Set(spans.map((span) => span.spanContext().spanId));
    for (const span of spans) expect(span === gateway || ids.has(parentOf(span)!)).toBe(true);

    // No register value and no identity code in any span's name, attributes or events.
    const everything = JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));
    const me = body.data.me;
    const values = [persona.personalIdentityCode, persona.firstNames, persona.lastName, me.address.streetAddress, await hub.personId(persona.personalIdentityCode)];
    for (const assessment of me.taxAssessments) values.push(String(assessment.earnedIncome));
    for (const value of values) expect(everything).not.toContain(value);
    expect(everything).not.toContain('personalIdentityCode');
  });

  it('starts a trace when the client sends none, and every log line of the request carries its trace id', async () => {
    const { requestId } = await query({});
    const requestLines = lines.filter((line) => line.requestId === requestId);
    expect(requestLines.length).toBeGreaterThanOrEqual(3); // the gateway's and each subgraph's request line
    const traceIds = new Set(requestLines.map((line) => line.trace_id));
    expect(traceIds.size).toBe(1);
    const [traceId] = [...traceIds] as string[];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await traceOf(traceId!, (span) => span.name === 'POST /graphql' && span.parentSpanContext === undefined);
    expect(spans.filter((span) => span.name === 'POST /graphql').length).toBeGreaterThanOrEqual(3);
    expect(spans.some((span) => span.name === 'POST /graphql' && parentOf(span) === undefined)).toBe(true);
  });

  it('ignores a malformed traceparent and starts a new trace', async () => {
    const before = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId));
    await query({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fresh = exporter.getFinishedSpans().filter((span) => !before.has(span.spanContext().traceId));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((span) => span.spanContext().traceId !== '00000000000000000000000000000000')).toBe(true);
  });

  it('never continues (nor draws) a trace id shaped like an identity code: trace ids go on every log line', async () => {
    // A client plants a persona's code in its trace id (the century sign and control character are hex digits here).
    const planted = '010594e903' + '2'.padEnd(22, '7');
    expect(hasIdentityCodeShape(planted)).toBe(true);
    const before = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId));
    const start = lines.length;
    await query({ traceparent: `00-${planted}-${CLIENT_SPAN}-01` });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fresh = exporter.getFinishedSpans().filter((span) => !before.has(span.spanContext().traceId));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.some((span) => span.spanContext().traceId === planted)).toBe(false);
    expect(JSON.stringify(lines.slice(start))).not.toContain('010594e903');
    // Every id the hub itself drew in this file is free of the shape (about one random trace id in eight is not).
    for (const span of exporter.getFinishedSpans()) {
      expect(hasIdentityCodeShape(span.spanContext().traceId) && span.spanContext().traceId !== TRACE_ID).toBe(false);
      expect(hasIdentityCodeShape(span.spanContext().spanId)).toBe(false);
    }
  });

  it("carries the trace to the consent subgraph over HTTP, and makes the partner's consent check and disclosure record spans", async () => {
    // The citizen's own consents: the consent subgraph inside the authorization server, called over HTTP.
    const token = await hub.token(persona.personalIdentityCode);
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    const response = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${CLIENT_SPAN}-01` },
      body: JSON.stringify({ query: '{ me { consents { id } } }' }),
    });
    expect(response.status).toBe(200);
    const spans = await traceOf(traceId, (span) => span.name === 'POST /graphql' && parentOf(span) === CLIENT_SPAN);
    const call = spans.find((span) => span.name === 'POST consent');
    expect(call).toBeDefined();
    expect(spans.filter((span) => span.name === 'POST /graphql' && parentOf(span) === call!.spanContext().spanId)).toHaveLength(1);

    // A partner (PAR, DPoP): the consent behind its token is checked in the database, and the disclosure recorded.
    const partner = await partnerClient(hub.env.ISSUER_URL!);
    const tokens = await exchangeCode(partner, await authorizeWithPar(partner, { persona: persona.personalIdentityCode }, 'openid population:name'));
    expect(decodeJwt(tokens.access_token).consent_id).toEqual(expect.any(String));
    const key = { privateKey: partner.dpopKeys.privateKey, publicJwk: await exportJWK(partner.dpopKeys.publicKey) };
    const answer = await dpopGatewayQuery(hub.gatewayUrl, { token: tokens.access_token, key, query: PARTNER_QUERY });
    expect(answer.status).toBe(200);
    expect(answer.body.data.me.lastName).toBe(persona.lastName);
    const requestId = answer.headers.get('x-request-id');
    const partnerTrace = (await loggedTraceId(requestId))!;
    expect(partnerTrace).toMatch(/^[0-9a-f]{32}$/);
    const partnerSpans = await traceOf(partnerTrace, (span) => span.name === 'POST /graphql' && parentOf(span) === undefined);
    const names = partnerSpans.map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['consent.activeConsent', 'disclosure.append', 'POST population']));
    const everything = JSON.stringify(partnerSpans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })));
    for (const value of [persona.personalIdentityCode, persona.firstNames, persona.lastName, await hub.personId(persona.personalIdentityCode), tokens.access_token]) {
      expect(everything).not.toContain(value);
    }
  }, 60_000);
});
