import type { Insertable, Kysely } from 'kysely';
import { createRandom, type Random } from '../../lib/random.js';
import {
  APPLIED_BACHELORS,
  COMPREHENSIVE_SCHOOLS,
  GENERAL_UPPER_SECONDARY,
  UNIVERSITIES,
  UNIVERSITY_DEGREES,
  VOCATIONAL_UPPER_SECONDARY,
} from '../../lib/synthetic/educationCatalogue.js';
import { insertTables } from '../../lib/synthetic/insertRows.js';
import { resolveSeedOptions, type CorePerson, type SeedOptions } from '../../lib/synthetic/persons.js';
import { profileOf, type PersonProfile } from '../../lib/synthetic/profile.js';
import { updatedAtFor } from '../../lib/synthetic/updatedAt.js';
import type { EducationEnrolmentTable, EducationPersonTable, EducationQualificationTable, EducationTables } from './tables.js';

/** One stage of a person's studies: completed by the reference date, ongoing, or not started yet. */
interface Stage {
  name: string;
  programme: string;
  level: 3 | 6 | 7 | 8;
  institution: string;
  startedOn: string;
  completedOn: string;
}

/** Every table of the education register, parents first: what seeding empties and bulk loading fills. */
export const EDUCATION_TABLE_NAMES: readonly string[] = Object.freeze(['education_person', 'education_qualification', 'education_enrolment']);

/** Inserts the education register's rows for a batch of persons, in one transaction (or in `db`'s, when it is one). */
export async function seedEducation(db: Kysely<EducationTables>, persons: readonly CorePerson[], seedOptions: SeedOptions): Promise<void> {
  const options = resolveSeedOptions(seedOptions);
  const people: Insertable<EducationPersonTable>[] = [];
  const qualifications: Insertable<EducationQualificationTable>[] = [];
  const enrolments: Insertable<EducationEnrolmentTable>[] = [];
  for (const person of persons) {
    const profile = profileOf(person, options);
    if (profile.noEducation) continue;
    const random = createRandom(`${options.seed}:education:${person.personalIdentityCode}`);
    const birthYear = Number(person.dateOfBirth.slice(0, 4));
    const ownQualifications: Insertable<EducationQualificationTable>[] = [];
    const ownEnrolments: Insertable<EducationEnrolmentTable>[] = [];
    // Comprehensive school (basic education) from the August of the year the child turns seven.
    const schoolStart = `${birthYear + 7}-08-${random.int(10, 16)}`;
    if (profile.age >= 6 && profile.age < 16 && schoolStart <= options.referenceDate) {
      ownEnrolments.push(enrolment(person, 0, 'Perusopetus', random.pick(COMPREHENSIVE_SCHOOLS), schoolStart));
    }
    for (const stage of stagesOf(random, profile, birthYear)) {
      if (stage.completedOn <= options.referenceDate) {
        ownQualifications.push({
          person_id: person.personId,
          ordinal: ownQualifications.length,
          name: stage.name,
          isced_level: stage.level,
          institution: stage.institution,
          completed_on: stage.completedOn,
        });
      } else {
        if (stage.startedOn <= options.referenceDate) {
          ownEnrolments.push(enrolment(person, ownEnrolments.length, stage.programme, stage.institution, stage.startedOn));
        }
        break; // later stages have not begun
      }
    }
    if (profile.age >= 25 && profile.age < 60 && random.chance(0.03)) {
      // Adults retraining: a further vocational qualification begun in the last two years.
      const year = Number(options.referenceDate.slice(0, 4)) - random.int(1, 2);
      const kind = random.pick(VOCATIONAL_UPPER_SECONDARY);
      ownEnrolments.push(enrolment(person, ownEnrolments.length, kind.name, random.pick(kind.institutions), `${year}-0${random.int(1, 9)}-01`));
    }
    if (ownQualifications.length === 0 && ownEnrolments.length === 0) continue;
    people.push({ person_id: person.personId, updated_at: updatedAtFor(random, person.dateOfBirth, options.referenceDate) });
    qualifications.push(...ownQualifications);
    enrolments.push(...ownEnrolments);
  }
  await insertTables(db, [
    ['education_person', people],
    ['education_qualification', qualifications],
    ['education_enrolment', enrolments],
  ]);
}

/** Deletes every row of the education register. */
export async function clearEducation(db: Kysely<EducationTables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('education_enrolment').execute();
    await trx.deleteFrom('education_qualification').execute();
    await trx.deleteFrom('education_person').execute();
  });
}

function enrolment(person: CorePerson, ordinal: number, programme: string, institution: string, startedOn: string): Insertable<EducationEnrolmentTable> {
  return { person_id: person.personId, ordinal, programme, institution, started_on: startedOn };
}

/**
 * The studies a person goes through towards their highest level, in order: upper secondary from 16, then a
 * bachelor's, master's and doctorate at the usual ages, with a gap year now and then.
 */
function stagesOf(random: Random, profile: PersonProfile, birthYear: number): Stage[] {
  const stages: Stage[] = [];
  // Everyone younger than 19 is still on their way; the level 0 adults stop after basic education.
  if (profile.educationLevel === 0 && profile.age >= 19) return stages;
  const general = profile.educationTrack !== 'vocational' || profile.educationLevel >= 6;
  const upper = random.pick(general ? GENERAL_UPPER_SECONDARY : VOCATIONAL_UPPER_SECONDARY);
  const upperInstitution = random.pick(upper.institutions);
  let year = birthYear + 16;
  stages.push({
    name: upper.name,
    programme: general ? 'Lukion oppimäärä' : upper.name,
    level: 3,
    institution: upperInstitution,
    startedOn: `${year}-08-${random.int(10, 16)}`,
    completedOn: general ? `${year + 3}-06-0${random.int(1, 4)}` : `${year + 3}-05-${random.int(20, 31)}`,
  });
  if (profile.educationLevel < 6) return stages;
  year += 3 + random.weighted([0, 1, 2], [55, 30, 15]); // gap years before higher education are common in Finland
  if (profile.educationTrack === 'applied') {
    const degree = random.pick(APPLIED_BACHELORS);
    stages.push({
      name: degree.name,
      programme: degree.name,
      level: 6,
      institution: random.pick(degree.institutions),
      startedOn: `${year}-08-${random.int(20, 31)}`,
      completedOn: `${year + degree.years}-${random.pick(['05-31', '06-15', '12-15', '12-20'])}`,
    });
    return stages;
  }
  const field = random.pick(UNIVERSITY_DEGREES);
  const university = random.pick(UNIVERSITIES);
  const programme = `${field.bachelor} ja ${field.master}`;
  const startedOn = `${year}-09-01`;
  const bachelorYear = year + 3 + random.int(0, 1);
  stages.push({ name: field.bachelor, programme, level: 6, institution: university, startedOn, completedOn: `${bachelorYear}-${random.pick(['05-31', '06-30', '08-31', '12-15'])}` });
  if (profile.educationLevel < 7) return stages;
  const masterYear = bachelorYear + 2 + random.int(0, 1);
  stages.push({ name: field.master, programme, level: 7, institution: university, startedOn, completedOn: `${masterYear}-${random.pick(['05-31', '06-30', '10-31', '12-15'])}` });
  if (profile.educationLevel < 8) return stages;
  stages.push({
    name: field.doctor,
    programme: `Tohtorikoulutus (${field.doctor})`,
    level: 8,
    institution: university,
    startedOn: `${masterYear + 1}-01-01`,
    completedOn: `${masterYear + 4 + random.int(0, 2)}-${random.pick(['03-15', '06-12', '11-20'])}`,
  });
  return stages;
}
