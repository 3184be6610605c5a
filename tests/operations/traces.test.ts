import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { createLogger } from '../../lib/logger.js';
import { startTracing, type Tracing } from '../../lib/telemetry/tracing.js';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';

// One request's trace (operations issue): a client's W3C traceparent is continued by the gateway, carried to every
// subgraph it calls, and stamped on every log line; spans hold no register value and no identity code.

const ME = /* GraphQL */ `query Me { me { personalIdentityCode firstNames lastName address { streetAddress } taxAssessments { year earnedIncome } } }`;

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
  hub = await startTestHub({ logger: createLogger({ service: 'test', level: 'info', destination: sink }) });
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
  for (let i = 0; i < 100 && !spans().some(root); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return spans();
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
});
