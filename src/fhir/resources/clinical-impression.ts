import { dayInDenmark } from '../../catalogs/catalogs.js'
import { currentStoettebehov, type CaseRow, type Citizen, type DecisionRow, type RegistrationRow } from '../citizen.js'
import { CORE, CSC, coding, iso, latest, listed, ref, resource, type Resource } from './common.js'
import { condition } from './condition.js'
import { careEvaluation } from './observation.js'
import { serviceRequest } from './service-request.js'

/**
 * The information gathering (udredning) of the day, from what was gathered:
 * every sub-theme of the case as it stands, and the current støttebehov of
 * each of its decisions.
 */
export function informationGathering (c: Citizen, found: CaseRow, gathered: Array<{ registered_at: Date }>,
  registrations: RegistrationRow[], decisions: DecisionRow[]): Resource {
  const effective = latest(...gathered.map((r) => r.registered_at))
  const findings = [...new Set(registrations.map((r) => r.undertema))].map((code) => ({ itemReference: ref(condition(c, found.id, code)!) }))
  const items = decisions.flatMap((d) => {
    const support = currentStoettebehov(c, d.id)
    return support === undefined ? [] : [ref(careEvaluation(c, support))]
  })
  return resource(c.resources, 'ClinicalImpression', 'informationGathering', `${found.id}/${dayInDenmark(effective)}`, () => [effective, {
    extension: [{ url: `${CORE}BasedOnServiceRequest`, valueReference: ref(serviceRequest(c, found)) }],
    status: 'completed',
    subject: c.subject,
    effectiveDateTime: iso(effective),
    ...(items.length > 0 ? { investigation: [{ code: coding(CSC, 'effe55c7-572c-4a99-8fb4-2a9dda2f6572'), item: items }] } : {}),
    ...listed('finding', findings)
  }])
}
