import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { subgraphAudience, type SubgraphName } from '../lib/config.js';
import type { InternalCredential } from '../lib/tokens/internalCredential.js';
import { SubgraphCallFailed, type SubgraphTransport } from './subgraphTransport.js';

/** Why a register's part of a request failed; becomes the pathed error's code. */
export type SubgraphFailure = 'SUBGRAPH_TIMEOUT' | 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_ERROR';

/** Per-request state the gateway hands to every subgraph call. */
export interface GatewayRequestContext {
  readonly requestId: string;
  /** The claims to put in the internal credential: the person, the scopes, who is asking. */
  readonly credential: InternalCredential;
  /** Registers that failed during this request, filled in by the data sources. */
  readonly failures: Map<SubgraphName, SubgraphFailure>;
  /**
   * Registers that answered a fetch with `data: null` and errors (their own null propagation reached the root: a
   * `NOT_FOUND` on a non-null field of `me`), with their first error; made by the data sources when needed.
   */
  unanswered?: Map<SubgraphName, RegisterError>;
}

/** A register's own error, as it sent it (the gateway decides later what of it a client may see). */
export interface RegisterError {
  readonly message: string;
  readonly code: unknown;
}

/** Options for {@link SubgraphDataSource}. */
export interface SubgraphDataSourceOptions {
  register: SubgraphName;
  url: string;
  timeoutMs: number;
  mint: (audience: string, claims: InternalCredential) => Promise<string>;
  /** The connection pools the call goes through (gateway/subgraphTransport.ts), shared by every register. */
  transport: SubgraphTransport;
}

/**
 * Calls one subgraph with a short-lived credential minted for that subgraph alone. Unlike the default data
 * source it has a timeout, so one slow register cannot hang a request, and it never lets a transport error
 * (which names internal addresses) reach the client: the failure is recorded and reported by code.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayRequestContext & Record<string, any>> {
  readonly #options: SubgraphDataSourceOptions;
  readonly #audience: string;
  readonly #url: URL;

  constructor(options: SubgraphDataSourceOptions) {
    this.#options = options;
    this.#audience = subgraphAudience(options.register);
    this.#url = new URL(options.url);
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayRequestContext & Record<string, any>>): Promise<GatewayGraphQLResponse> {
    const context = options.context as GatewayRequestContext;
    const token = await this.#options.mint(this.#audience, context.credential);
    const { query, variables, operationName } = options.request;
    let response;
    try {
      response = await this.#options.transport.post(
        this.#url,
        JSON.stringify({ query, variables, operationName }),
        { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, 'x-request-id': context.requestId },
        this.#options.timeoutMs,
      );
    } catch (error) {
      const failure = error instanceof SubgraphCallFailed ? error.failure : 'UNAVAILABLE';
      return this.#fail(context, failure === 'TIMEOUT' ? 'SUBGRAPH_TIMEOUT' : failure === 'UNAVAILABLE' ? 'SUBGRAPH_UNAVAILABLE' : 'SUBGRAPH_ERROR');
    }
    let body: unknown = response.parsed;
    if (body === undefined) {
      try {
        body = JSON.parse(response.body);
      } catch {
        return this.#fail(context, 'SUBGRAPH_ERROR');
      }
    }
    if (response.status < 200 || response.status > 299 || body === null || typeof body !== 'object' || !('data' in body || 'errors' in body)) {
      return this.#fail(context, 'SUBGRAPH_ERROR');
    }
    const answer = body as GatewayGraphQLResponse;
    if (answer.data === null && answer.errors?.[0]) {
      // Nothing of this fetch came back: every field it was asked for is lost, not just the one that errored.
      const first = answer.errors[0];
      (context.unanswered ??= new Map()).set(this.#options.register, { message: String(first.message), code: first.extensions?.code });
    }
    return answer;
  }

  #fail(context: GatewayRequestContext, failure: SubgraphFailure): never {
    context.failures.set(this.#options.register, failure);
    throw new SubgraphFailed(this.#options.register, failure);
  }
}

/** Thrown into the gateway's executor when a register fails; masked into pathed errors afterwards. */
export class SubgraphFailed extends Error {
  constructor(
    readonly register: SubgraphName,
    readonly failure: SubgraphFailure,
  ) {
    super(`The ${register} register failed: ${failure}`);
    this.name = 'SubgraphFailed';
  }
}
