import type { Citizen, DecisionRow, RegistrationRow } from '../citizen.js'
import { CORE, coding, corrected, ffb, iso, latest, resource, type Resource } from './common.js'

/**
 * One Condition per sub-theme of a case: first recorded, last reassessed,
 * the latest level on A&D; none before it is investigated. A sub-theme
 * whose every registration was annulled within the selection is sent once
 * more as it was, refuted and inactive: KL's profile requires a
 * clinicalStatus, and base FHIR (con-5) forbids one on a Condition entered
 * in error, so refuted is the nearest status the guide lets a Condition
 * take back (docs/fhir-delivery.md).
 */
export function condition (c: Citizen, caseId: string, undertema: string): Resource | undefined {
  const standing = c.historyOf.get(`${caseId}/${undertema}`)
  const withdrawn = c.withdrawnOf.get(`${caseId}/${undertema}`) ?? []
  const history = standing ?? (withdrawn.length > 0 ? withdrawn : undefined)
  if (history === undefined) return undefined
  const [firstSeen] = history as [RegistrationRow]
  const last = history.at(-1)!
  const lastUpdated = latest(last.registered_at, ...history.map((r) => corrected(c, r)), ...withdrawn.map((r) => r.annulled_at))
  return resource(c.resources, 'Condition', 'condition', `${caseId}/${undertema}`, () => [lastUpdated, {
    ...(last !== firstSeen ? { extension: [{ url: `${CORE}ConditionLastAssertedDate`, valueDateTime: iso(last.registered_at) }] } : {}),
    clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', standing === undefined ? 'inactive' : 'active'),
    verificationStatus: coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', standing === undefined ? 'refuted' : 'confirmed'),
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
