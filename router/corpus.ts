import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REQUEST_LANGUAGES, REQUEST_QUEUES, type LabelledRequest, type RequestLanguage, type RequestQueue } from './requestTypes.js';

/** The labelled corpus the project writes and ships: training examples and the fixed held-out split. */
export const CORPUS_FILES = {
  train: fileURLToPath(new URL('../data/requests/train.jsonl', import.meta.url)),
  heldOut: fileURLToPath(new URL('../data/requests/heldout.jsonl', import.meta.url)),
} as const;

/** Share of the corpus (in percent) that the split rule puts in the held-out file. */
export const HELD_OUT_PERCENT = 28;

/**
 * The split rule: an example belongs to the held-out file when the first 32 bits of the SHA-256 of its text, modulo
 * 100, fall below {@link HELD_OUT_PERCENT}. It depends on the text alone, so adding examples never moves old ones.
 */
export function belongsToHeldOut(text: string): boolean {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return digest.readUInt32BE(0) % 100 < HELD_OUT_PERCENT;
}

/** Whether a value is one of the queues. */
export function isRequestQueue(value: unknown): value is RequestQueue {
  return typeof value === 'string' && (REQUEST_QUEUES as readonly string[]).includes(value);
}

/** Whether a value is one of the languages. */
export function isRequestLanguage(value: unknown): value is RequestLanguage {
  return typeof value === 'string' && (REQUEST_LANGUAGES as readonly string[]).includes(value);
}

/** Reads a JSON-lines file of `{text, queue, language}`; a malformed line throws with its line number. */
export function readCorpus(path: string): LabelledRequest[] {
  const examples: LabelledRequest[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TypeError(`${path}:${index + 1}: not JSON`);
    }
    const { text, queue, language } = (value ?? {}) as Record<string, unknown>;
    if (typeof text !== 'string' || text.trim() === '' || !isRequestQueue(queue) || !isRequestLanguage(language)) {
      throw new TypeError(`${path}:${index + 1}: expected {"text": "...", "queue": <queue>, "language": "fi" | "sv" | "en"}`);
    }
    examples.push({ text, queue, language });
  });
  return examples;
}
