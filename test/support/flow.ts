import type { FastifyInstance } from 'fastify'
import { AD, FF, LEVEL, MAALGRUPPE, OMG } from './codes.js'
import { aCase, aDecision, aFollowUp, aGoal, aRegistration, anIntervention, type Headers } from './factories.js'

/**
 * The seeds' worked example through the API: citizen X of municipality Y,
 * investigated on 1 January 2023 and followed up on 1 June 2023. The
 * factories' defaults are citizen X's payloads; this script says which
 * steps the example takes, in its order.
 */

/** Example 1: 1 January 2023. */
export async function recordCitizenX (app: FastifyInstance, headers: Headers,
  { kommunekode = '101', cpr = '0101904321', maalgruppe = MAALGRUPPE.socialtProblem, sagsnummer }:
  { kommunekode?: string, cpr?: string, maalgruppe?: string, /** null: a case without one; default a new one */ sagsnummer?: string | null } = {}) {
  const caseUrl = (await aCase(app, headers, { kommunekode, cpr, ...(sagsnummer === undefined ? {} : { sagsnummer: sagsnummer ?? undefined }) })).location
  await aRegistration(app, headers, caseUrl, 'funktioner-og-forhold', { undertema: FF.organiseringOgPlanlaegning })
  await aRegistration(app, headers, caseUrl, 'funktioner-og-forhold', { undertema: FF.oekonomiskSituation })
  await aRegistration(app, headers, caseUrl, 'omgivelsesfaktorer', { undertema: OMG.personerINetvaerk })
  await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2] })
  const goal = await aGoal(app, headers, caseUrl, {}, { investigated: true })
  const decision = await aDecision(app, headers, caseUrl, { goals: [goal.id], maalgrupper: { primaer: maalgruppe, registeredAt: '2023-01-01T12:00:00+01:00' } })
  const intervention = await anIntervention(app, headers, decision.id)
  return { caseUrl, goalId: goal.id, decisionId: decision.id, interventionId: intervention.id }
}

/** Example 2: 1 June 2023 — the F&F themes stamped again, and the follow-up that ends § 85. */
export async function followUpCitizenX (app: FastifyInstance, headers: Headers, x: { caseUrl: string, goalId: string, decisionId: string }) {
  const jun = '2023-06-01T10:00:00+02:00'
  await aRegistration(app, headers, x.caseUrl, 'funktioner-og-forhold', { undertema: FF.organiseringOgPlanlaegning, registeredAt: jun })
  await aRegistration(app, headers, x.caseUrl, 'funktioner-og-forhold', { undertema: FF.oekonomiskSituation, registeredAt: jun })
  return (await aFollowUp(app, headers, x.decisionId, x.goalId)).body as { id: string }
}
