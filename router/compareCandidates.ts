/// <reference path="./vendor.d.ts" />
// Measures the candidate libraries on the held-out split (top-1 accuracy before the triage rule, training time,
// time per text). Run: node --import tsx router/compareCandidates.ts. Figures are in docs/router.md.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { CORPUS_FILES, readCorpus } from './corpus.js';
import { trainFeatureClassifier } from './naiveBayes.js';
import type { LabelledRequest, RequestLanguage } from './requestTypes.js';
import { DEFAULT_FEATURES } from './trainRouter.js';
import { textFeatures } from './textFeatures.js';

const require = createRequire(import.meta.url);
const train = readCorpus(CORPUS_FILES.train);
const heldOut = readCorpus(CORPUS_FILES.heldOut);

interface Candidate {
  name: string;
  fit(examples: readonly LabelledRequest[]): Promise<(e: LabelledRequest) => Promise<string> | string>;
}

const argmax = (scores: Record<string, number>): string => Object.entries(scores).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'triage';

const candidates: Candidate[] = [
  {
    name: 'wink-naive-bayes-text-classifier + words, char 4-5-grams, domain lexicon (chosen)',
    async fit(examples) {
      const c = trainFeatureClassifier(examples.map((e) => ({ features: textFeatures(e.text, DEFAULT_FEATURES), label: e.queue })));
      return (e) => argmax(Object.fromEntries(c.logOdds(textFeatures(e.text, DEFAULT_FEATURES))));
    },
  },
  {
    name: 'wink-naive-bayes-text-classifier + words, char 4-5-grams, no lexicon',
    async fit(examples) {
      const f = { ...DEFAULT_FEATURES, lexicon: false };
      const c = trainFeatureClassifier(examples.map((e) => ({ features: textFeatures(e.text, f), label: e.queue })));
      return (e) => argmax(Object.fromEntries(c.logOdds(textFeatures(e.text, f))));
    },
  },
  {
    name: 'wink-naive-bayes-text-classifier + Snowball stems (fi, sv, en)',
    async fit(examples) {
      const f = { charGrams: [], stemLanguages: ['fi', 'sv', 'en'] as RequestLanguage[] };
      const c = trainFeatureClassifier(examples.map((e) => ({ features: textFeatures(e.text, f), label: e.queue })));
      return (e) => argmax(Object.fromEntries(c.logOdds(textFeatures(e.text, f))));
    },
  },
  {
    name: 'NLP.js NluNeural, one per language with @nlpjs/lang-fi, lang-sv, lang-en-min (language given)',
    async fit(examples) {
      const { containerBootstrap } = require('@nlpjs/core');
      const { NluNeural } = require('@nlpjs/nlu');
      const { LangFi } = require('@nlpjs/lang-fi');
      const { LangSv } = require('@nlpjs/lang-sv');
      const { LangEn } = require('@nlpjs/lang-en-min');
      const models = new Map<string, any>();
      for (const [locale, plugin] of [['fi', LangFi], ['sv', LangSv], ['en', LangEn]] as const) {
        const container = await containerBootstrap();
        container.use(plugin);
        const nlu = new NluNeural({ locale, log: false }, container);
        await nlu.train(examples.filter((e) => e.language === locale).map((e) => ({ utterance: e.text, intent: e.queue })));
        models.set(locale, nlu);
      }
      return async (e) => {
        const result = await models.get(e.language).process(e.text);
        const top = result.classifications[0]?.intent;
        return !top || top === 'None' ? 'triage' : top;
      };
    },
  },
];

for (const candidate of candidates) {
  const started = performance.now();
  const predict = await candidate.fit(train);
  const trainedMs = performance.now() - started;
  let right = 0;
  const routeStarted = performance.now();
  for (const e of heldOut) if ((await predict(e)) === e.queue) right += 1;
  const perText = (performance.now() - routeStarted) / heldOut.length;
  process.stdout.write(`| ${candidate.name} | ${((right / heldOut.length) * 100).toFixed(1)} % (${right}/${heldOut.length}) | ${(trainedMs / 1000).toFixed(1)} s | ${perText.toFixed(2)} ms |\n`);
}

// Language detection: our naive Bayes over the same features (in the model) against NLP.js's language guesser.
{
  const { loadRouter } = await import('./loadRouter.js');
  const router = loadRouter();
  const { Language } = require('@nlpjs/language');
  const guesser = new Language();
  let ours = 0;
  let theirs = 0;
  for (const e of heldOut) {
    if (router.route(e.text).language === e.language) ours += 1;
    if (guesser.guessBest(e.text, ['fi', 'sv', 'en'])?.alpha2 === e.language) theirs += 1;
  }
  const pct = (n: number): string => `${((n / heldOut.length) * 100).toFixed(1)} % (${n}/${heldOut.length})`;
  process.stdout.write(`language: router's naive Bayes ${pct(ours)}; @nlpjs/language ${pct(theirs)}\n`);
}
