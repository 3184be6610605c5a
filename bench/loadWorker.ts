import { createInterface } from 'node:readline';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import type { JWK } from 'jose';
import { Pool } from 'undici';
import { dpopProofMaker, proofSupply, type ProofSupply } from './dpopProofs.js';

// The load generator, in its own process so that it never shares a CPU scheduler slot or an event loop with a
// gateway or the bench's sampling: it reads one job per line (JSON) on stdin, runs autocannon, and prints one result
// per line (JSON) on stdout. Latency percentiles are computed here from every 2xx response's own time in fractional
// milliseconds: autocannon's histogram keeps whole milliseconds, too coarse for a direct subgraph call.

/** A load run: POST `body` to `url` with `headers`, `connections` at once, for `seconds`. */
export interface LoadJob {
  readonly id: number;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  readonly seconds: number;
  /** The body every response must have (checked once before measuring); a different one counts as a mismatch. */
  readonly expectBody?: string;
  /** A fixed rate (requests per second over all connections) instead of as fast as the server answers. */
  readonly rate?: number;
  /** Partner runs: a fresh DPoP proof (RFC 9449) for every request, by this key, signed before the run starts. */
  readonly dpop?: { readonly privateJwk: JWK; readonly accessToken: string; readonly htu: string };
  /**
   * Instead of `url`, `headers` and `body`: these requests sent all at once, one such group per connection at a
   * time; a group's latency is that of its slowest answer. What a gateway would cost nothing doing (see runFanOut).
   */
  readonly fanOut?: readonly FanOutRequest[];
}

/** One request of a {@link LoadJob.fanOut} group. */
export interface FanOutRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The body its every answer must have; a different one counts as a mismatch. */
  readonly expectBody?: string;
}

/** What a load run measured. */
export interface LoadResult {
  readonly id: number;
  readonly seconds: number;
  /** 2xx responses. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly mismatches: number;
  readonly rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly mean_ms: number;
  readonly statusCodes: Record<string, number>;
  /** Partner runs: proofs signed while the load ran, beyond those signed before it (see proofSupply). */
  readonly proofsSignedDuringLoad?: number;
  readonly error?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Runs one job; `started` is called once its load begins (after any preparation, such as signing proofs). */
function runLoad(job: LoadJob, started: () => void): Promise<LoadResult> {
  if (job.fanOut) return runFanOut(job, job.fanOut, started);
  const url = new URL(job.url);
  const request: AutocannonRequest = { method: 'POST', path: url.pathname, headers: { 'content-type': 'application/json', ...job.headers }, body: job.body };
  let proofs: ProofSupply | undefined;
  if (job.dpop) {
    proofs = proofSupply(dpopProofMaker(job.dpop.privateJwk, job.dpop.accessToken, job.dpop.htu), job.seconds, job.rate);
    const next = proofs.next;
    request.setupRequest = (built) => ({ ...built, headers: { ...built.headers, dpop: next() } });
  }
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statusCodes: Record<string, number> = {};
  return new Promise((resolve) => {
    started();
    const startedAt = process.hrtime.bigint();
    const instance = autocannon(
      { url: `${url.origin}${url.pathname}`, connections: job.connections, pipelining: 1, duration: job.seconds, timeout: 10, requests: [request], ...(job.rate ? { overallRate: job.rate } : {}), ...(job.expectBody !== undefined ? { verifyBody: (body: string) => body === job.expectBody } : {}) },
      (error: Error | null, result: AutocannonResult) => {
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        if (error) {
          resolve({ id: job.id, seconds, ok: 0, non2xx: 0, errors: 1, timeouts: 0, mismatches: 0, rps: 0, p50_ms: NaN, p99_ms: NaN, mean_ms: NaN, statusCodes, error: error.message });
          return;
        }
        const sorted = latencies.slice(0, count).sort();
        let sum = 0;
        for (const value of sorted) sum += value;
        resolve({
          id: job.id,
          // autocannon's own measured duration: from the first connection to the stop.
          seconds: result.duration,
          ok: count,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          mismatches: result.mismatches,
          rps: count / result.duration,
          p50_ms: percentile(sorted, 50),
          p99_ms: percentile(sorted, 99),
          mean_ms: count > 0 ? sum / count : NaN,
          statusCodes,
          ...(proofs ? { proofsSignedDuringLoad: proofs.signedLive() } : {}),
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode < 200 || statusCode > 299) return;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTime;
    });
  });
}

/**
 * The floor of a fanned-out operation: every request of the group sent at once over kept-alive connections (one
 * pool per register, as a gateway keeps), the group timed from the first send to the last answer read. It is what
 * a gateway that cost no CPU and no hop would achieve on the same machine, the registers competing for its cores.
 */
async function runFanOut(job: LoadJob, group: readonly FanOutRequest[], begin: () => void): Promise<LoadResult> {
  const pools = new Map<string, Pool>();
  for (const request of group) {
    const origin = new URL(request.url).origin;
    if (!pools.has(origin)) pools.set(origin, new Pool(origin, { connections: job.connections, pipelining: 1 }));
  }
  const sends = group.map((request) => {
    const url = new URL(request.url);
    const pool = pools.get(url.origin)!;
    const options = { method: 'POST' as const, path: url.pathname, headers: { 'content-type': 'application/json', ...request.headers }, body: request.body, headersTimeout: 10_000, bodyTimeout: 10_000 };
    return async (): Promise<{ status: number; matches: boolean }> => {
      const response = await pool.request(options);
      const text = await response.body.text();
      return { status: response.statusCode, matches: request.expectBody === undefined || text === request.expectBody };
    };
  });
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let mismatches = 0;
  begin();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  const connection = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const answers = await Promise.all(sends.map((send) => send()));
        const took = performance.now() - sent;
        for (const { status } of answers) statusCodes[status] = (statusCodes[status] ?? 0) + 1;
        if (answers.some(({ status }) => status < 200 || status > 299)) non2xx += 1;
        else {
          latencies.push(took);
          if (answers.some(({ matches }) => !matches)) mismatches += 1;
        }
      } catch {
        errors += 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: job.connections }, connection));
  } finally {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const mean = latencies.length > 0 ? latencies.reduce((sum, value) => sum + value, 0) / latencies.length : NaN;
  return {
    id: job.id, seconds, ok: latencies.length, non2xx, errors, timeouts: 0, mismatches, rps: latencies.length / seconds,
    p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), mean_ms: mean, statusCodes,
  };
}

// One job per stdin line; per job, a `{ id, started: true }` line once its load begins (the runner measures CPU from
// then on), then its result line; in order. The runner imports this file's types only.
const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    const job = JSON.parse(line) as LoadJob;
    const started = () => process.stdout.write(`${JSON.stringify({ id: job.id, started: true })}\n`);
    const result = await runLoad(job, started).catch((error: Error): LoadResult => ({
      id: job.id, seconds: 0, ok: 0, non2xx: 0, errors: 1, timeouts: 0, mismatches: 0, rps: 0, p50_ms: NaN, p99_ms: NaN, mean_ms: NaN, statusCodes: {}, error: error.message,
    }));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
});
lines.on('close', () => void queue.then(() => process.exit(0)));
