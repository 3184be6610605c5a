import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from '../gateway/trustedDocuments.js';
import { readConsentDatabaseUrl } from '../lib/config.js';
import { disclosureCounts } from '../lib/consents/disclosureCounts.js';
import { openDatabase } from '../lib/storage/database.js';
import { readTrustedDocumentsDir } from '../lib/trustedDocuments.js';
import { apiSchemaOf } from '../schema/checkSubgraph.js';
import { readSubgraphSchemas, SUPERGRAPH_PATH } from '../schema/compose.js';
import { fieldUsage, registerFields, type FieldUsage } from '../schema/fieldUsage.js';

// `npm run usage -- <register> [--since <YYYY-MM-DD>] [--json] [--database-url <url>]`: for each field of the register,
// the clients whose registered operations select it (TRUSTED_DOCUMENTS_DIR, default the committed ones) and how many
// disclosures carried it per client and month (the consent database: --database-url, else CONSENT_DATABASE_URL or
// DATABASE_URL, else dev's HUB_HOME/consent.sqlite). Counts only: no person, request or consent is ever read or printed.
// Exit 0 done, 2 bad arguments, 3 the disclosure log could not be read.

const USAGE = 'usage: npm run usage -- <register> [--since <YYYY-MM-DD>] [--json] [--database-url <url>]';

function fail(message: string, code = 2): never {
  process.stderr.write(`usage: ${message}\n${code === 2 ? `${USAGE}\n` : ''}`);
  process.exit(code);
}

let parsed: { values: { since?: string; json?: boolean; 'database-url'?: string }; positionals: string[] };
try {
  parsed = parseArgs({
    options: { since: { type: 'string' }, json: { type: 'boolean' }, 'database-url': { type: 'string' } },
    allowPositionals: true, strict: true,
  });
} catch (error) {
  fail((error as Error).message);
}
const [register, ...extra] = parsed.positionals;
if (!register || extra.length > 0) fail('name exactly one register');
const subgraph = readSubgraphSchemas().find((s) => s.name === register);
if (!subgraph) fail(`unknown register "${register}"`);
const { since: sinceText, json } = parsed.values;
if (sinceText !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(sinceText)) fail('--since must be a date like 2026-01-31');
const since = sinceText === undefined ? undefined : new Date(`${sinceText}T00:00:00Z`);
if (since && Number.isNaN(since.getTime())) fail('--since is not a valid date');

let url: string;
try {
  url = parsed.values['database-url'] ?? readConsentDatabaseUrl(process.env);
} catch (error) {
  fail((error as Error).message);
}
if (!/^(postgres(ql)?:\/\/|sqlite:).+/.test(url)) fail('--database-url must be postgres://… or sqlite:<path>');
// A report must not create the database it was pointed at by mistake.
if (url.startsWith('sqlite:') && !existsSync(url.slice('sqlite:'.length))) fail('could not read the disclosure log: no SQLite file at that path', 3);

const fields = registerFields(subgraph.typeDefs);
const database = openDatabase<any>({ url });
let counts;
try {
  counts = await disclosureCounts(database, { since, fields });
} catch (error) {
  // The message of a driver may hold the URL; say only what failed.
  fail(`could not read the disclosure log (${(error as { code?: string }).code ?? 'error'})`, 3);
} finally {
  await database.close();
}
const usage = fieldUsage(fields, apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8')), readTrustedDocumentsDir(process.env.TRUSTED_DOCUMENTS_DIR || DEFAULT_TRUSTED_DOCUMENTS_DIR), counts);
process.stdout.write(json ? `${JSON.stringify({ register, since: sinceText ?? null, fields: usage }, null, 2)}\n` : format(usage));

/** One block per field: the operations that select it, then its disclosures per client and month. */
function format(report: readonly FieldUsage[]): string {
  const lines = [`usage of the ${register} register's fields${sinceText ? ` since ${sinceText}` : ''} (disclosures per client and month, UTC)`];
  for (const { field, operations, disclosures } of report) {
    lines.push(field);
    lines.push(`  operations:  ${operations.length > 0 ? operations.map((o) => `${o.client}/${o.operation}`).join(', ') : 'none registered'}`);
    const clients = [...new Set(disclosures.map((d) => d.client))];
    if (clients.length === 0) lines.push('  disclosures: none');
    for (const client of clients) {
      const months = disclosures.filter((d) => d.client === client);
      const total = months.reduce((n, d) => n + d.count, 0);
      lines.push(`  disclosures: ${client} ${total} (${months.map((d) => `${d.month}: ${d.count}`).join(', ')})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
