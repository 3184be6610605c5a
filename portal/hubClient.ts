import type { Language } from '../lib/web/language.js';
import { documentIdOf } from '../lib/trustedDocuments.js';
import { PORTAL_OPERATIONS, type PortalOperation } from './operations.js';
import { REGISTERS, registerOf, type MyData, type PersonData, type Register } from './registers.js';
import type { RequestReceipt, ServiceRequestItem } from './requestModel.js';

/** Why a call to the hub failed; each code has its own page. */
export type HubClientErrorCode = 'SIGN_IN_REQUIRED' | 'NOT_FOUND' | 'HUB_UNAVAILABLE' | 'RATE_LIMITED' | 'BAD_USER_INPUT';

/** A failed call to the gateway. Its message is safe to log: no token, no register value. */
export class HubClientError extends Error {
  readonly code: HubClientErrorCode;
  /** For `RATE_LIMITED`: the gateway's `Retry-After`, in seconds. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: HubClientErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'HubClientError';
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** A consent as the portal shows it. */
export interface ConsentItem {
  id: string;
  status: 'ACTIVE' | 'REVOKED' | 'EXPIRED';
  scopes: string[];
  purpose: string;
  grantedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  client: { id: string; name: string };
}

/** One record of the disclosure log. */
export interface DisclosureItem {
  cursor: string;
  at: string;
  consentId: string;
  purpose: string;
  fields: string[];
  requestId: string;
  client: { id: string; name: string };
}

/** Everything for "Download my data". */
export interface DataExport {
  person: PersonData | null;
  unavailableRegisters: Register[];
  consents: Array<Omit<ConsentItem, 'purpose'> & { purpose: Record<Language, string>; receipt: string }>;
  disclosures: DisclosureItem[];
  /** The citizen's requests with their conversations; null when the requests service could not answer. */
  requests: ServiceRequestItem[] | null;
}

/** The portal's calls to the gateway's GraphQL API, each with the citizen's own access token. */
export interface HubClient {
  myData(token: string): Promise<MyData>;
  consents(token: string, lang: Language): Promise<ConsentItem[]>;
  /** The receipt (a JWS) of one of the citizen's consents, or undefined if there is no such consent. */
  receipt(token: string, consentId: string): Promise<string | undefined>;
  disclosures(token: string, page: { first: number; before?: string }): Promise<DisclosureItem[]>;
  revokeConsent(token: string, consentId: string): Promise<{ id: string; status: string }>;
  everything(token: string): Promise<DataExport>;
  /** Sends a free-text request; `BAD_USER_INPUT` and `RATE_LIMITED` failures are the citizen's to fix or wait out. */
  submitRequest(token: string, text: string, about: string | undefined): Promise<RequestReceipt>;
  /** The citizen's own requests, newest first. */
  requests(token: string): Promise<ServiceRequestItem[]>;
  /** The citizen answers in one of their requests' conversation. */
  answerRequest(token: string, id: string, text: string): Promise<{ id: string; status: string }>;
  /** The citizen says the request went to the wrong place (it moves to triage). */
  disputeRoute(token: string, id: string): Promise<{ id: string; queue: string; status: string }>;
}

/** Options for {@link createHubClient}. */
export interface HubClientOptions {
  gatewayUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const EXPORT_PAGE = 500;

interface GraphQLError {
  message?: string;
  path?: Array<string | number>;
  extensions?: { code?: string };
}

/** Creates the portal's GraphQL client of the gateway. */
export function createHubClient(options: HubClientOptions): HubClient {
  const fetchImpl = options.fetch ?? fetch;
  // The portal sends only registered operations, by id: production gateways run nothing else for it.
  const documentIds = Object.fromEntries(Object.entries(PORTAL_OPERATIONS).map(([name, body]) => [name, documentIdOf(body)])) as Record<PortalOperation, string>;

  async function call(token: string, operation: PortalOperation, variables: Record<string, unknown> = {}): Promise<{ data: any; errors: GraphQLError[] }> {
    let response: Response;
    try {
      response = await fetchImpl(options.gatewayUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ documentId: documentIds[operation], variables }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (cause) {
      throw new HubClientError('HUB_UNAVAILABLE', 'The gateway could not be reached', { cause });
    }
    // RFC 6750 §3.1: expired, revoked or otherwise refused token; the citizen signs in again.
    if (response.status === 401) {
      await response.body?.cancel();
      throw new HubClientError('SIGN_IN_REQUIRED', 'The gateway refused the access token');
    }
    // The citizen's own rate limit (RFC 6585 §4): said as such, with when to try again, never as an outage.
    if (response.status === 429) {
      await response.body?.cancel();
      const seconds = Number(response.headers.get('retry-after'));
      throw new HubClientError('RATE_LIMITED', 'The gateway refused: too many requests', { retryAfterSeconds: Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined });
    }
    let body: { data?: unknown; errors?: GraphQLError[] };
    try {
      body = (await response.json()) as typeof body;
    } catch (cause) {
      throw new HubClientError('HUB_UNAVAILABLE', `The gateway answered ${response.status} without JSON`, { cause });
    }
    if (!response.ok && !body.data) {
      // 400: the citizen's own input refused as a whole (the gateway's status for BAD_USER_INPUT); said as such.
      if (response.status === 400 && body.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) throw new HubClientError('BAD_USER_INPUT', 'The gateway refused the input');
      throw new HubClientError('HUB_UNAVAILABLE', `The gateway answered ${response.status}`);
    }
    return { data: body.data ?? null, errors: Array.isArray(body.errors) ? body.errors : [] };
  }

  /** Consents and disclosures come from one service: any error there means it could not answer. */
  function requireNoErrors(result: { data: any; errors: GraphQLError[] }, what: string): any {
    const notFound = result.errors.find((e) => e.extensions?.code === 'NOT_FOUND');
    if (notFound) throw new HubClientError('NOT_FOUND', `${what}: no such consent`);
    if (result.errors.length > 0 || !result.data) {
      throw new HubClientError('HUB_UNAVAILABLE', `${what}: ${result.errors.map((e) => e.extensions?.code ?? 'error').join(', ') || 'no data'}`);
    }
    return result.data;
  }

  /** The requests service's answers: the citizen's own mistakes and limits by their code, anything else an outage. */
  function requireRequestResult(result: { data: any; errors: GraphQLError[] }, what: string): any {
    for (const code of ['BAD_USER_INPUT', 'RATE_LIMITED', 'NOT_FOUND'] as const) {
      if (result.errors.some((e) => e.extensions?.code === code)) throw new HubClientError(code, `${what}: ${code}`);
    }
    return requireNoErrors(result, what);
  }

  async function myRequests(token: string): Promise<ServiceRequestItem[]> {
    return requireRequestResult(await call(token, 'PortalMyRequests'), 'requests').me.requests;
  }

  async function myData(token: string): Promise<MyData> {
    const { data, errors } = await call(token, 'PortalMyData');
    const unavailable = new Set<Register>();
    for (const error of errors) {
      const [root, field] = error.path ?? [];
      if (root !== 'me') throw new HubClientError('HUB_UNAVAILABLE', `my data: ${error.extensions?.code ?? 'error'}`);
      // `me` itself failed (the population register answers it): nothing could be read from any register.
      if (field === undefined) REGISTERS.forEach((register) => unavailable.add(register));
      else {
        const register = registerOf(String(field));
        if (register) unavailable.add(register);
      }
    }
    const person = (data?.me ?? null) as PersonData | null;
    if (person === null) REGISTERS.forEach((register) => unavailable.add(register));
    return { person, unavailable };
  }

  async function consents(token: string, lang: Language): Promise<ConsentItem[]> {
    return requireNoErrors(await call(token, 'PortalConsents', { lang }), 'consents').me.consents;
  }

  async function disclosures(token: string, page: { first: number; before?: string }): Promise<DisclosureItem[]> {
    return requireNoErrors(await call(token, 'PortalDisclosures', { first: page.first, before: page.before ?? null }), 'disclosures').me.disclosures;
  }

  return {
    myData,
    consents,
    disclosures,
    async receipt(token, consentId) {
      const data = requireNoErrors(await call(token, 'PortalReceipts'), 'receipt');
      const consent = (data.me.consents as Array<{ id: string; receipt: string }>).find((c) => c.id === consentId);
      return consent?.receipt || undefined;
    },
    async revokeConsent(token, consentId) {
      return requireNoErrors(await call(token, 'PortalRevoke', { id: consentId }), 'revoke').revokeConsent;
    },
    async everything(token) {
      const [data, consentData, requests] = await Promise.all([myData(token), call(token, 'PortalExport'),
        // The requests service down must not cost the citizen the rest of their data: the document says so instead.
        myRequests(token).catch((failure: unknown) => {
          if (failure instanceof HubClientError && failure.code === 'HUB_UNAVAILABLE') return null;
          throw failure;
        })]);
      const exported = (requireNoErrors(consentData, 'export').me.consents as any[]).map(({ fi, sv, en, ...consent }) => ({ ...consent, purpose: { fi, sv, en } }));
      // Every page of the log, oldest last; a cursor that does not move ends the walk rather than looping.
      const all: DisclosureItem[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await disclosures(token, { first: EXPORT_PAGE, before });
        all.push(...page);
        const last = page.at(-1);
        if (page.length < EXPORT_PAGE || last === undefined || last.cursor === before) break;
        before = last.cursor;
      }
      return { person: data.person, unavailableRegisters: [...data.unavailable], consents: exported, disclosures: all, requests };
    },
    async submitRequest(token, text, about) {
      return requireRequestResult(await call(token, 'PortalSubmitRequest', { text, about: about ?? null }), 'submit request').submitRequest;
    },
    requests: myRequests,
    async answerRequest(token, id, text) {
      return requireRequestResult(await call(token, 'PortalAnswerRequest', { id, text }), 'answer request').answerRequest;
    },
    async disputeRoute(token, id) {
      return requireRequestResult(await call(token, 'PortalDisputeRoute', { id }), 'dispute route').disputeRoute;
    },
  };
}
