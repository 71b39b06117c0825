import type { Citizen, DecisionRow, RegistrationRow } from '../citizen.js'
import { CORE, coding, corrected, ffb, iso, latest, resource, type Resource } from './common.js'

/** One Condition per sub-theme of a case: first recorded, last reassessed, the latest level on A&D; none before it is investigated. */
export function condition (c: Citizen, caseId: string, undertema: string): Resource | undefined {
  const history = c.historyOf.get(`${caseId}/${undertema}`)
  if (history === undefined) return undefined
  const [firstSeen] = history as [RegistrationRow]
  const last = history.at(-1)!
  return resource(c.resources, 'Condition', 'condition', `${caseId}/${undertema}`, () => [latest(last.registered_at, ...history.map((r) => corrected(c, r))), {
    ...(last !== firstSeen ? { extension: [{ url: `${CORE}ConditionLastAssertedDate`, valueDateTime: iso(last.registered_at) }] } : {}),
    clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'),
    verificationStatus: coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed'),
    ...(last.funktionsevneniveau !== null ? { severity: ffb(last.funktionsevneniveau) } : {}),
    code: ffb(undertema),
    subject: c.subject,
    recordedDate: iso(firstSeen.registered_at)
  }])
}

/** One of a decision's målgrupper. */
export function targetGroup (c: Citizen, d: DecisionRow, code: string): Resource {
  return resource(c.resources, 'Condition', 'targetGroup', `${d.id}/${code}`, () => [d.maalgrupper_registered_at, {
    code: ffb(code),
    subject: c.subject,
    recordedDate: iso(d.maalgrupper_registered_at)
  }])
}
