/**
 * `npm run trusted-documents`: writes the dev clients' manifests (the citizen portal's operations and Demo Bank's
 * `prefill.graphql`) into `gateway/trusted-documents/`. `npm run trusted-documents -- --client <id> --out <dir>
 * <file.graphql>...` registers another client: one named operation per file, its exact text. Exit codes: 0 written,
 * 2 bad arguments or documents.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildManifest } from '../lib/trustedDocuments.js';
import { COMMITTED_TRUSTED_DOCUMENTS_DIR, devTrustedDocuments, manifestText } from './devTrustedDocuments.js';

const USAGE = 'usage: npm run trusted-documents [-- --client <id> --out <dir> <file.graphql>...]';
const CLIENT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), strict: true, allowPositionals: true, options: { client: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.client === undefined) {
    if (positionals.length > 0 || values.out !== undefined) return fail('files and --out go with --client');
    for (const [clientId, manifest] of Object.entries(devTrustedDocuments())) {
      writeFileSync(join(COMMITTED_TRUSTED_DOCUMENTS_DIR, `${clientId}.json`), manifestText(manifest));
      process.stdout.write(`${clientId}: ${manifest.operations.map((operation) => operation.name).join(', ')}\n`);
    }
    return 0;
  }
  if (!CLIENT_ID.test(values.client)) return fail('--client must be a client id (lowercase letters, digits, dashes)');
  if (values.out === undefined || positionals.length === 0) return fail('--client needs --out <dir> and at least one .graphql file');
  try {
    const manifest = buildManifest(positionals.map((file) => readFileSync(file, 'utf8')));
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `${values.client}.json`), manifestText(manifest));
    process.stdout.write(`${values.client}: ${manifest.operations.map((operation) => operation.name).join(', ')}\n`);
    return 0;
  } catch (error) {
    return fail((error as Error).message);
  }
}

function fail(message: string): number {
  process.stderr.write(`trusted-documents: ${message}\n${USAGE}\n`);
  return 2;
}

process.exitCode = main();
