import {
  GraphQLError, Kind, isTypeDefinitionNode, isTypeExtensionNode, parse, valueFromASTUntyped, visit,
  type ConstDirectiveNode, type DocumentNode,
} from 'graphql';
import vocabularyJson from './health-vocabulary.json' with { type: 'json' };
import { authorizationRequirements } from './gatewaySupergraph.js';
import { caseScopeEntries } from './caseScopes.js';
import { partnerReachableFields } from './hubOnlyFields.js';
import { linkedNames } from './linkedDirectives.js';
import { meRootFindings } from './meRoot.js';
import type { ScopeEntry } from './scopes.js';

/** Why a schema was refused; a closed list so that tests and the compose CLI can rely on it. */
export type PolicyCode =
  | 'INVALID_SDL'
  | 'MISSING_AUTHORIZATION'
  | 'AUTHENTICATED_ONLY'
  | 'UNKNOWN_SCOPE'
  | 'HEALTH_SCOPE'
  | 'HEALTH_DATA'
  | 'PERSON_IDENTIFIER_ARGUMENT'
  | 'PARTNER_REACHABLE'
  | 'ME_ROOT';

/** One broken rule, at a schema coordinate (`Type`, `Type.field`, `Type.field(arg:)` or `Enum.VALUE`). */
export interface PolicyViolation {
  readonly code: PolicyCode;
  readonly subgraph: string;
  readonly coordinate: string;
  readonly message: string;
}

/** A subgraph's name and its SDL as written in `subgraphs/<name>/schema.graphql`. */
export interface SubgraphSdl {
  readonly name: string;
  readonly typeDefs: string;
}

/**
 * Health words (GDPR art. 9 special category). Driving licences show why a list of names is needed at all: the
 * vehicles register holds the EU harmonised restriction codes 01-05 of Directive 2006/126/EC (vision, hearing,
 * prostheses, medical limits), and a field carrying them is health data whatever scope guards it.
 */
export const HEALTH_VOCABULARY: readonly string[] = Object.freeze([...vocabularyJson.terms]);
/** Coordinates whose name uses a health word but that hold no health data (each with its reason in the JSON). */
const HEALTH_NAME_EXEMPTIONS: ReadonlySet<string> = new Set(Object.keys(vocabularyJson.exemptCoordinates).filter((key) => !key.startsWith('$')));

// Root fields never take a person's identifier: `me` is always the token's subject (CONTRACT.md, GraphQL API).
const PERSON_IDENTIFIER_ARGUMENTS = /^(personalIdentityCode|hetu|henkilotunnus|ssn|personId|personalId|subject|sub)$/i;
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * The only fields `@authenticated` alone may guard, each with why it reveals nothing: every other field is data and
 * needs a scope, or any token (a partner's under any consent) would read it, and its null would tell whether the
 * person has a record there. Adding to this list is a security review, not a convenience.
 */
export const AUTHENTICATED_ONLY_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  'Person.id': "the entity key joining the registers: @inaccessible in the API, and only ever the token's own subject",
  'Query.me': "the token's own subject, an entry point that carries no data of its own",
});

/**
 * Checks the hub's schema rules on subgraph SDL: every field is guarded by `@authenticated` or `@requiresScopes`,
 * only {@link AUTHENTICATED_ONLY_FIELDS} by `@authenticated` alone,
 * every scope is in the catalogue and none is classified health, nothing is health data, no root field takes
 * a person's identifier, and every subgraph with Person fields declares the shared `me` (schema/meRoot.ts).
 */
export function checkSchemaPolicy(
  subgraphs: readonly SubgraphSdl[],
  catalogue: readonly ScopeEntry[],
  vocabulary: readonly string[] = HEALTH_VOCABULARY,
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  // Caseworkers' scopes (`cases:<queue>`) are known to the policy without being consentable (schema/caseScopes.ts).
  const classification = new Map([...catalogue, ...caseScopeEntries()].map((entry) => [entry.scope, entry.classification]));
  for (const { name: subgraph, typeDefs } of subgraphs) {
    const add = (code: PolicyCode, coordinate: string, message: string): void => {
      violations.push({ code, subgraph, coordinate, message: `[${subgraph}] ${coordinate}: ${message}` });
    };
    let document: DocumentNode;
    try {
      document = parse(typeDefs);
    } catch (error) {
      add('INVALID_SDL', '', error instanceof GraphQLError ? error.message : String(error));
      continue;
    }
    // Every field, including Query and Mutation: a field nobody thought to guard is readable with any token.
    const requirements = authorizationRequirements(typeDefs);
    for (const coordinate of fieldCoordinates(document)) {
      if (!requirements.has(coordinate)) {
        add('MISSING_AUTHORIZATION', coordinate, 'has neither @authenticated nor @requiresScopes');
      }
    }
    for (const [coordinate, { scopes }] of requirements) {
      // `scopes: [[]]` is satisfied by any token: an empty alternative is @authenticated alone under another name.
      const anyToken = scopes === null || scopes.some((all) => all.length === 0);
      if (anyToken && !(coordinate in AUTHENTICATED_ONLY_FIELDS)) {
        add('AUTHENTICATED_ONLY', coordinate, 'is guarded by @authenticated alone; a data field needs @requiresScopes with scopes of its register');
      }
    }
    for (const [coordinate, { scopes }] of requirements) {
      for (const scope of new Set((scopes ?? []).flat())) {
        const kind = classification.get(scope);
        if (kind === undefined) add('UNKNOWN_SCOPE', coordinate, `scope "${scope}" is not in schema/scopes.json`);
        else if (kind === 'health') add('HEALTH_SCOPE', coordinate, `scope "${scope}" is classified as health data`);
      }
    }
    for (const { coordinate, reason } of healthFindings(document, vocabulary)) add('HEALTH_DATA', coordinate, reason);
    for (const { coordinate, reason } of partnerReachableFields(subgraph, document, requirements, classification)) add('PARTNER_REACHABLE', coordinate, reason);
    for (const coordinate of personIdentifierArguments(document)) {
      add('PERSON_IDENTIFIER_ARGUMENT', coordinate, 'a root field may not take a person identifier; use `me`');
    }
    for (const { coordinate, reason } of meRootFindings(document, requirements)) add('ME_ROOT', coordinate, reason);
  }
  return violations;
}

/**
 * Schema coordinates whose names use the health vocabulary, in any SDL (a subgraph or an API schema). Names are
 * split into camelCase/snake_case words and a term matches a run of words that each start with the term's words,
 * so `medicalRestrictionCodes` and `restrictionCodes` match but `registrationNumber` and `revision` do not.
 */
export function healthNames(sdl: string, vocabulary: readonly string[] = HEALTH_VOCABULARY): string[] {
  return healthFindings(parse(sdl), vocabulary).filter((f) => f.byName).map((f) => f.coordinate);
}

/** True when a GraphQL name contains a health term (see `healthNames` for the matching rule). */
export function isHealthName(name: string, vocabulary: readonly string[] = HEALTH_VOCABULARY): boolean {
  const words = wordsOf(name);
  return vocabulary.some((term) => {
    const termWords = wordsOf(term);
    return words.some((_, start) => termWords.every((t, i) => words[start + i]?.startsWith(t) ?? false));
  });
}

interface HealthFinding { coordinate: string; reason: string; byName: boolean }

// Health is refused outright, @inaccessible or not: inaccessible fields stay in the subgraph schema and can be
// fetched through `_entities` by anyone holding that subgraph's credential, so health data must not be there at all.
function healthFindings(document: DocumentNode, vocabulary: readonly string[]): HealthFinding[] {
  const findings: HealthFinding[] = [];
  const tagNames = linkedNames(document).directives.tag;
  const hasHealthTag = (directives: readonly ConstDirectiveNode[] | undefined): boolean =>
    (directives ?? []).some((d) => tagNames.has(d.name.value) &&
      d.arguments?.some((a) => a.name.value === 'name' && String(valueFromASTUntyped(a.value)).toLowerCase() === 'health'));
  const check = (coordinate: string, name: string, directives: readonly ConstDirectiveNode[] | undefined): void => {
    if (hasHealthTag(directives)) findings.push({ coordinate, reason: 'is tagged health; health data may not be in any subgraph schema', byName: false });
    if (isHealthName(name, vocabulary) && !HEALTH_NAME_EXEMPTIONS.has(coordinate)) findings.push({ coordinate, reason: `the name "${name}" denotes health data (GDPR art. 9), which may not be in any schema`, byName: true });
  };
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const type = definition.name.value;
    if (type.startsWith('__') || type.includes('__')) continue; // introspection and link-spec types (join__Graph, ...)
    check(type, type, definition.directives);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        const coordinate = `${type}.${field.name.value}`;
        check(coordinate, field.name.value, field.directives);
        for (const argument of 'arguments' in field ? field.arguments ?? [] : []) {
          check(`${coordinate}(${argument.name.value}:)`, argument.name.value, argument.directives);
        }
      }
    }
    if ('values' in definition) {
      for (const value of definition.values ?? []) check(`${type}.${value.name.value}`, value.name.value, value.directives);
    }
  }
  return findings;
}

function fieldCoordinates(document: DocumentNode): string[] {
  const coordinates: string[] = [];
  visit(document, {
    ObjectTypeDefinition: (node) => { for (const f of node.fields ?? []) coordinates.push(`${node.name.value}.${f.name.value}`); },
    ObjectTypeExtension: (node) => { for (const f of node.fields ?? []) coordinates.push(`${node.name.value}.${f.name.value}`); },
  });
  return coordinates;
}

function personIdentifierArguments(document: DocumentNode): string[] {
  const found: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    if (!ROOT_TYPES.has(definition.name.value)) continue;
    for (const field of definition.fields ?? []) {
      for (const argument of field.arguments ?? []) {
        if (PERSON_IDENTIFIER_ARGUMENTS.test(argument.name.value)) {
          found.push(`${definition.name.value}.${field.name.value}(${argument.name.value}:)`);
        }
      }
    }
  }
  return found;
}

function wordsOf(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((w) => w.toLowerCase());
}
