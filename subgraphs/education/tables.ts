/** Kysely table interfaces of the education register; names carry the `education_` prefix to share a database. */

/** One row per person the education register knows. */
export interface EducationPersonTable {
  person_id: string;
  /** ISO 8601 timestamp (UTC) of the last change to any of the person's rows. */
  updated_at: string;
}

/** A completed qualification. */
export interface EducationQualificationTable {
  person_id: string;
  ordinal: number;
  name: string;
  /** ISCED 2011 level: 3, 6, 7 or 8. */
  isced_level: number;
  institution: string;
  /** ISO 8601 date. */
  completed_on: string;
}

/** An ongoing right to study (opiskeluoikeus). */
export interface EducationEnrolmentTable {
  person_id: string;
  ordinal: number;
  programme: string;
  institution: string;
  /** ISO 8601 date. */
  started_on: string;
}

/** The education register's tables. */
export interface EducationTables {
  education_person: EducationPersonTable;
  education_qualification: EducationQualificationTable;
  education_enrolment: EducationEnrolmentTable;
}
