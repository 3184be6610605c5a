import type { IncomingMessage } from 'node:http';
import { HubError } from '../lib/errors.js';
import type { AccessTokenVerifier } from '../lib/tokens/accessToken.js';
import type { InternalCredential } from '../lib/tokens/internalCredential.js';

/** The citizen's own clients: their tokens' subject is the person id itself. */
const CITIZEN_CLIENTS = new Set(['citizen-portal']);

/**
 * Turns the request's access token into the claims of the internal credentials. Sender-constrained tokens
 * (`cnf.jkt`) presented as plain bearer tokens are refused (RFC 9449 §7.1).
 */
export async function authenticate(req: IncomingMessage, verify: AccessTokenVerifier): Promise<InternalCredential> {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || header.length === 0) throw new HubError('UNAUTHENTICATED', 'An access token is required');
  const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/.exec(header);
  if (!match?.[1]) throw new HubError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <access token>"');
  const token = await verify.verify(match[1]);
  if (token.confirmation) throw new HubError('UNAUTHENTICATED', 'This access token is sender-constrained and needs a DPoP proof');
  if (!CITIZEN_CLIENTS.has(token.clientId)) {
    // Partner access arrives with the consent server, which maps pairwise subjects back through the consent.
    throw new HubError('UNAUTHENTICATED', 'The client of this access token is not known to the gateway');
  }
  return { subject: token.subject, scopes: token.scopes, party: 'citizen', clientId: token.clientId };
}
