import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import { refuseAnnulled } from '../annulment/marker.js'
import { touchCase } from '../cases/queries.js'
import { markDecisionChanged } from '../decisions/queries.js'
import { etagOf, type Executor, type Guard, type Written } from '../db/unit-of-work.js'
import { HttpProblem } from '../http/problems.js'
import { decisionsOfGoal, findGoal, goalVersionData, lockGoal, recordGoalVersion, toGoal, updateGoal, type GoalVersionData } from './queries.js'
import { checkGoalFields } from './rules.js'
import type { Goal } from './schemas.js'

/**
 * Corrects a goal recorded wrong (If-Match: the goal's ETag), under the
 * create rules: a new version kept with its reason, and the decisions
 * covering the goal marked changed (their uddata indsatsmål block). A
 * correction that changes nothing writes nothing.
 */
export async function correctGoal (trx: Executor, guard: Guard, catalogs: Catalogs, at: { caseId: string, goalId: string },
  change: Partial<GoalVersionData>, reason?: string): Promise<Written<Goal>> {
  const current = await lockGoal(trx, guard.scope, at.caseId, at.goalId)
  if (current === undefined) throw new HttpProblem('not-found', `No goal ${at.goalId} on case ${at.caseId} in the municipalities this client serves`)
  refuseAnnulled(current, `goal ${at.goalId}`)
  guard.ifMatch(current.id, current.version)
  checkGoalFields(catalogs, change, current.primaert_undertema, dayInDenmark(current.registered_at))
  const before = goalVersionData(current)
  const changed = (Object.keys(change) as Array<keyof GoalVersionData>)
    .filter((field) => JSON.stringify(change[field]) !== JSON.stringify(before[field]))
  if (changed.length > 0) {
    const row = await updateGoal(trx, current.id, {
      maalformulering: change.maalformulering,
      maaltype: change.maaltype,
      forventet_funktionsevneniveau: change.forventetFunktionsevneniveau,
      opfoelgningsdato: change.opfoelgningsdato,
      ansvarlig_for_opfoelgning: change.ansvarligForOpfoelgning,
      relaterede_undertemaer: change.relateredeUndertemaer
    })
    await recordGoalVersion(trx, row, guard.scope.id, reason)
    for (const decision of await decisionsOfGoal(trx, current.id)) await markDecisionChanged(trx, decision)
    await touchCase(trx, current.case_id)
  }
  const row = (await findGoal(trx, guard.scope, at.caseId, at.goalId))!
  return { status: 200, body: toGoal(catalogs, row), etag: etagOf(row.id, row.version), resourceId: at.caseId, kommunekode: row.kommunekode, changed }
}
