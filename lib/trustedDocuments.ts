import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/**
 * The operations one client may run, in Apollo's persisted query manifest format (what Apollo Router, Hive Gateway
 * and GraphOS read), so a client's build tooling can produce it. `id` is the SHA-256 of `body`, in hex.
 */
export interface TrustedDocumentManifest {
  readonly format: 'apollo-persisted-query-manifest';
  readonly version: 1;
  readonly operations: readonly TrustedDocument[];
}

/** One registered operation: its exact text, its hash, and for people reading the registry its name and type. */
export interface TrustedDocument {
  readonly id: string;
  readonly name: string;
  readonly type: 'query' | 'mutation';
  readonly body: string;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** A client's manifest file is `<client id>.json`; anything else in a registry folder is refused, not skipped. */
const MANIFEST_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.json$/;

/**
 * Reads every `<client id>.json` manifest of a registry folder (the gateway's `TRUSTED_DOCUMENTS_DIR`), by client id
 * in name order; a file not so named or a malformed manifest throws a `TypeError` naming the file.
 */
export function readTrustedDocumentsDir(dir: string): Map<string, TrustedDocumentManifest> {
  const manifests = new Map<string, TrustedDocumentManifest>();
  for (const file of readdirSync(dir).sort()) {
    const clientId = MANIFEST_FILE.exec(file)?.[1];
    if (!clientId) throw new TypeError(`trusted documents: ${file} is not named <client id>.json`);
    manifests.set(clientId, parseManifest(readFileSync(join(dir, file), 'utf8'), `trusted documents ${file}`));
  }
  return manifests;
}

/** The SHA-256 of a document's exact text, in hex: its identity in a manifest. */
export function documentHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** The `documentId` a client sends for a registered document (GraphQL over HTTP's trusted documents convention). */
export function documentIdOf(body: string): string {
  return `sha256:${documentHash(body)}`;
}

/**
 * Builds a manifest from documents, each holding exactly one query or mutation, named; with `allowAnonymous`, an
 * unnamed one is labelled `anonymous-<first 12 hex digits of its hash>`.
 */
export function buildManifest(bodies: readonly string[], options: { allowAnonymous?: boolean } = {}): TrustedDocumentManifest {
  const operations = [...new Set(bodies)].map((body) => {
    const operation = onlyOperation(body, 'document', { anonymous: options.allowAnonymous });
    const id = documentHash(body);
    return { id, name: operation.name?.value ?? `anonymous-${id.slice(0, 12)}`, type: operation.operation as 'query' | 'mutation', body };
  });
  assertUniqueNames(operations, 'buildManifest');
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

/** Reads a manifest's JSON text, refusing anything malformed; `source` names it in errors (never a body). */
export function parseManifest(text: string, source: string): TrustedDocumentManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TypeError(`${source}: not valid JSON`);
  }
  const manifest = value as Partial<TrustedDocumentManifest> | null;
  if (manifest?.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new TypeError(`${source}: expected { "format": "apollo-persisted-query-manifest", "version": 1, "operations": [...] }`);
  }
  manifest.operations.forEach((operation, index) => {
    const where = `${source}: operation ${index}`;
    if (typeof operation?.body !== 'string' || typeof operation.name !== 'string' || operation.name === '' || typeof operation.id !== 'string') {
      throw new TypeError(`${where}: "id", "name" and "body" must be non-empty strings`);
    }
    if (!HEX_SHA256.test(operation.id) || operation.id !== documentHash(operation.body)) {
      throw new TypeError(`${where} (${operation.name}): "id" is not the SHA-256 of "body"`);
    }
    const parsed = onlyOperation(operation.body, `${where} (${operation.name})`, { anonymous: true });
    if ((parsed.name && parsed.name.value !== operation.name) || parsed.operation !== operation.type) {
      throw new TypeError(`${where} (${operation.name}): "name" and "type" must be the operation's own`);
    }
  });
  assertUniqueNames(manifest.operations, source);
  return manifest as TrustedDocumentManifest;
}

/**
 * A registered document holds one query or mutation (and fragments), named, so the registry reads as a list of
 * what a client does. A manifest may label an anonymous one (`anonymous`), as other tools' manifests do.
 */
function onlyOperation(body: string, where = 'document', { anonymous = false } = {}): OperationDefinitionNode {
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(body).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    throw new TypeError(`${where}: not a GraphQL document`);
  }
  const [operation] = operations;
  if (operations.length !== 1 || !operation || (!operation.name && !anonymous) || operation.operation === 'subscription') {
    throw new TypeError(`${where}: must hold exactly one named query or mutation`);
  }
  return operation;
}

function assertUniqueNames(operations: readonly { name: string }[], source: string): void {
  const seen = new Set<string>();
  for (const { name } of operations) {
    if (seen.has(name)) throw new TypeError(`${source}: operation name ${name} is registered twice`);
    seen.add(name);
  }
}
