import { describe, expect, it } from '@jest/globals';
import { readSubgraphSchemas } from '../compose.js';
import { authorizationRequirements } from '../gatewaySupergraph.js';
import { isCaseScope } from '../caseScopes.js';
import { isKnownScope, scopeCatalogue } from '../scopes.js';

describe('scope catalogue', () => {
  it('lists exactly the hub scopes, with no health scope', () => {
    expect(scopeCatalogue().map((e) => e.scope).sort()).toEqual([
      'education:enrolments', 'education:qualifications',
      'population:address', 'population:adult', 'population:family', 'population:identity',
      'population:language', 'population:name', 'population:nationality',
      'self', 'tax:debt', 'tax:income', 'vehicles:licence', 'vehicles:owned',
    ]);
    expect(scopeCatalogue().filter((e) => e.classification === 'health')).toEqual([]);
  });

  it('describes every scope in Finnish, Swedish and English', () => {
    for (const entry of scopeCatalogue()) {
      for (const language of ['fi', 'sv', 'en'] as const) expect(entry.description[language].trim()).not.toBe('');
    }
    expect(scopeCatalogue().find((e) => e.scope === 'population:name')?.description).toEqual({
      fi: 'Etu- ja sukunimesi', sv: 'Dina för- och efternamn', en: 'Your first names and last name',
    });
  });

  it('puts each scope in its register and self in the hub as an account scope', () => {
    for (const entry of scopeCatalogue()) {
      expect(entry.scope === 'self' ? 'hub' : entry.scope.split(':')[0]).toBe(entry.register);
    }
    expect(scopeCatalogue().find((e) => e.scope === 'self')?.classification).toBe('account');
    expect(scopeCatalogue().find((e) => e.scope === 'population:adult')?.classification).toBe('derived');
  });

  it('knows catalogue scopes only', () => {
    expect(isKnownScope('tax:income')).toBe(true);
    expect(isKnownScope('self')).toBe(true);
    expect(isKnownScope('openid')).toBe(false);
    expect(isKnownScope('health:records')).toBe(false);
  });

  it('covers every scope the subgraph schemas name (caseworkers\' `cases:<queue>` from schema/caseScopes.ts)', () => {
    const used = readSubgraphSchemas().flatMap(({ typeDefs }) =>
      [...authorizationRequirements(typeDefs).values()].flatMap((r) => (r.scopes ?? []).flat()));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((s) => !isKnownScope(s) && !isCaseScope(s))).toEqual([]);
    expect(new Set(used.filter(isCaseScope))).toEqual(new Set(['cases:population', 'cases:tax', 'cases:vehicles', 'cases:education', 'cases:triage']));
  });

  it('never lists a caseworker\'s scope: citizens and partners are offered catalogue scopes only', () => {
    expect(scopeCatalogue().filter((e) => isCaseScope(e.scope) || e.scope.startsWith('cases:'))).toEqual([]);
    expect(isKnownScope('cases:tax')).toBe(false);
    expect(isCaseScope('cases:tax')).toBe(true);
    expect(isCaseScope('cases:health')).toBe(false);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(scopeCatalogue())).toBe(true);
    expect(Object.isFrozen(scopeCatalogue()[0])).toBe(true);
  });
});
