import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from '../gateway/trustedDocuments.js';
import { readTrustedDocumentsDir } from '../lib/trustedDocuments.js';
import { readSubgraphSchemas, SUPERGRAPH_PATH } from '../schema/compose.js';
import { checkSubgraph, type SubgraphCheckReport } from '../schema/checkSubgraph.js';

// `npm run check-subgraph -- <register> [--schema <file>] [--json]` (CONTRACT.md): checks a proposed subgraph schema
// against composition, the policy and every client's registered operations (TRUSTED_DOCUMENTS_DIR, default the
// committed gateway/trusted-documents/). Exit 0 safe, 1 it would break a registered operation or the policy, 2 misuse.

const USAGE = 'usage: npm run check-subgraph -- <register> [--schema <file>] [--json]';

function fail(message: string): never {
  process.stderr.write(`check-subgraph: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let parsed: { values: { schema?: string; json?: boolean }; positionals: string[] };
try {
  parsed = parseArgs({ options: { schema: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
} catch (error) {
  fail((error as Error).message);
}
const [register, ...extra] = parsed.positionals;
if (!register || extra.length > 0) fail('name exactly one register');
const subgraphs = readSubgraphSchemas();
const current = subgraphs.find((s) => s.name === register);
if (!current) fail(`unknown register "${register}"; known: ${subgraphs.map((s) => s.name).join(', ')}`);

let proposedTypeDefs = current.typeDefs;
const schemaFile = parsed.values.schema === undefined ? `the working tree's schema of ${register}` : resolve(parsed.values.schema);
if (parsed.values.schema !== undefined) {
  try {
    proposedTypeDefs = readFileSync(schemaFile, 'utf8');
  } catch (error) {
    fail(`cannot read --schema ${schemaFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
const documentsDir = process.env.TRUSTED_DOCUMENTS_DIR || DEFAULT_TRUSTED_DOCUMENTS_DIR;
let manifests;
try {
  manifests = readTrustedDocumentsDir(documentsDir);
} catch (error) {
  fail(`registered operations unreadable: ${(error as Error).message}`);
}

const report = await checkSubgraph({
  register, proposedTypeDefs, subgraphs, currentSupergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'), manifests,
});
process.stdout.write(parsed.values.json ? `${JSON.stringify({ ...report, schema: schemaFile }, null, 2)}\n` : formatReport(report, schemaFile));
process.exitCode = report.ok ? 0 : 1;

/** The human report: the verdict first, one line per affected client and operation, then every change. */
function formatReport(r: SubgraphCheckReport, source: string): string {
  const lines = [`check-subgraph ${r.register}: ${source}`];
  if (!r.composition.ok) {
    lines.push(`${r.composition.code === 'POLICY_VIOLATION' ? 'policy' : 'composition'}: FAILED`);
    for (const error of r.composition.errors) lines.push(`  ${error}`);
    lines.push('result: FAIL (the proposed schema does not compose under the policy)');
    return `${lines.join('\n')}\n`;
  }
  lines.push('composition and policy: ok');
  const count = (level: string) => r.changes.filter((c) => c.level === level).length;
  lines.push(`changes against schema/supergraph.graphql: ${count('BREAKING')} breaking, ${count('DANGEROUS')} dangerous, ${count('SAFE')} safe`);
  for (const change of r.changes) {
    const note = change.unused ? ' (breaking, but no registered operation uses it)'
      : change.usedBy.length > 0 ? ` (used by ${change.usedBy.map((u) => `${u.client}/${u.operation}`).join(', ')})` : '';
    lines.push(`  ${change.level.padEnd(9)} ${change.path || '-'}: ${change.message}${note}`);
  }
  lines.push(`registered operations: ${r.operations.checked} checked, ${r.operations.affected.length} affected`);
  for (const op of r.operations.affected) {
    const why = op.errors.length > 0 ? `stops validating: ${op.errors.join(' ')}` : `uses breaking changes: ${op.changes.join(', ')}`;
    lines.push(`${op.client} ${op.operation}: ${why}`);
  }
  lines.push(r.ok ? 'result: PASS' : `result: FAIL (${r.operations.affected.length} registered operation(s) would break)`);
  return `${lines.join('\n')}\n`;
}
