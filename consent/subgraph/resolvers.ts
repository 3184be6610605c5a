import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { GraphQLError } from 'graphql';
import type { ConsentRecord, ConsentStore } from '../../lib/consents/consentStore.js';
import type { DisclosureLog, DisclosureRecord } from '../../lib/consents/disclosureLog.js';
import type { SubgraphContext } from '../../lib/subgraph/service.js';

type Context = SubgraphContext<Record<string, never>>;
type PersonRef = { id: string };

/** Collaborators of {@link consentResolvers}. */
export interface ConsentResolverOptions {
  consents: ConsentStore;
  disclosures: DisclosureLog;
  /** Ends the authorization server's grant behind a revoked consent (refresh tokens die with it). */
  revokeGrant: (grantId: string) => Promise<void>;
}

const LANGUAGES = new Set(['fi', 'sv', 'en']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * The citizen's own records are for the citizen's own token alone. The gateway never gives a partner the `self`
 * scope these fields require; this is the second line, should a partner credential arrive with it anyway.
 */
function citizenOnly(context: Context): void {
  if (context.credential.party !== 'citizen') throw new GraphQLError('Only the citizen can see or change their consents', { extensions: { code: 'FORBIDDEN' } });
}

/** Resolvers of the consent subgraph: a person's consents and disclosures, and revocation by the person alone. */
export function consentResolvers(options: ConsentResolverOptions): GraphQLResolverMap<Context> {
  return {
    Person: {
      __resolveReference: (reference: PersonRef) => ({ id: reference.id }),
      consents: (person: PersonRef, _args: unknown, context: Context) => {
        citizenOnly(context);
        return options.consents.listConsents(person.id);
      },
      disclosures: (person: PersonRef, args: { first?: number | null; before?: string | null }, context: Context) => {
        citizenOnly(context);
        const first = args.first ?? 50;
        if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('"first" must be between 1 and 500');
        let beforeSeq: number | undefined;
        if (args.before !== undefined && args.before !== null) {
          beforeSeq = Number(args.before);
          if (!Number.isInteger(beforeSeq) || beforeSeq < 1) throw badInput('"before" must be a cursor from an earlier page');
        }
        return options.disclosures.list(person.id, { limit: first, beforeSeq });
      },
    },
    Mutation: {
      revokeConsent: async (_root: unknown, args: { id: string }, context: Context) => {
        // Only the citizen's own token: a partner can never revoke (or probe) a citizen's consents.
        citizenOnly(context);
        const notFound = new GraphQLError('No such consent', { extensions: { code: 'NOT_FOUND' } });
        if (!UUID.test(args.id)) throw notFound;
        const revoked = await options.consents.revokeConsent(context.credential.subject, args.id);
        if (!revoked) throw notFound;
        if (revoked.grantId) await options.revokeGrant(revoked.grantId);
        context.logger.info({ consentId: revoked.id, clientId: revoked.clientId }, 'consent revoked by the citizen');
        return revoked;
      },
    },
    Consent: {
      purpose: (consent: ConsentRecord, args: { language?: string | null }) => {
        const language = args.language ?? 'en';
        if (!LANGUAGES.has(language)) throw badInput('"language" must be fi, sv or en');
        return consent.purpose[language as 'fi' | 'sv' | 'en'];
      },
      grantedAt: (consent: ConsentRecord) => consent.grantedAt.toISOString(),
      expiresAt: (consent: ConsentRecord) => consent.expiresAt.toISOString(),
      revokedAt: (consent: ConsentRecord) => consent.revokedAt?.toISOString() ?? null,
      receipt: (consent: ConsentRecord) => consent.receipt ?? '',
      client: (consent: ConsentRecord) => ({ id: consent.clientId, name: consent.clientName }),
    },
    Disclosure: {
      cursor: (disclosure: DisclosureRecord) => String(disclosure.seq),
      at: (disclosure: DisclosureRecord) => disclosure.at.toISOString(),
      client: (disclosure: DisclosureRecord) => ({ id: disclosure.clientId, name: disclosure.clientName }),
    },
  };
}
