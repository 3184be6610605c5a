/** The requests database as Kysely sees it (requests/migrations.ts creates it). Timestamps are ISO 8601 strings. */
export interface RequestsTables {
  /** One citizen's free-text request; never a health matter (those are stored nowhere). */
  requests: {
    id: string;
    /** The hub's pseudonymous person id (lib/personId.ts), never an identity code. */
    person_id: string;
    /** Lower-case queue: population, tax, vehicles, education or triage. */
    queue: string;
    status: string;
    /** The text with personal identity codes hidden. */
    text: string;
    about: string | null;
    language: string;
    created_at: string;
    updated_at: string;
  };
  /** Replies and answers after the first text. */
  request_messages: {
    id: string;
    request_id: string;
    author: string;
    /** The caseworker's id for a reply; null for the citizen. */
    author_id: string | null;
    at: string;
    text: string;
  };
  /** Every change of queue, by whom: the citizen disputing the route, or a caseworker. */
  request_moves: {
    id: string;
    request_id: string;
    from_queue: string;
    to_queue: string;
    at: string;
    by: string;
    caseworker_id: string | null;
  };
  /**
   * A caseworker's move as a labelled example for the router's training (`npm run train-router` reads `text`,
   * `to_queue` and `at`; see _notes/INTERFACES.md): the stored, masked text and the queue a person chose.
   */
  request_corrections: {
    id: string;
    request_id: string;
    text: string;
    from_queue: string;
    to_queue: string;
    at: string;
    caseworker_id: string;
  };
}
