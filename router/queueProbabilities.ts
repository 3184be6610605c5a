import { REQUEST_QUEUES, type RequestQueue } from './requestTypes.js';

/**
 * Turns the classifier's log2 odds into probabilities over the six queues: a softmax with a temperature.
 * Naive Bayes counts overlapping character n-grams as independent evidence, so its raw odds are far too sure of
 * themselves; the temperature (fitted on out-of-fold predictions) brings them back to observed frequencies.
 * A text with no known feature gets the uniform distribution (and so lands in triage).
 */
export function queueProbabilities(logOdds: Map<string, number>, temperature: number): Record<RequestQueue, number> {
  const scaled = REQUEST_QUEUES.map((queue) => ((logOdds.get(queue) ?? 0) * Math.LN2) / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  const result = {} as Record<RequestQueue, number>;
  REQUEST_QUEUES.forEach((queue, index) => {
    result[queue] = logOdds.size === 0 ? 1 / REQUEST_QUEUES.length : exps[index]! / sum;
  });
  return result;
}
