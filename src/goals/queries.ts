import type { Insertable, Selectable, Updateable } from 'kysely'
import { annulmentOf } from '../annulment/marker.js'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import type { GoalsTable } from '../db/schema.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { recordVersion } from '../versions/queries.js'
import type { Goal } from './schemas.js'

export type GoalRow = Selectable<GoalsTable> & { aktuelt_niveau: string, aktuelt_registered_at: Date }

/** Goals of the caller's municipalities, with the level their registration carries. */
export function selectGoals (db: Executor, scope: Scope, { annulled = false } = {}) {
  return scopedSelect(db, scope, 'goals', { annulled })
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
    version: row.version,
    catalogVersion: row.catalog_version,
    createdAt: row.created_at.toISOString(),
    ...annulmentOf(row)
  }
}

/** The correctable fields of a goal: what one of its versions holds (GET …/goals/{goalId}/versions). */
export interface GoalVersionData {
  maalformulering: string
  maaltype: string
  forventetFunktionsevneniveau: string
  opfoelgningsdato: string
  ansvarligForOpfoelgning: string
  relateredeUndertemaer: string[]
}

export const goalVersionData = (g: Selectable<GoalsTable>): GoalVersionData => ({
  maalformulering: g.maalformulering,
  maaltype: g.maaltype,
  forventetFunktionsevneniveau: g.forventet_funktionsevneniveau,
  opfoelgningsdato: g.opfoelgningsdato,
  ansvarligForOpfoelgning: g.ansvarlig_for_opfoelgning,
  relateredeUndertemaer: g.relaterede_undertemaer
})

/** Keeps the version of a goal just written, with who wrote it and why. */
export async function recordGoalVersion (trx: Executor, g: Selectable<GoalsTable>, clientId: string, reason?: string | null): Promise<void> {
  await recordVersion(trx, { resourceType: 'goal', resourceId: g.id, version: g.version, kommunekode: g.kommunekode, data: goalVersionData(g), clientId, reason })
}

/** A goal of a case, annulled or not, locked for a correction. */
export async function lockGoal (trx: Executor, scope: Scope, caseId: string, id: string): Promise<Selectable<GoalsTable> | undefined> {
  return await scopedSelect(trx, scope, 'goals', { annulled: true }).selectAll().where('case_id', '=', caseId).where('id', '=', id).forUpdate().executeTakeFirst()
}

/** Corrects a goal: a new version. */
export async function updateGoal (trx: Executor, id: string, set: Updateable<GoalsTable>): Promise<Selectable<GoalsTable>> {
  return await trx.updateTable('goals').set((eb) => ({ ...set, version: eb('version', '+', 1), changed_at: new Date() }))
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** The decisions covering a goal: a correction of the goal changes their uddata (the indsatsmål block). */
export async function decisionsOfGoal (trx: Executor, goalId: string): Promise<Array<{ id: string, case_id: string }>> {
  return await trx.selectFrom('decision_goals as dg').innerJoin('decisions as d', 'd.id', 'dg.decision_id')
    .select(['d.id', 'd.case_id']).where('dg.goal_id', '=', goalId).where('d.annulled_at', 'is', null).execute()
}

/** The latest A&D registration of a sub-theme on a case at an instant: where a goal's current level comes from. */
export async function latestAdRegistration (db: Executor, caseId: string, undertema: string, at: Date) {
  return await db.selectFrom('theme_registrations').select(['id', 'funktionsevneniveau', 'registered_at'])
    .where('case_id', '=', caseId).where('theme', '=', 'aktivitet-og-deltagelse').where('undertema', '=', undertema)
    .where('registered_at', '<=', at).where('annulled_at', 'is', null)
    .orderBy('registered_at', 'desc').orderBy('seq', 'desc').limit(1)
    .executeTakeFirst()
}

/** Stores a goal with its first version. */
export async function insertGoal (trx: Executor, values: Insertable<GoalsTable>, clientId: string): Promise<void> {
  await recordGoalVersion(trx, await trx.insertInto('goals').values(values).returningAll().executeTakeFirstOrThrow(), clientId)
}

/** A case's goals, oldest first, after a seq; annulled ones only when asked. */
export async function listGoals (db: Executor, scope: Scope, caseId: string, { after, limit, annulled }: { after?: number, limit: number, annulled?: boolean }):
Promise<GoalRow[]> {
  let query = selectGoals(db, scope, { annulled }).where('goals.case_id', '=', caseId).orderBy('goals.seq').limit(limit)
  if (after !== undefined) query = query.where('goals.seq', '>', after)
  return await query.execute()
}

/** A goal of a case, annulled or not. */
export async function findGoal (db: Executor, scope: Scope, caseId: string, id: string): Promise<GoalRow | undefined> {
  return await selectGoals(db, scope, { annulled: true }).where('goals.case_id', '=', caseId).where('goals.id', '=', id).executeTakeFirst()
}
