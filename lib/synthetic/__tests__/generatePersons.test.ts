import { describe, expect, it } from '@jest/globals';
import { CENTURY_SIGNS, isValidHetu, parseHetu } from '../../hetu.js';
import { personIdFor } from '../../personId.js';
import { generatePersons } from '../generatePersons.js';
import { loadPersonas } from '../personas.js';

const key = Buffer.alloc(32, 3);
const options = { seed: 'unit', referenceDate: '2025-06-15', pseudonymKey: key };

describe('generatePersons', () => {
  it('streams unique, valid, temporary codes that agree with date of birth, sex and person id', () => {
    const codes = new Set<string>();
    const signs = new Map<string, number>();
    let count = 0;
    for (const person of generatePersons({ ...options, count: 50_000 })) {
      count += 1;
      codes.add(person.personalIdentityCode);
      if (count > 2000) continue; // the detailed checks on a sample keep the test fast
      expect(isValidHetu(person.personalIdentityCode)).toBe(true);
      const info = parseHetu(person.personalIdentityCode);
      expect(info.temporary).toBe(true);
      expect(info.dateOfBirth).toBe(person.dateOfBirth);
      expect(info.sex).toBe(person.sex);
      expect(person.personId).toBe(personIdFor(person.personalIdentityCode, key));
      expect(person.dateOfBirth <= options.referenceDate).toBe(true);
      expect(person.dateOfBirth > '1915-06-15').toBe(true);
      expect(person.firstNames).toMatch(/^\p{Lu}\p{Ll}+( \p{Lu}\p{Ll}+){0,2}$/u);
      expect(person.tags).toEqual([]);
      signs.set(info.centurySign, (signs.get(info.centurySign) ?? 0) + 1);
    }
    expect(count).toBe(50_000);
    expect(codes.size).toBe(50_000);
    expect(signs.get('-')! + signs.get('A')!).toBeGreaterThan(1800); // the traditional signs dominate
  });

  it('uses every 1900s and 2000s century sign, the 2023 ones rarely', () => {
    const signs = new Map<string, number>();
    for (const person of generatePersons({ ...options, count: 20_000 })) {
      const sign = person.personalIdentityCode[6]!;
      signs.set(sign, (signs.get(sign) ?? 0) + 1);
    }
    for (const sign of [...CENTURY_SIGNS[1900], ...CENTURY_SIGNS[2000]]) expect(signs.get(sign) ?? 0).toBeGreaterThan(0);
    expect(signs.has('+')).toBe(false); // nobody alive was born in the 1800s
    expect((signs.get('Y') ?? 0) + (signs.get('B') ?? 0)).toBeLessThan(20_000 * 0.05);
  });

  it('is deterministic, and the first N persons do not depend on the count', () => {
    const first = [...generatePersons({ ...options, count: 50 })];
    expect([...generatePersons({ ...options, count: 50 })]).toEqual(first);
    expect([...generatePersons({ ...options, count: 80 })].slice(0, 50)).toEqual(first);
    expect([...generatePersons({ ...options, seed: 'other', count: 50 })]).not.toEqual(first);
    expect(first.map((p) => p.serial)).toEqual(first.map((_, i) => 1000 + i));
  });

  it('never hands out a reserved code (the personas)', () => {
    const personas = loadPersonas().map((p) => p.personalIdentityCode);
    const reserved = new Set(personas);
    for (const person of generatePersons({ ...options, count: 20_000, reserved: personas })) {
      expect(reserved.has(person.personalIdentityCode)).toBe(false);
    }
  });

  it('is lazy: it yields before generating the rest', () => {
    const iterator = generatePersons({ ...options, count: 3_000_000 });
    const started = Date.now();
    expect(iterator.next().done).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('throws a TypeError naming the option on misuse', () => {
    expect(() => generatePersons({ ...options, count: -1 })).toThrow('option "count"');
    expect(() => generatePersons({ ...options, count: 1.5 })).toThrow('option "count"');
    expect(() => generatePersons({ ...options, count: 1, referenceDate: '15.6.2025' })).toThrow('option "referenceDate"');
    expect(() => generatePersons({ ...options, count: 1, pseudonymKey: 'k' as unknown as Buffer })).toThrow('option "pseudonymKey"');
  });
});
