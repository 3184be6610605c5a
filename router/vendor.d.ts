// Types for the two untyped CommonJS libraries the router uses (neither ships its own).

declare module 'wink-naive-bayes-text-classifier' {
  /** wink's naive Bayes text classifier; inputs here are already token arrays (no prep tasks are defined). */
  interface NaiveBayesTextClassifier {
    defineConfig(config: { considerOnlyPresence?: boolean; smoothingFactor?: number }): boolean;
    learn(input: string[], label: string): boolean;
    consolidate(): boolean;
    /** `[label, log2 odds]` pairs, best first; `[['unknown', 0]]` when no token is known. */
    computeOdds(input: string[]): Array<[string, number]>;
    predict(input: string[]): string;
    exportJSON(): string;
    importJSON(json: string): boolean;
  }
  const create: () => NaiveBayesTextClassifier;
  export default create;
}

declare module 'snowball-stemmers' {
  const snowball: {
    newStemmer(language: string): { stem(word: string): string };
    algorithms(): string[];
  };
  export default snowball;
}
