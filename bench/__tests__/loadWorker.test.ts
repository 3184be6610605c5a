import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import { DEV_PARTNER_KEY_FILES } from '../../consent/partners.js';
import { LoadGenerator } from '../harness.js';
import type { LoadJob, LoadResult } from '../loadWorker.js';

// The load generator's fan-out jobs (the `direct-parallel` floor): a group is sent all at once, timed to its
// slowest answer, and every answer is checked.

const DELAY_MS = 120;
const servers: Server[] = [];
const urls: string[] = [];

/** A server that answers `{"n":…}` after DELAY_MS, or 503 when the body asks for it. */
function slowServer(n: number): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => setTimeout(() => {
      response.writeHead(body.includes('fail') ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ n }));
    }, DELAY_MS));
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)));
}

/** Runs one job through the runner's side of the protocol; fails unless the worker said its load began first. */
async function runJob(job: Omit<LoadJob, 'id'>): Promise<LoadResult> {
  const load = new LoadGenerator(tmpdir());
  let began = false;
  try {
    const result = await load.run(job, () => (began = true));
    expect(began).toBe(true);
    return result;
  } finally {
    load.stop();
  }
}

beforeAll(async () => {
  urls.push(await slowServer(1), await slowServer(2), await slowServer(3));
});
afterAll(() => servers.forEach((server) => server.close()));

describe('the load generator, fanning out', () => {
  it('sends a group at once and times it to its slowest answer', async () => {
    const fanOut = urls.map((url, i) => ({ url, headers: { authorization: 'Bearer x' }, body: '{}', expectBody: JSON.stringify({ n: i + 1 }) }));
    const result = await runJob({ url: urls[0]!, headers: {}, body: '', connections: 1, seconds: 1.5, fanOut });
    expect(result).toMatchObject({ non2xx: 0, errors: 0, mismatches: 0 });
    expect(result.ok).toBeGreaterThanOrEqual(5);
    expect(result.statusCodes).toEqual({ 200: result.ok * 3 });
    // Each answer takes DELAY_MS: at once, a group takes about that; one after another it would take three times.
    expect(result.p50_ms).toBeGreaterThanOrEqual(DELAY_MS);
    expect(result.p50_ms).toBeLessThan(2 * DELAY_MS);
  });

  it('counts a group with a refused call as non-2xx, and a changed answer as a mismatch', async () => {
    const refused = await runJob({ url: urls[0]!, headers: {}, body: '', connections: 1, seconds: 0.5, fanOut: [{ url: urls[0]!, headers: {}, body: '{}' }, { url: urls[1]!, headers: {}, body: '"fail"' }] });
    expect(refused.ok).toBe(0);
    expect(refused.non2xx).toBeGreaterThan(0);
    const changed = await runJob({ url: urls[0]!, headers: {}, body: '', connections: 2, seconds: 0.5, fanOut: [{ url: urls[2]!, headers: {}, body: '{}', expectBody: '{"n":1}' }] });
    expect(changed.ok).toBeGreaterThan(0);
    expect(changed.mismatches).toBe(changed.ok);
  });
});

describe('the load generator, as a partner', () => {
  it('sends every request with its own proof, all signed before the load began', async () => {
    const proofs: string[] = [];
    const server = createServer((request, response) => {
      proofs.push(String(request.headers.dpop));
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    servers.push(server);
    const url = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)));
    const privateJwk = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')) as JWK;
    const result = await runJob({ url, headers: {}, body: '{}', connections: 4, seconds: 1, rate: 200, dpop: { privateJwk, accessToken: 't', htu: url } });
    expect(result.ok).toBeGreaterThan(50);
    // Requests still in flight when the run stops are sent but not counted.
    expect(proofs.length).toBeGreaterThanOrEqual(result.ok);
    expect(new Set(proofs).size).toBe(proofs.length);
    expect(proofs.every((proof) => proof.split('.').length === 3)).toBe(true);
    expect(result.proofsSignedDuringLoad).toBe(0);
  });
});
