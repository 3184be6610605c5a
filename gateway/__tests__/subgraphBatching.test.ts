import { describe, expect, it } from '@jest/globals';
import { batchSubgraphCalls } from '../subgraphBatching.js';
import { SubgraphCallFailed, type SubgraphResponse, type SubgraphTransport } from '../subgraphTransport.js';

// The gateway's side of the batch protocol (lib/subgraph/batchProtocol.ts), over a transport that records what it
// is asked to send and answers as the test says.

interface Sent {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

function fakeTransport(answer: (sent: Sent) => Promise<SubgraphResponse> | SubgraphResponse) {
  const sent: Sent[] = [];
  const transport: SubgraphTransport = {
    async post(url, body, headers, timeoutMs) {
      const request = { url: url.href, body, headers, timeoutMs };
      sent.push(request);
      return answer(request);
    },
    close: () => undefined,
  };
  return { sent, transport };
}

/** What a subgraph of the hub answers: a plain call with its query echoed, a batch with each call's. */
function hubSubgraph(sent: Sent): SubgraphResponse {
  if (sent.headers['content-type'] === 'application/vnd.hub.batch+json') {
    const calls = JSON.parse(sent.body) as Array<{ headers: Record<string, string>; body: { query: string } }>;
    const answers = calls.map((call) => ({ status: 200, body: { data: { query: call.body.query, who: call.headers.authorization } } }));
    return { status: 200, body: JSON.stringify(answers), acceptsBatches: true };
  }
  return { status: 200, body: JSON.stringify({ data: { query: (JSON.parse(sent.body) as { query: string }).query } }), acceptsBatches: true };
}

const POPULATION = new URL('http://127.0.0.1:4001/graphql');
const TAX = new URL('http://127.0.0.1:4002/graphql');
const call = (n: number) => ({
  body: JSON.stringify({ query: `{ q${n} }` }),
  headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer c${n}`, 'x-request-id': `r${n}`, traceparent: `t${n}` },
});
const post = (transport: SubgraphTransport, url: URL, n: number) => transport.post(url, call(n).body, call(n).headers, 1000);
const answerOf = (response: SubgraphResponse) => response.parsed ?? JSON.parse(response.body);

describe('batchSubgraphCalls', () => {
  it('sends plain requests to a subgraph that never said it takes batches, however many at once', async () => {
    const { sent, transport } = fakeTransport((request) => ({ status: 200, body: request.body }));
    const batching = batchSubgraphCalls(transport);
    await Promise.all([1, 2, 3].map((n) => post(batching, POPULATION, n)));
    await Promise.all([4, 5].map((n) => post(batching, POPULATION, n)));
    expect(sent.map((request) => request.body)).toEqual([1, 2, 3, 4, 5].map((n) => call(n).body));
    expect(sent.every((request) => request.headers.authorization !== undefined)).toBe(true);
  });

  it('once a subgraph says so, sends the calls of one turn as one batch: each with its own headers, answered in order', async () => {
    const { sent, transport } = fakeTransport(hubSubgraph);
    const batching = batchSubgraphCalls(transport);
    expect(answerOf(await post(batching, POPULATION, 0))).toEqual({ data: { query: '{ q0 }' } }); // learns
    const answers = await Promise.all([1, 2, 3].map((n) => post(batching, POPULATION, n)));
    expect(sent).toHaveLength(2);
    const batch = sent[1]!;
    expect(batch.headers).toEqual({ 'content-type': 'application/vnd.hub.batch+json', accept: 'application/vnd.hub.batch+json' });
    expect(JSON.parse(batch.body)).toEqual([1, 2, 3].map((n) => ({
      headers: { authorization: `Bearer c${n}`, 'x-request-id': `r${n}`, traceparent: `t${n}` },
      body: { query: `{ q${n} }` },
    })));
    expect(answers.map(answerOf)).toEqual([1, 2, 3].map((n) => ({ data: { query: `{ q${n} }`, who: `Bearer c${n}` } })));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });

  it('never mixes subgraphs, sends a lone call plain, and splits a turn\'s calls by count and by bytes', async () => {
    const { sent, transport } = fakeTransport(hubSubgraph);
    const batching = batchSubgraphCalls(transport, { maxCalls: 2, maxBytes: 40 });
    await Promise.all([post(batching, POPULATION, 0), post(batching, TAX, 0)]);
    sent.length = 0;
    await Promise.all([post(batching, POPULATION, 1), post(batching, TAX, 2), post(batching, POPULATION, 3), post(batching, POPULATION, 4)]);
    const shapes = sent.map((request) => [request.url, request.headers['content-type'] === 'application/json' ? 'plain' : JSON.parse(request.body).length]);
    expect(shapes).toEqual([[POPULATION.href, 2], [POPULATION.href, 'plain'], [TAX.href, 'plain']]);
    sent.length = 0;
    const long = { body: JSON.stringify({ query: `{ ${'x'.repeat(30)} }` }), headers: call(9).headers };
    await Promise.all([batching.post(POPULATION, long.body, long.headers, 1000), post(batching, POPULATION, 5)]);
    expect(sent.map((request) => request.headers['content-type'])).toEqual(['application/json', 'application/json']);
  });

  it('sends a call at the end of its turn while nothing is unanswered, and gathers two turns while something is', async () => {
    const held: Array<() => void> = [];
    // Call 1's answer is held back until the test lets it go; every other call is answered at once.
    const { sent, transport } = fakeTransport((request) =>
      request.body.includes('q1') ? new Promise((resolve) => held.push(() => resolve(hubSubgraph(request)))) : hubSubgraph(request),
    );
    const batching = batchSubgraphCalls(transport);
    await post(batching, POPULATION, 0); // learns
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const first = post(batching, POPULATION, 1);
    await turn();
    expect(sent).toHaveLength(2); // nothing was unanswered: call 1 went at the end of its turn
    const second = post(batching, POPULATION, 2);
    await turn();
    expect(sent).toHaveLength(2); // call 1 is unanswered: call 2 waits one more turn...
    const third = post(batching, POPULATION, 3);
    await turn();
    expect(sent).toHaveLength(3); // ...and goes with the call of the next turn
    expect(JSON.parse(sent[2]!.body).map((c: { body: { query: string } }) => c.body.query)).toEqual(['{ q2 }', '{ q3 }']);
    expect((await Promise.all([second, third])).map(answerOf)).toEqual([2, 3].map((n) => ({ data: { query: `{ q${n} }`, who: `Bearer c${n}` } })));
    held.forEach((release) => release());
    expect(answerOf(await first)).toEqual({ data: { query: '{ q1 }' } });
    // Everything answered: a call goes at the end of its turn again.
    const fourth = post(batching, POPULATION, 4);
    await turn();
    expect(sent).toHaveLength(4);
    await fourth;
  });

  it('fails every call of a batch answered with anything but a batch answer, and sends plain requests after', async () => {
    for (const refusal of [
      { status: 400, body: '{"errors":[{"message":"no","extensions":{"code":"BAD_REQUEST"}}]}', acceptsBatches: true },
      { status: 200, body: '[{"status":200,"body":{"data":{}}}]', acceptsBatches: true }, // one answer for two calls
      { status: 200, body: 'not json', acceptsBatches: true },
      { status: 200, body: '[{"status":200,"body":{}},{"status":200,"body":{}}]', acceptsBatches: false }, // no longer says so
    ] satisfies SubgraphResponse[]) {
      let batches = 0;
      const { sent, transport } = fakeTransport((request) => (request.headers['content-type'] === 'application/json' ? hubSubgraph(request) : (batches++, refusal)));
      const batching = batchSubgraphCalls(transport);
      await post(batching, POPULATION, 0);
      const answers = await Promise.all([1, 2].map((n) => post(batching, POPULATION, n)));
      expect(answers.every((answer) => answer.status < 200 || answer.status > 299)).toBe(true); // the data source's SUBGRAPH_ERROR
      expect(batches).toBe(1);
      await Promise.all([3, 4].map((n) => post(batching, POPULATION, n)));
      expect(sent.slice(-2).map((request) => request.headers['content-type'])).toEqual(['application/json', 'application/json']);
    }
  });

  it('fails every call of a batch whose request failed, as that failure', async () => {
    let fail = false;
    const { transport } = fakeTransport((request) => {
      if (fail) throw new SubgraphCallFailed('TIMEOUT');
      return hubSubgraph(request);
    });
    const batching = batchSubgraphCalls(transport);
    await post(batching, POPULATION, 0);
    fail = true;
    const outcomes = await Promise.allSettled([1, 2].map((n) => post(batching, POPULATION, n)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(outcomes.map((outcome) => ((outcome as PromiseRejectedResult).reason as SubgraphCallFailed).failure)).toEqual(['TIMEOUT', 'TIMEOUT']);
  });

  it('refuses settings that cannot batch', () => {
    const { transport } = fakeTransport(hubSubgraph);
    expect(() => batchSubgraphCalls(transport, { maxCalls: 1 })).toThrow('"maxCalls" must be an integer of 2 or more, got 1');
    expect(() => batchSubgraphCalls(transport, { maxBytes: 0 })).toThrow('"maxBytes" must be a positive integer, got 0');
  });
});
