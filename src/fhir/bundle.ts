import { changed, citizenAsOf, type CaseRow, type Citizen, type CitizenRows, type DecisionRow, type FollowUpRow, type Happened, type Selection } from './citizen.js'
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
  for (const g of c.goals) if (changed(c, { at: g.registered_at, created: g.created_at, changed: g.changed_at })) goal(c, g)
  for (const d of c.decisions) reportDecision(c, d)
  if (c.resources.size === 1) return undefined
  markEnteredInError(c)
  return collection(c.resources, stableId(`Bundle/${rows.cases[0]!.id}/${selection.kind === 'day' ? selection.day : `since/${iso(selection.since)}`}`))
}

/** A new case, and the information gathering of the sub-themes and støttebehov registered on it. */
function reportCase (c: Citizen, found: CaseRow): void {
  const registrations = c.registrations.filter((r) => r.case_id === found.id)
  const decisions = c.decisions.filter((d) => d.case_id === found.id)
  const support = decisions.flatMap((d) => c.stoettebehovOf.get(d.id) ?? [])
  const gathered = [
    ...registrations.filter((r) => changed(c, { at: r.registered_at, created: r.created_at, changed: r.changed_at })),
    ...support.filter((s) => changed(c, { at: s.registered_at, created: s.created_at, changed: s.annulled_at }))
  ]
  if (changed(c, { at: found.opened_at, created: found.created_at })) serviceRequest(c, found)
  for (const r of gathered) if ('undertema' in r) condition(c, found.id, r.undertema)
  if (gathered.length > 0) informationGathering(c, found, gathered, registrations, decisions)
}

/** A decision of which anything changed: its CarePlans, and the follow-ups that changed. */
function reportDecision (c: Citizen, d: DecisionRow): void {
  const followUps = c.followUpsOf.get(d.id) ?? []
  const decisionChanged = changed(c, { at: d.maalgrupper_registered_at, created: d.created_at, changed: d.changed_at }, d.closed_at) ||
    (c.stoettebehovOf.get(d.id) ?? []).some((s) => changed(c, { at: s.registered_at, created: s.created_at, changed: s.annulled_at })) ||
    (c.interventionsOf.get(d.id) ?? []).some((i) => changed(c, { at: i.tilbud_registered_at, created: i.created_at, changed: i.changed_at }) ||
      (c.ydelserOf.get(i.id) ?? []).some((y) => changed(c, { at: y.registered_at, created: y.created_at, changed: y.changed_at }, y.startdato, y.slutdato))) ||
    followUps.some((f) => changed(c, happenedOf(f), f.opfoelgningsdato))
  if (!decisionChanged) return
  const plans = carePlans(c, d)
  // Without an intervention KL's model has no CarePlan to carry the decision (a changed støttebehov went out with the udredning).
  if (plans.length === 0) return
  for (const f of followUps) if (changed(c, happenedOf(f), f.opfoelgningsdato)) followUp(c, f, plans)
}

const happenedOf = (f: FollowUpRow): Happened => ({ at: f.registered_at, created: f.created_at, changed: f.changed_at })

/**
 * KL's guide corrects an error by sending the same id again with status
 * entered-in-error: the resources of the rows annulled within the selection.
 */
function markEnteredInError (c: Citizen): void {
  for (const key of c.enteredInError) {
    const made = c.resources.get(key)
    if (made === undefined) continue
    if (made.resourceType === 'Goal') made.lifecycleStatus = 'entered-in-error'
    else made.status = 'entered-in-error'
  }
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
