import { fileURLToPath } from 'node:url';
import type { FeatureOptions } from './textFeatures.js';

/** Bumped when the model file's shape changes; a loader refuses another version. */
export const ROUTER_MODEL_VERSION = 1;

/** The committed model the hub loads by default (written by `npm run train-router`). */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('./model.json', import.meta.url));

/** The decision rule's calibrated numbers (see calibrateRouter.ts). */
export interface RouterCalibration {
  /** Softmax temperature over the classifier's log2 odds, fitted on out-of-fold predictions. */
  temperature: number;
  /** Below this probability of its top class a message goes to triage. */
  threshold: number;
  /** A message whose top class is a register goes to triage when its health probability reaches this. */
  healthGuard: number;
}

/** Everything `npm run train-router` writes: deterministic, no time stamps, so the same input gives the same bytes. */
export interface RouterModel {
  version: typeof ROUTER_MODEL_VERSION;
  features: FeatureOptions;
  /** wink-naive-bayes-text-classifier's own export (`exportJSON`), parsed. */
  queueClassifier: unknown;
  /** The same library trained on the corpus's language labels. */
  languageClassifier: unknown;
  calibration: RouterCalibration;
  /** What it was trained on: counts and a digest of the examples, so a model can be traced to its data. */
  trainedOn: { examples: number; corrections: number; sha256: string };
}
