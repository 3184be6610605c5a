import { describe, expect, it } from '@jest/globals';
import { foldText, mentionsHealth, textFeatures } from '../textFeatures.js';
import { DEFAULT_FEATURES } from '../trainRouter.js';

describe('textFeatures', () => {
  it('folds case and diacritics, so "AJONEUVOVERO" and "ajoneuvovero" and "körkort"/"korkort" agree', () => {
    expect(foldText('Ääni ÖRÅ körkort')).toBe('aani ora korkort');
    expect(textFeatures('AJONEUVOVERO', DEFAULT_FEATURES)).toEqual(textFeatures('ajoneuvovero', DEFAULT_FEATURES));
    expect(textFeatures('Körkortet', DEFAULT_FEATURES)).toEqual(textFeatures('korkortet', DEFAULT_FEATURES));
  });

  it('marks the registers\' vocabulary inside Finnish and Swedish compounds', () => {
    const features = textFeatures('ajoneuvoveroni', DEFAULT_FEATURES);
    expect(features).toContain('lex:vehicles#1');
    expect(features).toContain('lex:tax#1');
    expect(textFeatures('fordonsskatten', DEFAULT_FEATURES)).toContain('lex:vehicles#1');
  });

  it('marks a mix of three registers', () => {
    expect(textFeatures('Muutin, myin autoni ja verokortti pitää vaihtaa', DEFAULT_FEATURES)).toContain('lex:several#1');
  });

  it('turns identity codes, plates and numbers into value-free shapes', () => {
    const features = textFeatures('Koodi 131052-308T, auto ABC-123, 1200 euroa vuonna 2024', DEFAULT_FEATURES);
    expect(features).toEqual(expect.arrayContaining(['§hetu', '§plate', '§money', '§year']));
    expect(features.join(' ')).not.toMatch(/131052|308t|abc|123|1200/);
  });

  it('sees health vocabulary in any of the three languages', () => {
    for (const text of ['Lääkärintodistus ajokorttia varten', 'Läkarintyg för körkortet', 'Medical certificate from my doctor']) {
      expect(mentionsHealth(textFeatures(text, DEFAULT_FEATURES))).toBe(true);
    }
    expect(mentionsHealth(textFeatures('Ajokortin uusiminen', DEFAULT_FEATURES))).toBe(false);
  });

  it('is deterministic and lists each feature once', () => {
    const a = textFeatures('vero vero vero', DEFAULT_FEATURES);
    expect(a).toEqual(textFeatures('vero vero vero', DEFAULT_FEATURES));
    expect(new Set(a).size).toBe(a.length);
  });
});
