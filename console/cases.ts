import type { RequestMessage, RequestQueue, RequestStatus } from '../portal/requestModel.js';

export type { RequestMessage, RequestQueue, RequestStatus };

/** The queues a caseworker can belong to (HEALTH is never worked here: it is stored nowhere). */
export const CASE_QUEUES = ['POPULATION', 'TAX', 'VEHICLES', 'EDUCATION', 'TRIAGE'] as const;
/** One of {@link CASE_QUEUES}. */
export type CaseQueue = (typeof CASE_QUEUES)[number];

/** The statuses a case can have, in the order the queue page lists them. */
export const CASE_STATUSES = ['RECEIVED', 'IN_PROGRESS', 'WAITING_FOR_CITIZEN', 'RESOLVED'] as const;
/** One of {@link CASE_STATUSES}. */
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** A case as the queue lists it. */
export interface CaseSummary {
  id: string;
  queue: RequestQueue;
  status: RequestStatus;
  text: string;
  about: string | null;
  language: string;
  createdAt: string;
  updatedAt: string;
}

/** A case with who it is about (as the population register knows the person) and its conversation. */
export interface CaseDetail extends CaseSummary {
  subject: { firstNames: string; lastName: string } | null;
  messages: RequestMessage[];
}

/**
 * The queue a caseworker's token is for, from its scope (`cases:<queue>`); undefined unless exactly one such
 * scope is there (the authorization server issues exactly one).
 */
export function queueOfScope(scope: string | undefined): CaseQueue | undefined {
  const queues = (scope ?? '').split(' ').map((s) => /^cases:([a-z]+)$/.exec(s)?.[1]?.toUpperCase()).filter((q): q is string => q !== undefined);
  return queues.length === 1 && (CASE_QUEUES as readonly string[]).includes(queues[0]!) ? (queues[0] as CaseQueue) : undefined;
}
