import { readBatchAnswer, SUBGRAPH_BATCH_MEDIA_TYPE, writeBatchedCalls } from '../lib/subgraph/batchProtocol.js';
import type { SubgraphResponse, SubgraphTransport } from './subgraphTransport.js';

/** Options for {@link batchSubgraphCalls}. */
export interface SubgraphBatchingOptions {
  /** Calls in one batch at most (more go as several batches); default 32. */
  readonly maxCalls?: number;
  /** Bytes of calls' bodies in one batch at most; default 64 KiB (a subgraph refuses bodies over 256 KiB). */
  readonly maxBytes?: number;
}

interface WaitingCall {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly resolve: (response: SubgraphResponse) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A transport that sends the calls made to the same subgraph in one turn of the event loop as one HTTP request, to
 * subgraphs that said they take batches (`lib/subgraph/batchProtocol.ts`). Under load several clients' requests are
 * in flight at once and each calls the same registers: one batch is one request to write and one answer to read for
 * the gateway, and one for the register, instead of one per client request. Each call keeps its own credential,
 * request id and trace context, and gets its own answer. A call made while nothing is in flight to its subgraph
 * waits only for the end of its turn, so at one request at a time a call goes out as it did without batching, as a
 * plain GraphQL request; a call made while an earlier batch (or call) to that subgraph is still unanswered waits one
 * turn more, so that the calls of two turns go together: the subgraph is busy anyway, and fewer, fuller batches cost
 * both sides less.
 *
 * A subgraph is sent batches only after one of its answers carried the batch header, so a subgraph that never says
 * so (a third party's, an older version) only ever gets plain requests; one that answers a batch with anything but
 * a well-formed batch answer fails that batch's calls and gets plain requests again until it says so anew (a batch
 * is never sent again call by call: a mutation in it may have run).
 */
export function batchSubgraphCalls(transport: SubgraphTransport, options: SubgraphBatchingOptions = {}): SubgraphTransport {
  const maxCalls = options.maxCalls ?? 32;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  if (!Number.isInteger(maxCalls) || maxCalls < 2) throw new TypeError(`batchSubgraphCalls: "maxCalls" must be an integer of 2 or more, got ${String(maxCalls)}`);
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError(`batchSubgraphCalls: "maxBytes" must be a positive integer, got ${String(maxBytes)}`);
  /** Subgraphs (by URL) whose last answer said they take batches. */
  const accepting = new Set<string>();
  const waiting = new Map<string, WaitingCall[]>();
  /** Requests (batches or lone calls) sent to each subgraph and not yet answered. */
  const unanswered = new Map<string, number>();

  function learn(key: string, response: SubgraphResponse): SubgraphResponse {
    if (response.acceptsBatches) accepting.add(key);
    else accepting.delete(key);
    return response;
  }

  function post(url: URL, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<SubgraphResponse> {
    const key = url.href;
    if (!accepting.has(key)) return transport.post(url, body, headers, timeoutMs).then((response) => learn(key, response));
    return new Promise((resolve, reject) => {
      let calls = waiting.get(key);
      if (!calls) {
        calls = [];
        waiting.set(key, calls);
        if ((unanswered.get(key) ?? 0) === 0) setImmediate(() => send(url, key));
        else setImmediate(() => setImmediate(() => send(url, key)));
      }
      calls.push({ body, headers, timeoutMs, resolve, reject });
    });
  }

  function send(url: URL, key: string): void {
    const calls = waiting.get(key) ?? [];
    waiting.delete(key);
    let batch: WaitingCall[] = [];
    let bytes = 0;
    for (const call of calls) {
      if (batch.length > 0 && (batch.length === maxCalls || bytes + call.body.length > maxBytes)) {
        sendBatch(url, key, batch);
        batch = [];
        bytes = 0;
      }
      batch.push(call);
      bytes += call.body.length;
    }
    if (batch.length > 0) sendBatch(url, key, batch);
  }

  /** Posts on the transport, counting the request as unanswered until it settles. */
  function postCounted(url: URL, key: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<SubgraphResponse> {
    unanswered.set(key, (unanswered.get(key) ?? 0) + 1);
    const settled = () => {
      const left = (unanswered.get(key) ?? 1) - 1;
      if (left > 0) unanswered.set(key, left);
      else unanswered.delete(key);
    };
    return transport.post(url, body, headers, timeoutMs).finally(settled);
  }

  function sendBatch(url: URL, key: string, calls: readonly WaitingCall[]): void {
    if (calls.length === 1) {
      const [call] = calls as [WaitingCall];
      postCounted(url, key, call.body, call.headers, call.timeoutMs).then((response) => call.resolve(learn(key, response)), call.reject);
      return;
    }
    // Each call's body is already JSON text (the data source's JSON.stringify): it goes in as it is, never re-encoded.
    const body = writeBatchedCalls(calls);
    const headers = { 'content-type': SUBGRAPH_BATCH_MEDIA_TYPE, accept: SUBGRAPH_BATCH_MEDIA_TYPE };
    const timeoutMs = Math.min(...calls.map((call) => call.timeoutMs));
    postCounted(url, key, body, headers, timeoutMs).then(
      (response) => {
        const answers = response.status === 200 && response.acceptsBatches ? readBatchAnswer(response.body, calls.length) : undefined;
        if (!answers) {
          // Refused or broken as a whole: every call of it fails as a broken answer would; plain requests from now on.
          accepting.delete(key);
          for (const call of calls) call.resolve({ status: response.status === 200 ? 502 : response.status, body: '' });
          return;
        }
        // Each data source gets its call's answer already parsed.
        calls.forEach((call, i) => call.resolve({ status: answers[i]!.status, body: '', parsed: answers[i]!.body, acceptsBatches: true }));
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
      },
    );
  }

  return { post, close: () => transport.close() };
}
