import { PORTAL_REQUEST_OPERATIONS } from '../lib/requestOperations.js';
import { PERSON_SELECTION } from './registers.js';

const CONSENT_FIELDS = 'id status scopes grantedAt expiresAt revokedAt client { id name }';
const DISCLOSURE_FIELDS = 'cursor at consentId purpose fields requestId client { id name }';

/**
 * Every operation the portal sends to the gateway. They are registered as the citizen portal's trusted documents
 * (`gateway/trusted-documents/citizen-portal.json`, written by `npm run trusted-documents`); the portal sends only
 * their ids, and a production gateway runs nothing else for the portal's tokens.
 */
export const PORTAL_OPERATIONS = Object.freeze({
  PortalMyData: `query PortalMyData { me { ${PERSON_SELECTION} } }`,
  PortalConsents: `query PortalConsents($lang: String!) { me { consents { ${CONSENT_FIELDS} purpose(language: $lang) } } }`,
  PortalDisclosures: `query PortalDisclosures($first: Int!, $before: String) { me { disclosures(first: $first, before: $before) { ${DISCLOSURE_FIELDS} } } }`,
  PortalReceipts: 'query PortalReceipts { me { consents { id receipt } } }',
  PortalRevoke: 'mutation PortalRevoke($id: ID!) { revokeConsent(id: $id) { id status } }',
  PortalExport: `query PortalExport { me { consents { ${CONSENT_FIELDS} receipt fi: purpose(language: "fi") sv: purpose(language: "sv") en: purpose(language: "en") } } }`,
  // Ask or report, My requests (requests issue): defined beside the requests subgraph, registered with the rest.
  ...PORTAL_REQUEST_OPERATIONS,
});

/** The name of one of the portal's operations. */
export type PortalOperation = keyof typeof PORTAL_OPERATIONS;
