import type { Insertable, Kysely } from 'kysely';
import { createRandom, epochDay, isoFromEpochDay, type Random } from '../../lib/random.js';
import { insertTables } from '../../lib/synthetic/insertRows.js';
import { resolveSeedOptions, type CorePerson, type SeedOptions } from '../../lib/synthetic/persons.js';
import { profileOf, type EducationLevel, type PersonProfile } from '../../lib/synthetic/profile.js';
import { updatedAtFor } from '../../lib/synthetic/updatedAt.js';
import type { TaxAssessmentTable, TaxPersonTable, TaxTables } from './tables.js';

/** Median yearly earned income of a full-time worker by education (after Statistics Finland, rounded). */
const MEDIAN_EARNINGS: Record<EducationLevel, number> = { 0: 29_000, 3: 35_000, 6: 44_000, 7: 56_000, 8: 64_000 };
/** Median yearly pension by education. */
const MEDIAN_PENSION: Record<EducationLevel, number> = { 0: 17_500, 3: 21_000, 6: 27_000, 7: 35_000, 8: 41_000 };

/** Every table of the tax register, parents first: what seeding empties and bulk loading fills. */
export const TAX_TABLE_NAMES: readonly string[] = Object.freeze(['tax_person', 'tax_assessment']);

/** Inserts the tax register's rows for a batch of persons, in one transaction (or in `db`'s, when it is one). */
export async function seedTax(db: Kysely<TaxTables>, persons: readonly CorePerson[], seedOptions: SeedOptions): Promise<void> {
  const options = resolveSeedOptions(seedOptions);
  const referenceYear = Number(options.referenceDate.slice(0, 4));
  const people: Insertable<TaxPersonTable>[] = [];
  const assessments: Insertable<TaxAssessmentTable>[] = [];
  for (const person of persons) {
    const random = createRandom(`${options.seed}:tax:${person.personalIdentityCode}`);
    const profile = profileOf(person, options);
    const own = assessmentsOf(random, person, profile, referenceYear);
    if (own.length === 0 && !profile.hasTaxDebt) continue; // the tax register knows nobody without income or debt
    const debt = profile.hasTaxDebt ? Math.round(Math.exp(random.normal(Math.log(2_500), 1)) * 100) : null;
    people.push({
      person_id: person.personId,
      debt_cents: debt === null ? null : Math.min(Math.max(debt, 10_000), 5_000_000),
      debt_recorded_on: debt === null ? null : isoFromEpochDay(epochDay(options.referenceDate) - random.int(1, 365)),
      updated_at: updatedAtFor(random, person.dateOfBirth, options.referenceDate),
    });
    assessments.push(...own);
  }
  await insertTables(db, [
    ['tax_person', people],
    ['tax_assessment', assessments],
  ]);
}

/** Deletes every row of the tax register. */
export async function clearTax(db: Kysely<TaxTables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('tax_assessment').execute();
    await trx.deleteFrom('tax_person').execute();
  });
}

/** Final assessments of the five tax years before the reference year, for the years the person had income. */
function assessmentsOf(random: Random, person: CorePerson, profile: PersonProfile, referenceYear: number): Insertable<TaxAssessmentTable>[] {
  const birthYear = Number(person.dateOfBirth.slice(0, 4));
  const talent = Math.exp(random.normal(0, 0.3)); // the person's standing against the median, kept for all years
  const investor = random.chance(0.45);
  const capitalBase = investor ? Math.exp(random.normal(Math.log(400), 1.5)) : 0;
  const rows: Insertable<TaxAssessmentTable>[] = [];
  for (let year = referenceYear - 1; year >= referenceYear - 5; year -= 1) {
    const age = year - birthYear;
    const adultThatYear = age >= 18 && profile.isAdult;
    let earned: number;
    if (!adultThatYear) {
      // Teenagers with a summer job; younger children have no taxable income of their own.
      if (age < 15 || !random.chance(0.35)) continue;
      earned = random.int(800, 4_500);
    } else if (age >= 65) {
      earned = MEDIAN_PENSION[profile.educationLevel] * talent;
    } else if (age < 20 || (profile.educationLevel >= 6 && age < 24)) {
      earned = random.int(3_000, 12_000); // students: part-time work and study grants are taxable
    } else if (random.chance(0.07)) {
      earned = random.int(9_000, 16_000); // a year of unemployment benefit
    } else {
      const experience = Math.min(1, 0.7 + (age - 20) * 0.012); // earnings rise until about 45
      earned = MEDIAN_EARNINGS[profile.educationLevel] * talent * experience;
    }
    earned *= 1.025 ** (year - 2020) * (0.95 + random.next() * 0.1); // wage growth plus yearly variation
    const capital = capitalBase > 0 ? Math.min(capitalBase * Math.exp(random.normal(0, 0.5)), 500_000) : 0;
    const taxes = earnedIncomeTax(earned) + capitalIncomeTax(capital);
    rows.push({
      person_id: person.personId,
      tax_year: year,
      earned_income_cents: Math.round(earned * 100),
      capital_income_cents: Math.round(capital * 100),
      taxes_paid_cents: Math.round(taxes * (0.98 + random.next() * 0.04) * 100),
    });
  }
  return rows;
}

/** Municipal and state tax plus contributions, as marginal rates on brackets (an approximation of the scales). */
function earnedIncomeTax(income: number): number {
  const brackets: [number, number][] = [[14_000, 0.08], [30_000, 0.28], [55_000, 0.37], [90_000, 0.45], [Infinity, 0.52]];
  let tax = 0;
  let lower = 0;
  for (const [upper, rate] of brackets) {
    tax += Math.max(0, Math.min(income, upper) - lower) * rate;
    lower = upper;
  }
  return tax;
}

/** Capital income tax: 30 %, and 34 % above 30,000 euros (Income Tax Act 124 §). */
function capitalIncomeTax(income: number): number {
  return Math.min(income, 30_000) * 0.3 + Math.max(0, income - 30_000) * 0.34;
}
