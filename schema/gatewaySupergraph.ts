import {
  Kind, parse, print, valueFromASTUntyped, visit,
  type ASTNode, type ConstDirectiveNode, type DocumentNode,
} from 'graphql';
import { linkedNames } from './linkedDirectives.js';

/** What a field needs: an authenticated caller, and (when `scopes` is set) every scope of at least one inner list. */
export interface AuthorizationRequirement {
  readonly authenticated: boolean;
  /** OR of ANDs, as in Apollo Router's `@requiresScopes`; null when only authentication is required. */
  readonly scopes: string[][] | null;
}

/**
 * A copy of the supergraph that `@apollo/gateway` 2.14 will load: it refuses `@link`s with `for: SECURITY` that it
 * does not implement (authenticated, requiresScopes) and would enforce neither anyway, so they go, with their
 * definitions and every use. The gateway must then enforce `authorizationRequirements()` of the original itself.
 */
export function loadableSupergraph(supergraphSdl: string): string {
  const document = parse(supergraphSdl);
  const names = linkedNames(document);
  const drop = new Set([...names.directives.authenticated, ...names.directives.requiresScopes]);
  const stripped = visit(document, {
    // The @link directives themselves, then every use of the directives they brought in.
    Directive: (node) => (names.authorizationLinks.has(node) || drop.has(node.name.value) ? null : undefined),
    DirectiveDefinition: (node) => (drop.has(node.name.value) ? null : undefined),
    // requiresScopes__Scope is only used by the @requiresScopes definition that went above.
    ScalarTypeDefinition: (node) => (names.scopeScalars.has(node.name.value) ? null : undefined),
  });
  // link__Purpose keeps SECURITY: @inaccessible's @link still says for: SECURITY, and the gateway supports that one.
  return `${print(stripped)}\n`;
}

/**
 * The `@authenticated`/`@requiresScopes` requirements of every field that has them, keyed `Type.field`, from a
 * supergraph or a subgraph SDL. A directive on a type applies to each of its fields (the stricter reading of Apollo
 * Router's type-level rule), combined with the field's own by AND.
 */
export function authorizationRequirements(sdl: string): Map<string, AuthorizationRequirement> {
  const document: DocumentNode = parse(sdl);
  const names = linkedNames(document);
  const requirementOf = (directives: readonly ConstDirectiveNode[] | undefined): AuthorizationRequirement | undefined => {
    let result: AuthorizationRequirement | undefined;
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (names.directives.authenticated.has(name)) result = both(result, { authenticated: true, scopes: null });
      if (names.directives.requiresScopes.has(name)) result = both(result, { authenticated: true, scopes: scopesOf(directive) });
    }
    return result;
  };

  // Types may be split over a definition and extensions (subgraph SDL): gather the type-level part first.
  const typeLevel = new Map<string, AuthorizationRequirement | undefined>();
  for (const definition of objectLike(document)) {
    const name = definition.name.value;
    typeLevel.set(name, both(typeLevel.get(name), requirementOf(definition.directives)));
  }
  const requirements = new Map<string, AuthorizationRequirement>();
  for (const definition of objectLike(document)) {
    for (const field of definition.fields ?? []) {
      const coordinate = `${definition.name.value}.${field.name.value}`;
      const requirement = both(both(requirements.get(coordinate), typeLevel.get(definition.name.value)), requirementOf(field.directives));
      if (requirement) requirements.set(coordinate, requirement);
    }
  }
  return requirements;
}

function objectLike(document: DocumentNode) {
  return document.definitions.filter(
    (d): d is Extract<ASTNode, { kind: Kind.OBJECT_TYPE_DEFINITION | Kind.OBJECT_TYPE_EXTENSION | Kind.INTERFACE_TYPE_DEFINITION | Kind.INTERFACE_TYPE_EXTENSION }> =>
      d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION ||
      d.kind === Kind.INTERFACE_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_EXTENSION,
  );
}

function scopesOf(directive: ConstDirectiveNode): string[][] {
  const argument = directive.arguments?.find((a) => a.name.value === 'scopes');
  const value: unknown = argument ? valueFromASTUntyped(argument.value) : undefined;
  if (!Array.isArray(value) || !value.every((and) => Array.isArray(and) && and.every((s) => typeof s === 'string'))) {
    throw new TypeError(`@${directive.name.value}: scopes must be a list of lists of strings`);
  }
  return value as string[][];
}

// Both requirements must hold: (A1 or A2) and (B1 or B2) = A1B1 or A1B2 or A2B1 or A2B2.
function both(a: AuthorizationRequirement | undefined, b: AuthorizationRequirement | undefined): AuthorizationRequirement | undefined {
  if (!a) return b;
  if (!b) return a;
  const [left, right] = [a.scopes, b.scopes];
  const scopes = left === null ? right : right === null ? left
    : left.flatMap((x) => right.map((y) => [...new Set([...x, ...y])]));
  return { authenticated: a.authenticated || b.authenticated, scopes };
}
