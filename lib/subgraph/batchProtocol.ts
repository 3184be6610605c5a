import { HubError } from '../errors.js';

// The batch of subgraph calls between the hub's gateway (gateway/subgraphBatching.ts) and its subgraphs
// (lib/subgraph/service.ts): several GraphQL requests in one HTTP request, each with its own credential.
//
// Request: POST, `content-type: application/vnd.hub.batch+json`, body a JSON array of
//   { "headers": { "authorization": "Bearer <internal credential>", "x-request-id"?, "traceparent"?, "tracestate"? },
//     "body": { "query", "variables"?, "operationName"? } }
// Answer: 200, the same media type, body a JSON array in the same order of { "status": <HTTP status>, "body": <the
//   GraphQL response> }: each call answered as it would have been alone (401 without a valid credential).
// A subgraph that takes batches says so on every answer with the header `hub-batch: 1`.

/** The media type of a batch of subgraph calls, and of its answer. */
export const SUBGRAPH_BATCH_MEDIA_TYPE = 'application/vnd.hub.batch+json';
/** The answer header by which a subgraph says it takes batches. */
export const SUBGRAPH_BATCH_HEADER = 'hub-batch';
/** Calls in one batch at most. */
export const SUBGRAPH_BATCH_MAX_CALLS = 64;

/** One call of a batch, as the subgraph reads it. */
export interface BatchedCall {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/** True when the request's content type says it is a batch. */
export function isSubgraphBatch(contentType: string | undefined): boolean {
  return typeof contentType === 'string' && contentType.split(';')[0]!.trim().toLowerCase() === SUBGRAPH_BATCH_MEDIA_TYPE;
}

/** Reads a batch's calls from its JSON text; a body of any other shape is refused whole, 400 `BAD_REQUEST`. */
export function readBatchedCalls(text: string): BatchedCall[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HubError('BAD_REQUEST', 'The batch is not valid JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > SUBGRAPH_BATCH_MAX_CALLS) {
    throw new HubError('BAD_REQUEST', `A batch must be an array of 1 to ${SUBGRAPH_BATCH_MAX_CALLS} calls`);
  }
  return parsed.map((entry: unknown) => {
    const { headers, body } = (entry ?? {}) as { headers?: unknown; body?: unknown };
    if (!isPlainObject(headers) || !isPlainObject(body) || Object.values(headers).some((value) => typeof value !== 'string')) {
      throw new HubError('BAD_REQUEST', 'Each call of a batch must be { "headers": { name: string }, "body": { ... } }');
    }
    return { headers: headers as Record<string, string>, body };
  });
}

/** The headers each call of a batch keeps as its own: who it is for, and the request and trace it belongs to. */
const OWN_HEADERS = ['authorization', 'x-request-id', 'traceparent', 'tracestate'] as const;

/**
 * A batch's body, as the gateway sends it: each call's own headers, and its body as the JSON text the caller made
 * (put in as it is, never encoded twice).
 */
export function writeBatchedCalls(calls: ReadonlyArray<{ readonly headers: Readonly<Record<string, string>>; readonly body: string }>): string {
  return `[${calls.map((call) => `{"headers":${JSON.stringify(ownHeaders(call.headers))},"body":${call.body}}`).join(',')}]`;
}

/** A batch answer's calls' statuses and GraphQL responses, in order, or undefined when it is not one for `count` calls. */
export function readBatchAnswer(text: string, count: number): Array<{ status: number; body: object }> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== count) return undefined;
  const answers: Array<{ status: number; body: object }> = [];
  for (const entry of parsed as unknown[]) {
    const { status, body } = (entry ?? {}) as { status?: unknown; body?: unknown };
    if (!Number.isInteger(status) || body === null || typeof body !== 'object') return undefined;
    answers.push({ status: status as number, body });
  }
  return answers;
}

/** A batch's answer: each call's status and GraphQL response (JSON text, put in as it is), in the calls' order. */
export function writeBatchAnswer(answers: ReadonlyArray<{ readonly status: number; readonly body: string }>): string {
  return `[${answers.map((answer) => `{"status":${answer.status},"body":${answer.body}}`).join(',')}]`;
}

function ownHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const own: Record<string, string> = {};
  for (const name of OWN_HEADERS) {
    const value = headers[name];
    if (value !== undefined) own[name] = value;
  }
  return own;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
