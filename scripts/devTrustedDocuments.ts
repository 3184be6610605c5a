import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from '../gateway/trustedDocuments.js';
import { buildManifest, type TrustedDocumentManifest } from '../lib/trustedDocuments.js';
import { PORTAL_OPERATIONS } from '../portal/operations.js';
import { CONSOLE_OPERATIONS } from '../lib/requestOperations.js';

/** Where the gateway's committed registry lives (its default `TRUSTED_DOCUMENTS_DIR`). */
export const COMMITTED_TRUSTED_DOCUMENTS_DIR = DEFAULT_TRUSTED_DOCUMENTS_DIR;

/** Demo Bank's operations, as the bank hands them over: one `.graphql` file per operation. */
export const DEMO_BANK_DOCUMENT_FILES = [new URL('../examples/partner/prefill.graphql', import.meta.url)];

/** The dev clients' manifests, from the operations their code sends: the citizen portal's, the console's and Demo Bank's. */
export function devTrustedDocuments(): Record<string, TrustedDocumentManifest> {
  return {
    'citizen-portal': buildManifest(Object.values(PORTAL_OPERATIONS)),
    'caseworker-console': buildManifest(Object.values(CONSOLE_OPERATIONS)),
    'demo-bank': buildManifest(DEMO_BANK_DOCUMENT_FILES.map((file) => readFileSync(file, 'utf8'))),
  };
}

/** A manifest file's text: stable, so the committed files diff cleanly. */
export function manifestText(manifest: TrustedDocumentManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Writes the committed dev manifests plus `extra` documents per client into `dir` (created), for a hub that tests,
 * the benchmark or the soak start: a partner there runs only these. Returns `dir`, for `TRUSTED_DOCUMENTS_DIR`.
 */
export function writeTrustedDocuments(dir: string, extra: Readonly<Record<string, readonly string[]>>): string {
  mkdirSync(dir, { recursive: true });
  const committed = devTrustedDocuments();
  for (const clientId of new Set([...Object.keys(committed), ...Object.keys(extra)])) {
    const bodies = [...(committed[clientId]?.operations.map((operation) => operation.body) ?? []), ...(extra[clientId] ?? [])];
    writeFileSync(join(dir, `${clientId}.json`), manifestText(buildManifest(bodies, { allowAnonymous: true })));
  }
  return dir;
}
