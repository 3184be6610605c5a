import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** How a subgraph call failed before any GraphQL could be read: out of time, no connection, or a broken answer. */
export type SubgraphCallFailure = 'TIMEOUT' | 'UNAVAILABLE' | 'BROKEN';

/** A subgraph call that produced no complete HTTP response; `failure` says why. */
export class SubgraphCallFailed extends Error {
  constructor(
    readonly failure: SubgraphCallFailure,
    options?: { cause?: unknown },
  ) {
    super(`The subgraph call failed: ${failure}`, options);
    this.name = 'SubgraphCallFailed';
  }
}

/** A complete HTTP response of a subgraph. */
export interface SubgraphResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends a JSON POST to a subgraph within a deadline; {@link createSubgraphTransport} makes one. */
export interface SubgraphTransport {
  /** Resolves with the whole response, or rejects with {@link SubgraphCallFailed}. */
  post(url: URL, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<SubgraphResponse>;
  /** Closes the pooled connections. */
  close(): void;
}

/** Options for {@link createSubgraphTransport}. */
export interface SubgraphTransportOptions {
  /** Connections per subgraph at most; further calls wait for one. Default 128. */
  maxSockets?: number;
  /**
   * An idle pooled connection is closed after this long; default 30 s. It must be shorter than the subgraphs' own
   * keep-alive timeout (65 s, lib/http/service.ts), so that the gateway never sends on a connection they are closing.
   */
  idleTimeoutMs?: number;
}

/**
 * Subgraph calls over node:http(s) with keep-alive connection pools, one per subgraph origin. Node 20's `fetch`
 * (undici behind WHATWG Request, Response, web streams and AbortSignal) cost about five times the CPU of a
 * node:http request per call here, and the gateway makes one call per register per request. The deadline covers
 * the whole call: connecting, sending, and reading the response to its end.
 */
export function createSubgraphTransport(options: SubgraphTransportOptions = {}): SubgraphTransport {
  const maxSockets = options.maxSockets ?? 128;
  if (!Number.isInteger(maxSockets) || maxSockets <= 0) throw new TypeError(`createSubgraphTransport: "maxSockets" must be a positive integer, got ${String(maxSockets)}`);
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs <= 0) {
    throw new TypeError(`createSubgraphTransport: "idleTimeoutMs" must be a positive integer, got ${String(idleTimeoutMs)}`);
  }
  const pool = { keepAlive: true, maxSockets, timeout: idleTimeoutMs, scheduling: 'lifo' as const };
  const http = new HttpAgent(pool);
  const https = new HttpsAgent(pool);

  function post(url: URL, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<SubgraphResponse> {
    return new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      let request: ClientRequest | undefined;
      let settled = false;
      const settle = (outcome: SubgraphResponse | SubgraphCallFailed): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (outcome instanceof SubgraphCallFailed) {
          request?.destroy();
          reject(outcome);
        } else {
          resolve(outcome);
        }
      };
      const deadline = setTimeout(() => settle(new SubgraphCallFailed('TIMEOUT')), timeoutMs);
      let answered = false;
      const onResponse = (response: IncomingMessage): void => {
        answered = true;
        response.setEncoding('utf8');
        let text = '';
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.once('end', () => settle({ status: response.statusCode ?? 0, body: text }));
        response.once('error', (cause) => settle(new SubgraphCallFailed('BROKEN', { cause })));
        response.once('close', () => {
          if (!response.complete) settle(new SubgraphCallFailed('BROKEN'));
        });
      };
      try {
        request = (secure ? httpsRequest : httpRequest)(url, {
          method: 'POST',
          agent: secure ? https : http,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        }, onResponse);
      } catch (cause) {
        settle(new SubgraphCallFailed('UNAVAILABLE', { cause }));
        return;
      }
      request.once('error', (cause) => settle(new SubgraphCallFailed(answered ? 'BROKEN' : 'UNAVAILABLE', { cause })));
      request.end(body);
    });
  }

  return {
    post,
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
