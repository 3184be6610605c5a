import { Kind, valueFromASTUntyped, type ConstDirectiveNode, type DirectiveNode, type DocumentNode } from 'graphql';

/** The directives the schema checks care about, by their spec name. */
export type WatchedDirective = 'authenticated' | 'requiresScopes' | 'tag' | 'inaccessible' | 'shareable';

/** The names a document uses for each watched directive, and for the `Scope` scalars of `@requiresScopes`. */
export interface LinkedNames {
  readonly directives: Readonly<Record<WatchedDirective, ReadonlySet<string>>>;
  readonly scopeScalars: ReadonlySet<string>;
  /** The `@link` directive nodes that bring in `@authenticated` or `@requiresScopes` on their own. */
  readonly authorizationLinks: ReadonlySet<DirectiveNode>;
}

// Which spec (by the name segment of its @link url) provides which watched directive. Federation re-exports the
// four others; `@shareable` is federation's own.
const PROVIDERS: Record<string, readonly WatchedDirective[]> = {
  federation: ['authenticated', 'requiresScopes', 'tag', 'inaccessible', 'shareable'],
  authenticated: ['authenticated'],
  requiresScopes: ['requiresScopes'],
  tag: ['tag'],
  inaccessible: ['inaccessible'],
};
const WATCHED: readonly WatchedDirective[] = ['authenticated', 'requiresScopes', 'tag', 'inaccessible', 'shareable'];

/**
 * Resolves the local names of the watched directives from the document's `@link`s, following the rules of the
 * link spec (https://specs.apollo.dev/link/v1.0): imported names (and their `as:` renames) are used bare, the
 * directive named after its spec takes the spec's local name, anything else is prefixed `<local name>__`.
 */
export function linkedNames(document: DocumentNode): LinkedNames {
  const found: Record<WatchedDirective, Set<string>> = {
    authenticated: new Set(), requiresScopes: new Set(), tag: new Set(), inaccessible: new Set(), shareable: new Set(),
  };
  const scopeScalars = new Set<string>();
  const authorizationLinks = new Set<DirectiveNode>();
  for (const link of schemaLinks(document)) {
    const args = Object.fromEntries((link.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
    const specName = typeof args.url === 'string' ? specNameOf(args.url) : undefined;
    const provides = specName === undefined ? undefined : PROVIDERS[specName];
    if (specName === undefined || provides === undefined) continue;
    if (specName === 'authenticated' || specName === 'requiresScopes') authorizationLinks.add(link);
    const localName = typeof args.as === 'string' ? args.as : specName;
    const imports = importsOf(args.import);
    for (const directive of provides) {
      const name = imports.get(`@${directive}`) ?? (directive === specName ? `@${localName}` : `@${localName}__${directive}`);
      found[directive].add(name.slice(1));
    }
    if (provides.includes('requiresScopes')) scopeScalars.add(imports.get('Scope') ?? `${localName}__Scope`);
  }
  // A document without @link (plain SDL, or a hand-written test schema) uses the standard names.
  for (const directive of WATCHED) if (found[directive].size === 0) found[directive].add(directive);
  return { directives: found, scopeScalars, authorizationLinks };
}

function schemaLinks(document: DocumentNode): ConstDirectiveNode[] {
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION
      ? (definition.directives ?? []).filter((d) => d.name.value === 'link' || d.name.value === 'core')
      : [],
  );
}

// "https://specs.apollo.dev/requiresScopes/v0.1" -> "requiresScopes"
function specNameOf(url: string): string | undefined {
  const segments = url.replace(/\/+$/, '').split('/');
  const last = segments.at(-1);
  return last !== undefined && /^v\d+\.\d+$/.test(last) ? segments.at(-2) : last;
}

// import: ["@key", { name: "@requiresScopes", as: "@scopes" }] -> Map { "@key" => "@key", "@requiresScopes" => "@scopes" }
function importsOf(value: unknown): Map<string, string> {
  const imports = new Map<string, string>();
  if (!Array.isArray(value)) return imports;
  for (const item of value) {
    if (typeof item === 'string') imports.set(item, item);
    else if (item !== null && typeof item === 'object' && typeof item.name === 'string') {
      imports.set(item.name, typeof item.as === 'string' ? item.as : item.name);
    }
  }
  return imports;
}
