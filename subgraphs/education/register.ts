import type { Kysely } from 'kysely';
import type { DatabaseEngine } from '../../lib/storage/database.js';
import { engineOf, jsonArrayFromFor, parseJsonArray } from '../../lib/storage/jsonArrays.js';
import type { EducationTables } from './tables.js';

/** A completed qualification; `level` on ISCED 2011. */
export interface QualificationRecord {
  name: string;
  level: number;
  institution: string;
  completedOn: string;
}

/** An ongoing enrolment. */
export interface EnrolmentRecord {
  programme: string;
  institution: string;
  startedOn: string;
}

/** Everything the education register holds about one person. */
export interface EducationRecord {
  /** Newest first. */
  qualifications: QualificationRecord[];
  /** Newest first. */
  enrolments: EnrolmentRecord[];
  updatedAt: string;
}

/** Batched read access to the education register, for the subgraph's DataLoaders. */
export interface EducationRegister {
  /** Records in the order of `personIds`, null where the register has no such person; always one SQL statement. */
  findRecords(personIds: readonly string[]): Promise<Array<EducationRecord | null>>;
}

interface QualificationRow {
  name: string;
  isced_level: number;
  institution: string;
  completed_on: string;
}

interface EnrolmentRow {
  programme: string;
  institution: string;
  started_on: string;
}

/** Creates the education register's data access over a database (the engine is read from its dialect if not given). */
export function createEducationRegister(db: Kysely<EducationTables>, engine: DatabaseEngine = engineOf(db)): EducationRegister {
  // The JSON aggregate differs by engine (json_agg vs json_group_array); the query is otherwise the same.
  const jsonArrayFrom = jsonArrayFromFor(engine);
  return {
    async findRecords(personIds) {
      if (personIds.length === 0) return [];
      const rows = await db
        .selectFrom('education_person as p')
        .select((eb) => [
          'p.person_id',
          'p.updated_at',
          jsonArrayFrom(
            eb
              .selectFrom('education_qualification as q')
              .select(['q.name', 'q.isced_level', 'q.institution', 'q.completed_on'])
              .whereRef('q.person_id', '=', 'p.person_id')
              .orderBy('q.completed_on', 'desc'),
          ).as('qualifications'),
          jsonArrayFrom(
            eb
              .selectFrom('education_enrolment as e')
              .select(['e.programme', 'e.institution', 'e.started_on'])
              .whereRef('e.person_id', '=', 'p.person_id')
              .orderBy('e.started_on', 'desc'),
          ).as('enrolments'),
        ])
        .where('p.person_id', 'in', [...new Set(personIds)])
        .execute();
      const byId = new Map(rows.map((row) => [row.person_id, row]));
      return personIds.map((personId) => {
        const row = byId.get(personId);
        if (!row) return null;
        const qualifications = parseJsonArray<QualificationRow>(row.qualifications).sort(
          (a, b) => b.completed_on.localeCompare(a.completed_on) || b.isced_level - a.isced_level,
        );
        const enrolments = parseJsonArray<EnrolmentRow>(row.enrolments).sort((a, b) => b.started_on.localeCompare(a.started_on));
        return {
          qualifications: qualifications.map((q) => ({
            name: q.name,
            level: Number(q.isced_level),
            institution: q.institution,
            completedOn: q.completed_on,
          })),
          enrolments: enrolments.map((e) => ({ programme: e.programme, institution: e.institution, startedOn: e.started_on })),
          updatedAt: row.updated_at,
        };
      });
    },
  };
}
