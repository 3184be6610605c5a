import type { OperationResult } from './executeOperation.js';

/** Codes that, when they are all an operation produced, are the caller's to fix: the HTTP status says so. */
const WHOLE_OPERATION_STATUS: ReadonlyArray<[string, number]> = [
  ['RATE_LIMITED', 429],
  ['BAD_USER_INPUT', 400],
];

/**
 * The HTTP status and headers of an executed operation's answer: 200, unless nothing came back (no root field has
 * data) because a subgraph refused the caller's input (400 `BAD_USER_INPUT`, as for malformed variables) or a
 * limit (429 `RATE_LIMITED`, with `Retry-After` from the error's `retryAfterSeconds`). A partly answered operation
 * stays 200, as GraphQL over HTTP has it.
 */
export function responseStatus(body: OperationResult): { status: number; headers: Record<string, string> } {
  const answered = body.data !== null && body.data !== undefined && Object.values(body.data).some((value) => value !== null);
  if (answered || !body.errors?.length) return { status: 200, headers: {} };
  for (const [code, status] of WHOLE_OPERATION_STATUS) {
    const error = body.errors.find((candidate) => candidate.extensions.code === code);
    if (!error) continue;
    const retryAfter = error.extensions.retryAfterSeconds;
    return { status, headers: typeof retryAfter === 'number' && retryAfter > 0 ? { 'retry-after': String(Math.ceil(retryAfter)) } : {} };
  }
  return { status: 200, headers: {} };
}
