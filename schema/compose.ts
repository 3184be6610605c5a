import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse, printSchema } from 'graphql';
import { checkSchemaPolicy, healthNames, type PolicyViolation } from './policy.js';
import { scopeCatalogue, type ScopeEntry } from './scopes.js';

/** A subgraph to compose: its name, the address written into the supergraph, and its SDL. */
export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  readonly typeDefs: string;
}

/** A composed supergraph: the SDL to commit, the client-facing API schema, and composition hints. */
export interface ComposedSupergraph {
  readonly supergraphSdl: string;
  readonly apiSchemaSdl: string;
  readonly hints: string[];
}

/** Why composition was refused: the composer's own errors, or the hub's schema policy. */
export class SchemaCompositionError extends Error {
  readonly code: 'COMPOSITION_FAILED' | 'POLICY_VIOLATION';
  readonly details: readonly string[];
  readonly violations: readonly PolicyViolation[];
  constructor(code: SchemaCompositionError['code'], details: readonly string[], violations: readonly PolicyViolation[] = []) {
    const what = code === 'POLICY_VIOLATION' ? 'the schema policy refused the subgraphs' : 'composition failed';
    super(`${what}:\n${details.map((d) => `  - ${d}`).join('\n')}`);
    this.name = 'SchemaCompositionError';
    this.code = code;
    this.details = details;
    this.violations = violations;
  }
}

/** The subgraphs in supergraph order, with the default addresses of CONTRACT.md (the gateway overrides them). */
export const DEFAULT_SUBGRAPH_URLS: Readonly<Record<string, string>> = Object.freeze({
  population: 'http://127.0.0.1:4001/graphql',
  tax: 'http://127.0.0.1:4002/graphql',
  vehicles: 'http://127.0.0.1:4003/graphql',
  education: 'http://127.0.0.1:4004/graphql',
  consent: 'http://127.0.0.1:4100/graphql',
  requests: 'http://127.0.0.1:4005/graphql',
});

/** Where each subgraph's schema lives: registers under `subgraphs/`, the hub's own under `consent/` and `requests/`. */
const SCHEMA_PATHS: Readonly<Record<string, string>> = Object.freeze({
  population: 'subgraphs/population/schema.graphql',
  tax: 'subgraphs/tax/schema.graphql',
  vehicles: 'subgraphs/vehicles/schema.graphql',
  education: 'subgraphs/education/schema.graphql',
  consent: 'consent/subgraph/schema.graphql',
  requests: 'requests/schema.graphql',
});

// Walk up to package.json so that this works from schema/ under tsx and from dist/schema/ once built.
const REPO_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/** Where `npm run compose` writes the supergraph (committed). */
export const SUPERGRAPH_PATH: string = join(REPO_ROOT, 'schema', 'supergraph.graphql');

/** Reads the schema of every subgraph (the four registers, the consent and requests services), with their default addresses. */
export function readSubgraphSchemas(root: string = REPO_ROOT): SubgraphSource[] {
  return Object.entries(DEFAULT_SUBGRAPH_URLS).map(([name, url]) => ({
    name, url, typeDefs: readFileSync(join(root, SCHEMA_PATHS[name]!), 'utf8'),
  }));
}

/**
 * Checks the schema policy, composes with `@apollo/composition`, and checks the resulting API schema for health
 * names once more (composition could in principle merge in names no single subgraph check saw); throws
 * `SchemaCompositionError` with readable messages on any failure.
 */
export function composeSupergraph(
  subgraphs: readonly SubgraphSource[],
  catalogue: readonly ScopeEntry[] = scopeCatalogue(),
): ComposedSupergraph {
  // Policy first: a health field must be refused even when it would compose fine.
  const violations = checkSchemaPolicy(subgraphs, catalogue);
  if (violations.length > 0) throw new SchemaCompositionError('POLICY_VIOLATION', violations.map((v) => v.message), violations);

  const result = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs: parse(typeDefs) })));
  if (result.errors) throw new SchemaCompositionError('COMPOSITION_FAILED', result.errors.map((e) => e.message));

  const apiSchemaSdl = printSchema(result.schema.toAPISchema().toGraphQLJSSchema());
  const health = healthNames(apiSchemaSdl);
  if (health.length > 0) {
    const found = health.map((coordinate) => ({
      code: 'HEALTH_DATA' as const, subgraph: 'supergraph', coordinate,
      message: `[supergraph] ${coordinate}: health data in the API schema`,
    }));
    throw new SchemaCompositionError('POLICY_VIOLATION', found.map((v) => v.message), found);
  }
  return { supergraphSdl: result.supergraphSdl, apiSchemaSdl, hints: result.hints.map((h) => h.toString()) };
}

/** The exact text of schema/supergraph.graphql for a composed supergraph (what the staleness test compares). */
export function supergraphFileText(supergraphSdl: string): string {
  return `# Generated by \`npm run compose\` from subgraphs/*/schema.graphql, consent/subgraph/schema.graphql and requests/schema.graphql: do not edit by hand.\n${supergraphSdl}\n`;
}

function main(): void {
  try {
    const { supergraphSdl, hints } = composeSupergraph(readSubgraphSchemas());
    for (const hint of hints) process.stderr.write(`hint: ${hint}\n`);
    writeFileSync(SUPERGRAPH_PATH, supergraphFileText(supergraphSdl));
    process.stdout.write(`wrote ${SUPERGRAPH_PATH}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

// `tsx schema/compose.ts` (npm run compose): argv[1] is this file; when imported (tests, gateway) it is not.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
