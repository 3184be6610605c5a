import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, readSubgraphRegistry } from '../lib/subgraphRegistry.js';
import catalogueJson from './scopes.json' with { type: 'json' };

/**
 * What kind of data a scope releases. `health` is never in the catalogue: it exists in the type only so
 * that the schema policy can name it when it refuses it (GDPR art. 9; see policy.ts). `caseworker` scopes
 * (`cases:<queue>`, schema/caseScopes.ts) are never in this file either: no citizen or partner is offered them.
 */
export type ScopeClassification = 'personal' | 'derived' | 'account' | 'caseworker' | 'health';

/** One consentable item, with the wording the consent screen shows in Finnish, Swedish and English. */
export interface ScopeEntry {
  readonly scope: string;
  /** A subgraph of `subgraphs/registry.json`, or `hub` for the hub's own account scopes. */
  readonly register: string;
  readonly classification: ScopeClassification;
  readonly description: Readonly<{ fi: string; sv: string; en: string }>;
}

// Registers come from the subgraph registry, so that a new register's scopes are valid once it has joined.
const registersOf = (root: string): ReadonlySet<string> => new Set([...readSubgraphRegistry(root).map((entry) => entry.name), 'hub']);
const CLASSIFICATIONS = new Set(['personal', 'derived', 'account']);

// Validated once at import: a malformed catalogue must stop the service that reads it, not show a blank consent line.
const CATALOGUE: readonly ScopeEntry[] = validateCatalogue(catalogueJson, registersOf(REPO_ROOT));
const KNOWN = new Set(CATALOGUE.map((entry) => entry.scope));

/** The scope catalogue of another copy of the tree (`<root>/schema/scopes.json`), validated against its registry. */
export function readScopeCatalogue(root: string): readonly ScopeEntry[] {
  return validateCatalogue(JSON.parse(readFileSync(join(root, 'schema', 'scopes.json'), 'utf8')), registersOf(root));
}

/**
 * A scope catalogue file published beside a supergraph (the gateway's `SUPERGRAPH_PATH` folder), validated; its
 * registers are those of that supergraph, which this tree's registry may not know yet, so they are not checked.
 */
export function readScopeCatalogueFile(file: string): readonly ScopeEntry[] {
  return validateCatalogue(JSON.parse(readFileSync(file, 'utf8')), undefined);
}

function validateCatalogue(raw: unknown, registers: ReadonlySet<string> | undefined): readonly ScopeEntry[] {
  if (!Array.isArray(raw)) throw new TypeError('schema/scopes.json: expected an array');
  const catalogue = Object.freeze(raw.map((entry, index) => Object.freeze(validate(entry, index, registers))));
  if (new Set(catalogue.map((entry) => entry.scope)).size !== catalogue.length) throw new TypeError('schema/scopes.json: a scope is listed twice');
  return catalogue;
}

/** The scope catalogue from schema/scopes.json, validated and frozen. */
export function scopeCatalogue(): readonly ScopeEntry[] {
  return CATALOGUE;
}

/** True when `scope` is in the catalogue (OIDC scopes such as `openid` are not). */
export function isKnownScope(scope: string): boolean {
  return KNOWN.has(scope);
}

function validate(raw: unknown, index: number, registers: ReadonlySet<string> | undefined): ScopeEntry {
  const entry = raw as Partial<ScopeEntry> | null;
  const where = `schema/scopes.json[${index}]`;
  if (typeof entry?.scope !== 'string' || !/^[a-z]+(:[a-z]+)?$/.test(entry.scope)) {
    throw new TypeError(`${where}: scope must be a lower-case name like "tax:income"`);
  }
  if (typeof entry.register !== 'string' || !/^[a-z]+$/.test(entry.register) || (registers && !registers.has(entry.register))) {
    throw new TypeError(`${where} (${entry.scope}): unknown register ${String(entry.register)}`);
  }
  // Health is refused here as well as by the schema policy: no consent screen may ever offer it.
  if (typeof entry.classification !== 'string' || !CLASSIFICATIONS.has(entry.classification)) {
    throw new TypeError(`${where} (${entry.scope}): classification ${String(entry.classification)} is not allowed`);
  }
  for (const language of ['fi', 'sv', 'en'] as const) {
    const text = entry.description?.[language];
    if (typeof text !== 'string' || text.trim() === '') {
      throw new TypeError(`${where} (${entry.scope}): description.${language} is missing`);
    }
  }
  return { ...entry, description: Object.freeze({ ...entry.description }) } as ScopeEntry;
}
