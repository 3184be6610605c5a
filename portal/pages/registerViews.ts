import { escapeHtml, interpolate } from '../../lib/web/html.js';
import { formatDate, formatEuros } from '../../lib/web/format.js';
import { LOCALES, type Language } from '../../lib/web/language.js';
import { messages } from '../messages.js';
import type { PersonData, Register } from '../registers.js';
import { dataTable, descriptionList, paragraph, time } from './parts.js';

/** An ISO date as `<time>` in the page language. */
function date(lang: Language, iso: string): string {
  try {
    return time(iso, formatDate(lang, iso));
  } catch {
    return escapeHtml(iso); // a value the register wrote oddly is still shown, as is
  }
}

/** A country or language code in words ("FI" -> "Suomi"), or the code when Intl does not know it. */
function displayName(lang: Language, type: 'region' | 'language', code: string): string {
  try {
    return new Intl.DisplayNames([LOCALES[lang]], { type, fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function text(value: string | null | undefined, fallback: string): string {
  return escapeHtml(value === null || value === undefined || value === '' ? fallback : value);
}

function population(lang: Language, p: PersonData): string {
  const t = messages[lang].population;
  const address = p.address
    ? `${escapeHtml(p.address.streetAddress)}<br>${escapeHtml(p.address.postalCode)} ${escapeHtml(p.address.municipality)}`
    : escapeHtml(t.notRecorded);
  const list = descriptionList([
    [t.personalIdentityCode, text(p.personalIdentityCode, t.notRecorded)],
    [t.dateOfBirth, p.dateOfBirth ? date(lang, p.dateOfBirth) : escapeHtml(t.notRecorded)],
    [t.firstNames, text(p.firstNames, t.notRecorded)],
    [t.lastName, text(p.lastName, t.notRecorded)],
    [t.isAdult, escapeHtml(p.isAdult === null ? t.notRecorded : p.isAdult ? t.yes : t.no)],
    [t.nationalities, p.nationalities?.length ? escapeHtml(p.nationalities.map((c) => displayName(lang, 'region', c)).join(', ')) : escapeHtml(t.notRecorded)],
    [t.nativeLanguage, p.nativeLanguage ? escapeHtml(displayName(lang, 'language', p.nativeLanguage)) : escapeHtml(t.notRecorded)],
    [t.address, address],
    [t.maritalStatus, p.maritalStatus ? escapeHtml(t.maritalStatuses[p.maritalStatus] ?? p.maritalStatus) : escapeHtml(t.notRecorded)],
  ]);
  const children = p.children ?? [];
  const childTable = children.length === 0
    ? paragraph(t.noChildren)
    : dataTable('children', t.childrenCaption, [{ text: t.childName }, { text: t.dateOfBirth }], children.map((c) => [
        { html: escapeHtml(`${c.firstNames} ${c.lastName}`) },
        { html: date(lang, c.dateOfBirth) },
      ]));
  return `${list}\n<h3>${escapeHtml(t.children)}</h3>\n${childTable}`;
}

function tax(lang: Language, p: PersonData): string {
  const t = messages[lang].tax;
  const assessments = p.taxAssessments ?? [];
  const table = assessments.length === 0
    ? paragraph(t.noAssessments)
    : dataTable('tax-assessments', t.assessmentsCaption, [{ text: t.year }, { text: t.earnedIncome, numeric: true }, { text: t.capitalIncome, numeric: true }, { text: t.taxesPaid, numeric: true }], assessments.map((a) => [
        { html: escapeHtml(a.year) },
        { html: escapeHtml(formatEuros(lang, a.earnedIncome)), numeric: true },
        { html: escapeHtml(formatEuros(lang, a.capitalIncome)), numeric: true },
        { html: escapeHtml(formatEuros(lang, a.taxesPaid)), numeric: true },
      ]));
  const debt = p.taxDebt
    ? `<p id="tax-debt">${interpolate(t.debtAmount, { amount: escapeHtml(formatEuros(lang, p.taxDebt.amount)), date: date(lang, p.taxDebt.recordedOn) })}</p>`
    : paragraph(t.noDebt);
  return `<h3>${escapeHtml(t.assessments)}</h3>\n${table}\n<h3>${escapeHtml(t.debt)}</h3>\n${debt}`;
}

function vehicles(lang: Language, p: PersonData): string {
  const t = messages[lang].vehicles;
  const owned = p.vehicles ?? [];
  const table = owned.length === 0
    ? paragraph(t.noVehicles)
    : dataTable('vehicles', t.vehiclesCaption, [{ text: t.registrationNumber }, { text: t.makeModel }, { text: t.vehicleClass }, { text: t.role }, { text: t.firstRegistered }], owned.map((v) => [
        { html: escapeHtml(v.registrationNumber) },
        { html: escapeHtml(`${v.make} ${v.model}`) },
        { html: escapeHtml(v.vehicleClass) },
        { html: escapeHtml(t.roles[v.role] ?? v.role) },
        { html: date(lang, v.firstRegistered) },
      ]));
  const licence = p.drivingLicence
    ? descriptionList([[t.categories, escapeHtml(p.drivingLicence.categories.join(', '))], [t.validUntil, date(lang, p.drivingLicence.validUntil)]])
    : paragraph(t.noLicence);
  return `<h3>${escapeHtml(t.vehicles)}</h3>\n${table}\n<h3>${escapeHtml(t.licence)}</h3>\n${licence}`;
}

function education(lang: Language, p: PersonData): string {
  const t = messages[lang].education;
  const qualifications = p.qualifications ?? [];
  const enrolments = p.enrolments ?? [];
  const level = (n: number) => (t.levels[n] === undefined ? t.levelOther.replace('{level}', String(n)) : `${t.levels[n]} (ISCED ${n})`);
  const qualificationTable = qualifications.length === 0
    ? paragraph(t.noQualifications)
    : dataTable('qualifications', t.qualificationsCaption, [{ text: t.name }, { text: t.level }, { text: t.institution }, { text: t.completedOn }], qualifications.map((q) => [
        { html: escapeHtml(q.name) },
        { html: escapeHtml(level(q.level)) },
        { html: escapeHtml(q.institution) },
        { html: date(lang, q.completedOn) },
      ]));
  const enrolmentTable = enrolments.length === 0
    ? paragraph(t.noEnrolments)
    : dataTable('enrolments', t.enrolmentsCaption, [{ text: t.programme }, { text: t.institution }, { text: t.startedOn }], enrolments.map((e) => [
        { html: escapeHtml(e.programme) },
        { html: escapeHtml(e.institution) },
        { html: date(lang, e.startedOn) },
      ]));
  return `<h3>${escapeHtml(t.qualifications)}</h3>\n${qualificationTable}\n<h3>${escapeHtml(t.enrolments)}</h3>\n${enrolmentTable}`;
}

const VIEWS: Readonly<Record<Register, (lang: Language, person: PersonData) => string>> = { population, tax, vehicles, education };

/** The HTML of one register's data (its section's body, below the heading), in the page language. */
export function renderRegisterData(register: Register, lang: Language, person: PersonData): string {
  const view = VIEWS[register];
  if (view === undefined) throw new TypeError(`renderRegisterData: unknown "register" ${JSON.stringify(register)}`);
  return view(lang, person);
}
