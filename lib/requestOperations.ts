/**
 * The operations the citizen portal and the caseworkers' console send for requests (in lib/ so that both may import
 * them: neither may import a service's folder), registered as their trusted
 * documents (`npm run trusted-documents` writes `gateway/trusted-documents/citizen-portal.json` and
 * `caseworker-console.json`); a production gateway runs nothing else for those clients' tokens. The pages send
 * these exact texts (or their ids); a page that needs another field adds it here and re-runs the command.
 */

const REQUEST_FIELDS = 'id queue status text about language createdAt updatedAt messages { from at text }';

/** The portal's requests operations (a citizen's own token, `self`). */
export const PORTAL_REQUEST_OPERATIONS = Object.freeze({
  PortalSubmitRequest: 'mutation PortalSubmitRequest($text: String!, $about: String) { submitRequest(text: $text, about: $about) { id queue status } }',
  PortalMyRequests: `query PortalMyRequests { me { requests { ${REQUEST_FIELDS} } } }`,
  PortalAnswerRequest: `mutation PortalAnswerRequest($id: ID!, $text: String!) { answerRequest(id: $id, text: $text) { ${REQUEST_FIELDS} } }`,
  PortalDisputeRoute: `mutation PortalDisputeRoute($id: ID!) { disputeRoute(id: $id) { ${REQUEST_FIELDS} } }`,
});

/** The caseworkers' console's operations (a caseworker's token, `cases:<queue>`). */
export const CONSOLE_OPERATIONS = Object.freeze({
  ConsoleQueue: 'query ConsoleQueue($status: RequestStatus) { caseQueue(status: $status) { id queue status text about language createdAt updatedAt } }',
  ConsoleCase: `query ConsoleCase($id: ID!) { caseRequest(id: $id) { ${REQUEST_FIELDS} subject { firstNames lastName } } }`,
  ConsoleReply: `mutation ConsoleReply($id: ID!, $text: String!) { replyToRequest(id: $id, text: $text) { ${REQUEST_FIELDS} } }`,
  ConsoleReroute: 'mutation ConsoleReroute($id: ID!, $queue: RequestQueue!) { rerouteRequest(id: $id, queue: $queue) { id queue status } }',
  ConsoleResolve: 'mutation ConsoleResolve($id: ID!) { resolveRequest(id: $id) { id queue status } }',
});

/** The name of one of the console's operations. */
export type ConsoleOperation = keyof typeof CONSOLE_OPERATIONS;
