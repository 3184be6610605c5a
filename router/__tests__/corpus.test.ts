import { describe, expect, it } from '@jest/globals';
import { belongsToHeldOut, CORPUS_FILES, readCorpus } from '../corpus.js';
import { REQUEST_LANGUAGES, REQUEST_QUEUES } from '../requestTypes.js';

describe('the labelled corpus (data/requests/)', () => {
  const train = readCorpus(CORPUS_FILES.train);
  const heldOut = readCorpus(CORPUS_FILES.heldOut);
  const all = [...train, ...heldOut];

  it('holds at least 150 examples per queue', () => {
    for (const queue of REQUEST_QUEUES) expect(all.filter((e) => e.queue === queue).length).toBeGreaterThanOrEqual(150);
  });

  it('is roughly balanced across fi, sv and en within each queue (each language at least 28 %)', () => {
    for (const queue of REQUEST_QUEUES) {
      const inQueue = all.filter((e) => e.queue === queue);
      for (const language of REQUEST_LANGUAGES) {
        expect(inQueue.filter((e) => e.language === language).length / inQueue.length).toBeGreaterThanOrEqual(0.28);
      }
    }
  });

  it('follows the split rule: every held-out text and no training text belongs to the held-out file', () => {
    expect(heldOut.every((e) => belongsToHeldOut(e.text))).toBe(true);
    expect(train.some((e) => belongsToHeldOut(e.text))).toBe(false);
    expect(heldOut.length / all.length).toBeGreaterThan(0.2);
    expect(heldOut.length / all.length).toBeLessThan(0.35);
  });

  it('has no text twice', () => {
    expect(new Set(all.map((e) => e.text)).size).toBe(all.length);
  });

  it('varies in length, from a word or two to a paragraph', () => {
    const words = all.map((e) => e.text.split(/\s+/).length);
    expect(Math.min(...words)).toBeLessThanOrEqual(2);
    expect(Math.max(...words)).toBeGreaterThanOrEqual(40);
  });

  it('refuses a malformed line with its line number', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'router-corpus-')), 'bad.jsonl');
    writeFileSync(file, '{"text":"a","queue":"tax","language":"fi"}\n{"text":"b","queue":"taxes","language":"fi"}\n');
    expect(() => readCorpus(file)).toThrow(/bad\.jsonl:2:/);
  });
});
