import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CORPUS_FILES, readCorpus } from './corpus.js';
import { correctionsDatabaseUrl, readCorrections } from './readCorrections.js';
import { DEFAULT_MODEL_PATH } from './routerModel.js';
import { trainRouterModel } from './trainRouter.js';

const USAGE = 'usage: npm run train-router [-- --corrections-database-url <url>] [--no-corrections] [--out <file>]';

/** Redacts a database URL's password for the report. */
function safeUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** `npm run train-router`: trains on data/requests/train.jsonl plus caseworkers' corrections and writes the model. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { 'corrections-database-url': { type: 'string' }, 'no-corrections': { type: 'boolean' }, out: { type: 'string' } } }));
  } catch (error) {
    process.stderr.write(`train-router: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  const train = readCorpus(CORPUS_FILES.train);
  const heldOutTexts = new Set(readCorpus(CORPUS_FILES.heldOut).map((e) => e.text));
  const leaked = train.filter((e) => heldOutTexts.has(e.text)).length;
  if (leaked > 0) throw new Error(`${leaked} training example(s) also in the held-out file`);
  const url = values['no-corrections'] ? undefined : correctionsDatabaseUrl(values['corrections-database-url'], process.env);
  const read = values['no-corrections'] ? { corrections: [], skipped: { unknownQueue: 0, heldOut: 0, empty: 0 }, note: 'corrections switched off' } : await readCorrections(url, heldOutTexts);
  const trainingStarted = performance.now();
  const { model, crossValidation: cv } = trainRouterModel({ train, corrections: read.corrections });
  const trainingMs = performance.now() - trainingStarted;
  const out = values.out ?? DEFAULT_MODEL_PATH;
  const bytes = `${JSON.stringify(model)}\n`;
  writeFileSync(out, bytes);
  const pct = (r: number): string => `${(r * 100).toFixed(1)} %`;
  process.stdout.write([
    `train-router: ${train.length} corpus examples, ${read.corrections.length} corrections${url ? ` from ${safeUrl(url)}` : ''}${read.note ? ` (${read.note})` : ''}`,
    `  corrections left out: ${read.skipped.heldOut} in the held-out file, ${read.skipped.unknownQueue} with an unknown queue, ${read.skipped.empty} empty`,
    `  calibration (5-fold cross-validation on the training data): temperature ${model.calibration.temperature.toFixed(3)}, threshold ${model.calibration.threshold}, health guard ${model.calibration.healthGuard}`,
    `  cross-validation with that rule: right ${pct(cv.right.rate)}, wrong register ${pct(cv.wrongRegister.rate)}, health in a register ${cv.healthInRegister.count}, registers to triage ${pct(cv.registersToTriage.rate)}`,
    `  training time ${(trainingMs / 1000).toFixed(2)} s (total with reading ${((performance.now() - started) / 1000).toFixed(2)} s)`,
    `  wrote ${out} (${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')})`,
    '',
  ].join('\n'));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`train-router: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
