/// <reference path="./vendor.d.ts" />
import createClassifier from 'wink-naive-bayes-text-classifier';

/** wink's settings used for both classifiers: presence (not counts) of a feature, light additive smoothing. */
export const NAIVE_BAYES_CONFIG = { considerOnlyPresence: true, smoothingFactor: 0.5 } as const;

/** A trained naive Bayes classifier over feature lists. */
export interface FeatureClassifier {
  /** log2 odds of every label (one against the rest, wink's measure); labels it knows nothing about are absent. */
  logOdds(features: string[]): Map<string, number>;
  /** The library's own export, to store in the model file. */
  exportModel(): unknown;
}

function wrap(classifier: ReturnType<typeof createClassifier>): FeatureClassifier {
  return {
    logOdds(features) {
      const odds = new Map<string, number>();
      for (const [label, value] of classifier.computeOdds(features)) {
        // wink answers [['unknown', 0]] when no feature was seen in training.
        if (label !== 'unknown') odds.set(label, value);
      }
      return odds;
    },
    exportModel: () => JSON.parse(classifier.exportJSON()) as unknown,
  };
}

/** Trains on labelled feature lists, in the order given (the order fixes the exported bytes). */
export function trainFeatureClassifier(examples: ReadonlyArray<{ features: string[]; label: string }>): FeatureClassifier {
  const classifier = createClassifier();
  classifier.defineConfig({ ...NAIVE_BAYES_CONFIG });
  for (const { features, label } of examples) classifier.learn(features, label);
  classifier.consolidate();
  return wrap(classifier);
}

/** Loads a classifier from what {@link FeatureClassifier.exportModel} gave. */
export function loadFeatureClassifier(exported: unknown): FeatureClassifier {
  const classifier = createClassifier();
  classifier.importJSON(JSON.stringify(exported));
  classifier.consolidate();
  return wrap(classifier);
}
