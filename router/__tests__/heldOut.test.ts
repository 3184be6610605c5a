import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { CORPUS_FILES, readCorpus } from '../corpus.js';
import { evaluateRouter } from '../evaluateRouter.js';
import { loadRouter, routerFromModel } from '../loadRouter.js';
import { DEFAULT_MODEL_PATH } from '../routerModel.js';
import { trainRouterModel } from '../trainRouter.js';

// The targets on the held-out split, asserted on the committed model. Training is deterministic, so these
// figures only move when the corpus, the features or the rule change (then docs/router.md must move with them).
describe('the committed router on the held-out split', () => {
  const evaluation = evaluateRouter(loadRouter(), readCorpus(CORPUS_FILES.heldOut));

  it('routes at least 90 % of messages right', () => {
    expect(evaluation.right.rate).toBeGreaterThanOrEqual(0.9);
  });

  it('routes at most 3 % of messages to a wrong register', () => {
    expect(evaluation.wrongRegister.rate).toBeLessThanOrEqual(0.03);
  });

  it('never puts a health message in a register queue', () => {
    expect(evaluation.healthInRegister.count).toBe(0);
    expect(evaluation.healthInRegister.total).toBeGreaterThan(0);
  });

  it('sends at most 10 % of the registers\' messages to triage', () => {
    expect(evaluation.registersToTriage.rate).toBeLessThanOrEqual(0.1);
  });

  it('detects the language of at least 95 % of messages', () => {
    expect(evaluation.languageDetection!.rate).toBeGreaterThanOrEqual(0.95);
  });

  it('routes at least 80 % right in every language and every queue', () => {
    for (const share of [...Object.values(evaluation.byLanguage), ...Object.values(evaluation.byQueue)]) {
      expect(share.rate).toBeGreaterThanOrEqual(0.8);
    }
  });
});

describe('training', () => {
  it('is deterministic and reproduces the committed model byte for byte (without corrections)', () => {
    const train = readCorpus(CORPUS_FILES.train);
    const first = `${JSON.stringify(trainRouterModel({ train }).model)}\n`;
    const second = `${JSON.stringify(trainRouterModel({ train }).model)}\n`;
    expect(second).toBe(first);
    expect(first).toBe(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
  }, 180_000);

  it('never trains on a held-out text', () => {
    const heldOut = new Set(readCorpus(CORPUS_FILES.heldOut).map((e) => e.text));
    expect(readCorpus(CORPUS_FILES.train).filter((e) => heldOut.has(e.text))).toEqual([]);
  });

  it('calibrates the threshold from the data: a model trained on other data gets other numbers', () => {
    const train = readCorpus(CORPUS_FILES.train).filter((_, i) => i % 3 === 0);
    const small = trainRouterModel({ train, folds: 3 }).model;
    const committed = JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
    expect(small.calibration).not.toEqual(committed.calibration);
    expect(routerFromModel(small).route('Verokorttini on väärin').queue).toMatch(/^(tax|triage)$/);
  }, 120_000);
});
