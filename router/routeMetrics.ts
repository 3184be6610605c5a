import { REGISTER_QUEUES, REQUEST_LANGUAGES, REQUEST_QUEUES, type RequestLanguage, type RequestQueue } from './requestTypes.js';

/** One routed, labelled message. */
export interface RoutedExample {
  text: string;
  expected: RequestQueue;
  routed: RequestQueue;
  language: RequestLanguage;
  detectedLanguage?: RequestLanguage;
  confidence: number;
}

/** A share of messages: how many out of how many. */
export interface Share {
  count: number;
  total: number;
  rate: number;
}

/** The figures the targets are stated in, plus the breakdowns `route --eval` prints. */
export interface RouteMetrics {
  total: number;
  right: Share;
  /** Routed to a register that is not the right one (over all messages). */
  wrongRegister: Share;
  /** Health messages that landed in a register's queue: must be 0. */
  healthInRegister: Share;
  /** Register messages that went to triage (over the registers' messages). */
  registersToTriage: Share;
  /** Everything that went to triage (over all messages). */
  triage: Share;
  byQueue: Record<RequestQueue, Share>;
  byLanguage: Record<RequestLanguage, Share>;
  /** Language detection, when the examples say what was detected. */
  languageDetection?: Share;
  /** confusion[expected][routed]. */
  confusion: Record<RequestQueue, Record<RequestQueue, number>>;
  misroutes: RoutedExample[];
}

function share(count: number, total: number): Share {
  return { count, total, rate: total === 0 ? 0 : count / total };
}

/** Computes the figures over a set of routed examples. */
export function routeMetrics(examples: readonly RoutedExample[]): RouteMetrics {
  const isRegister = (queue: RequestQueue): boolean => REGISTER_QUEUES.includes(queue);
  const confusion = Object.fromEntries(REQUEST_QUEUES.map((e) => [e, Object.fromEntries(REQUEST_QUEUES.map((r) => [r, 0]))])) as RouteMetrics['confusion'];
  for (const e of examples) confusion[e.expected][e.routed] += 1;
  const count = (predicate: (e: RoutedExample) => boolean, within: readonly RoutedExample[] = examples): Share =>
    share(within.filter(predicate).length, within.length);
  const registerMessages = examples.filter((e) => isRegister(e.expected));
  const detected = examples.filter((e) => e.detectedLanguage !== undefined);
  return {
    total: examples.length,
    right: count((e) => e.routed === e.expected),
    wrongRegister: count((e) => isRegister(e.routed) && e.routed !== e.expected),
    healthInRegister: count((e) => e.expected === 'health' && isRegister(e.routed)),
    registersToTriage: count((e) => e.routed === 'triage', registerMessages),
    triage: count((e) => e.routed === 'triage'),
    byQueue: Object.fromEntries(REQUEST_QUEUES.map((q) => [q, count((e) => e.routed === e.expected, examples.filter((e) => e.expected === q))])) as Record<RequestQueue, Share>,
    byLanguage: Object.fromEntries(REQUEST_LANGUAGES.map((l) => [l, count((e) => e.routed === e.expected, examples.filter((e) => e.language === l))])) as Record<RequestLanguage, Share>,
    ...(detected.length > 0 ? { languageDetection: count((e) => e.detectedLanguage === e.language, detected) } : {}),
    confusion,
    misroutes: examples.filter((e) => e.routed !== e.expected),
  };
}
