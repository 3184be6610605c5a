import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import { bufferedDestination, bufferedStdout, createLogger } from '../logger.js';

// The default destination gathers lines into fewer writes, and still writes every line: within its flush interval,
// on logger.flush(), and on exit (pino's flushSync).

const dir = mkdtempSync(join(tmpdir(), 'logger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logTo(name: string, bufferBytes: number, flushMs = 60_000) {
  const path = join(dir, name);
  const fd = openSync(path, 'a');
  const logger = createLogger({ service: 'test', level: 'info', destination: bufferedDestination({ fd, bufferBytes, flushMs }) });
  const lines = () => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, close: () => closeSync(fd) };
}

describe('bufferedDestination', () => {
  it('holds lines until the buffer fills, then writes them in order', async () => {
    const { logger, lines } = logTo('fills.log', 2048);
    logger.info({ n: 0 }, 'request');
    await sleep(50);
    expect(lines()).toEqual([]);
    for (let n = 1; n < 40; n += 1) logger.info({ n }, 'request');
    await sleep(50);
    const written = lines();
    expect(written.length).toBeGreaterThan(0);
    expect(written.map((line) => line.n)).toEqual(written.map((_, i) => i));
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    expect(lines().map((line) => line.n)).toEqual([...Array(40).keys()]);
  });

  it('writes what it holds within its flush interval, however little', async () => {
    const { logger, lines } = logTo('interval.log', 4096, 30);
    logger.info({ token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }, 'one line');
    for (let i = 0; i < 50 && lines().length === 0; i += 1) await sleep(20);
    expect(lines()).toEqual([expect.objectContaining({ msg: 'one line', token: '[REDACTED]' })]);
  });

  it('writes each line at once with a buffer of 0', async () => {
    const { logger, lines } = logTo('unbuffered.log', 0);
    logger.info('first');
    for (let i = 0; i < 50 && lines().length === 0; i += 1) await sleep(10);
    expect(lines()).toEqual([expect.objectContaining({ msg: 'first' })]);
  });

  it('refuses bad sizes and intervals, and a LOG_BUFFER_BYTES that is not a number of bytes', () => {
    expect(() => bufferedDestination({ fd: 1, bufferBytes: -1, flushMs: 10 })).toThrow(TypeError);
    expect(() => bufferedDestination({ fd: 1, bufferBytes: 10, flushMs: 0 })).toThrow(TypeError);
    expect(() => bufferedStdout({ LOG_BUFFER_BYTES: '4k' })).toThrow(/LOG_BUFFER_BYTES/);
  });

  it('gives every logger of a process the same stdout writer, so that services in one process never cut each other\'s lines', () => {
    expect(bufferedStdout({ LOG_BUFFER_BYTES: '4096' })).toBe(bufferedStdout({}));
    expect(bufferedStdout({ LOG_BUFFER_BYTES: '0' })).not.toBe(bufferedStdout({}));
  });
});
