import { goalsOf, isClosed, lastFollowUp, type Citizen, type DecisionRow } from '../citizen.js'
import { plannedFollowUpDate } from '../readiness.js'
import { CSC, coding, resource, type Resource } from './common.js'

/** The follow-up planned as of the day (`plannedFollowUpDate`: a follow-up's next date, else the earliest agreed date ahead), if any. */
export function plannedFollowUp (c: Citizen, d: DecisionRow): Resource | undefined {
  const last = lastFollowUp(c, d)
  const date = plannedFollowUpDate({
    closed: isClosed(c, d),
    lastFollowUp: last === undefined ? undefined : { date: last.opfoelgningsdato, next: last.naeste_opfoelgningsdato },
    agreedDates: [d.opfoelgningsdato, ...goalsOf(c, d).map((g) => g.opfoelgningsdato)]
  })
  if (date === undefined) return undefined
  return resource(c.resources, 'Encounter', 'followUpEncounter', `${d.id}/${date}`, () => [last?.registered_at ?? d.maalgrupper_registered_at, {
    status: 'planned',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HH' },
    type: [coding(CSC, '9f03dfbb-7a97-45a5-94db-d4c3501714a9')],
    subject: c.subject,
    period: { start: date }
  }])
}
