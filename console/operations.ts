const CASE_FIELDS = 'id queue status text about language createdAt updatedAt';

/**
 * Every operation the console sends to the gateway, registered as the caseworker console's trusted documents
 * (`gateway/trusted-documents/caseworker-console.json`, written by `npm run trusted-documents`); the console sends
 * only their ids.
 */
export const CONSOLE_OPERATIONS = Object.freeze({
  ConsoleQueue: `query ConsoleQueue { caseQueue { ${CASE_FIELDS} } }`,
  ConsoleCase: `query ConsoleCase($id: ID!) { caseRequest(id: $id) { ${CASE_FIELDS} subject { firstNames lastName } messages { from at text } } }`,
  ConsoleReply: 'mutation ConsoleReply($id: ID!, $text: String!) { replyToRequest(id: $id, text: $text) { id status } }',
  ConsoleMove: 'mutation ConsoleMove($id: ID!, $queue: RequestQueue!) { rerouteRequest(id: $id, queue: $queue) { id queue status } }',
  ConsoleResolve: 'mutation ConsoleResolve($id: ID!) { resolveRequest(id: $id) { id status } }',
});

/** The name of one of the console's operations. */
export type ConsoleOperation = keyof typeof CONSOLE_OPERATIONS;
