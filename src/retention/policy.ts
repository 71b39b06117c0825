import type { Executor } from '../db/unit-of-work.js'

/**
 * Each municipality's retention period: how many whole years after a
 * citizen's last course ended its cases are kept before the retention run
 * anonymises them. It is the municipality's decision (it is the data
 * controller); one without a period of its own has the default,
 * RETENTION_YEARS.
 */

export interface Policy { kommunekode: string, years: number, updatedAt: Date }

export const MIN_YEARS = 1
export const MAX_YEARS = 100

export async function listPolicies (db: Executor): Promise<Policy[]> {
  const rows = await db.selectFrom('retention_policy').select(['kommunekode', 'years', 'updated_at']).orderBy('kommunekode').execute()
  return rows.map((row) => ({ kommunekode: row.kommunekode, years: row.years, updatedAt: row.updated_at }))
}

export async function setPolicy (db: Executor, kommunekode: string, years: number): Promise<void> {
  const now = new Date()
  await db.insertInto('retention_policy').values({ kommunekode, years, updated_at: now })
    .onConflict((oc) => oc.column('kommunekode').doUpdateSet({ years, updated_at: now }))
    .execute()
}

/** Back to the default; false when the municipality had no period of its own. */
export async function unsetPolicy (db: Executor, kommunekode: string): Promise<boolean> {
  const result = await db.deleteFrom('retention_policy').where('kommunekode', '=', kommunekode).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
