import { randomUUID } from 'node:crypto'
import type { Static } from 'typebox'
import type { Catalogs } from '../catalogs/catalogs.js'
import type { Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { markDecisionChanged, requireDecision, type DecisionRow } from '../decisions/queries.js'
import { closeDecision } from '../interventions/course.js'
import { fieldProblem } from '../http/problems.js'
import { recordRegistrationVersion } from '../investigation/queries.js'
import { loadFollowUps, recordFollowUpVersion } from './queries.js'
import type { FollowUp, FollowUpCreate } from './schemas.js'

// What each status på indsats does, by its official code (FK-klassifikation UUIDs are stable).
const STATUS_EFFECT: Record<string, { closes: boolean, newDecisionExpected: boolean }> = {
  '1e971d84-10a4-4ef8-a8b3-0daa4c7d088a': { closes: false, newDecisionExpected: false }, // fortsættelse af indsats
  'd7d03656-4c87-4e67-9146-aa5990460f16': { closes: true, newDecisionExpected: false }, // afslutning af indsats
  'b4c01aa8-82fd-44e4-83ff-ca19ec02c779': { closes: true, newDecisionExpected: true } // afslutning af indsats og visitér til ny
}

/** What a status på indsats does: afslutning ends the course (and may expect a new decision), fortsættelse keeps it. */
export const statusEffect = (code: string): { closes: boolean, newDecisionExpected: boolean } =>
  STATUS_EFFECT[code] ?? { closes: false, newDecisionExpected: false }

/** A follow-up as checked by its route: goal ids in lower case, its instant and Danish day, what its status does. */
export type FollowUpWrite = Omit<Static<typeof FollowUpCreate>, 'registeredAt'> & {
  registeredAt: Date
  day: string
  effect: { closes: boolean, newDecisionExpected: boolean }
}

/**
 * Records a follow-up on an open decision (VUM phase 7): a new A&D level
 * for every goal of the decision (goals sharing a primary sub-theme share
 * one registration), a new støttebehov, and the status på indsats — which
 * may end the decision's course on the follow-up day (closeDecision).
 */
export async function recordFollowUp (trx: Executor, scope: Scope, catalogs: Catalogs, decisionId: string, body: FollowUpWrite):
Promise<{ decision: DecisionRow, followUp: FollowUp }> {
  const { registeredAt, day, effect } = body
  const decision = await requireDecision(trx, scope, decisionId, { open: true })
  const goals = await goalsFollowedUp(trx, decision, body)
  const id = randomUUID()
  await trx.insertInto('follow_ups').values({
    id,
    decision_id: decision.id,
    case_id: decision.case_id,
    kommunekode: decision.kommunekode,
    opfoelgningsdato: day,
    registered_at: registeredAt,
    status_paa_indsats: body.statusPaaIndsats,
    naeste_opfoelgningsdato: body.naesteOpfoelgningsdato ?? null
  }).execute()
  await recordLevels(trx, catalogs, decision, { id, clientId: scope.id }, goals, body)
  await trx.insertInto('stoettebehov').values({
    id: randomUUID(),
    decision_id: decision.id,
    kommunekode: decision.kommunekode,
    code: body.stoettebehov.code,
    begrundelse: body.stoettebehov.begrundelse,
    registered_at: registeredAt,
    follow_up_id: id
  }).execute()
  if (effect.closes) {
    // The course ends on the follow-up day, as an ending of the decision does.
    const status = catalogs.entry('status-paa-indsats', body.statusPaaIndsats, day)?.entry.label ?? body.statusPaaIndsats
    await closeDecision(trx, scope, decision, { day, reason: `Opfølgning: ${status}`, newDecisionExpected: effect.newDecisionExpected, at: registeredAt })
  } else {
    await markDecisionChanged(trx, decision)
  }
  const row = await trx.selectFrom('follow_ups').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  await recordFollowUpVersion(trx, row, scope.id)
  const [followUp] = await loadFollowUps(trx, scope, catalogs, [row])
  return { decision, followUp: followUp! }
}

/**
 * The decision's goals, when the follow-up names each of them once and
 * comes after the decision and its last follow-up (it writes the newest levels).
 */
async function goalsFollowedUp (trx: Executor, decision: DecisionRow, body: FollowUpWrite): Promise<Array<{ id: string, primaert_undertema: string }>> {
  // A follow-up comes after the decision and after the follow-ups before it: it writes the newest levels.
  const { latest } = await trx.selectFrom('follow_ups').select((eb) => eb.fn.max('registered_at').as('latest'))
    .where('decision_id', '=', decision.id).executeTakeFirstOrThrow()
  const floor = latest !== null && latest > decision.maalgrupper_registered_at ? latest : decision.maalgrupper_registered_at
  if (body.registeredAt < floor) {
    throw fieldProblem('domain-rule', '/registeredAt', 'before-decision',
      `must not be before ${floor.toISOString()}, when the decision or its last follow-up was registered`)
  }
  const goals = await trx.selectFrom('decision_goals as dg').innerJoin('goals', 'goals.id', 'dg.goal_id')
    .select(['goals.id', 'goals.primaert_undertema']).where('dg.decision_id', '=', decision.id).orderBy('dg.position').execute()
  const seen = new Set<string>()
  body.maal.forEach((m, i) => {
    if (seen.has(m.goalId)) throw fieldProblem('validation', `/maal/${i}/goalId`, 'duplicate', 'names a goal already followed up in this request')
    seen.add(m.goalId)
    if (!goals.some((g) => g.id === m.goalId)) throw fieldProblem('domain-rule', `/maal/${i}/goalId`, 'not-on-decision', 'is not a goal of this decision')
  })
  const missing = goals.filter((g) => !seen.has(g.id)).map((g) => g.id)
  if (missing.length > 0) {
    throw fieldProblem('validation', '/maal', 'missing-goal', `must give a new level for every goal of the decision; missing: ${missing.join(', ')}`)
  }
  return goals
}

/** One new A&D level per sub-theme: goals sharing a primary sub-theme share its registration. */
async function recordLevels (trx: Executor, catalogs: Catalogs, decision: DecisionRow, { id, clientId }: { id: string, clientId: string },
  goals: Array<{ id: string, primaert_undertema: string }>, { maal, registeredAt, day }: FollowUpWrite): Promise<void> {
  const version = catalogs.versionAt('aktivitet-og-deltagelse', day)?.version ?? ''
  const registered = new Map<string, { registrationId: string, level: string }>()
  for (const [position, m] of maal.entries()) {
    const undertema = goals.find((g) => g.id === m.goalId)!.primaert_undertema
    const earlier = registered.get(undertema)
    if (earlier !== undefined && earlier.level !== m.funktionsevneniveau) {
      throw fieldProblem('validation', `/maal/${position}/funktionsevneniveau`, 'same-subtheme',
        'differs from the level given for another goal on the same sub-theme; a sub-theme gets one new level')
    }
    const registrationId = earlier?.registrationId ?? randomUUID()
    if (earlier === undefined) {
      registered.set(undertema, { registrationId, level: m.funktionsevneniveau })
      await recordRegistrationVersion(trx, await trx.insertInto('theme_registrations').values({
        id: registrationId,
        case_id: decision.case_id,
        kommunekode: decision.kommunekode,
        theme: 'aktivitet-og-deltagelse',
        undertema,
        funktionsevneniveau: m.funktionsevneniveau,
        registered_at: registeredAt,
        catalog_version: version,
        follow_up_id: id
      }).returningAll().executeTakeFirstOrThrow(), clientId)
    }
    await trx.insertInto('follow_up_goals').values({
      follow_up_id: id,
      goal_id: m.goalId,
      kommunekode: decision.kommunekode,
      registration_id: registrationId,
      borgerens_vurdering: m.borgerensVurdering ?? null,
      udfoerers_vurdering: m.udfoerersVurdering ?? null,
      sagsbehandlers_vurdering: m.sagsbehandlersVurdering ?? null,
      maal_opnaaet: m.maalOpnaaet,
      position
    }).execute()
  }
}
