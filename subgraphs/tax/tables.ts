/** Kysely table interfaces of the tax register; names carry the `tax_` prefix to share a database. */

/** One row per person the tax register knows, with their tax debt if any. */
export interface TaxPersonTable {
  person_id: string;
  /** Unpaid taxes in the register of tax debts, in cents (integers: money is never a float in storage). */
  debt_cents: number | null;
  /** ISO 8601 date the debt entry was last updated. */
  debt_recorded_on: string | null;
  /** ISO 8601 timestamp (UTC) of the last change to any of the person's rows. */
  updated_at: string;
}

/** The final assessment of one tax year, in cents. */
export interface TaxAssessmentTable {
  person_id: string;
  tax_year: number;
  earned_income_cents: number;
  capital_income_cents: number;
  taxes_paid_cents: number;
}

/** The tax register's tables. */
export interface TaxTables {
  tax_person: TaxPersonTable;
  tax_assessment: TaxAssessmentTable;
}
