import { createHash } from 'node:crypto';
import { calibrateRouter, metricsWith, type OutOfFoldScore } from './calibrateRouter.js';
import { trainFeatureClassifier } from './naiveBayes.js';
import type { RouteMetrics } from './routeMetrics.js';
import type { LabelledRequest, RequestLanguage, RequestQueue } from './requestTypes.js';
import { ROUTER_MODEL_VERSION, type RouterModel } from './routerModel.js';
import { mentionsHealth, textFeatures, type FeatureOptions } from './textFeatures.js';

/** The features the router uses: words, character 4- and 5-grams and the domain lexicon x10 (chosen by cross-validation on the training data, docs/router.md). */
export const DEFAULT_FEATURES: FeatureOptions = { charGrams: [4, 5], stemLanguages: [], lexicon: true, lexiconWeight: 10 };

/** A caseworker's move, used as a labelled training example (its language is not known). */
export interface CorrectionExample {
  text: string;
  queue: RequestQueue;
}

/** Options for {@link trainRouterModel}. */
export interface TrainRouterOptions {
  train: readonly LabelledRequest[];
  corrections?: readonly CorrectionExample[];
  features?: FeatureOptions;
  /** Folds of the cross-validation that calibrates the threshold; default 5. */
  folds?: number;
}

/** The model plus what the cross-validation saw. */
export interface TrainedRouter {
  model: RouterModel;
  crossValidation: RouteMetrics;
}

/**
 * Trains the router deterministically: the same examples in the same order give a byte-identical model.
 * Corrections join the queue classifier's training data (and the cross-validation), never the language classifier
 * (a correction says nothing about language). Fold i holds the examples whose index modulo `folds` is i.
 */
export function trainRouterModel(options: TrainRouterOptions): TrainedRouter {
  const features = options.features ?? DEFAULT_FEATURES;
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new TypeError(`trainRouterModel: option "folds" must be an integer of 2 or more, got ${folds}`);
  const examples: Array<{ text: string; queue: RequestQueue; language?: RequestLanguage; features: string[] }> = [
    ...options.train.map((e) => ({ ...e, features: textFeatures(e.text, features) })),
    ...(options.corrections ?? []).map((c) => ({ text: c.text, queue: c.queue, features: textFeatures(c.text, features) })),
  ];
  const scores: OutOfFoldScore[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const classifier = trainFeatureClassifier(examples.filter((_, i) => i % folds !== fold).map((e) => ({ features: e.features, label: e.queue })));
    examples.forEach((e, i) => {
      if (i % folds === fold && e.language) scores.push({ text: e.text, expected: e.queue, language: e.language, logOdds: classifier.logOdds(e.features), mentionsHealth: mentionsHealth(e.features) });
    });
  }
  const calibration = calibrateRouter(scores);
  const queueClassifier = trainFeatureClassifier(examples.map((e) => ({ features: e.features, label: e.queue })));
  const languageClassifier = trainFeatureClassifier(options.train.map((e, i) => ({ features: examples[i]!.features, label: e.language })));
  const sha256 = createHash('sha256').update(JSON.stringify(examples.map(({ text, queue, language }) => [text, queue, language ?? null]))).digest('hex');
  return {
    model: {
      version: ROUTER_MODEL_VERSION,
      features,
      queueClassifier: queueClassifier.exportModel(),
      languageClassifier: languageClassifier.exportModel(),
      calibration,
      trainedOn: { examples: options.train.length, corrections: options.corrections?.length ?? 0, sha256 },
    },
    crossValidation: metricsWith(scores, calibration),
  };
}
