import type { Insertable, Selectable } from 'kysely'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import type { GoalsTable } from '../db/schema.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import type { Goal } from './schemas.js'

export type GoalRow = Selectable<GoalsTable> & { aktuelt_niveau: string, aktuelt_registered_at: Date }

/** Goals of the caller's municipalities, with the level their registration carries. */
export function selectGoals (db: Executor, scope: Scope) {
  return scopedSelect(db, scope, 'goals')
    .innerJoin('theme_registrations as r', 'r.id', 'goals.aktuel_registration_id')
    .selectAll('goals')
    .select(['r.registered_at as aktuelt_registered_at'])
    .select((eb) => eb.fn.coalesce('r.funktionsevneniveau', eb.val('')).as('aktuelt_niveau'))
}

export function toGoal (catalogs: Catalogs, row: GoalRow): Goal {
  const day = dayInDenmark(row.registered_at)
  return {
    id: row.id,
    caseId: row.case_id,
    maalformulering: row.maalformulering,
    maaltype: catalogs.coded('maaltype', row.maaltype, day),
    primaertUndertema: catalogs.coded('aktivitet-og-deltagelse', row.primaert_undertema, day),
    aktueltFunktionsevneniveau: {
      ...catalogs.leveled('funktionsevneniveau', row.aktuelt_niveau, dayInDenmark(row.aktuelt_registered_at)),
      registrationId: row.aktuel_registration_id,
      registeredAt: row.aktuelt_registered_at.toISOString()
    },
    forventetFunktionsevneniveau: catalogs.leveled('funktionsevneniveau', row.forventet_funktionsevneniveau, day),
    opfoelgningsdato: row.opfoelgningsdato,
    ansvarligForOpfoelgning: row.ansvarlig_for_opfoelgning,
    relateredeUndertemaer: row.relaterede_undertemaer.map((code) => catalogs.coded('aktivitet-og-deltagelse', code, day)),
    registeredAt: row.registered_at.toISOString(),
    catalogVersion: row.catalog_version,
    createdAt: row.created_at.toISOString()
  }
}

/** The latest A&D registration of a sub-theme on a case at an instant: where a goal's current level comes from. */
export async function latestAdRegistration (db: Executor, caseId: string, undertema: string, at: Date) {
  return await db.selectFrom('theme_registrations').select(['id', 'funktionsevneniveau', 'registered_at'])
    .where('case_id', '=', caseId).where('theme', '=', 'aktivitet-og-deltagelse').where('undertema', '=', undertema)
    .where('registered_at', '<=', at)
    .orderBy('registered_at', 'desc').orderBy('seq', 'desc').limit(1)
    .executeTakeFirst()
}

export async function insertGoal (trx: Executor, values: Insertable<GoalsTable>): Promise<void> {
  await trx.insertInto('goals').values(values).execute()
}

/** A case's goals, oldest first, after a seq. */
export async function listGoals (db: Executor, scope: Scope, caseId: string, { after, limit }: { after?: number, limit: number }): Promise<GoalRow[]> {
  let query = selectGoals(db, scope).where('goals.case_id', '=', caseId).orderBy('goals.seq').limit(limit)
  if (after !== undefined) query = query.where('goals.seq', '>', after)
  return await query.execute()
}

export async function findGoal (db: Executor, scope: Scope, caseId: string, id: string): Promise<GoalRow | undefined> {
  return await selectGoals(db, scope).where('goals.case_id', '=', caseId).where('goals.id', '=', id).executeTakeFirst()
}
