import { sql } from 'kysely';
import type { HubDatabase } from '../storage/database.js';

/** How many disclosures carried one field to one client in one calendar month (UTC); no person in it. */
export interface DisclosureCount {
  readonly clientId: string;
  /** `YYYY-MM`, UTC. */
  readonly month: string;
  /** The disclosed field's coordinate, `Type.field`, as the log records it. */
  readonly field: string;
  readonly count: number;
}

/** Options for {@link disclosureCounts}. */
export interface DisclosureCountsOptions {
  /** Only disclosures at or after this instant. */
  since?: Date;
  /** Only these fields (`Type.field`); all when absent. */
  fields?: readonly string[];
}

/**
 * Counts disclosures per client, month and field, aggregated inside the database: the query reads neither the
 * person nor the request, so the answer (and anything printed from it) can name no one. The `fields` column is a
 * JSON array; it is unnested with `json_each` (SQLite) or `jsonb_array_elements_text` (PostgreSQL).
 */
export async function disclosureCounts(database: HubDatabase<any>, options: DisclosureCountsOptions = {}): Promise<DisclosureCount[]> {
  const since = options.since?.getTime() ?? 0;
  if (!Number.isFinite(since)) throw new TypeError('disclosureCounts: option "since" must be a valid date');
  const rows = database.engine === 'postgres'
    ? await sql<{ client_id: string; month: string; field: string; count: string | number }>`
        select d.client_id, to_char(to_timestamp(d.at::bigint / 1000.0) at time zone 'UTC', 'YYYY-MM') as month, f.field, count(*) as count
        from disclosures d cross join lateral jsonb_array_elements_text(d.fields::jsonb) as f(field)
        where d.at::bigint >= ${since}
        group by 1, 2, 3 order by 3, 1, 2`.execute(database.db)
    : await sql<{ client_id: string; month: string; field: string; count: string | number }>`
        select d.client_id, strftime('%Y-%m', d.at / 1000, 'unixepoch') as month, f.value as field, count(*) as count
        from disclosures d, json_each(d.fields) f
        where d.at >= ${since}
        group by 1, 2, 3 order by 3, 1, 2`.execute(database.db);
  const wanted = options.fields ? new Set(options.fields) : undefined;
  return rows.rows
    .filter((row) => !wanted || wanted.has(row.field))
    .map((row) => ({ clientId: row.client_id, month: row.month, field: row.field, count: Number(row.count) }));
}
