import { signAccessToken } from '../../consent/accessTokens.js';
import { loadIssuerKey } from '../../consent/issuerKeys.js';
import type { CaseQueue } from '../../schema/caseScopes.js';
import type { RawResponse } from '../support/http.js';
import type { TestHub } from '../support/hub.js';

/** The operations the tests send, as the portal and the console send them (lib/requestOperations.ts has the registered ones). */
export const SUBMIT = 'mutation Submit($text: String!, $about: String) { submitRequest(text: $text, about: $about) { id queue status } }';
export const MY_REQUESTS = '{ me { requests { id queue status text about language createdAt messages { from at text } } } }';
export const CASE_QUEUE = 'query Queue($status: RequestStatus) { caseQueue(status: $status) { id queue status text about createdAt messages { from text } } }';
export const CASE = 'query Case($id: ID!) { caseRequest(id: $id) { id queue status text subject { firstNames lastName } messages { from text } } }';
export const REPLY = 'mutation Reply($id: ID!, $text: String!) { replyToRequest(id: $id, text: $text) { id status messages { from text } } }';
export const REROUTE = 'mutation Reroute($id: ID!, $queue: RequestQueue!) { rerouteRequest(id: $id, queue: $queue) { id queue status } }';
export const RESOLVE = 'mutation Resolve($id: ID!) { resolveRequest(id: $id) { id status } }';
export const ANSWER = 'mutation Answer($id: ID!, $text: String!) { answerRequest(id: $id, text: $text) { id status messages { from text } } }';
export const DISPUTE = 'mutation Dispute($id: ID!) { disputeRoute(id: $id) { id queue status } }';

/** Texts the placeholder and the trained router both route without doubt. */
export const TAX_TEXT = 'My tax assessment for last year is wrong: the tax refund is missing and my earned income is too high.';
export const HEALTH_TEXT = 'I need a new prescription for insulin from the doctor at the hospital.';

/** A caseworker's token as the authorization server issues it to the console (`npm run token -- --caseworker`). */
export async function caseworkerToken(hub: TestHub, caseworkerId: string, queue: CaseQueue, extraScopes: readonly string[] = []): Promise<string> {
  return signAccessToken(await loadIssuerKey(hub.env), {
    issuer: hub.env.ISSUER_URL!,
    audience: hub.env.GATEWAY_AUDIENCE!,
    subject: caseworkerId,
    clientId: 'caseworker-console',
    scopes: [`cases:${queue}`, ...extraScopes],
    ttlSeconds: 300,
  });
}

/** The first error's code, for assertions. */
export function codeOf(response: RawResponse): string | undefined {
  return response.body?.errors?.[0]?.extensions?.code;
}
