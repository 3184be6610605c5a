import { readFileSync } from 'node:fs';
import { decideQueue } from './decideQueue.js';
import { loadFeatureClassifier, type FeatureClassifier } from './naiveBayes.js';
import { queueProbabilities } from './queueProbabilities.js';
import { REQUEST_LANGUAGES, type RequestLanguage, type RequestQueue, type RequestRouter, type RouteResult } from './requestTypes.js';
import { DEFAULT_MODEL_PATH, ROUTER_MODEL_VERSION, type RouterModel } from './routerModel.js';
import { mentionsHealth, textFeatures } from './textFeatures.js';

/** A router that also shows the probabilities behind each decision (for evaluation and tests). */
export interface ExplainedRouter extends RequestRouter {
  explain(text: string): RouteResult & { top: RequestQueue; probabilities: Record<RequestQueue, number> };
}

/** The language with the highest odds; Finnish when nothing in the text is known (the hub's first language). */
export function pickLanguage(classifier: FeatureClassifier, features: string[]): RequestLanguage {
  let best: RequestLanguage = 'fi';
  let bestOdds = -Infinity;
  for (const [label, odds] of classifier.logOdds(features)) {
    if ((REQUEST_LANGUAGES as readonly string[]).includes(label) && odds > bestOdds) [best, bestOdds] = [label as RequestLanguage, odds];
  }
  return best;
}

/** Builds a router from a model object (as `npm run train-router` writes it). */
export function routerFromModel(model: RouterModel): ExplainedRouter {
  if (model?.version !== ROUTER_MODEL_VERSION) {
    throw new TypeError(`loadRouter: model version must be ${ROUTER_MODEL_VERSION}, got ${JSON.stringify(model?.version)}`);
  }
  const queues = loadFeatureClassifier(model.queueClassifier);
  const languages = loadFeatureClassifier(model.languageClassifier);
  const explain: ExplainedRouter['explain'] = (text) => {
    if (typeof text !== 'string') throw new TypeError(`route: text must be a string, got ${typeof text}`);
    const features = textFeatures(text, model.features);
    const probabilities = queueProbabilities(queues.logOdds(features), model.calibration.temperature);
    const decision = decideQueue(probabilities, model.calibration, mentionsHealth(features));
    return { queue: decision.queue, confidence: decision.confidence, language: pickLanguage(languages, features), top: decision.top, probabilities };
  };
  return {
    explain,
    route(text) {
      const { queue, confidence, language } = explain(text);
      return { queue, confidence, language };
    },
  };
}

/** Loads the committed model (or the one at `modelPath`) synchronously; nothing is fetched from anywhere. */
export function loadRouter(modelPath: string = DEFAULT_MODEL_PATH): ExplainedRouter {
  let model: RouterModel;
  try {
    model = JSON.parse(readFileSync(modelPath, 'utf8')) as RouterModel;
  } catch (error) {
    throw new TypeError(`loadRouter: cannot read the model at ${modelPath} (run npm run train-router): ${(error as Error).message}`);
  }
  return routerFromModel(model);
}
