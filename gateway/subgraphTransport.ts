import { Agent, type Dispatcher } from 'undici';
import { SUBGRAPH_BATCH_HEADER } from '../lib/subgraph/batchProtocol.js';

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

/** A complete HTTP response of a subgraph (or one call's answer out of a batch's: gateway/subgraphBatching.ts). */
export interface SubgraphResponse {
  readonly status: number;
  readonly body: string;
  /** The body already parsed (a call's answer out of a batch's); `body` is then empty. */
  readonly parsed?: unknown;
  /** The subgraph said it takes batches of calls (lib/subgraph/batchProtocol.ts). */
  readonly acceptsBatches?: boolean;
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
 * Subgraph calls through undici's connection pools (one per subgraph origin, keep-alive, HTTP/1.1), driven by its
 * dispatcher API: the answer is collected as raw chunks, with no stream, no WHATWG Request/Response and no
 * AbortSignal on the way. The gateway makes one call per register per request, so the client's cost per call is
 * paid several times per request: about 350 µs CPU per call with `fetch` (Node 20), 90 µs with node:http and a
 * keep-alive agent, 45 µs with this (bench/README.md, "CPU per request"). The deadline covers the whole call:
 * connecting, sending, and reading the response to its end.
 */
export function createSubgraphTransport(options: SubgraphTransportOptions = {}): SubgraphTransport {
  const maxSockets = options.maxSockets ?? 128;
  if (!Number.isInteger(maxSockets) || maxSockets <= 0) throw new TypeError(`createSubgraphTransport: "maxSockets" must be a positive integer, got ${String(maxSockets)}`);
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs <= 0) {
    throw new TypeError(`createSubgraphTransport: "idleTimeoutMs" must be a positive integer, got ${String(idleTimeoutMs)}`);
  }
  // Our own deadline decides; undici's header and body timeouts (300 s) are off so that they never fire first.
  const pools = new Agent({ connections: maxSockets, keepAliveTimeout: idleTimeoutMs, keepAliveMaxTimeout: idleTimeoutMs, headersTimeout: 0, bodyTimeout: 0 });

  function post(url: URL, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<SubgraphResponse> {
    return new Promise((resolve, reject) => {
      let controller: Dispatcher.DispatchController | undefined;
      let settled = false;
      let status = 0;
      let acceptsBatches = false;
      const chunks: Buffer[] = [];
      const settle = (outcome: SubgraphResponse | SubgraphCallFailed): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (outcome instanceof SubgraphCallFailed) {
          if (controller && !controller.aborted) controller.abort(outcome);
          reject(outcome);
        } else {
          resolve(outcome);
        }
      };
      const deadline = setTimeout(() => settle(new SubgraphCallFailed('TIMEOUT')), timeoutMs);
      try {
        pools.dispatch({ origin: url.origin, path: `${url.pathname}${url.search}`, method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body }, {
          onRequestStart(started) {
            controller = started;
            // Settled before undici started (a deadline of 0): stop at once.
            if (settled) started.abort(new SubgraphCallFailed('TIMEOUT'));
          },
          onResponseStart(_controller, statusCode, headers) {
            status = statusCode;
            acceptsBatches = headers[SUBGRAPH_BATCH_HEADER] === '1';
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            settle({ status, body: Buffer.concat(chunks).toString('utf8'), acceptsBatches });
          },
          onResponseError(_controller, cause) {
            // Before any status line: the subgraph could not be reached; after it: the answer broke off.
            settle(new SubgraphCallFailed(status === 0 ? 'UNAVAILABLE' : 'BROKEN', { cause }));
          },
        });
      } catch (cause) {
        settle(new SubgraphCallFailed('UNAVAILABLE', { cause }));
      }
    });
  }

  return {
    post,
    close() {
      void pools.destroy().catch(() => undefined);
    },
  };
}
