import type { RequestQueue, RequestStatus } from '../requestModel.js';

/** The strings of the requests pages (Ask or report, the result, My requests) in one language. */
export interface RequestsMessages {
  askTitle: string;
  askIntro: string;
  /** The title when a Report an error link attached an item. */
  reportTitle: string;
  reportIntro: string;
  /** Label of the attached item. */
  aboutLabel: string;
  removeAbout: string;
  textLabel: string;
  /** {max} */
  textHint: string;
  send: string;
  /** Under the form: health matters are not for this page. */
  healthNote: string;
  /** BAD_USER_INPUT for an empty text. */
  emptyText: string;
  /** BAD_USER_INPUT for a long one: {max} {count} */
  tooLong: string;
  /** BAD_USER_INPUT for anything else the API refused. */
  refused: string;
  /** RATE_LIMITED (20 a day). */
  rateLimited: string;
  sentTitle: string;
  /** {authority} */
  handledBy: string;
  /** Where a request the router was not sure of went, in plain words. */
  triage: string;
  caseNumber: string;
  followUp: string;
  healthTitle: string;
  healthNotStored: string;
  /** Where health matters go instead, one item each. */
  healthWhere: string[];
  listTitle: string;
  listIntro: string;
  none: string;
  /** {number} */
  caseHeading: string;
  handledByLabel: string;
  statusLabel: string;
  sentOn: string;
  aboutShort: string;
  conversation: string;
  you: string;
  caseworker: string;
  answerLabel: string;
  answerSend: string;
  wrongPlace: string;
  wrongPlaceHint: string;
  answeredNotice: string;
  disputedNotice: string;
  askAnother: string;
  authorities: Record<RequestQueue, string>;
  statuses: Record<RequestStatus, string>;
}
