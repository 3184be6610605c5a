import { documentIdOf } from '../lib/trustedDocuments.js';
import type { CaseDetail, CaseQueue, CaseSummary } from './cases.js';
import { CONSOLE_OPERATIONS, type ConsoleOperation } from '../lib/requestOperations.js';

/** Why a call to the hub failed; each code has its own page. */
export type CaseClientErrorCode = 'SIGN_IN_REQUIRED' | 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'HUB_UNAVAILABLE';

/** A failed call to the gateway. Its message is safe to log: no token, no text of a case. */
export class CaseClientError extends Error {
  readonly code: CaseClientErrorCode;
  constructor(code: CaseClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CaseClientError';
    this.code = code;
  }
}

/** The console's calls to the gateway, each with the caseworker's own access token. */
export interface CaseClient {
  queue(token: string): Promise<CaseSummary[]>;
  /** One case of the caseworker's queue (`NOT_FOUND` for any other). */
  get(token: string, id: string): Promise<CaseDetail>;
  reply(token: string, id: string, text: string): Promise<void>;
  move(token: string, id: string, queue: CaseQueue): Promise<void>;
  resolve(token: string, id: string): Promise<void>;
}

interface GraphQLError {
  path?: Array<string | number>;
  extensions?: { code?: string };
}

/** Creates the console's GraphQL client of the gateway: registered documents only, sent by id. */
export function createCaseClient(options: { gatewayUrl: string; timeoutMs: number; fetch?: typeof fetch }): CaseClient {
  const fetchImpl = options.fetch ?? fetch;
  const ids = Object.fromEntries(Object.entries(CONSOLE_OPERATIONS).map(([name, body]) => [name, documentIdOf(body)])) as Record<ConsoleOperation, string>;

  async function call(token: string, operation: ConsoleOperation, variables: Record<string, unknown>): Promise<any> {
    let response: Response;
    try {
      response = await fetchImpl(options.gatewayUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ documentId: ids[operation], variables }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (cause) {
      throw new CaseClientError('HUB_UNAVAILABLE', 'The gateway could not be reached', { cause });
    }
    if (response.status === 401) {
      await response.body?.cancel();
      throw new CaseClientError('SIGN_IN_REQUIRED', 'The gateway refused the access token');
    }
    let body: { data?: any; errors?: GraphQLError[] };
    try {
      body = (await response.json()) as typeof body;
    } catch (cause) {
      throw new CaseClientError('HUB_UNAVAILABLE', `The gateway answered ${response.status} without JSON`, { cause });
    }
    const errors = Array.isArray(body.errors) ? body.errors : [];
    const codes = errors.map((e) => e.extensions?.code ?? 'error');
    if (codes.includes('NOT_FOUND')) throw new CaseClientError('NOT_FOUND', `${operation}: not found`);
    if (codes.includes('BAD_USER_INPUT')) throw new CaseClientError('BAD_USER_INPUT', `${operation}: bad input`);
    // A token without this queue's scope: the gateway drops the field (UNAUTHORIZED_FIELD_OR_TYPE) or refuses (FORBIDDEN).
    if (codes.some((c) => c === 'FORBIDDEN' || c === 'UNAUTHORIZED_FIELD_OR_TYPE')) throw new CaseClientError('FORBIDDEN', `${operation}: ${codes.join(', ')}`);
    if (errors.length > 0 || !body.data) throw new CaseClientError('HUB_UNAVAILABLE', `${operation}: ${codes.join(', ') || `status ${response.status}, no data`}`);
    return body.data;
  }

  return {
    async queue(token) {
      return (await call(token, 'ConsoleQueue', {})).caseQueue;
    },
    async get(token, id) {
      return (await call(token, 'ConsoleCase', { id })).caseRequest;
    },
    async reply(token, id, text) {
      await call(token, 'ConsoleReply', { id, text });
    },
    async move(token, id, queue) {
      await call(token, 'ConsoleReroute', { id, queue });
    },
    async resolve(token, id) {
      await call(token, 'ConsoleResolve', { id });
    },
  };
}
