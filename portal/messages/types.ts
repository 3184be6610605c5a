import type { Register } from '../registers.js';
import type { RequestsMessages } from './requestsTypes.js';

/**
 * The portal's UI strings in one language. Plain text only: `{name}` placeholders are filled by `interpolate()`
 * (lib/web/html.ts), which escapes the text around them.
 */
export interface PortalMessages {
  /** The language's name in itself, for the language links. */
  languageName: string;
  serviceName: string;
  skipLink: string;
  mainNav: string;
  languageNav: string;
  nav: { data: string; ask: string; requests: string; consents: string; disclosures: string };
  signIn: string;
  signOut: string;
  footer: string;
  signedOut: { title: string; intro: string; points: [string, string, string]; note: string };
  registers: Record<Register, string>;
  myData: {
    title: string;
    intro: string;
    download: string;
    downloadHint: string;
    /** Before the Report an error links of a register section. */
    reportError: string;
    /** {item} (visually hidden context of a Report an error link: the register's name) */
    reportErrorContext: string;
    /** {date} */
    updated: string;
    unavailable: string;
    empty: Record<Register, string>;
  };
  population: {
    personalIdentityCode: string;
    dateOfBirth: string;
    firstNames: string;
    lastName: string;
    isAdult: string;
    yes: string;
    no: string;
    nationalities: string;
    nativeLanguage: string;
    notRecorded: string;
    address: string;
    maritalStatus: string;
    maritalStatuses: Record<string, string>;
    children: string;
    childrenCaption: string;
    noChildren: string;
    childName: string;
  };
  tax: {
    assessments: string;
    assessmentsCaption: string;
    noAssessments: string;
    year: string;
    earnedIncome: string;
    capitalIncome: string;
    taxesPaid: string;
    debt: string;
    /** {amount} {date} */
    debtAmount: string;
    noDebt: string;
  };
  vehicles: {
    vehicles: string;
    vehiclesCaption: string;
    noVehicles: string;
    registrationNumber: string;
    makeModel: string;
    vehicleClass: string;
    role: string;
    roles: Record<string, string>;
    firstRegistered: string;
    licence: string;
    categories: string;
    validUntil: string;
    noLicence: string;
  };
  education: {
    qualifications: string;
    qualificationsCaption: string;
    noQualifications: string;
    name: string;
    level: string;
    levels: Record<number, string>;
    /** {level} */
    levelOther: string;
    institution: string;
    completedOn: string;
    enrolments: string;
    enrolmentsCaption: string;
    noEnrolments: string;
    programme: string;
    startedOn: string;
  };
  consents: {
    title: string;
    intro: string;
    active: string;
    expired: string;
    revoked: string;
    noneActive: string;
    noneExpired: string;
    noneRevoked: string;
    purpose: string;
    items: string;
    granted: string;
    expires: string;
    expiredOn: string;
    revokedOn: string;
    revoke: string;
    /** {partner} (visually hidden context for the button) */
    revokeContext: string;
    receipt: string;
    /** {partner} */
    revokedNotice: string;
  };
  revoke: {
    /** {partner} */
    title: string;
    explain: string;
    confirm: string;
    cancel: string;
    notActive: string;
  };
  disclosures: {
    title: string;
    intro: string;
    caption: string;
    partner: string;
    purpose: string;
    items: string;
    time: string;
    none: string;
    older: string;
    newest: string;
    pages: string;
  };
  requests: RequestsMessages;
  errors: {
    title: string;
    notFound: string;
    forbidden: string;
    hubUnavailable: string;
    rateLimited: string;
    issuerUnavailable: string;
    signInCancelled: string;
    signInFailed: string;
    internal: string;
    tryAgain: string;
    home: string;
  };
}
