/// <reference path="./vendor.d.ts" />
import snowball from 'snowball-stemmers';
import { DOMAIN_LEXICON } from './domainLexicon.js';
import type { RequestLanguage } from './requestTypes.js';

/** How {@link textFeatures} turns a text into features; stored in the model so training and routing agree. */
export interface FeatureOptions {
  /** Character n-gram lengths taken inside each word (with word-boundary marks). */
  readonly charGrams: readonly number[];
  /** Add the Snowball stem of each word in the given language (fi, sv, en); an empty list adds no stems. */
  readonly stemLanguages: readonly RequestLanguage[];
  /** Add `lex:<queue>` features from the domain lexicon (domainLexicon.ts). */
  readonly lexicon?: boolean;
  /** How many copies of each lexicon feature (naive Bayes counts presence, so copies weigh it up); default 1. */
  readonly lexiconWeight?: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const REGISTER_FEATURES = new Set(['lex:population', 'lex:tax', 'lex:vehicles', 'lex:education']);

/** Per queue: one regular expression for word beginnings and compound parts, one for multi-word phrases. */
const LEXICON_PATTERNS = Object.entries(DOMAIN_LEXICON).map(([queue, entries]) => {
  const prefixes = entries.filter((e) => !e.startsWith('*') && !e.includes(' ')).map(escape);
  const parts = entries.filter((e) => e.startsWith('*')).map((e) => escape(e.slice(1)));
  const phrases = entries.filter((e) => e.includes(' ')).map(escape);
  return {
    feature: `lex:${queue}`,
    word: new RegExp(`^(?:${prefixes.join('|')})${parts.length ? `|(?:${parts.join('|')})` : ''}`),
    phrase: phrases.length ? new RegExp(`(?:^|[^\\p{L}])(?:${phrases.join('|')})`, 'u') : undefined,
  };
});

const STEMMER_NAMES: Record<RequestLanguage, string> = { fi: 'finnish', sv: 'swedish', en: 'english' };
const stemmers = new Map<RequestLanguage, { stem(word: string): string }>();

function stemmerFor(language: RequestLanguage): { stem(word: string): string } {
  let stemmer = stemmers.get(language);
  if (!stemmer) {
    stemmer = snowball.newStemmer(STEMMER_NAMES[language]);
    stemmers.set(language, stemmer);
  }
  return stemmer;
}

// Shapes that say something about the matter without carrying the value (a plate says "vehicle", an identity code
// says "a person"); the value itself never becomes a feature.
const SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b/gi, ' §hetu '],
  [/\b[A-ZÅÄÖ]{1,3}-\d{1,3}\b/g, ' §plate '],
  [/\b\d+(?:[ .,]\d{3})*(?:[.,]\d+)?\s*(?:€|e\b|eur|euro|euroa|euros)/gi, ' §money '],
  [/\b(?:19|20)\d{2}\b/g, ' §year '],
  [/\d+/g, ' §num '],
];

/** Lower case without diacritics: citizens often type "aanestys" for "äänestys" or "korkort" for "körkort". */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * The features of one text: whole words, character n-grams inside words (they catch Finnish compounds and
 * inflection, "ajoneuvoveroni" shares "vero" and "neuv" with its base words, and survive typos), optional Snowball
 * stems, and a few value-free shape tokens. Deterministic: the same text and options give the same list.
 */
export function textFeatures(text: string, options: FeatureOptions): string[] {
  let shaped = text;
  for (const [pattern, token] of SHAPES) shaped = shaped.replace(pattern, token);
  const lowered = shaped.normalize('NFC').toLowerCase();
  const words = lowered.match(/[\p{L}§]+/gu) ?? [];
  const features: string[] = [];
  for (const word of words) {
    if (word.startsWith('§')) {
      features.push(word);
      continue;
    }
    const folded = foldText(word);
    features.push(`w:${folded}`);
    for (const language of options.stemLanguages) {
      features.push(`s:${foldText(stemmerFor(language).stem(word))}`);
    }
    const marked = `<${folded}>`;
    for (const n of options.charGrams) {
      // A word shorter than the n-gram is already a whole-word feature.
      for (let i = 0; i + n <= marked.length; i += 1) features.push(`${n}:${marked.slice(i, i + n)}`);
    }
  }
  if (options.lexicon) {
    const foldedWords = words.filter((w) => !w.startsWith('§')).map(foldText);
    const foldedText = foldedWords.join(' ');
    let registers = 0;
    for (const { feature, word, phrase } of LEXICON_PATTERNS) {
      if (foldedWords.some((w) => word.test(w)) || phrase?.test(foldedText)) {
        if (REGISTER_FEATURES.has(feature)) registers += 1;
        for (let copy = 1; copy <= (options.lexiconWeight ?? 1); copy += 1) features.push(`${feature}#${copy}`);
      }
    }
    // Three or more registers' vocabulary in one message is a mix that a person should split (triage learns it).
    if (registers >= 3) for (let copy = 1; copy <= (options.lexiconWeight ?? 1); copy += 1) features.push(`lex:several#${copy}`);
  }
  // Each feature once: the classifier learns presence (wink de-duplicates in learn() but not when predicting).
  return [...new Set(features)];
}

/** Whether the features hold the health lexicon's mark (the text uses health vocabulary). */
export function mentionsHealth(features: readonly string[]): boolean {
  return features.includes('lex:health#1');
}
