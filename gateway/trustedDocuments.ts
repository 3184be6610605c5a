import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HubError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { documentHash, readTrustedDocumentsDir, type TrustedDocument } from '../lib/trustedDocuments.js';

/** The committed registry: the dev clients' manifests (`citizen-portal.json`, `demo-bank.json`). */
export const DEFAULT_TRUSTED_DOCUMENTS_DIR = fileURLToPath(new URL('./trusted-documents/', import.meta.url));

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
export function loadTrustedDocuments(dir: string): Map<string, Map<string, TrustedDocument>> {
  const registry = new Map<string, Map<string, TrustedDocument>>();
  for (const [clientId, manifest] of readTrustedDocumentsDir(dir)) {
    registry.set(clientId, new Map(manifest.operations.map((operation) => [operation.id, operation])));
  }
  return registry;
}

/** The document a request runs, and its registered name (undefined for an ad-hoc document). */
export interface ResolvedDocument {
  readonly query: string;
  readonly name: string | undefined;
}

/** What {@link createTrustedDocuments} returns. */
export interface TrustedDocuments {
  /** The text to run for `clientId`'s request; throws `PERSISTED_QUERY_NOT_IN_LIST` or `QUERY_NOT_IN_SAFELIST`. */
  documentFor(clientId: string, request: DocumentReference): string;
  /** {@link documentFor} with the registered operation's name (undefined for an ad-hoc document), for metrics. */
  resolve(clientId: string, request: DocumentReference): ResolvedDocument;
  /** Puts a new registry in place once every document in it passes `validate`; else throws and keeps the old one. */
  replace(registry: ReadonlyMap<string, ReadonlyMap<string, TrustedDocument>>): void;
  /** Every registered operation in service, with its client: what a new supergraph must still validate. */
  operations(): Array<{ clientId: string; operation: TrustedDocument }>;
}

/**
 * Trusted documents (GraphQL over HTTP's "persisted documents"): a client runs only the operations registered for
 * it, by hash, so a stolen partner token cannot explore the graph or try a query nobody reviewed. The unregistered
 * text is refused before it is parsed. Only the clients in `adHocClients` may send other documents.
 */
export function createTrustedDocuments(options: TrustedDocumentsOptions): TrustedDocuments {
  // A registered operation that would be refused stops the gateway's start (or a reload), not a client's request.
  const checked = (registry: TrustedDocumentsOptions['registry']) => {
    for (const [clientId, operations] of registry) {
      for (const operation of operations.values()) {
        try {
          options.validate(operation.body);
        } catch (error) {
          throw new TypeError(`trusted document ${clientId}/${operation.name} is refused: ${error instanceof HubError ? error.code : String(error)}`);
        }
      }
    }
    return registry;
  };
  let registry = checked(options.registry);

  // One look-up per request: the document and its name come out of the same hash (the gateway's hot path).
  function resolve(clientId: string, request: DocumentReference): ResolvedDocument {
    const registered = registry.get(clientId);
    if (request.documentHash !== undefined) {
      const document = registered?.get(request.documentHash);
      if (request.query !== undefined && documentHash(request.query) !== request.documentHash) {
        throw new HubError('BAD_REQUEST', 'The document id is not the SHA-256 of the query sent with it');
      }
      if (document) return { query: document.body, name: document.name };
      if (request.query !== undefined && options.adHocClients.has(clientId)) return { query: request.query, name: undefined };
      throw new HubError('PERSISTED_QUERY_NOT_IN_LIST', 'No operation with this document id is registered for this client');
    }
    const query = request.query!;
    const document = registered?.get(documentHash(query));
    if (document) return { query, name: document.name };
    if (options.adHocClients.has(clientId)) return { query, name: undefined };
    throw new HubError('QUERY_NOT_IN_SAFELIST', 'This client may run only its registered operations: send a registered document or its documentId');
  }

  return {
    resolve,
    documentFor: (clientId, request) => resolve(clientId, request).query,
    replace(next) {
      registry = checked(next);
    },
    operations() {
      return [...registry].flatMap(([clientId, operations]) => [...operations.values()].map((operation) => ({ clientId, operation })));
    },
  };
}

/** Options for {@link watchTrustedDocuments}. */
export interface WatchTrustedDocumentsOptions {
  dir: string;
  /** How often the folder is looked at. */
  intervalMs: number;
  documents: TrustedDocuments;
  logger: Logger;
  /** Told of each reload attempt: `applied`, `refused` (did not load or validate) or `failed` (folder unreadable). */
  onReload?: (outcome: 'applied' | 'refused' | 'failed') => void;
}

/**
 * Picks up a changed registry without a restart: the folder's files are read every `intervalMs` and, when their
 * contents changed, loaded, validated and put in place whole. A registry that does not load or validate is logged
 * (file and operation names only, never a document) and the one in place stays. Returns a function that stops it.
 */
export function watchTrustedDocuments(options: WatchTrustedDocumentsOptions): () => void {
  let applied = fingerprint(options.dir);
  let refused: string | undefined;
  const timer = setInterval(() => {
    let seen: string;
    try {
      seen = fingerprint(options.dir);
    } catch (error) {
      options.logger.error({ err: error }, 'trusted documents folder unreadable; the registry in place stays');
      options.onReload?.('failed');
      return;
    }
    if (seen === applied || seen === refused) return;
    try {
      const registry = loadTrustedDocuments(options.dir);
      options.documents.replace(registry);
      applied = seen;
      refused = undefined;
      options.logger.info({ clients: [...registry.keys()], operations: [...registry.values()].reduce((n, ops) => n + ops.size, 0) }, 'trusted documents reloaded');
      options.onReload?.('applied');
    } catch (error) {
      refused = seen;
      options.logger.error({ reason: (error as Error).message }, 'trusted documents not reloaded; the registry in place stays');
      options.onReload?.('refused');
    }
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** A digest of the folder's file names and contents: what decides whether to reload. */
function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
  return hash.digest('hex');
}
