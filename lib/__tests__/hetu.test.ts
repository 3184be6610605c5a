import { describe, expect, it } from '@jest/globals';
import { CENTURY_SIGNS, formatHetu, hasIdentityCodeShape, isValidHetu, parseHetu } from '../hetu.js';

describe('isValidHetu', () => {
  it('accepts the codes of the examples in the register documentation', () => {
    expect(isValidHetu('131052-308T')).toBe(true);
    expect(isValidHetu('010594Y9032')).toBe(true);
    expect(isValidHetu('010594-9032')).toBe(true);
  });

  it('rejects a wrong control character, bad shape, impossible dates and reserved numbers', () => {
    expect(isValidHetu('131052-308U')).toBe(false);
    expect(isValidHetu('131052308T')).toBe(false);
    expect(isValidHetu('131052-308t')).toBe(false);
    expect(isValidHetu(' 131052-308T')).toBe(false);
    expect(isValidHetu('131052G308T')).toBe(false);
    expect(isValidHetu(12345)).toBe(false);
    // 29 February exists in 2000 but not in 1900 (same DDMMYY, different century).
    expect(isValidHetu(formatHetu('2000-02-29', 902, 0))).toBe(true);
    const feb29 = formatHetu('2000-02-29', 902, 0).replace('A', '-');
    expect(isValidHetu(feb29)).toBe(false);
    expect(isValidHetu('310494-9035')).toBe(false); // 31 April
    expect(isValidHetu(`010594-001${'0123456789ABCDEFHJKLMNPRSTUVWXY'[105940001 % 31]}`)).toBe(false);
  });
});

describe('parseHetu', () => {
  it('reads date of birth, sex and whether the code is temporary', () => {
    expect(parseHetu('131052-308T')).toEqual({
      dateOfBirth: '1952-10-13',
      sex: 'female',
      temporary: false,
      individualNumber: 308,
      centurySign: '-',
    });
    expect(parseHetu('010594Y9032')).toMatchObject({ dateOfBirth: '1994-05-01', sex: 'male', temporary: true });
  });

  it('maps every century sign to its century', () => {
    for (const [century, signs] of Object.entries(CENTURY_SIGNS)) {
      signs.forEach((_sign, variant) => {
        const code = formatHetu(`${Number(century) + 10}-03-15`, 950, variant);
        expect(parseHetu(code).dateOfBirth).toBe(`${Number(century) + 10}-03-15`);
      });
    }
  });

  it('throws a TypeError that does not contain the code', () => {
    const bad = '131052-308U';
    expect(() => parseHetu(bad)).toThrow(TypeError);
    expect(() => parseHetu(bad)).toThrow('argument "code"');
    try {
      parseHetu(bad);
    } catch (error) {
      expect((error as Error).message).not.toContain('131052');
    }
    expect(() => parseHetu(42 as unknown as string)).toThrow('argument "code" must be a string');
  });
});

describe('formatHetu', () => {
  it('builds the documented codes and keeps the century-sign variants distinct', () => {
    expect(formatHetu('1952-10-13', 308)).toBe('131052-308T');
    expect(formatHetu('1994-05-01', 903, 0)).toBe('010594-9032');
    expect(formatHetu('1994-05-01', 903, 1)).toBe('010594Y9032');
    expect(formatHetu('2023-01-02', 999, 1)).toMatch(/^020123B999.$/);
    expect(formatHetu('1899-12-31', 900)).toMatch(/^311299\+900.$/);
  });

  it('round-trips through parseHetu', () => {
    const code = formatHetu('2016-08-09', 947, 3);
    expect(isValidHetu(code)).toBe(true);
    expect(parseHetu(code)).toMatchObject({ dateOfBirth: '2016-08-09', sex: 'male', individualNumber: 947, centurySign: 'D' });
  });

  it('throws a TypeError naming the argument on misuse', () => {
    expect(() => formatHetu('1994-02-30', 903)).toThrow('argument "dateOfBirth"');
    expect(() => formatHetu('01.05.1994', 903)).toThrow(TypeError);
    expect(() => formatHetu('1799-05-01', 903)).toThrow('argument "dateOfBirth"');
    expect(() => formatHetu('1994-05-01', 1)).toThrow('argument "individualNumber"');
    expect(() => formatHetu('1994-05-01', 1000)).toThrow('argument "individualNumber"');
    expect(() => formatHetu('1994-05-01', 903, 6)).toThrow('argument "centurySignVariant"');
    expect(() => formatHetu('1894-05-01', 903, 1)).toThrow('argument "centurySignVariant"');
  });
});

describe('hasIdentityCodeShape', () => {
  it('finds the shape of a code anywhere, any case and century sign, as the log scrubber does', () => {
    for (const text of ['131052-308T', 'x010594Y9032y', '4bf92f010594a903bce', '010594e9032']) expect(hasIdentityCodeShape(text)).toBe(true);
    for (const text of ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '13105-308T', '']) expect(hasIdentityCodeShape(text)).toBe(false);
  });
});
