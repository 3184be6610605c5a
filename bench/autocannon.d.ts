// autocannon 9 ships no types; only what bench/loadWorker.ts uses is declared here.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** A request template; `setupRequest` runs before every send and may rewrite it (fresh DPoP proofs). */
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: AutocannonRequest[];
    /** Requests per second over all connections (a fixed rate instead of as fast as possible). */
    overallRate?: number;
    /** A response whose body this refuses is counted in `mismatches`. */
    verifyBody?: (body: string) => boolean;
  }

  export interface AutocannonHistogram {
    average: number;
    mean: number;
    p50: number;
    p99: number;
    total: number;
  }

  export interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
    requests: AutocannonHistogram;
    latency: AutocannonHistogram;
    statusCodeStats: Record<string, { count: number }>;
  }

  export interface Instance extends EventEmitter {
    stop(): void;
  }

  /** Starts a run; the callback receives the result (autocannon also returns a promise when no callback is given). */
  export default function autocannon(options: AutocannonOptions, callback: (error: Error | null, result: AutocannonResult) => void): Instance;
}
