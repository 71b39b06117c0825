import { closing, isClosed, type Citizen, type GoalRow } from '../citizen.js'
import { startOfDanishDay } from '../../catalogs/catalogs.js'
import { CSC, SNOMED, coding, corrected, ffb, latest, listed, rank, resource, type Resource } from './common.js'
import { condition } from './condition.js'

/** An indsatsmål: completed once every decision it is part of is closed. */
export function goal (c: Citizen, g: GoalRow): Resource {
  return resource(c.resources, 'Goal', 'interventionGoal', g.id, () => {
    const covering = c.decisions.filter((d) => d.goal_ids.includes(g.id))
    const done = covering.length > 0 && covering.every((d) => isClosed(c, d))
    // The primary sub-theme was investigated before the goal (a rule of ours); a related one is
    // reported once it has been investigated, since KL's Goal addresses Conditions.
    const addresses = [g.primaert_undertema, ...g.relaterede_undertemaer].flatMap((code, i) => {
      const addressed = condition(c, g.case_id, code)
      return addressed === undefined ? [] : [rank(addressed, i === 0 ? 1 : 2)]
    })
    // Completed once the last covering decision's course ended: at the start of its last day, or when the follow-up closing it was made.
    const ended = done ? covering.flatMap((d) => [closing(c, d)?.registered_at, d.closed_at === null ? undefined : startOfDanishDay(d.closed_at)]) : []
    return [latest(g.registered_at, corrected(c, g), ...ended), {
      lifecycleStatus: done ? 'completed' : 'active',
      category: [coding(CSC, '0bb3daef-538d-45dc-b444-abdbcb63f6bc')],
      description: coding(SNOMED, '410518001'),
      subject: c.subject,
      target: [
        { measure: coding(CSC, '66959f77-6e2a-4574-8423-3ff097f8b9fa'), detailCodeableConcept: ffb(g.forventet_funktionsevneniveau) },
        { measure: coding(CSC, '90c48f03-f194-4b2f-ad7d-6cba1069ae48'), detailCodeableConcept: ffb(g.maaltype) }
      ],
      ...listed('addresses', addresses)
    }]
  })
}
