import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { deepStrictEqual } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { DEFAULT_QUERY_LIMITS } from '../gateway/limits.js';
import { startBareGateway, startHubPipeline, subgraphUrlsOf, type GraphQLAnswer, type QueryTarget } from './conformance/gateways.js';

/**
 * `npm run audit:federation -- --audit-dir <checkout of graphql-hive/federation-gateway-audit> [--suite <id>]...
 * [--limit GATEWAY_MAX_DEPTH=20]... [--verbose]`
 *
 * Runs every suite of The Guild's federation gateway audit through the hub's real gateway pipeline (startGateway:
 * token, rate limit, request reading, trusted documents, validation and abuse limits, field authorization, planning,
 * subgraph transport) and, side by side, through a bare `@apollo/gateway`, and prints each suite's pass counts and
 * the totals. A test passes as in the audit's own runner: `data` deep-equal, and errors present exactly when the
 * test says so (when it says). Exit 1 when the hub fails a test that bare `@apollo/gateway` passes.
 * The audit's subgraphs are served by the audit's own server (scripts/conformance/serveAudit.ts), whose npm
 * packages must be installed in the checkout (`npm ci --omit=dev` there), never in this project.
 */
interface AuditTest {
  query: string;
  expected: { data?: unknown; errors?: boolean };
}

const args = process.argv.slice(2);
const values = (name: string) => args.flatMap((arg, index) => (arg === `--${name}` && args[index + 1] ? [args[index + 1]!] : []));
const auditDir = values('audit-dir')[0];
if (!auditDir || !existsSync(join(auditDir, 'src', 'index.ts'))) {
  process.stderr.write('usage: npm run audit:federation -- --audit-dir <checkout of graphql-hive/federation-gateway-audit> [--suite <id>]... [--limit GATEWAY_MAX_DEPTH=<n>]... [--verbose]\n');
  process.exit(2);
}
const onlySuites = new Set(values('suite'));
const verbose = args.includes('--verbose');
const LIMIT_VARIABLES = new Set(['GATEWAY_MAX_DEPTH', 'GATEWAY_MAX_ALIASES', 'GATEWAY_MAX_DIRECTIVES', 'GATEWAY_MAX_TOKENS', 'GATEWAY_MAX_COST']);
const limitEnv: Record<string, string> = {};
for (const setting of values('limit')) {
  const [name, value] = setting.split('=');
  if (!name || !LIMIT_VARIABLES.has(name) || !/^\d+$/.test(value ?? '')) {
    process.stderr.write(`--limit takes <variable>=<n> with one of ${[...LIMIT_VARIABLES].join(', ')}; got ${setting}\n`);
    process.exit(2);
  }
  limitEnv[name] = value!;
}

/** Codes with which the hub's abuse limits refuse a query. */
const LIMIT_CODES = new Set(['QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'TOO_MANY_DIRECTIVES', 'TOO_MANY_TOKENS', 'QUERY_TOO_COMPLEX']);

function passes(answer: GraphQLAnswer, expected: AuditTest['expected']): boolean {
  const errorsOptional = typeof expected.errors !== 'boolean';
  try {
    deepStrictEqual(
      { data: answer.data ?? null, errors: errorsOptional ? null : Boolean(answer.errors?.length) },
      { data: expected.data ?? null, errors: errorsOptional ? null : expected.errors },
    );
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function startAuditServer(): Promise<{ origin: string; child: ChildProcess }> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./conformance/serveAudit.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--audit-dir', resolve(auditDir!), '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the audit server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${origin}/_health`)).ok) return { origin, child };
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the audit server did not start within 60 s');
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** Runs a query, turning a thrown error (a target that cannot answer) into an answer with an error. */
async function ask(target: QueryTarget | Error, query: string): Promise<GraphQLAnswer> {
  if (target instanceof Error) return { errors: [{ message: target.message, extensions: { code: 'DID_NOT_START' } }] };
  try {
    return await target.query(query);
  } catch (error) {
    return { errors: [{ message: String(error), extensions: { code: 'REQUEST_FAILED' } }] };
  }
}

const audit = await startAuditServer();
const limitRefusals: string[] = [];
const results: Array<{ suite: string; tests: number; hub: number; bare: number; agree: number; hubOnlyFailures: string[] }> = [];
try {
  const ids = (await getJson<string[]>(`${audit.origin}/ids`)).filter((id) => onlySuites.size === 0 || onlySuites.has(id));
  const limits = { ...DEFAULT_QUERY_LIMITS };
  process.stdout.write(`Federation gateway audit: ${ids.length} suites from ${resolve(auditDir)}\n`);
  process.stdout.write(`The hub runs with authorization on (no field of these graphs is scope-guarded, so every field is allowed), rate limits on, and the abuse limits ${
    Object.keys(limitEnv).length === 0 ? 'at their defaults' : `RAISED FOR THIS RUN: ${Object.entries(limitEnv).map(([k, v]) => `${k}=${v}`).join(', ')}`
  } (defaults: depth ${limits.maxDepth}, aliases ${limits.maxAliases}, directives ${limits.maxDirectives}, tokens ${limits.maxTokens}, cost ${limits.maxCost}).\n\n`);
  for (const id of ids) {
    const supergraphSdl = await (await fetch(`${audit.origin}/${id}/supergraph`)).text();
    // Each side gets the suite's tests fetched afresh: a mutation suite's tests carry a new random request id per
    // fetch, and its subgraphs remember which ids they have seen, so the two sides must not share one list.
    const hub = await startHubPipeline({ supergraphSdl, subgraphUrls: subgraphUrlsOf(supergraphSdl), scopes: [], env: limitEnv }).catch((error: Error) => error);
    const hubTests = await getJson<AuditTest[]>(`${audit.origin}/${id}/tests`);
    const hubAnswers: GraphQLAnswer[] = [];
    for (const test of hubTests) hubAnswers.push(await ask(hub, test.query));
    if (!(hub instanceof Error)) await hub.stop();
    const bare = await startBareGateway({ supergraphSdl }).catch((error: Error) => error);
    const tests = await getJson<AuditTest[]>(`${audit.origin}/${id}/tests`);
    const bareAnswers: GraphQLAnswer[] = [];
    for (const test of tests) bareAnswers.push(await ask(bare, test.query));
    if (!(bare instanceof Error)) await bare.stop();
    const result = { suite: id, tests: tests.length, hub: 0, bare: 0, agree: 0, hubOnlyFailures: [] as string[] };
    for (const [index, test] of hubTests.entries()) {
      const [hubAnswer, bareAnswer] = [hubAnswers[index]!, bareAnswers[index]!];
      const hubPassed = passes(hubAnswer, test.expected);
      const barePassed = passes(bareAnswer, tests[index]!.expected);
      if (hubPassed) result.hub += 1;
      if (barePassed) result.bare += 1;
      // The same answer as bare @apollo/gateway's, right or wrong: data equal, errors present on both or neither.
      if (passes(hubAnswer, { data: bareAnswer.data, errors: Boolean(bareAnswer.errors?.length) })) result.agree += 1;
      const refusal = (hubAnswer.errors ?? []).find((error) => LIMIT_CODES.has(String(error.extensions?.code)));
      if (refusal) limitRefusals.push(`${id}_${index}: ${refusal.message}`);
      if (barePassed && !hubPassed) result.hubOnlyFailures.push(`${id}_${index}${refusal ? ` (refused by an abuse limit: ${refusal.message})` : ''}`);
      if (verbose && hubPassed !== barePassed) {
        process.stdout.write(`--- ${id}_${index}: hub ${hubPassed ? 'pass' : 'FAIL'}, bare ${barePassed ? 'pass' : 'FAIL'}\n${test.query.trim()}\nexpected ${JSON.stringify(test.expected)}\nhub      ${JSON.stringify(hubAnswer)}\nbare     ${JSON.stringify(bareAnswer)}\n`);
      }
    }
    results.push(result);
    const note = hub instanceof Error ? `  (hub did not start: ${hub.message.split('\n')[0]})` : '';
    process.stdout.write(`${id.padEnd(38)} hub ${String(result.hub).padStart(2)}/${result.tests}   bare @apollo/gateway ${String(result.bare).padStart(2)}/${result.tests}   same answer ${String(result.agree).padStart(2)}/${result.tests}${note}\n`);
  }
} finally {
  audit.child.kill('SIGTERM');
}

const total = results.reduce((sum, r) => sum + r.tests, 0);
const hubPassed = results.reduce((sum, r) => sum + r.hub, 0);
const barePassed = results.reduce((sum, r) => sum + r.bare, 0);
const suitesHub = results.filter((r) => r.hub === r.tests).length;
const suitesBare = results.filter((r) => r.bare === r.tests).length;
const hubOnly = results.flatMap((r) => r.hubOnlyFailures);
const agreed = results.reduce((sum, r) => sum + r.agree, 0);
process.stdout.write(`\nTotal: hub ${hubPassed}/${total} tests (${suitesHub}/${results.length} suites whole); bare @apollo/gateway ${barePassed}/${total} tests (${suitesBare}/${results.length} suites whole); the same answer from both: ${agreed}/${total}\n`);
if (limitRefusals.length > 0) process.stdout.write(`Refused by the hub's abuse limits in this run: ${limitRefusals.join('; ')}\n`);
process.stdout.write(hubOnly.length === 0 ? 'The hub passes every test bare @apollo/gateway passes.\n' : `Failed by the hub, passed by bare @apollo/gateway: ${hubOnly.join(', ')}\n`);
process.exit(hubOnly.length === 0 ? 0 : 1);
