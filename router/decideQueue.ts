import { REGISTER_QUEUES, REQUEST_QUEUES, type RequestQueue } from './requestTypes.js';
import type { RouterCalibration } from './routerModel.js';

/** The queue a message goes to and the probability behind the choice. */
export interface QueueDecision {
  queue: RequestQueue;
  /** The probability of the model's top class (for triage by threshold: the top class it was not sure enough of). */
  confidence: number;
  /** The model's top class, before the rule. */
  top: RequestQueue;
}

/**
 * The decision rule, in order:
 * 1. the top class is health: health when its probability reaches the threshold, else triage (a person decides);
 * 2. the top class is a register but health is likely too (probability >= healthGuard) or the text uses health
 *    vocabulary (`mentionsHealth`, from the domain lexicon): triage, never the register;
 * 3. the top class's probability is below the threshold: triage;
 * 4. otherwise the top class.
 * So a message whose top class is health can never reach a register's queue.
 */
export function decideQueue(probabilities: Record<RequestQueue, number>, calibration: Pick<RouterCalibration, 'threshold' | 'healthGuard'>, mentionsHealth = false): QueueDecision {
  let top: RequestQueue = REQUEST_QUEUES[0]!;
  for (const queue of REQUEST_QUEUES) if (probabilities[queue] > probabilities[top]) top = queue;
  const confidence = probabilities[top];
  if (top === 'health') return { queue: confidence >= calibration.threshold ? 'health' : 'triage', confidence, top };
  if (REGISTER_QUEUES.includes(top)) {
    if (mentionsHealth || probabilities.health >= calibration.healthGuard) return { queue: 'triage', confidence, top };
    if (confidence < calibration.threshold) return { queue: 'triage', confidence, top };
  }
  return { queue: top, confidence, top };
}
