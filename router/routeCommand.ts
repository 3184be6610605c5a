import { stdoutGuarded } from './stdoutGuard.js';
import { parseArgs } from 'node:util';
import { CORPUS_FILES, readCorpus } from './corpus.js';
import { evaluateRouter, formatEvaluation } from './evaluateRouter.js';
import { loadRouter } from './loadRouter.js';
import { routeJsonLines } from './routeJsonLines.js';
import { DEFAULT_MODEL_PATH } from './routerModel.js';

const USAGE = `usage:
  npm run --silent route -- --jsonl [--model <file>]   JSON lines {"text": ...} on stdin -> one JSON line each on stdout
  npm run route -- --eval [--file <jsonl>] [--model <file>]   figures on the held-out split (or another labelled file)
  npm run --silent route -- "<text>"                  routes one text`;

/** `npm run route`: the router's command line (contract: ../shared/CONTRACT.md). */
export async function main(argv: string[]): Promise<number> {
  void stdoutGuarded;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { jsonl: { type: 'boolean' }, eval: { type: 'boolean' }, file: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean' } } });
  } catch (error) {
    process.stderr.write(`route: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const modes = [values.jsonl, values.eval, positionals.length > 0].filter(Boolean).length;
  if (modes !== 1) {
    process.stderr.write(`route: choose exactly one of --jsonl, --eval or a text\n${USAGE}\n`);
    return 2;
  }
  const router = loadRouter(values.model ?? DEFAULT_MODEL_PATH);
  if (values.jsonl) {
    const summary = await routeJsonLines(router, process.stdin, process.stdout);
    if (summary.refused > 0) {
      process.stderr.write(`route: ${summary.refused} line(s) refused (BAD_USER_INPUT), ${summary.routed} routed\n`);
      return 1;
    }
    return 0;
  }
  if (values.eval) {
    const file = values.file ?? CORPUS_FILES.heldOut;
    const evaluation = evaluateRouter(router, readCorpus(file));
    process.stdout.write(formatEvaluation(evaluation, values.file ? `Evaluation on ${values.file}` : 'Held-out split (data/requests/heldout.jsonl)'));
    return 0;
  }
  const { queue, confidence, language } = router.route(positionals.join(' '));
  process.stdout.write(`${JSON.stringify({ queue, confidence: Math.round(confidence * 1e4) / 1e4, language })}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Never a silent crash; the message names the failure, never an input text.
    process.stderr.write(`route: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
