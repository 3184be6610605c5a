import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { maskIdentityCodes, MASKED_IDENTITY_CODE } from '../../lib/hetu.js';
import { acceptText, MAX_TEXT_CHARACTERS } from '../acceptText.js';

describe('maskIdentityCodes', () => {
  it('hides every identity-code-shaped run, valid or not, in any century sign, and nothing else', () => {
    const text = 'Me 131052-308T, child 010594Y9032, wife 010594-903x, old 010594+9032, new 111005B988A.';
    expect(maskIdentityCodes(text)).toBe(`Me ${MASKED_IDENTITY_CODE}, child ${MASKED_IDENTITY_CODE}, wife ${MASKED_IDENTITY_CODE}, old ${MASKED_IDENTITY_CODE}, new ${MASKED_IDENTITY_CODE}.`);
    expect(maskIdentityCodes('Plate ABC-123, year 2024, phone 040-1234567, IBAN FI2112345600000785')).toBe('Plate ABC-123, year 2024, phone 040-1234567, IBAN FI2112345600000785');
  });
});

describe('acceptText', () => {
  const refusal = (text: string) => {
    try {
      acceptText(text);
    } catch (error) {
      return error as GraphQLError;
    }
    throw new Error('accepted');
  };

  it('trims, drops NUL and masks; counts characters, not UTF-16 units or bytes', () => {
    expect(acceptText('  hello\u0000 131052-308T \n')).toBe(`hello ${MASKED_IDENTITY_CODE}`);
    expect([...acceptText('😀'.repeat(MAX_TEXT_CHARACTERS))]).toHaveLength(4000); // 8000 UTF-16 units
  });

  it('refuses empty, blank and over-long texts with BAD_USER_INPUT naming the limit, never the text', () => {
    for (const text of ['', ' \t\n', '\u0000', 'a'.repeat(4001), 'ä'.repeat(4001)]) {
      const error = refusal(text);
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/^"text" must be 1 to 4000 characters long \(got \d+\)$/);
    }
    expect(refusal(`131052-308T${'x'.repeat(4000)}`).message).not.toContain('131052');
  });
});
