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
  readonly register: 'population' | 'tax' | 'vehicles' | 'education' | 'hub';
  readonly classification: ScopeClassification;
  readonly description: Readonly<{ fi: string; sv: string; en: string }>;
}

const REGISTERS = new Set(['population', 'tax', 'vehicles', 'education', 'hub']);
const CLASSIFICATIONS = new Set(['personal', 'derived', 'account']);

// Validated once at import: a malformed catalogue must stop the service that reads it, not show a blank consent line.
const CATALOGUE: readonly ScopeEntry[] = Object.freeze(
  (catalogueJson as unknown[]).map((raw, index) => Object.freeze(validate(raw, index))),
);
const KNOWN = new Set(CATALOGUE.map((entry) => entry.scope));
if (KNOWN.size !== CATALOGUE.length) throw new TypeError('schema/scopes.json: a scope is listed twice');

/** The scope catalogue from schema/scopes.json, validated and frozen. */
export function scopeCatalogue(): readonly ScopeEntry[] {
  return CATALOGUE;
}

/** True when `scope` is in the catalogue (OIDC scopes such as `openid` are not). */
export function isKnownScope(scope: string): boolean {
  return KNOWN.has(scope);
}

function validate(raw: unknown, index: number): ScopeEntry {
  const entry = raw as Partial<ScopeEntry> | null;
  const where = `schema/scopes.json[${index}]`;
  if (typeof entry?.scope !== 'string' || !/^[a-z]+(:[a-z]+)?$/.test(entry.scope)) {
    throw new TypeError(`${where}: scope must be a lower-case name like "tax:income"`);
  }
  if (typeof entry.register !== 'string' || !REGISTERS.has(entry.register)) {
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
