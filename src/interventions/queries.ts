import type { Updateable, UpdateObject } from 'kysely'
import { refuseAnnulled } from '../annulment/marker.js'
import { requireDecision, withYdelser, type DecisionRow, type InterventionRow, type YdelseRow } from '../decisions/queries.js'
import type { DB, InterventionYdelserTable } from '../db/schema.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { HttpProblem } from '../http/problems.js'

/**
 * An intervention and its ydelser, read or locked for a change. A change
 * locks in one order — decision, intervention, ydelser — so two changes to
 * the same course wait for each other instead of deadlocking.
 */

export interface Course {
  decision: DecisionRow
  intervention: InterventionRow
  ydelser: YdelseRow[]
}

const notFound = (what: string): HttpProblem => new HttpProblem('not-found', `No ${what} in the municipalities this client serves`)

/** An intervention of a decision with its ydelser, locked for a change; the decision must still be open (409). */
export async function lockIntervention (trx: Executor, scope: Scope, decisionId: string, interventionId: string): Promise<Course> {
  const decision = await requireDecision(trx, scope, decisionId, { open: true })
  const intervention = await scopedSelect(trx, scope, 'interventions', { annulled: true }).selectAll()
    .where('decision_id', '=', decision.id).where('id', '=', interventionId).forUpdate().executeTakeFirst()
  if (intervention === undefined) throw notFound(`intervention ${interventionId} on decision ${decisionId}`)
  refuseAnnulled(intervention, `intervention ${interventionId}`)
  const [course] = await withYdelser(trx, scope, [intervention], { lock: true })
  return { decision, ...course! }
}

/** The interventions of a (locked) decision not ended by `day`, each with its ydelser, locked for a change. */
export async function lockOpenCourses (trx: Executor, scope: Scope, decisionId: string, day: string): Promise<Array<Pick<Course, 'intervention' | 'ydelser'>>> {
  const interventions = await scopedSelect(trx, scope, 'interventions').selectAll()
    .where('decision_id', '=', decisionId).where((eb) => eb.or([eb('slutdato', 'is', null), eb('slutdato', '>', day)]))
    .orderBy('seq').forUpdate().execute()
  return await withYdelser(trx, scope, interventions, { lock: true })
}

/** A ydelse the caller may see, annulled or not, with the decision it belongs to. */
export async function findYdelse (db: Executor, scope: Scope, id: string): Promise<{ ydelse: YdelseRow, decisionId: string } | undefined> {
  const ydelse = await scopedSelect(db, scope, 'intervention_ydelser', { annulled: true }).selectAll().where('id', '=', id).executeTakeFirst()
  if (ydelse === undefined) return undefined
  const { decision_id: decisionId } = await scopedSelect(db, scope, 'interventions', { annulled: true }).select('decision_id')
    .where('id', '=', ydelse.intervention_id).executeTakeFirstOrThrow()
  return { ydelse, decisionId }
}

/** A ydelse and its course, locked for a change. */
export async function lockYdelse (trx: Executor, scope: Scope, id: string): Promise<Course & { ydelse: YdelseRow }> {
  const found = await findYdelse(trx, scope, id)
  if (found === undefined) throw notFound(`ydelse ${id}`)
  refuseAnnulled(found.ydelse, `ydelse ${id}`)
  const course = await lockIntervention(trx, scope, found.decisionId, found.ydelse.intervention_id)
  return { ...course, ydelse: course.ydelser.find((y) => y.id === id)! }
}

/** Changes a ydelse: a new version. */
export async function updateYdelse (trx: Executor, id: string, set: Updateable<InterventionYdelserTable>): Promise<YdelseRow> {
  return await trx.updateTable('intervention_ydelser')
    .set((eb) => ({ ...set, version: eb('version', '+', 1), changed_at: new Date() }))
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** Changes an intervention (or marks that one of its ydelser changed): a new version. */
export async function updateIntervention (trx: Executor, id: string, set: UpdateObject<DB, 'interventions'> = {}): Promise<InterventionRow> {
  return await trx.updateTable('interventions')
    .set((eb) => ({ ...set, version: eb('version', '+', 1), changed_at: new Date() }))
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}
