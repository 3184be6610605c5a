import { performance } from 'node:perf_hooks';
import type { ExplainedRouter } from './loadRouter.js';
import { routeMetrics, type RouteMetrics, type Share } from './routeMetrics.js';
import { REQUEST_LANGUAGES, REQUEST_QUEUES, type LabelledRequest } from './requestTypes.js';

/** The figures plus how long routing took. */
export interface RouterEvaluation extends RouteMetrics {
  /** Milliseconds per request, measured around `route()` alone: mean, 99th percentile and the slowest one. */
  timing: { meanMs: number; p99Ms: number; maxMs: number };
}

/** Routes every labelled example and computes the figures. */
export function evaluateRouter(router: ExplainedRouter, examples: readonly LabelledRequest[]): RouterEvaluation {
  const times: number[] = [];
  const routed = examples.map((e) => {
    const started = performance.now();
    const result = router.route(e.text);
    times.push(performance.now() - started);
    return { text: e.text, expected: e.queue, routed: result.queue, language: e.language, detectedLanguage: result.language, confidence: result.confidence };
  });
  const sorted = [...times].sort((a, b) => a - b);
  const timing = {
    meanMs: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0,
    p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
    maxMs: sorted[sorted.length - 1] ?? 0,
  };
  return { ...routeMetrics(routed), timing };
}

const percent = (s: Share): string => `${(s.rate * 100).toFixed(1)} % (${s.count}/${s.total})`;

/** The evaluation as the plain-text report `npm run route -- --eval` prints. */
export function formatEvaluation(e: RouterEvaluation, title: string): string {
  const lines: string[] = [`${title}: ${e.total} messages`, ''];
  const target = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
  lines.push('| figure | value | target |', '| --- | --- | --- |');
  lines.push(`| routed right | ${percent(e.right)} | >= 90 %: ${target(e.right.rate >= 0.9)} |`);
  lines.push(`| routed to a wrong register | ${percent(e.wrongRegister)} | <= 3 %: ${target(e.wrongRegister.rate <= 0.03)} |`);
  lines.push(`| health message in a register's queue | ${e.healthInRegister.count} | 0: ${target(e.healthInRegister.count === 0)} |`);
  lines.push(`| registers' messages sent to triage | ${percent(e.registersToTriage)} | <= 10 %: ${target(e.registersToTriage.rate <= 0.1)} |`);
  lines.push(`| triage rate (all messages) | ${percent(e.triage)} | |`);
  if (e.languageDetection) lines.push(`| language detected right | ${percent(e.languageDetection)} | |`);
  lines.push(`| routing time per request | mean ${e.timing.meanMs.toFixed(2)} ms, p99 ${e.timing.p99Ms.toFixed(2)} ms, slowest ${e.timing.maxMs.toFixed(2)} ms (the first call warms up) | < 5 ms |`);
  lines.push('', 'Accuracy per language:', '| language | right |', '| --- | --- |');
  for (const l of REQUEST_LANGUAGES) lines.push(`| ${l} | ${percent(e.byLanguage[l])} |`);
  lines.push('', 'Accuracy per queue:', '| queue | right |', '| --- | --- |');
  for (const q of REQUEST_QUEUES) lines.push(`| ${q} | ${percent(e.byQueue[q])} |`);
  lines.push('', 'Confusion matrix (rows: right queue, columns: routed to):');
  lines.push(`| | ${REQUEST_QUEUES.join(' | ')} |`, `| --- |${REQUEST_QUEUES.map(() => ' ---: |').join('')}`);
  for (const q of REQUEST_QUEUES) lines.push(`| ${q} | ${REQUEST_QUEUES.map((r) => e.confusion[q][r]).join(' | ')} |`);
  lines.push('', `Misroutes (${e.misroutes.length}):`);
  for (const m of e.misroutes) {
    lines.push(`- ${m.expected} -> ${m.routed} (${m.language}, confidence ${m.confidence.toFixed(2)}): ${JSON.stringify(m.text)}`);
  }
  return `${lines.join('\n')}\n`;
}
