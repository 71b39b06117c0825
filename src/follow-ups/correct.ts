import type { Catalogs } from '../catalogs/catalogs.js'
import { refuseAnnulled } from '../annulment/marker.js'
import { touchCase } from '../cases/queries.js'
import { markDecisionChanged } from '../decisions/queries.js'
import { etagOf, type Executor, type Guard, type Written } from '../db/unit-of-work.js'
import { fieldProblem, HttpProblem } from '../http/problems.js'
import { decisionsOfCase, recordRegistrationVersion, updateRegistration } from '../investigation/queries.js'
import {
  followUpGoals, followUpVersionData, loadFollowUps, lockFollowUp, recordFollowUpVersion, updateFollowUp,
  type FollowUpGoalRow, type FollowUpRow, type FollowUpVersionData
} from './queries.js'
import { statusEffect } from './record.js'
import type { FollowUp } from './schemas.js'

/** A correction as its route parsed it: per goal the fields sent (a text cleared with null), goal ids in lower case. */
export interface FollowUpChange {
  maal?: Array<{
    goalId: string
    funktionsevneniveau?: string
    borgerensVurdering?: string | null
    udfoerersVurdering?: string | null
    sagsbehandlersVurdering?: string | null
    maalOpnaaet?: boolean
  }>
  naesteOpfoelgningsdato?: string
  statusPaaIndsats?: string
}

type Maal = FollowUpVersionData['maal'][number]
const MAAL_FIELDS = ['funktionsevneniveau', 'borgerensVurdering', 'udfoerersVurdering', 'sagsbehandlersVurdering', 'maalOpnaaet'] as const

/**
 * Corrects a follow-up recorded wrong (If-Match: its ETag): per goal the
 * three vurderinger, mål opnået and the new level (the registration the
 * follow-up made, which keeps its own version), and the next follow-up
 * date. The status på indsats is not corrected: an afslutning ended the
 * course, and a correction does not undo an ending. The decision is marked
 * changed — and with a level, every decision of the case (their uddata A&D
 * block). A correction that changes nothing writes nothing.
 */
export async function correctFollowUp (trx: Executor, guard: Guard, catalogs: Catalogs, at: { decisionId: string, followUpId: string },
  change: FollowUpChange, reason?: string): Promise<Written<FollowUp>> {
  const current = await lockFollowUp(trx, guard.scope, at.decisionId, at.followUpId)
  if (current === undefined) throw new HttpProblem('not-found', `No follow-up ${at.followUpId} on decision ${at.decisionId} in the municipalities this client serves`)
  refuseAnnulled(current, `follow-up ${current.id}`)
  guard.ifMatch(current.id, current.version)
  if (change.statusPaaIndsats !== undefined && change.statusPaaIndsats !== current.status_paa_indsats) {
    throw fieldProblem('domain-rule', '/statusPaaIndsats', 'status-not-correctable',
      'is not corrected: the status decided whether the course ended, and a correction does not undo an ending or end a course; ' +
      'end the decision (POST /v1/decisions/{id}/ending) or record a new decision instead')
  }
  const goals = await followUpGoals(trx, current.id)
  const before = followUpVersionData(current, goals)
  const after: FollowUpVersionData = {
    maal: correctedMaal(catalogs, current, goals, change.maal ?? []),
    naesteOpfoelgningsdato: change.naesteOpfoelgningsdato ?? before.naesteOpfoelgningsdato
  }
  if (change.naesteOpfoelgningsdato !== undefined) checkNextDate(current, change.naesteOpfoelgningsdato)
  const changed = [
    ...after.maal.flatMap((m, i) => MAAL_FIELDS.filter((field) => m[field] !== before.maal[i]![field]).map((field) => `maal/${i}/${field}`)),
    ...(after.naesteOpfoelgningsdato === before.naesteOpfoelgningsdato ? [] : ['naesteOpfoelgningsdato'])
  ]
  let row = current
  if (changed.length > 0) {
    const levels = await writeGoals(trx, guard.scope.id, current.id, goals, before.maal, after.maal, reason)
    row = await updateFollowUp(trx, current.id, { naeste_opfoelgningsdato: after.naesteOpfoelgningsdato })
    await recordFollowUpVersion(trx, row, guard.scope.id, reason)
    const decisions = levels ? await decisionsOfCase(trx, current.case_id) : [{ id: current.decision_id, case_id: current.case_id }]
    for (const decision of decisions) await markDecisionChanged(trx, decision)
    await touchCase(trx, current.case_id)
  }
  const [body] = await loadFollowUps(trx, guard.scope, catalogs, [row])
  return { status: 200, body: body!, etag: etagOf(row.id, row.version), resourceId: current.decision_id, kommunekode: row.kommunekode, changed }
}

/**
 * The follow-up's goals as corrected. Each entry names a goal of the
 * follow-up once; a level is checked against the catalog in force on the
 * opfølgningsdato and belongs to the registration the follow-up made for
 * the goal's sub-theme, so goals sharing a sub-theme share it (one new level
 * per sub-theme, as on create).
 */
function correctedMaal (catalogs: Catalogs, current: FollowUpRow, goals: FollowUpGoalRow[], entries: NonNullable<FollowUpChange['maal']>): Maal[] {
  const seen = new Set<string>()
  const levelOf = new Map<string, string>()
  entries.forEach((m, i) => {
    if (seen.has(m.goalId)) throw fieldProblem('validation', `/maal/${i}/goalId`, 'duplicate', 'names a goal already corrected in this request')
    seen.add(m.goalId)
    const goal = goals.find((g) => g.goal_id === m.goalId)
    if (goal === undefined) throw fieldProblem('domain-rule', `/maal/${i}/goalId`, 'not-on-follow-up', 'is not a goal of this follow-up')
    if (m.funktionsevneniveau === undefined) return
    catalogs.check('funktionsevneniveau', m.funktionsevneniveau, current.opfoelgningsdato, `/maal/${i}/funktionsevneniveau`)
    const earlier = levelOf.get(goal.registration_id)
    if (earlier !== undefined && earlier !== m.funktionsevneniveau) {
      throw fieldProblem('validation', `/maal/${i}/funktionsevneniveau`, 'same-subtheme',
        'differs from the level given for another goal on the same sub-theme; a sub-theme gets one new level')
    }
    levelOf.set(goal.registration_id, m.funktionsevneniveau)
  })
  return goals.map((g) => {
    const m = entries.find((e) => e.goalId === g.goal_id)
    const keep = <T>(value: T | undefined, stored: T): T => value === undefined ? stored : value
    return {
      goalId: g.goal_id,
      funktionsevneniveau: levelOf.get(g.registration_id) ?? g.funktionsevneniveau,
      borgerensVurdering: keep(m?.borgerensVurdering, g.borgerens_vurdering),
      udfoerersVurdering: keep(m?.udfoerersVurdering, g.udfoerers_vurdering),
      sagsbehandlersVurdering: keep(m?.sagsbehandlersVurdering, g.sagsbehandlers_vurdering),
      maalOpnaaet: keep(m?.maalOpnaaet, g.maal_opnaaet)
    }
  })
}

/** The create rule of the next follow-up date: only when the course continues, and after the opfølgningsdato. */
function checkNextDate (current: FollowUpRow, date: string): void {
  if (statusEffect(current.status_paa_indsats).closes) {
    throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'not-continued', 'is only for a follow-up that continues the intervention')
  }
  if (date <= current.opfoelgningsdato) {
    throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'not-after', `must be after the opfølgningsdato ${current.opfoelgningsdato}`)
  }
}

/** Stores the goals' corrected assessments, and each corrected level as a new version of its registration. Whether a level changed. */
async function writeGoals (trx: Executor, clientId: string, followUpId: string, goals: FollowUpGoalRow[], before: Maal[], after: Maal[],
  reason?: string): Promise<boolean> {
  const levels = new Map<string, string | null>()
  for (const [i, g] of goals.entries()) {
    const [was, now] = [before[i]!, after[i]!]
    if (now.funktionsevneniveau !== was.funktionsevneniveau) levels.set(g.registration_id, now.funktionsevneniveau)
    if (MAAL_FIELDS.some((field) => field !== 'funktionsevneniveau' && now[field] !== was[field])) {
      await trx.updateTable('follow_up_goals').set({
        borgerens_vurdering: now.borgerensVurdering,
        udfoerers_vurdering: now.udfoerersVurdering,
        sagsbehandlers_vurdering: now.sagsbehandlersVurdering,
        maal_opnaaet: now.maalOpnaaet
      }).where('follow_up_id', '=', followUpId).where('goal_id', '=', g.goal_id).execute()
    }
  }
  for (const [registrationId, level] of levels) {
    await recordRegistrationVersion(trx, await updateRegistration(trx, registrationId, { funktionsevneniveau: level }), clientId, reason)
  }
  return levels.size > 0
}
