import { decideQueue } from './decideQueue.js';
import { queueProbabilities } from './queueProbabilities.js';
import { routeMetrics, type RouteMetrics } from './routeMetrics.js';
import type { RequestLanguage, RequestQueue } from './requestTypes.js';
import type { RouterCalibration } from './routerModel.js';

/** An out-of-fold prediction: the classifier never saw this example while scoring it. */
export interface OutOfFoldScore {
  text: string;
  expected: RequestQueue;
  language: RequestLanguage;
  logOdds: Map<string, number>;
  /** Whether the text uses health vocabulary (the decision rule's health guard). */
  mentionsHealth: boolean;
}

/**
 * The margins the calibration keeps under the issue's targets (wrong register <= 3 %, registers' messages to triage
 * <= 10 %), so that a new set of messages, not only the one calibrated on, stays inside them.
 */
export const CALIBRATION_LIMITS = { wrongRegister: 0.02, registersToTriage: 0.08 } as const;

/** How much more a health message in a register's queue weighs than a message in a wrong register. */
export const HEALTH_WEIGHT = 5;

/** Candidate temperatures: powers of two in quarter steps, 1 to 256. */
const TEMPERATURES = Array.from({ length: 33 }, (_, k) => 2 ** (k / 4));

function logLoss(scores: readonly OutOfFoldScore[], temperature: number): number {
  let loss = 0;
  for (const s of scores) loss -= Math.log(Math.max(queueProbabilities(s.logOdds, temperature)[s.expected], 1e-12));
  return loss / scores.length;
}

/** Evaluates the decision rule with given numbers over out-of-fold scores. */
export function metricsWith(scores: readonly OutOfFoldScore[], calibration: RouterCalibration): RouteMetrics {
  return routeMetrics(scores.map((s) => {
    const decision = decideQueue(queueProbabilities(s.logOdds, calibration.temperature), calibration, s.mentionsHealth);
    return { text: s.text, expected: s.expected, routed: decision.queue, language: s.language, confidence: decision.confidence };
  }));
}

/**
 * Calibrates on out-of-fold predictions of the training data (k-fold cross-validation), never on the held-out
 * split: first the temperature that minimises log loss, then, over a grid, the threshold and health guard with the
 * least excess over {@link CALIBRATION_LIMITS} (a health message in a register counting {@link HEALTH_WEIGHT} times),
 * and among those the one that routes the most messages right. Deterministic: fixed grids, ties go to the earlier grid point.
 */
export function calibrateRouter(scores: readonly OutOfFoldScore[]): RouterCalibration {
  let temperature = TEMPERATURES[0]!;
  let bestLoss = Infinity;
  for (const t of TEMPERATURES) {
    const loss = logLoss(scores, t);
    if (loss < bestLoss - 1e-12) [bestLoss, temperature] = [loss, t];
  }
  // Probabilities do not depend on the grid point: compute them once.
  const probabilities = scores.map((s) => queueProbabilities(s.logOdds, temperature));
  let best: { calibration: RouterCalibration; key: number[] } | undefined;
  for (let h = 100; h >= 5; h -= 5) {
    for (let t = 20; t <= 95; t += 1) {
      const calibration = { temperature, threshold: t / 100, healthGuard: h / 100 };
      const m = routeMetrics(scores.map((s, i) => ({ text: s.text, expected: s.expected, language: s.language, routed: decideQueue(probabilities[i]!, calibration, s.mentionsHealth).queue, confidence: 0 })));
      // A health message in a register weighs five times a wrong register: the rule's own guards (health top class,
      // health vocabulary) carry that requirement, and letting one cross-validation message drive the threshold up
      // would send a fifth of the registers' messages to triage.
      const excess = HEALTH_WEIGHT * m.healthInRegister.rate + Math.max(0, m.wrongRegister.rate - CALIBRATION_LIMITS.wrongRegister) + Math.max(0, m.registersToTriage.rate - CALIBRATION_LIMITS.registersToTriage);
      // Compared left to right, smaller is better.
      const key = [Math.round(excess * 1e6), -m.right.count, m.healthInRegister.count, m.wrongRegister.count];
      if (!best || isBetter(key, best.key)) best = { calibration, key };
    }
  }
  return best!.calibration;
}

function isBetter(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i]! < b[i]!) return true;
    if (a[i]! > b[i]!) return false;
  }
  return false;
}
