import { subgraphAudience } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import type { SigningKey } from '../lib/keys.js';
import { createInternalCredentialMinter } from '../lib/tokens/internalCredential.js';
import type { SubjectLookup } from './resolvers.js';

/** Collaborators of {@link createSubjectLookup}. */
export interface SubjectLookupOptions {
  /** The population subgraph's GraphQL URL. */
  populationUrl: string;
  /** The gateway's internal signing key: the population subgraph accepts nothing else. */
  internalKey: SigningKey;
  logger: Logger;
  timeoutMs?: number;
}

const QUERY = 'query CaseSubject($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { firstNames lastName } } }';

/**
 * Who a case is about, as the population register knows the person: first names and last name, nothing more. The
 * requests service asks the population subgraph directly with an internal credential for exactly that person and
 * exactly `population:name`, marked as a caseworker's (party `caseworker`, client `caseworker-console:<id>`), so
 * the register checks it like any other and no caseworker token ever reaches a person's data. A failure is
 * logged without the person and answered null: the case stays workable without a name.
 */
export function createSubjectLookup(options: SubjectLookupOptions): SubjectLookup {
  const mint = createInternalCredentialMinter({ key: options.internalKey, ttlSeconds: 30 });
  return async (personId, caseworkerId) => {
    try {
      const credential = await mint(subgraphAudience('population'), {
        subject: personId, scopes: new Set(['population:name']), party: 'caseworker', clientId: `caseworker-console:${caseworkerId}`,
      });
      const response = await fetch(options.populationUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
        body: JSON.stringify({ query: QUERY, variables: { representations: [{ __typename: 'Person', id: personId }] } }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
      const body = (await response.json()) as { data?: { _entities?: Array<{ firstNames?: string; lastName?: string } | null> } };
      const person = body.data?._entities?.[0];
      return person?.firstNames && person.lastName ? { firstNames: person.firstNames, lastName: person.lastName } : null;
    } catch (error) {
      options.logger.warn({ err: error }, 'the population register did not name a case subject');
      return null;
    }
  };
}
