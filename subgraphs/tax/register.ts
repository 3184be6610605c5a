import type { Kysely } from 'kysely';
import type { DatabaseEngine } from '../../lib/storage/database.js';
import { engineOf, jsonArrayFromFor, parseJsonArray } from '../../lib/storage/jsonArrays.js';
import type { TaxTables } from './tables.js';

/** The final assessment of one tax year; amounts in euros. */
export interface TaxAssessment {
  year: number;
  earnedIncome: number;
  capitalIncome: number;
  taxesPaid: number;
}

/** Unpaid taxes in the register of tax debts. */
export interface TaxDebt {
  amount: number;
  recordedOn: string;
}

/** Everything the tax register holds about one person. */
export interface TaxRecord {
  /** Newest tax year first. */
  assessments: TaxAssessment[];
  debt: TaxDebt | null;
  updatedAt: string;
}

/** Batched read access to the tax register, for the subgraph's DataLoaders. */
export interface TaxRegister {
  /** Records in the order of `personIds`, null where the register has no such person; always one SQL statement. */
  findRecords(personIds: readonly string[]): Promise<Array<TaxRecord | null>>;
}

interface AssessmentRow {
  tax_year: number;
  earned_income_cents: number;
  capital_income_cents: number;
  taxes_paid_cents: number;
}

/** Creates the tax register's data access over a database (the engine is read from its dialect if not given). */
export function createTaxRegister(db: Kysely<TaxTables>, engine: DatabaseEngine = engineOf(db)): TaxRegister {
  // The JSON aggregate differs by engine (json_agg vs json_group_array); the query is otherwise the same.
  const jsonArrayFrom = jsonArrayFromFor(engine);
  return {
    async findRecords(personIds) {
      if (personIds.length === 0) return [];
      const rows = await db
        .selectFrom('tax_person as p')
        .select((eb) => [
          'p.person_id',
          'p.debt_cents',
          'p.debt_recorded_on',
          'p.updated_at',
          jsonArrayFrom(
            eb
              .selectFrom('tax_assessment as a')
              .select(['a.tax_year', 'a.earned_income_cents', 'a.capital_income_cents', 'a.taxes_paid_cents'])
              .whereRef('a.person_id', '=', 'p.person_id')
              .orderBy('a.tax_year', 'desc'),
          ).as('assessments'),
        ])
        .where('p.person_id', 'in', [...new Set(personIds)])
        .execute();
      const byId = new Map(rows.map((row) => [row.person_id, row]));
      return personIds.map((personId) => {
        const row = byId.get(personId);
        if (!row) return null;
        const assessments = parseJsonArray<AssessmentRow>(row.assessments).sort((a, b) => b.tax_year - a.tax_year);
        return {
          assessments: assessments.map((a) => ({
            year: Number(a.tax_year),
            earnedIncome: euros(a.earned_income_cents),
            capitalIncome: euros(a.capital_income_cents),
            taxesPaid: euros(a.taxes_paid_cents),
          })),
          debt:
            row.debt_cents === null || row.debt_recorded_on === null
              ? null
              : { amount: euros(row.debt_cents), recordedOn: row.debt_recorded_on },
          updatedAt: row.updated_at,
        };
      });
    },
  };
}

/** Cents to euros; integer cents divided by 100 round-trip exactly to two decimals. */
function euros(cents: number | string): number {
  return Number(cents) / 100;
}
