import { describe, expect, it } from '@jest/globals';
import { CENTURY_SIGNS, parseHetu } from '../../hetu.js';
import { loadPersonas, personaPersons } from '../personas.js';
import { PERSONA_TAGS } from '../persons.js';

const personas = loadPersonas();

describe('data/personas.json', () => {
  it('holds 8 to 10 personas with unique, valid, temporary codes', () => {
    expect(personas.length).toBeGreaterThanOrEqual(8);
    expect(personas.length).toBeLessThanOrEqual(10);
    const codes = personas.map((p) => p.personalIdentityCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(parseHetu(code).temporary).toBe(true);
  });

  it('covers several century signs, including one added in 2023', () => {
    const signs = new Set(personas.map((p) => p.personalIdentityCode[6]!));
    expect(signs.size).toBeGreaterThanOrEqual(3);
    const added2023 = [...CENTURY_SIGNS[1900].slice(1), ...CENTURY_SIGNS[2000].slice(1)];
    expect([...signs].some((sign) => (added2023 as string[]).includes(sign))).toBe(true);
  });

  it('has every tag, two complete personas, and minors who stay minors for years', () => {
    for (const tag of PERSONA_TAGS) expect(personas.filter((p) => p.tags.includes(tag)).length).toBeGreaterThan(0);
    expect(personas.filter((p) => p.tags.includes('complete')).length).toBeGreaterThanOrEqual(2);
    for (const minor of personas.filter((p) => p.tags.includes('minor'))) {
      expect(Number(parseHetu(minor.personalIdentityCode).dateOfBirth.slice(0, 4))).toBeGreaterThanOrEqual(2012);
      expect(minor.tags).not.toContain('vehicles');
      expect(minor.tags).not.toContain('licence-health-restriction');
    }
    for (const complete of personas.filter((p) => p.tags.includes('complete'))) expect(complete.tags).not.toContain('no-education');
  });

  it('becomes core persons with date of birth and sex from the code and serials below 1000', () => {
    const key = Buffer.alloc(32, 1);
    const persons = personaPersons(personas, key);
    expect(persons[0]).toMatchObject({ firstNames: 'Aino Maria', lastName: 'Virtanen', dateOfBirth: '1985-03-14', sex: 'female', serial: 0 });
    expect(persons.every((p, i) => p.serial === i && p.personId.startsWith('p_'))).toBe(true);
  });

  it('rejects a malformed personas file without echoing codes', () => {
    expect(() => personaPersons([{ personalIdentityCode: '131052-308U', firstNames: 'A', lastName: 'B', tags: [] }], Buffer.alloc(32))).toThrow(
      TypeError,
    );
  });
});
