import type { IncomingMessage, ServerResponse } from 'node:http';
import { HubError } from '../lib/errors.js';

// What interactions.ts and upstreamLogin.ts share: the interface the interactions call, what it hands back, and the
// one error they tell apart. Here, so that neither of the two imports the other.

/** Who an upstream login signs in: sealed with the login at start, so the callback knows what to look for. */
export type UpstreamLoginPurpose = 'citizen' | 'caseworker';

/** What a verified upstream login vouched for: a citizen's personal identity code, or a caseworker's upstream `sub`. */
export type UpstreamOutcome =
  | { uid: string; purpose: 'citizen'; personalIdentityCode: string }
  | { uid: string; purpose: 'caseworker'; subject: string };

/** How a production login hands over to an upstream identity provider; see upstreamLogin.ts. */
export interface UpstreamLogin {
  /** Sends the browser to the upstream provider for interaction `uid` (a citizen's login unless told otherwise). */
  start(req: IncomingMessage, res: ServerResponse, uid: string, purpose?: UpstreamLoginPurpose): Promise<void>;
  /** Handles the upstream callback: the interaction uid and what the provider vouched for. */
  finish(req: IncomingMessage, res: ServerResponse): Promise<UpstreamOutcome>;
}

const REFUSED = 'The sign-in was cancelled or refused by the identity provider';

/**
 * The upstream provider answered with an error (the citizen cancelled, or it refused): the browser is verified (state
 * matched the sealed cookie), so the hub can end the interaction `uid` and tell the client `access_denied`.
 */
export class UpstreamRefusedError extends HubError {
  readonly uid: string;
  constructor(uid: string) {
    super('FORBIDDEN', REFUSED);
    this.name = 'UpstreamRefusedError';
    this.uid = uid;
  }
}
