import type { Selectable, Updateable } from 'kysely'
import { annulmentOf } from '../annulment/marker.js'
import { sql } from 'kysely'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import type { FollowUpsTable } from '../db/schema.js'
import { groupBy } from '../db/rows.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { recordVersion } from '../versions/queries.js'
import type { FollowUp } from './schemas.js'

export type FollowUpRow = Selectable<FollowUpsTable>

/** Follow-ups with their goals' new levels and their støttebehov, in two queries whatever their number. */
export async function loadFollowUps (db: Executor, scope: Scope, catalogs: Catalogs, rows: FollowUpRow[]): Promise<FollowUp[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [goals, stoettebehov] = await Promise.all([
    scopedSelect(db, scope, 'follow_up_goals')
      .innerJoin('theme_registrations as r', 'r.id', 'follow_up_goals.registration_id')
      .selectAll('follow_up_goals')
      .select((eb) => eb.fn.coalesce('r.funktionsevneniveau', eb.val('')).as('niveau'))
      .where('follow_up_goals.follow_up_id', 'in', ids).orderBy('follow_up_goals.position').execute(),
    // The follow-ups given decide: an annulled one (on its own URL) comes with its annulled støttebehov.
    scopedSelect(db, scope, 'stoettebehov', { annulled: true }).selectAll().where('follow_up_id', 'in', ids).execute()
  ])
  const goalsOf = groupBy(goals, (g) => g.follow_up_id)
  const needOf = new Map(stoettebehov.map((s) => [s.follow_up_id, s]))
  return rows.map((row) => {
    const day = dayInDenmark(row.registered_at)
    const need = needOf.get(row.id)!
    return {
      id: row.id,
      decisionId: row.decision_id,
      caseId: row.case_id,
      opfoelgningsdato: row.opfoelgningsdato,
      registeredAt: row.registered_at.toISOString(),
      maal: (goalsOf.get(row.id) ?? []).map((g) => ({
        goalId: g.goal_id,
        registrationId: g.registration_id,
        funktionsevneniveau: catalogs.leveled('funktionsevneniveau', g.niveau, day),
        borgerensVurdering: g.borgerens_vurdering,
        udfoerersVurdering: g.udfoerers_vurdering,
        sagsbehandlersVurdering: g.sagsbehandlers_vurdering,
        maalOpnaaet: g.maal_opnaaet
      })),
      stoettebehov: { id: need.id, ...catalogs.leveled('stoettebehov', need.code, day), begrundelse: need.begrundelse },
      statusPaaIndsats: catalogs.coded('status-paa-indsats', row.status_paa_indsats, day),
      naesteOpfoelgningsdato: row.naeste_opfoelgningsdato,
      version: row.version,
      createdAt: row.created_at.toISOString(),
      ...annulmentOf(row)
    }
  })
}

/**
 * Goals due for a follow-up on `date`: never followed up and past their own
 * follow-up date, or last followed up with "fortsættelse" and past the next
 * date it set — unless every decision covering them is closed. Oldest first.
 */
export async function dueGoals (db: Executor, scope: Scope, filters: {
  date: string, kommunekode?: string, after?: [string, number], limit: number
}) {
  const due = sql<string>`coalesce(last.naeste, CASE WHEN last.follow_up_id IS NULL THEN goals.opfoelgningsdato END)`
  let query = scopedSelect(db, scope, 'goals')
    .leftJoinLateral((eb) => eb.selectFrom('follow_up_goals as fg').innerJoin('follow_ups as f', 'f.id', 'fg.follow_up_id')
      .select(['f.id as follow_up_id', 'f.naeste_opfoelgningsdato as naeste'])
      .whereRef('fg.goal_id', '=', 'goals.id').where('f.annulled_at', 'is', null).orderBy('f.registered_at', 'desc').orderBy('f.seq', 'desc').limit(1).as('last'),
    (join) => join.onTrue())
    .select(['goals.id', 'goals.seq', 'goals.case_id', 'goals.kommunekode', 'goals.ansvarlig_for_opfoelgning',
      'goals.primaert_undertema', 'goals.registered_at', due.as('due')])
    .where(sql<boolean>`${due} <= ${filters.date}::date`)
    .where(sql<boolean>`NOT (
      EXISTS (SELECT 1 FROM decision_goals dg JOIN decisions d ON d.id = dg.decision_id WHERE dg.goal_id = goals.id AND d.annulled_at IS NULL) AND
      NOT EXISTS (SELECT 1 FROM decision_goals dg JOIN decisions d ON d.id = dg.decision_id
        WHERE dg.goal_id = goals.id AND d.closed_at IS NULL AND d.annulled_at IS NULL))`)
    .orderBy(due).orderBy('goals.seq').limit(filters.limit)
  if (filters.kommunekode !== undefined) query = query.where('goals.kommunekode', '=', filters.kommunekode)
  if (filters.after !== undefined) query = query.where(sql<boolean>`(${due}, goals.seq) > (${filters.after[0]}::date, ${filters.after[1]}::bigint)`)
  const goals = await query.execute()
  const decisions = goals.length === 0
    ? []
    : await scopedSelect(db, scope, 'decisions').innerJoin('decision_goals as dg', 'dg.decision_id', 'decisions.id')
      .select(['dg.goal_id', 'decisions.id', 'decisions.sagsafgoerelses_id'])
      .where('dg.goal_id', 'in', goals.map((g) => g.id)).where('decisions.closed_at', 'is', null)
      .orderBy('decisions.seq').execute()
  const decisionsOf = groupBy(decisions, (d) => d.goal_id)
  return goals.map((goal) => ({
    ...goal,
    decisions: (decisionsOf.get(goal.id) ?? []).map((d) => ({ id: d.id, sagsafgoerelsesId: d.sagsafgoerelses_id }))
  }))
}

export async function findFollowUp (db: Executor, scope: Scope, decisionId: string, id: string): Promise<FollowUpRow | undefined> {
  return await scopedSelect(db, scope, 'follow_ups', { annulled: true }).selectAll().where('decision_id', '=', decisionId).where('id', '=', id).executeTakeFirst()
}

/** The follow-ups of a decision, oldest first. */
export async function listFollowUps (db: Executor, scope: Scope, decisionId: string, { annulled = false } = {}): Promise<FollowUpRow[]> {
  return await scopedSelect(db, scope, 'follow_ups', { annulled }).selectAll().where('decision_id', '=', decisionId).orderBy('registered_at').orderBy('seq').execute()
}

/** A follow-up's goals in its order, with the registration (and level) it made for each. */
export async function followUpGoals (db: Executor, followUpId: string) {
  return await db.selectFrom('follow_up_goals as fg').innerJoin('theme_registrations as r', 'r.id', 'fg.registration_id')
    .select(['fg.goal_id', 'fg.registration_id', 'fg.borgerens_vurdering', 'fg.udfoerers_vurdering', 'fg.sagsbehandlers_vurdering',
      'fg.maal_opnaaet', 'r.funktionsevneniveau'])
    .where('fg.follow_up_id', '=', followUpId).orderBy('fg.position').execute()
}
export type FollowUpGoalRow = Awaited<ReturnType<typeof followUpGoals>>[number]

/** The correctable fields of a follow-up: what one of its versions holds (GET …/follow-ups/{followUpId}/versions). */
export interface FollowUpVersionData {
  maal: Array<{
    goalId: string
    funktionsevneniveau: string | null
    borgerensVurdering: string | null
    udfoerersVurdering: string | null
    sagsbehandlersVurdering: string | null
    maalOpnaaet: boolean
  }>
  naesteOpfoelgningsdato: string | null
}

export const followUpVersionData = (row: Pick<FollowUpRow, 'naeste_opfoelgningsdato'>, goals: FollowUpGoalRow[]): FollowUpVersionData => ({
  maal: goals.map((g) => ({
    goalId: g.goal_id,
    funktionsevneniveau: g.funktionsevneniveau,
    borgerensVurdering: g.borgerens_vurdering,
    udfoerersVurdering: g.udfoerers_vurdering,
    sagsbehandlersVurdering: g.sagsbehandlers_vurdering,
    maalOpnaaet: g.maal_opnaaet
  })),
  naesteOpfoelgningsdato: row.naeste_opfoelgningsdato
})

/** Keeps the version of a follow-up just written (its goals as stored now), with who wrote it and why. */
export async function recordFollowUpVersion (trx: Executor, row: FollowUpRow, clientId: string, reason?: string | null): Promise<void> {
  await recordVersion(trx, {
    resourceType: 'follow-up',
    resourceId: row.id,
    version: row.version,
    kommunekode: row.kommunekode,
    data: followUpVersionData(row, await followUpGoals(trx, row.id)),
    clientId,
    reason
  })
}

/** A follow-up of a decision, annulled or not, locked for a correction. */
export async function lockFollowUp (trx: Executor, scope: Scope, decisionId: string, id: string): Promise<FollowUpRow | undefined> {
  return await scopedSelect(trx, scope, 'follow_ups', { annulled: true }).selectAll().where('decision_id', '=', decisionId).where('id', '=', id).forUpdate().executeTakeFirst()
}

/** Corrects a follow-up: a new version. */
export async function updateFollowUp (trx: Executor, id: string, set: Updateable<FollowUpsTable>): Promise<FollowUpRow> {
  return await trx.updateTable('follow_ups').set((eb) => ({ ...set, version: eb('version', '+', 1), changed_at: new Date() }))
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}
