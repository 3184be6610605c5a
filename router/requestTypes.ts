/** The queues a request can land in: the four registers, a person's triage, and health (not the hub's business). */
export type RequestQueue = 'population' | 'tax' | 'vehicles' | 'education' | 'triage' | 'health';

/** The languages the hub speaks. */
export type RequestLanguage = 'fi' | 'sv' | 'en';

/** Every queue, in the order reports list them. */
export const REQUEST_QUEUES: readonly RequestQueue[] = ['population', 'tax', 'vehicles', 'education', 'triage', 'health'];

/** The registers' queues: a message routed to one of these is handled by that register's caseworkers. */
export const REGISTER_QUEUES: readonly RequestQueue[] = ['population', 'tax', 'vehicles', 'education'];

/** Every language, in the order reports list them. */
export const REQUEST_LANGUAGES: readonly RequestLanguage[] = ['fi', 'sv', 'en'];

/** Where the router sends one text. */
export interface RouteResult {
  queue: RequestQueue;
  /** 0..1: the model's calibrated probability of the class it chose (for triage by threshold, of its top class). */
  confidence: number;
  language: RequestLanguage;
}

/** A trained router, loaded once and used synchronously. */
export interface RequestRouter {
  route(text: string): RouteResult;
}

/** One labelled example of the corpus (data/requests/*.jsonl). */
export interface LabelledRequest {
  text: string;
  queue: RequestQueue;
  language: RequestLanguage;
}
