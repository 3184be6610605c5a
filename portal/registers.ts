import { REGISTERS, type Register } from '../lib/config.js';

export { REGISTERS, type Register };

/** The Person fields each register answers in the gateway's API, ending with its "last updated" field. */
export const REGISTER_FIELDS: Readonly<Record<Register, readonly string[]>> = Object.freeze({
  population: ['personalIdentityCode', 'dateOfBirth', 'firstNames', 'lastName', 'isAdult', 'nationalities', 'nativeLanguage', 'address', 'maritalStatus', 'children', 'populationUpdatedAt'],
  tax: ['taxAssessments', 'taxDebt', 'taxUpdatedAt'],
  vehicles: ['vehicles', 'drivingLicence', 'vehiclesUpdatedAt'],
  education: ['qualifications', 'enrolments', 'educationUpdatedAt'],
});

/** The selection of every register field of Person (CONTRACT.md and schema/supergraph.graphql). */
export const PERSON_SELECTION = `personalIdentityCode dateOfBirth firstNames lastName isAdult nationalities nativeLanguage
  address { streetAddress postalCode municipality } maritalStatus children { firstNames lastName dateOfBirth } populationUpdatedAt
  taxAssessments { year earnedIncome capitalIncome taxesPaid } taxDebt { amount recordedOn } taxUpdatedAt
  vehicles { registrationNumber make model vehicleClass role firstRegistered } drivingLicence { categories validUntil } vehiclesUpdatedAt
  qualifications { name level institution completedOn } enrolments { programme institution startedOn } educationUpdatedAt`;

/** What the registers hold about the citizen, as the API returns it (a failed register's fields are null). */
export interface PersonData {
  personalIdentityCode: string | null;
  dateOfBirth: string | null;
  firstNames: string | null;
  lastName: string | null;
  isAdult: boolean | null;
  nationalities: string[] | null;
  nativeLanguage: string | null;
  address: { streetAddress: string; postalCode: string; municipality: string } | null;
  maritalStatus: string | null;
  children: Array<{ firstNames: string; lastName: string; dateOfBirth: string }> | null;
  populationUpdatedAt: string | null;
  taxAssessments: Array<{ year: number; earnedIncome: number; capitalIncome: number; taxesPaid: number }> | null;
  taxDebt: { amount: number; recordedOn: string } | null;
  taxUpdatedAt: string | null;
  vehicles: Array<{ registrationNumber: string; make: string; model: string; vehicleClass: string; role: string; firstRegistered: string }> | null;
  drivingLicence: { categories: string[]; validUntil: string } | null;
  vehiclesUpdatedAt: string | null;
  qualifications: Array<{ name: string; level: number; institution: string; completedOn: string }> | null;
  enrolments: Array<{ programme: string; institution: string; startedOn: string }> | null;
  educationUpdatedAt: string | null;
}

/** The register data and which registers could not be reached for it. */
export interface MyData {
  /** Null when nothing could be read (the population register, which answers `me`, was down). */
  person: PersonData | null;
  unavailable: ReadonlySet<Register>;
}

/** The register that answers a Person field, or undefined for a field no register owns. */
export function registerOf(field: string): Register | undefined {
  return REGISTERS.find((register) => REGISTER_FIELDS[register].includes(field));
}

/** True when the register holds nothing about the person (and it was reached). */
export function isEmptyRegister(person: PersonData, register: Register): boolean {
  switch (register) {
    case 'population':
      return person.firstNames === null && person.personalIdentityCode === null;
    case 'tax':
      return (person.taxAssessments ?? []).length === 0 && person.taxDebt === null;
    case 'vehicles':
      return (person.vehicles ?? []).length === 0 && person.drivingLicence === null;
    case 'education':
      return (person.qualifications ?? []).length === 0 && (person.enrolments ?? []).length === 0;
  }
}

/** The "last updated" timestamp of a register's records, if it gave one. */
export function updatedAt(person: PersonData, register: Register): string | null {
  return person[`${register}UpdatedAt` as const];
}
