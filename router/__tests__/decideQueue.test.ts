import { describe, expect, it } from '@jest/globals';
import { decideQueue } from '../decideQueue.js';
import { queueProbabilities } from '../queueProbabilities.js';
import { REGISTER_QUEUES, type RequestQueue } from '../requestTypes.js';

const rule = { threshold: 0.6, healthGuard: 0.3 };
const p = (values: Partial<Record<RequestQueue, number>>): Record<RequestQueue, number> => ({ population: 0, tax: 0, vehicles: 0, education: 0, triage: 0, health: 0, ...values });

describe('decideQueue', () => {
  it('routes a sure register message to its register', () => {
    expect(decideQueue(p({ tax: 0.9, triage: 0.1 }), rule)).toEqual({ queue: 'tax', confidence: 0.9, top: 'tax' });
  });

  it('sends an unsure register message to triage', () => {
    expect(decideQueue(p({ tax: 0.5, vehicles: 0.4, triage: 0.1 }), rule).queue).toBe('triage');
  });

  it('sends a register message with likely health content to triage, never to the register', () => {
    expect(decideQueue(p({ vehicles: 0.65, health: 0.35 }), rule).queue).toBe('triage');
    expect(decideQueue(p({ vehicles: 0.95, health: 0.05 }), rule, true).queue).toBe('triage');
  });

  it('routes a sure health message to health and an unsure one to triage', () => {
    expect(decideQueue(p({ health: 0.8, vehicles: 0.2 }), rule).queue).toBe('health');
    expect(decideQueue(p({ health: 0.45, vehicles: 0.4, tax: 0.15 }), rule).queue).toBe('triage');
  });

  it('never sends a message whose top class is health to a register, whatever the numbers', () => {
    for (let i = 0; i < 2000; i += 1) {
      // Deterministic pseudo-random probabilities.
      const raw = Array.from({ length: 6 }, (_, k) => ((i * 7919 + k * 104729) % 1000) / 1000 + 0.001);
      const queues: RequestQueue[] = ['population', 'tax', 'vehicles', 'education', 'triage', 'health'];
      const sum = raw.reduce((a, b) => a + b, 0);
      const probabilities = Object.fromEntries(queues.map((q, k) => [q, raw[k]! / sum])) as Record<RequestQueue, number>;
      const decision = decideQueue(probabilities, { threshold: (i % 10) / 10, healthGuard: ((i % 7) + 1) / 7 });
      if (decision.top === 'health') expect(REGISTER_QUEUES).not.toContain(decision.queue);
    }
  });
});

describe('queueProbabilities', () => {
  it('is a distribution that the temperature softens', () => {
    const odds = new Map([['tax', 20], ['vehicles', -5], ['triage', 0]]);
    const sharp = queueProbabilities(odds, 1);
    const soft = queueProbabilities(odds, 16);
    expect(Object.values(soft).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(sharp.tax).toBeGreaterThan(soft.tax);
    expect(soft.tax).toBeGreaterThan(soft.vehicles);
  });

  it('is uniform when the classifier knows nothing of the text', () => {
    expect(new Set(Object.values(queueProbabilities(new Map(), 8)))).toEqual(new Set([1 / 6]));
  });
});
