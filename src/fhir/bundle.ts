import { changed, citizenAsOf, type CaseRow, type Citizen, type CitizenRows, type DecisionRow, type Selection } from './citizen.js'
import { stableId } from './ids.js'
import { carePlans } from './resources/care-plan.js'
import { informationGathering } from './resources/clinical-impression.js'
import { PROFILE, iso, type Resource, type Resources } from './resources/common.js'
import { condition } from './resources/condition.js'
import { goal } from './resources/goal.js'
import { followUp } from './resources/observation.js'
import { serviceRequest } from './resources/service-request.js'

/**
 * KL's FFB delivery report (kl.dk.fhir.ffbreporting 1.0.0): one FHIR R4
 * `collection` Bundle per citizen per day, holding what changed for the
 * citizen plus everything it references. Built from our rows, in memory,
 * with no database access: the same rows give byte-identical JSON. Each
 * resource is made in src/fhir/resources/; this module picks what changed.
 */

export interface Bundle {
  resourceType: 'Bundle'
  id: string
  meta: { profile: string[] }
  type: 'collection'
  timestamp: string
  entry: Array<{ fullUrl: string, resource: Resource }>
}

/** The citizen's delivery bundle for the selection, or undefined when nothing reportable changed. */
export function buildBundle (rows: CitizenRows, kombitOrganisation: string, selection: Selection): Bundle | undefined {
  const c = citizenAsOf(rows, selection, kombitOrganisation)
  // What changed, and with it everything it references.
  for (const found of c.cases) reportCase(c, found)
  for (const g of c.goals) if (changed(c, g.registered_at, g.created_at)) goal(c, g)
  for (const d of c.decisions) reportDecision(c, d)
  if (c.resources.size === 1) return undefined
  return collection(c.resources, stableId(`Bundle/${rows.cases[0]!.id}/${selection.kind === 'day' ? selection.day : `since/${iso(selection.since)}`}`))
}

/** A new case, and the information gathering of the sub-themes and støttebehov registered on it. */
function reportCase (c: Citizen, found: CaseRow): void {
  const registrations = c.registrations.filter((r) => r.case_id === found.id)
  const decisions = c.decisions.filter((d) => d.case_id === found.id)
  const support = decisions.flatMap((d) => c.stoettebehovOf.get(d.id) ?? [])
  const gathered = [...registrations.filter((r) => changed(c, r.registered_at, r.created_at)), ...support.filter((s) => changed(c, s.registered_at, s.created_at))]
  if (changed(c, found.opened_at, found.created_at)) serviceRequest(c, found)
  for (const r of gathered) if ('undertema' in r) condition(c, found.id, r.undertema)
  if (gathered.length > 0) informationGathering(c, found, gathered, registrations, decisions)
}

/** A decision of which anything changed: its CarePlans, and the follow-ups that changed. */
function reportDecision (c: Citizen, d: DecisionRow): void {
  const followUps = c.followUpsOf.get(d.id) ?? []
  const decisionChanged = changed(c, d.maalgrupper_registered_at, d.created_at, c.selection.kind === 'day' ? d.closed_at : null) ||
    (c.stoettebehovOf.get(d.id) ?? []).some((s) => changed(c, s.registered_at, s.created_at)) ||
    (c.interventionsOf.get(d.id) ?? []).some((i) => changed(c, i.tilbud_registered_at, i.created_at) ||
      (c.ydelserOf.get(i.id) ?? []).some((y) => changed(c, y.registered_at, y.created_at, y.startdato, y.slutdato))) ||
    followUps.some((f) => changed(c, f.registered_at, f.created_at, f.opfoelgningsdato))
  if (!decisionChanged) return
  const plans = carePlans(c, d)
  // Without an intervention KL's model has no CarePlan to carry the decision (a changed støttebehov went out with the udredning).
  if (plans.length === 0) return
  for (const f of followUps) if (changed(c, f.registered_at, f.created_at, f.opfoelgningsdato)) followUp(c, f, plans)
}

const ORDER = ['Patient', 'ServiceRequest', 'Condition', 'Observation', 'ClinicalImpression', 'Goal', 'CareTeam', 'Encounter', 'CarePlan']
const profileOf = (resource: Resource): string => resource.meta.profile[0]!

/** The bundle of the resources, in a fixed order: by type, profile and id. */
function collection (resources: Resources, id: string): Bundle {
  const entries = [...resources.values()].sort((a, b) =>
    ORDER.indexOf(a.resourceType) - ORDER.indexOf(b.resourceType) || profileOf(a).localeCompare(profileOf(b)) || a.id.localeCompare(b.id))
  return {
    resourceType: 'Bundle',
    id,
    meta: { profile: [`${PROFILE}kl-reporting-ffb-deliveryReport`] },
    type: 'collection',
    timestamp: entries.map((r) => r.meta.lastUpdated).sort().at(-1)!,
    entry: entries.map((r) => ({ fullUrl: `${r.resourceType}/${r.id}`, resource: r }))
  }
}
