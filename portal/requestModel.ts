import type { Register } from './registers.js';

/** The queues a request can be routed to (CONTRACT.md "Requests (free text)"). */
export const REQUEST_QUEUES = ['POPULATION', 'TAX', 'VEHICLES', 'EDUCATION', 'TRIAGE', 'HEALTH'] as const;
/** One of {@link REQUEST_QUEUES}. */
export type RequestQueue = (typeof REQUEST_QUEUES)[number];

/** A request's status; `NOT_STORED` only ever in a receipt (a health matter kept nowhere). */
export const REQUEST_STATUSES = ['RECEIVED', 'IN_PROGRESS', 'WAITING_FOR_CITIZEN', 'RESOLVED', 'NOT_STORED'] as const;
/** One of {@link REQUEST_STATUSES}. */
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** What `submitRequest` answers. */
export interface RequestReceipt {
  /** Null when the request was not stored (a health matter). */
  id: string | null;
  queue: RequestQueue;
  status: RequestStatus;
}

/** One message of a request's conversation. */
export interface RequestMessage {
  from: 'CITIZEN' | 'CASEWORKER';
  at: string;
  text: string;
}

/** One of the citizen's requests, as `me { requests }` gives it. */
export interface ServiceRequestItem {
  id: string;
  queue: RequestQueue;
  status: RequestStatus;
  text: string;
  about: string | null;
  createdAt: string;
  messages: RequestMessage[];
}

/** The longest text a request may have (CONTRACT.md, issue 11 item 8); the API is the judge, the form says it too. */
export const MAX_REQUEST_LENGTH = 4000;

/**
 * The items of each register section that *Report an error* links attach (`about`), as schema coordinates; the
 * portal accepts no other `about`, so a link cannot smuggle arbitrary text into a caseworker's view.
 */
export const REPORTABLE_ITEMS: Readonly<Record<Register, readonly string[]>> = Object.freeze({
  population: ['Person.firstNames', 'Person.lastName', 'Person.address', 'Person.maritalStatus', 'Person.nationalities', 'Person.children'],
  tax: ['Person.taxAssessments', 'Person.taxDebt'],
  vehicles: ['Person.vehicles', 'Person.drivingLicence'],
  education: ['Person.qualifications', 'Person.enrolments'],
});

const ALL_ITEMS = new Set(Object.values(REPORTABLE_ITEMS).flat());

/** The `about` of a form or link if it is one of {@link REPORTABLE_ITEMS}, else undefined. */
export function reportableItem(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && ALL_ITEMS.has(value) ? value : undefined;
}
