import type { CaseStatus, RequestQueue } from '../cases.js';

/** The console's UI strings in one language; `{name}` placeholders are filled by `interpolate()` (lib/web/html.ts). */
export interface ConsoleMessages {
  languageName: string;
  serviceName: string;
  skipLink: string;
  languageNav: string;
  signIn: string;
  signOut: string;
  footer: string;
  /** {name} {queue} */
  signedInAs: string;
  signedOut: { title: string; intro: string };
  queueNames: Record<RequestQueue, string>;
  queue: {
    /** {queue} */
    title: string;
    intro: string;
    statusNav: string;
    all: string;
    statuses: Record<CaseStatus, string>;
    none: string;
    case: string;
    received: string;
    age: string;
    about: string;
    language: string;
    excerpt: string;
  };
  case: {
    /** {id} */
    title: string;
    back: string;
    details: string;
    text: string;
    about: string;
    nothingAttached: string;
    subject: string;
    subjectNote: string;
    noSubject: string;
    status: string;
    received: string;
    language: string;
    languages: Record<string, string>;
    conversation: string;
    citizen: string;
    caseworker: string;
    noMessages: string;
    reply: string;
    replyLabel: string;
    replyHint: string;
    send: string;
    resolve: string;
    resolveHint: string;
    resolved: string;
    move: string;
    routeByHand: string;
    moveHint: string;
    moveTo: string;
    moveButton: string;
    emptyText: string;
    /** {max} {count} */
    tooLong: string;
    refused: string;
  };
  notices: {
    replied: string;
    resolved: string;
    /** {id} {queue} */
    moved: string;
  };
  errors: {
    title: string;
    notFound: string;
    forbidden: string;
    notCaseworker: string;
    hubUnavailable: string;
    issuerUnavailable: string;
    signInCancelled: string;
    signInFailed: string;
    internal: string;
    tryAgain: string;
    home: string;
  };
}
