import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '../lib/errors.js';
import { documentHash, parseManifest, type TrustedDocument } from '../lib/trustedDocuments.js';

/** The committed registry: the dev clients' manifests (`citizen-portal.json`, `demo-bank.json`). */
export const DEFAULT_TRUSTED_DOCUMENTS_DIR = new URL('./trusted-documents/', import.meta.url);

/** A client's manifest file is `<client id>.json`; anything else in the folder is refused, not skipped. */
const MANIFEST_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.json$/;

/** What a request names as its document: its own text, or the hash of a registered one. */
export interface DocumentReference {
  readonly query?: string;
  /** Hex SHA-256 from `documentId: "sha256:<hex>"` or `extensions.persistedQuery.sha256Hash`. */
  readonly documentHash?: string;
}

/** Options for {@link createTrustedDocuments}. */
export interface TrustedDocumentsOptions {
  /** Registered documents by client id, then by hash. */
  registry: ReadonlyMap<string, ReadonlyMap<string, TrustedDocument>>;
  /** Clients that may also send documents nobody registered: the citizen's own client in dev mode, nobody else. */
  adHocClients: ReadonlySet<string>;
  /** Checks a registered document as a request's would be (parse, validation, limits); throws a HubError if refused. */
  validate: (body: string) => unknown;
}

/** Reads every `<client id>.json` manifest of a folder; a malformed one stops the gateway from starting. */
export function loadTrustedDocuments(dir: string | URL): Map<string, Map<string, TrustedDocument>> {
  const registry = new Map<string, Map<string, TrustedDocument>>();
  for (const file of readdirSync(dir).sort()) {
    const clientId = MANIFEST_FILE.exec(file)?.[1];
    if (!clientId) throw new TypeError(`trusted documents: ${file} is not named <client id>.json`);
    const manifest = parseManifest(readFileSync(join(dir instanceof URL ? dir.pathname : dir, file), 'utf8'), `trusted documents ${file}`);
    registry.set(clientId, new Map(manifest.operations.map((operation) => [operation.id, operation])));
  }
  return registry;
}

/**
 * Trusted documents (GraphQL over HTTP's "persisted documents"): a client runs only the operations registered for
 * it, by hash, so a stolen partner token cannot explore the graph or try a query nobody reviewed. The unregistered
 * text is refused before it is parsed. Only the clients in `adHocClients` may send other documents.
 */
export function createTrustedDocuments(options: TrustedDocumentsOptions) {
  // A registered operation that would be refused stops the gateway's start, not a client's request later.
  for (const [clientId, operations] of options.registry) {
    for (const operation of operations.values()) {
      try {
        options.validate(operation.body);
      } catch (error) {
        throw new TypeError(`trusted document ${clientId}/${operation.name} is refused: ${error instanceof HubError ? error.code : String(error)}`);
      }
    }
  }
  /** The text to run for `clientId`'s request; throws `PERSISTED_QUERY_NOT_IN_LIST` or `QUERY_NOT_IN_SAFELIST`. */
  return function documentFor(clientId: string, request: DocumentReference): string {
    const registered = options.registry.get(clientId);
    if (request.documentHash !== undefined) {
      const document = registered?.get(request.documentHash);
      if (request.query !== undefined && documentHash(request.query) !== request.documentHash) {
        throw new HubError('BAD_REQUEST', 'The document id is not the SHA-256 of the query sent with it');
      }
      if (document) return document.body;
      if (request.query !== undefined && options.adHocClients.has(clientId)) return request.query;
      throw new HubError('PERSISTED_QUERY_NOT_IN_LIST', 'No operation with this document id is registered for this client');
    }
    const query = request.query!;
    if (options.adHocClients.has(clientId) || registered?.has(documentHash(query))) return query;
    throw new HubError('QUERY_NOT_IN_SAFELIST', 'This client may run only its registered operations: send a registered document or its documentId');
  };
}

/** The function {@link createTrustedDocuments} returns. */
export type TrustedDocumentLookup = ReturnType<typeof createTrustedDocuments>;
