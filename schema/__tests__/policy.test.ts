import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { readSubgraphSchemas } from '../compose.js';
import { AUTHENTICATED_ONLY_FIELDS, checkSchemaPolicy, isHealthName } from '../policy.js';
import { scopeCatalogue, type ScopeEntry } from '../scopes.js';

const LINK = '@link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@tag", "@inaccessible", "@authenticated", "@requiresScopes"])';
/** The `me` every subgraph with Person fields declares (schema/meRoot.ts). */
const ME = 'type Query { me: Person! @shareable @authenticated }';
const check = (typeDefs: string, catalogue: readonly ScopeEntry[] = scopeCatalogue()) =>
  checkSchemaPolicy([{ name: 'crafted', typeDefs: `extend schema ${LINK}\n${typeDefs}` }], catalogue);
const codes = (violations: { code: string; coordinate: string }[]) => violations.map((v) => `${v.code} ${v.coordinate}`);

describe('checkSchemaPolicy', () => {
  it('passes the real subgraphs', () => {
    expect(checkSchemaPolicy(readSubgraphSchemas(), scopeCatalogue())).toEqual([]);
  });

  it('refuses a field with neither @authenticated nor @requiresScopes, Query included', () => {
    const violations = check('type Query { me: Person! @shareable @authenticated  ping: String }\ntype Person @key(fields: "id") { id: ID! @authenticated  nickname: String }');
    expect(codes(violations)).toEqual(['MISSING_AUTHORIZATION Query.ping', 'MISSING_AUTHORIZATION Person.nickname']);
    expect(violations[0]?.message).toBe('[crafted] Query.ping: has neither @authenticated nor @requiresScopes');
  });

  it('refuses a data field guarded by @authenticated alone (or by an empty scope list); only Person.id and Query.me may be', () => {
    const violations = check([
      'type Query { me: Person! @shareable @authenticated  lastChanged: String @authenticated }',
      'type Person @key(fields: "id") { id: ID! @authenticated  taxUpdatedAt: String @authenticated  anyone: String @requiresScopes(scopes: [[]]) }',
      'type Secret @authenticated { value: String }',
    ].join('\n'));
    expect(codes(violations)).toEqual([
      'AUTHENTICATED_ONLY Query.lastChanged', 'AUTHENTICATED_ONLY Person.taxUpdatedAt', 'AUTHENTICATED_ONLY Person.anyone', 'AUTHENTICATED_ONLY Secret.value',
    ]);
    expect(violations[1]?.message).toBe('[crafted] Person.taxUpdatedAt: is guarded by @authenticated alone; a data field needs @requiresScopes with scopes of its register');
    expect(Object.keys(AUTHENTICATED_ONLY_FIELDS).sort()).toEqual(['Person.id', 'Query.me']);
  });

  it('refuses a partner-grantable scope, or a bare @authenticated, on any field of the hub-only requests subgraph', () => {
    const requests = readSubgraphSchemas().find((s) => s.name === 'requests')!;
    expect(checkSchemaPolicy([requests], scopeCatalogue())).toEqual([]);
    const leaky = requests.typeDefs
      .replace('requests: [ServiceRequest!]! @requiresScopes(scopes: [["self"]])', 'requests: [ServiceRequest!]! @requiresScopes(scopes: [["self"], ["population:name"]])')
      .replace(/  text: String! @requiresScopes\(scopes: \[\["self"\][^)]*\)/, '  text: String! @authenticated')
      .replace(/  caseQueue\(status: RequestStatus\): \[ServiceRequest!\]! @requiresScopes\(scopes: \[[^)]*\)/, '  caseQueue(status: RequestStatus): [ServiceRequest!]! @requiresScopes(scopes: [["cases:tax", "tax:income"]])');
    expect(leaky).not.toBe(requests.typeDefs);
    const violations = checkSchemaPolicy([{ name: 'requests', typeDefs: leaky }], scopeCatalogue());
    expect(codes(violations)).toEqual(['AUTHENTICATED_ONLY ServiceRequest.text', 'PARTNER_REACHABLE Person.requests', 'PARTNER_REACHABLE Query.caseQueue', 'PARTNER_REACHABLE ServiceRequest.text']);
    expect(violations[1]?.message).toContain('a partner can be granted "population:name"');
    // The same schema under a register's name is not hub-only: partner scopes are that register's business (a bare
    // @authenticated is refused everywhere).
    expect(codes(checkSchemaPolicy([{ name: 'crafted', typeDefs: leaky }], scopeCatalogue()))).toEqual(['AUTHENTICATED_ONLY ServiceRequest.text']);
  });

  it('composition fails on a requests subgraph that gives a partner scope to a request field', async () => {
    const { composeSupergraph, SchemaCompositionError } = await import('../compose.js');
    const schemas = readSubgraphSchemas().map((s) => (s.name === 'requests'
      ? { ...s, typeDefs: s.typeDefs.replace(/  about: String @requiresScopes\(scopes: \[\["self"\]/, '  about: String @requiresScopes(scopes: [["vehicles:owned"], ["self"]') }
      : s));
    expect(schemas.find((s) => s.name === 'requests')!.typeDefs).toContain('[["vehicles:owned"], ["self"]');
    let error: unknown;
    try {
      composeSupergraph(schemas);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SchemaCompositionError);
    expect((error as InstanceType<typeof SchemaCompositionError>).code).toBe('POLICY_VIOLATION');
    expect((error as Error).message).toContain('[requests] ServiceRequest.about: a partner can be granted "vehicles:owned"');
  });

  it('lets RequestQueue.HEALTH through as the one exempt health name, and nothing else like it', () => {
    expect(codes(check('enum RequestQueue { TAX HEALTH }\nenum OtherQueue { HEALTH }'))).toEqual(['HEALTH_DATA OtherQueue.HEALTH']);
  });

  it('refuses a scope that is not in the catalogue', () => {
    const violations = check(ME + '\ntype Person @key(fields: "id") { id: ID! @authenticated  shoeSize: Int @requiresScopes(scopes: [["population:name"], ["population:shoes"]]) }');
    expect(codes(violations)).toEqual(['UNKNOWN_SCOPE Person.shoeSize']);
    expect(violations[0]?.message).toContain('"population:shoes" is not in schema/scopes.json');
  });

  it('refuses a scope the catalogue classifies as health', () => {
    const catalogue = [...scopeCatalogue(), { scope: 'health:records', register: 'hub', classification: 'health', description: { fi: 'x', sv: 'x', en: 'x' } } as const];
    const violations = check(ME + '\ntype Person @key(fields: "id") { id: ID! @authenticated  notes: String @requiresScopes(scopes: [["health:records"]]) }', catalogue);
    expect(codes(violations)).toEqual(['HEALTH_SCOPE Person.notes']);
  });

  it('refuses the vehicles schema with medical restriction codes on DrivingLicence', () => {
    const vehicles = readSubgraphSchemas().find((s) => s.name === 'vehicles')!;
    const typeDefs = vehicles.typeDefs.replace(
      /type DrivingLicence \{/,
      'type DrivingLicence {\n  medicalRestrictionCodes: [String!]! @requiresScopes(scopes: [["vehicles:licence"]])',
    );
    expect(typeDefs).toContain('medicalRestrictionCodes');
    const violations = checkSchemaPolicy([{ name: 'vehicles', typeDefs }], scopeCatalogue());
    expect(codes(violations)).toEqual(['HEALTH_DATA DrivingLicence.medicalRestrictionCodes']);
    expect(violations[0]?.message).toMatch(/GDPR art\. 9/);
  });

  it('refuses anything tagged health, even when @inaccessible', () => {
    const violations = check([
      ME,
      'type Person @key(fields: "id") { id: ID! @authenticated  notes: String @inaccessible @tag(name: "health") @requiresScopes(scopes: [["population:name"]]) }',
      'type Record @tag(name: "health") { code: String @requiresScopes(scopes: [["population:name"]]) }',
      'enum Kind { PLAIN SPECIAL @tag(name: "health") }',
    ].join('\n'));
    expect(codes(violations)).toEqual(['HEALTH_DATA Person.notes', 'HEALTH_DATA Record', 'HEALTH_DATA Kind.SPECIAL']);
  });

  it('refuses health names on types, arguments and enum values', () => {
    const violations = check([
      'type Query { me(diagnosisCode: String): Person! @shareable @authenticated }',
      'type Person @key(fields: "id") { id: ID! @authenticated  kind: Kind @requiresScopes(scopes: [["population:name"]]) }',
      'type PatientRecord { id: ID @requiresScopes(scopes: [["population:name"]]) }',
      'enum Kind { PLAIN VISION_LIMITED }',
    ].join('\n'));
    expect(codes(violations)).toEqual([
      'HEALTH_DATA Query.me(diagnosisCode:)', 'HEALTH_DATA PatientRecord', 'HEALTH_DATA Kind.VISION_LIMITED', 'ME_ROOT Query.me',
    ]);
  });

  it('refuses a root field that takes a person identifier', () => {
    const violations = check('type Query { person(personalIdentityCode: String!): Person @requiresScopes(scopes: [["population:name"]]) }\ntype Person @key(fields: "id") { id: ID! @authenticated }');
    expect(codes(violations)).toEqual(['PERSON_IDENTIFIER_ARGUMENT Query.person(personalIdentityCode:)']);
  });

  it('requires the shared `me` of every subgraph with Person fields, so that the gateway asks them all in one round trip', () => {
    const person = 'type Person @key(fields: "id") { id: ID! @authenticated  shoeSize: Int @requiresScopes(scopes: [["population:name"]]) }';
    const violations = check(person);
    expect(codes(violations)).toEqual(['ME_ROOT Query.me']);
    expect(violations[0]?.message).toBe('[crafted] Query.me: a subgraph with Person fields must declare `type Query { me: Person! @shareable @authenticated }`, so that the gateway asks it at the same time as every other register (one round trip)');
    expect(check(`${ME}\n${person}`)).toEqual([]);
    // A subgraph that only names Person (its key, to return it from a field of its own) contributes nothing to `me`.
    expect(codes(check('type Person @key(fields: "id", resolvable: false) { id: ID! @authenticated }'))).toEqual([]);
    // Each real subgraph with Person fields, without its `me`, is refused.
    for (const subgraph of readSubgraphSchemas()) {
      // The declaration with its comment and description, then a Query left empty.
      const withoutMe = subgraph.typeDefs.replace(/(\n *#[^\n]*)*\n *"[^"\n]*"\n *me: Person! @shareable @authenticated/, '').replace(/type Query \{\s*\}/, '');
      expect(withoutMe).not.toContain('me: Person!');
      const found = codes(checkSchemaPolicy([{ name: subgraph.name, typeDefs: withoutMe }], scopeCatalogue()));
      expect(found).toEqual(['ME_ROOT Query.me']);
    }
  });

  it('refuses a `me` that takes an argument, is not Person!, is not @shareable, or asks for a scope', () => {
    const person = 'type Person @key(fields: "id") { id: ID! @authenticated  shoeSize: Int @requiresScopes(scopes: [["population:name"]]) }';
    const cases: Array<[string, string]> = [
      ['me(personId: ID): Person! @shareable @authenticated', 'it may take no argument'],
      ['me(as: String): Person! @shareable @authenticated', 'it may take no argument'],
      ['me: Person @shareable @authenticated', 'its type must be `Person!`'],
      ['me: Person! @authenticated', 'it must be @shareable'],
      ['me: Person! @shareable @requiresScopes(scopes: [["population:name"]])', 'it takes @authenticated alone'],
    ];
    for (const [declaration, reason] of cases) {
      const violations = check(`type Query { ${declaration} }\n${person}`).filter((v) => v.code === 'ME_ROOT');
      expect(violations.map((v) => v.coordinate)).toEqual(['Query.me']);
      expect(violations[0]?.message).toContain(reason);
    }
    // The rule follows @link renames: `@federation__shareable` when @shareable is not imported.
    const unimported = checkSchemaPolicy([{
      name: 'crafted',
      typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])\ntype Query { me: Person! @federation__shareable @authenticated }\n${person}`,
    }], scopeCatalogue());
    expect(unimported).toEqual([]);
  });

  it('checks the shape of `me` in a composed supergraph too (the gateway checks what it loads), where no @shareable is left', () => {
    const committed = readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8');
    expect(checkSchemaPolicy([{ name: 'supergraph', typeDefs: committed }], scopeCatalogue())).toEqual([]);
    const named = committed.replace('  me: Person! @authenticated', '  me(personId: ID): Person! @authenticated');
    expect(named).not.toBe(committed);
    expect(codes(checkSchemaPolicy([{ name: 'supergraph', typeDefs: named }], scopeCatalogue()))).toEqual(['PERSON_IDENTIFIER_ARGUMENT Query.me(personId:)', 'ME_ROOT Query.me']);
  });

  it('lets the hub-only requests subgraph declare the shared `me`, but no other field under a bare @authenticated', () => {
    const requests = readSubgraphSchemas().find((s) => s.name === 'requests')!;
    expect(requests.typeDefs).toContain('me: Person! @shareable @authenticated');
    const extra = requests.typeDefs.replace('me: Person! @shareable @authenticated', 'me: Person! @shareable @authenticated\n  whoami: Person! @shareable @authenticated');
    expect(codes(checkSchemaPolicy([{ name: 'requests', typeDefs: extra }], scopeCatalogue()))).toEqual(['AUTHENTICATED_ONLY Query.whoami', 'PARTNER_REACHABLE Query.whoami']);
  });

  it('reports SDL that does not parse', () => {
    expect(codes(checkSchemaPolicy([{ name: 'broken', typeDefs: 'type {' }], scopeCatalogue()))).toEqual(['INVALID_SDL ']);
  });
});

describe('isHealthName', () => {
  it.each(['medicalRestrictionCodes', 'restrictionCodes', 'restrictionCode', 'healthRecords', 'diagnoses', 'Diagnosis',
    'disabilityStatus', 'prescriptions', 'visionTest', 'HEARING_AID', 'medicalRestriction', 'fitnessToDriveStatement'])('%s is health', (name) => {
    expect(isHealthName(name)).toBe(true);
  });
  it.each(['registrationNumber', 'revision', 'supervisor', 'division', 'restrictions', 'categories', 'vehicleClass',
    'nationalities', 'isAdult', 'drivingLicence', 'validUntil'])('%s is not', (name) => {
    expect(isHealthName(name)).toBe(false);
  });
});
