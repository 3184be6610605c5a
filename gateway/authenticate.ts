import type { IncomingMessage } from 'node:http';
import type { ConsentStore, LocalizedText } from '../lib/consents/consentStore.js';
import { HubError } from '../lib/errors.js';
import type { AccessTokenVerifier } from '../lib/tokens/accessToken.js';
import type { createDpopVerifier } from '../lib/tokens/dpop.js';
import type { InternalCredential } from '../lib/tokens/internalCredential.js';
import { isCaseScope } from '../schema/caseScopes.js';

/** The citizen's own clients: their tokens' subject is the person id itself. */
const CITIZEN_CLIENTS = new Set(['citizen-portal']);
/** The citizen's own access (consents, disclosures, revokeConsent): never granted to a partner. */
const SELF_SCOPE = 'self';
/** The register owners' caseworkers' client: its tokens' subject is a caseworker's id and carry `cases:<queue>` only. */
const CASEWORKER_CLIENT = 'caseworker-console';

/** The consent a partner's request runs under: what the disclosure record names. */
export interface RequestConsent {
  readonly id: string;
  readonly clientName: string;
  readonly purpose: LocalizedText;
}

/** Who is asking, once the token, its proof and (for a partner) the consent behind it are checked. */
export interface Authenticated {
  readonly credential: InternalCredential;
  /** Present for partners only. */
  readonly consent?: RequestConsent;
}

/** Collaborators of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  verifier: AccessTokenVerifier;
  dpop: ReturnType<typeof createDpopVerifier>;
  consents: ConsentStore;
  /** The gateway's public GraphQL URL, which DPoP proofs must name (`htu`); never taken from the Host header. */
  publicUrl: () => string;
  now?: () => Date;
}

const TOKEN = '([A-Za-z0-9_.~+/-]+=*)';
const BEARER = new RegExp(`^Bearer ${TOKEN}$`);
const DPOP = new RegExp(`^DPoP ${TOKEN}$`);

/**
 * Turns a request's credentials into the claims of the internal credentials. A citizen's own token names the
 * person; a partner's token must be DPoP-bound, come with a valid proof, and stand on a consent that is active
 * right now (checked in the shared database on every request, so a revocation stops every gateway process at
 * once); the person is found through that consent, never through the pairwise subject itself.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  return async function authenticate(req: IncomingMessage): Promise<Authenticated> {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || header.length === 0) throw new HubError('UNAUTHENTICATED', 'An access token is required');
    const bearer = BEARER.exec(header);
    const dpop = bearer ? null : DPOP.exec(header);
    const raw = bearer?.[1] ?? dpop?.[1];
    if (!raw) throw new HubError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>" or "DPoP <token>"');
    const token = await options.verifier.verify(raw);
    if (token.confirmation) {
      // RFC 9449 §7.1: a sender-constrained token is accepted only under the DPoP scheme, with a proof.
      if (!dpop) throw new HubError('UNAUTHENTICATED', 'This access token is sender-constrained and needs a DPoP proof');
      await options.dpop.verify(req.headers.dpop, { method: req.method ?? 'POST', url: options.publicUrl(), accessToken: raw, expectedThumbprint: token.confirmation, now: options.now });
    } else if (dpop) {
      throw new HubError('UNAUTHENTICATED', 'This access token is not DPoP-bound');
    }
    if (CITIZEN_CLIENTS.has(token.clientId)) {
      // A caseworker's scope never rides on a citizen's token, whatever the token claims.
      const scopes = new Set([...token.scopes].filter((scope) => !isCaseScope(scope)));
      return { credential: { subject: token.subject, scopes, party: 'citizen', clientId: token.clientId } };
    }
    if (token.clientId === CASEWORKER_CLIENT) {
      // A caseworker reaches their queue and nothing of any person's own data: every other scope is dropped.
      const scopes = new Set([...token.scopes].filter(isCaseScope));
      return { credential: { subject: token.subject, scopes, party: 'caseworker', clientId: token.clientId } };
    }
    // Anything else is a partner: bound to a key, and only ever as good as the consent behind it.
    if (!token.confirmation) throw new HubError('UNAUTHENTICATED', 'A partner access token must be DPoP-bound');
    if (!token.consentId) throw new HubError('UNAUTHENTICATED', 'The access token names no consent');
    let consent;
    try {
      consent = await options.consents.activeConsent(token.consentId, token.clientId, token.subject, options.now?.());
    } catch (cause) {
      throw new HubError('CONSENT_STORE_UNAVAILABLE', 'The consent behind this access token cannot be checked right now', { cause });
    }
    if (!consent) throw new HubError('UNAUTHENTICATED', 'The consent behind this access token is not active (revoked or expired)');
    // A token never reaches beyond its consent, whatever scopes it claims; and `self` (the citizen's own consents,
    // disclosures and revocation) is never a partner's, even should a consent record name it.
    const scopes = new Set([...token.scopes].filter((scope) => scope !== SELF_SCOPE && !isCaseScope(scope) && consent.scopes.has(scope)));
    return {
      credential: { subject: consent.personId, scopes, party: 'partner', clientId: token.clientId },
      consent: { id: consent.id, clientName: consent.clientName, purpose: consent.purpose },
    };
  };
}
