import type { Citizen, FollowUpRow, StoettebehovRow } from '../citizen.js'
import { CSC, SNOMED, coding, corrected, ffb, iso, latest, ref, resource, type Resource } from './common.js'

/** A støttebehov assessment. */
export function careEvaluation (c: Citizen, s: StoettebehovRow): Resource {
  return resource(c.resources, 'Observation', 'careEvaluation', s.id, () => [latest(s.registered_at, c.enteredInError.has(`Observation/${s.id}`) ? s.annulled_at : null), {
    status: 'final',
    code: coding(CSC, 'effe55c7-572c-4a99-8fb4-2a9dda2f6572'),
    subject: c.subject,
    effectiveDateTime: iso(s.registered_at),
    valueCodeableConcept: ffb(s.code)
  }])
}

/** A follow-up's status of the intervention, on the decision's CarePlans. */
export function followUp (c: Citizen, f: FollowUpRow, plans: Resource[]): Resource {
  return resource(c.resources, 'Observation', 'followUp', f.id, () => [latest(f.registered_at, corrected(c, f)), {
    status: 'final',
    code: coding(SNOMED, '712744002'),
    subject: c.subject,
    focus: plans.map(ref),
    effectiveDateTime: f.opfoelgningsdato,
    valueCodeableConcept: ffb(f.status_paa_indsats)
  }])
}
