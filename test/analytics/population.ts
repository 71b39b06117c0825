import type { FastifyInstance } from 'fastify'
import { LEVEL, STATUS, STOETTEBEHOV } from '../support/codes.js'
import { aCase, aDecision, aFollowUp, aGoal, annulled, anIntervention, corrected, followUpPayload, type Headers } from '../support/factories.js'

/**
 * A population whose answers are known by construction, built through the
 * API: citizens of municipality 101 with a goal on Varetage økonomi (level
 * 2 at visitation, expected 1), a decision with Let støttebehov, a mobilt
 * tilbud with Støtte til administration, and a follow-up (fortsættelse,
 * next follow-up 1 December 2023) at which
 *   10 improve (level 1, Intet støttebehov),
 *    5 stay (level 2, Let) — each followed up twice, 92 days apart,
 *    3 worsen (level 3, Moderat) — one of them first recorded as level 1
 *      and corrected to 3;
 * plus 2 citizens whose decision (improved) was annulled, 1 whose only
 * follow-up (improved) was annulled, and 2 citizens in municipality 147
 * with a decision but no goal or follow-up.
 */

export const MODERAT = '401a397b-b3aa-4ca3-8b23-bd8f99dd3f76'
const LEVEL_3 = LEVEL[3]

export const TRUTH = { improved: 10, unchanged: 5, worsened: 3, in101: 19, in147: 2 } as const

let serial = 0
/** A fresh CPR number of a real day (1 January 1990 + n days, sequence part 1234). */
function cpr (): string {
  const day = new Date(Date.UTC(1950, 0, 1 + serial++))
  const dd = String(day.getUTCDate()).padStart(2, '0')
  const mm = String(day.getUTCMonth() + 1).padStart(2, '0')
  return `${dd}${mm}${String(day.getUTCFullYear()).slice(2)}1234`
}

interface Citizen { caseUrl: string, decisionId: string, goalId: string }

async function citizen (app: FastifyInstance, headers: Headers, kommunekode = '101'): Promise<Citizen> {
  const { location: caseUrl } = await aCase(app, headers, { cpr: cpr(), kommunekode })
  const goal = await aGoal(app, headers, caseUrl)
  const decision = await aDecision(app, headers, caseUrl, { goals: [goal.id] })
  await anIntervention(app, headers, decision.id)
  return { caseUrl, decisionId: decision.id, goalId: goal.id }
}

const followUp = async (app: FastifyInstance, headers: Headers, c: Citizen, level: string, stoettebehov: string, registeredAt = '2023-06-01T10:00:00+02:00') =>
  await aFollowUp(app, headers, c.decisionId, c.goalId, {
    registeredAt,
    maal: [{ ...followUpPayload(c.goalId).maal[0], funktionsevneniveau: level, maalOpnaaet: level === LEVEL[1] }],
    stoettebehov: { code: stoettebehov, begrundelse: 'Vurderet ved opfølgning' },
    statusPaaIndsats: STATUS.fortsaettelse,
    naesteOpfoelgningsdato: '2023-12-01'
  })

/** Builds the population in parallel batches (one client: registrations batch well). */
export async function buildPopulation (app: FastifyInstance, headers: Headers): Promise<{ first: Citizen }> {
  const inBatches = async (count: number, make: () => Promise<unknown>) => {
    for (let i = 0; i < count; i += 5) await Promise.all(Array.from({ length: Math.min(5, count - i) }, make))
  }
  let first: Citizen | undefined
  await inBatches(TRUTH.improved, async () => {
    const c = await citizen(app, headers)
    first ??= c
    await followUp(app, headers, c, LEVEL[1], STOETTEBEHOV.intet)
  })
  await inBatches(TRUTH.unchanged, async () => {
    const c = await citizen(app, headers)
    await followUp(app, headers, c, LEVEL[2], STOETTEBEHOV.let, '2023-03-01T10:00:00+01:00')
    await followUp(app, headers, c, LEVEL[2], STOETTEBEHOV.let)
  })
  for (let i = 0; i < TRUTH.worsened; i++) {
    const c = await citizen(app, headers)
    if (i === 0) {
      // Recorded wrong as an improvement, then corrected: the correction counts.
      const made = await followUp(app, headers, c, LEVEL[1], MODERAT)
      await corrected(app, headers, made.location, { maal: [{ goalId: c.goalId, funktionsevneniveau: LEVEL_3, maalOpnaaet: false }], reason: 'fejlregistrering' })
    } else {
      await followUp(app, headers, c, LEVEL_3, MODERAT)
    }
  }
  for (let i = 0; i < 2; i++) {
    const c = await citizen(app, headers)
    await followUp(app, headers, c, LEVEL[1], STOETTEBEHOV.intet)
    await annulled(app, headers, `/v1/decisions/${c.decisionId}`, { reason: 'fejlregistrering', cascade: true })
  }
  // Followed up, but the follow-up was annulled: the citizen has a decision in 101 and no progression.
  const unfollowed = await citizen(app, headers)
  const made = await followUp(app, headers, unfollowed, LEVEL[1], STOETTEBEHOV.intet)
  await annulled(app, headers, made.location)
  for (let i = 0; i < TRUTH.in147; i++) {
    const { location } = await aCase(app, headers, { cpr: cpr(), kommunekode: '147' })
    await aDecision(app, headers, location, { goals: undefined })
  }
  return { first: first! }
}
