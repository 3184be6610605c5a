import type { ScopeEntry } from './scopes.js';

/** The queues a caseworker works: one per register, and triage (a person routes by hand). Health has no queue. */
export const CASE_QUEUES = Object.freeze(['population', 'tax', 'vehicles', 'education', 'triage'] as const);
/** One of {@link CASE_QUEUES}. */
export type CaseQueue = (typeof CASE_QUEUES)[number];

const PREFIX = 'cases:';
const QUEUE_SET: ReadonlySet<string> = new Set(CASE_QUEUES);

/** The scope of a caseworker of `queue`: `cases:<queue>`. */
export function caseScope(queue: CaseQueue): string {
  return `${PREFIX}${queue}`;
}

/** True for `cases:<queue>` of a known queue. */
export function isCaseScope(scope: string): boolean {
  return scope.startsWith(PREFIX) && QUEUE_SET.has(scope.slice(PREFIX.length));
}

/** The queue a case scope names, or undefined. */
export function queueOfScope(scope: string): CaseQueue | undefined {
  return isCaseScope(scope) ? (scope.slice(PREFIX.length) as CaseQueue) : undefined;
}

/** True when `value` is one of {@link CASE_QUEUES}. */
export function isCaseQueue(value: unknown): value is CaseQueue {
  return typeof value === 'string' && QUEUE_SET.has(value);
}

/**
 * The caseworkers' scopes as catalogue entries (classification `caseworker`), for the schema policy. They are kept
 * out of schema/scopes.json on purpose: that file is what citizens consent to and what the citizen portal asks
 * for, and a caseworker's scope must never be offered to a citizen or a partner.
 */
export function caseScopeEntries(): readonly ScopeEntry[] {
  return CASE_QUEUES.map((queue) => Object.freeze({
    scope: caseScope(queue),
    register: 'hub' as const,
    classification: 'caseworker' as const,
    description: Object.freeze({
      fi: `Jonon ${queue} asiat (käsittelijä)`,
      sv: `Ärenden i kön ${queue} (handläggare)`,
      en: `The cases of the ${queue} queue (caseworker)`,
    }),
  }));
}
