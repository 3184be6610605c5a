import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { RequestRouter } from './requestTypes.js';

/** The closed set of codes a refused input line gets (stable, like the API's `extensions.code`). */
export type RouteLineErrorCode = 'BAD_USER_INPUT';

/** What `routeJsonLines` counted. */
export interface JsonLinesSummary {
  routed: number;
  refused: number;
}

/**
 * Why a line cannot be routed, in words that never repeat the line's content (it may hold personal data).
 * undefined means the line is routable.
 */
function refusal(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object {"text": "..."}';
  const { text } = value as { text?: unknown };
  if (typeof text !== 'string') return 'field "text" must be a string';
  if (text.trim() === '') return 'field "text" must not be empty';
  return undefined;
}

/**
 * Reads JSON lines `{"text": "..."}` and writes, for each, one JSON line `{"queue", "confidence", "language"}` in
 * the same order. A line that cannot be routed gets one JSON line `{"error": {"code": "BAD_USER_INPUT", "line": n,
 * "message": ...}}` in its place, so outputs stay aligned with inputs; the message never holds the line's text.
 * Whitespace-only lines are not inputs (JSON Lines has no empty records) and get no output.
 */
export async function routeJsonLines(router: RequestRouter, input: Readable, output: Writable): Promise<JsonLinesSummary> {
  const summary: JsonLinesSummary = { routed: 0, refused: 0 };
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let out: string;
    let value: unknown;
    let parsed = true;
    try {
      value = JSON.parse(line);
    } catch {
      parsed = false;
    }
    const reason = parsed ? refusal(value) : 'not valid JSON';
    if (reason === undefined) {
      const { queue, confidence, language } = router.route((value as { text: string }).text);
      out = JSON.stringify({ queue, confidence: Math.round(confidence * 1e4) / 1e4, language });
      summary.routed += 1;
    } else {
      const code: RouteLineErrorCode = 'BAD_USER_INPUT';
      out = JSON.stringify({ error: { code, line: lineNumber, message: `line ${lineNumber}: ${reason}` } });
      summary.refused += 1;
    }
    if (!output.write(`${out}\n`)) await new Promise((resolve) => output.once('drain', resolve));
  }
  return summary;
}
