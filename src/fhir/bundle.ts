import type { Catalogs } from '../catalogs/catalogs.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import {
  caseOf, changed, citizenAsOf, isClosed, renumberedWithin, type CaseRow, type Citizen, type CitizenRows, type DecisionRow, type FollowUpRow, type Happened,
  type Selection
} from './citizen.js'
import { stableId } from './ids.js'
import { UNDELIVERABLE_SYSTEM, type FhirWorklistItem } from './schemas.js'
import { maalgruppeFacts, unreadiness, type Unready } from './readiness.js'
import { carePlans } from './resources/care-plan.js'
import { informationGathering } from './resources/clinical-impression.js'
import { PROFILE, fullUrl, iso, type Resource, type Resources } from './resources/common.js'
import { condition } from './resources/condition.js'
import { goal } from './resources/goal.js'
import { plannedFollowUp } from './resources/encounter.js'
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
  meta: { lastUpdated: string, profile: string[] }
  type: 'collection'
  timestamp: string
  entry: Array<{ fullUrl: string, resource: Resource }>
}

/** A reason KL's gateway would reject the bundle, with the decision (and its CarePlan) it is about. */
export interface Undeliverable extends Unready {
  caseId: string
  decisionId: string
  sagsafgoerelsesId: string
  /** The Bundle.entry.fullUrl of the decision's first CarePlan. */
  carePlan: string
}

/** A citizen's bundle for the selection, and why KL's gateway would reject it (empty: deliverable). */
export interface Delivery { bundle: Bundle, undeliverable: Undeliverable[] }

/** What the bundles are built with besides the rows. */
export interface DeliveryContext {
  /** The municipality's KOMBIT STS organisation UUID. */
  organisation: string
  catalogs: Catalogs
}

/** The citizen's delivery for the selection, or undefined when nothing reportable changed. */
export function buildBundle (rows: CitizenRows, context: DeliveryContext, selection: Selection): Delivery | undefined {
  const c = citizenAsOf(rows, selection, context.organisation)
  const undeliverable: Undeliverable[] = []
  // What changed, and with it everything it references.
  for (const found of c.cases) reportCase(c, found)
  for (const g of c.goals) if (changed(c, { at: g.registered_at, created: g.created_at, changed: g.changed_at })) goal(c, g)
  for (const d of c.decisions) undeliverable.push(...reportDecision(c, context.catalogs, d))
  if (c.resources.size === 1) return undefined
  markEnteredInError(c)
  const bundle = collection(c.resources, stableId(`Bundle/${rows.cases[0]!.id}/${selection.kind === 'day' ? selection.day : `since/${iso(selection.since)}`}`))
  return { bundle, undeliverable }
}

/**
 * A new case (or one with a new sagsnummer), and the information gathering
 * of the sub-themes and støttebehov registered on it — or annulled: the
 * udredning as it stands after the annulment, from its instant.
 */
function reportCase (c: Citizen, found: CaseRow): void {
  const registrations = c.registrations.filter((r) => r.case_id === found.id)
  const decisions = c.decisions.filter((d) => d.case_id === found.id)
  const support = decisions.flatMap((d) => c.stoettebehovOf.get(d.id) ?? [])
  const withdrawn = c.withdrawn.filter((r) => r.case_id === found.id)
  const gathered = [
    ...registrations.filter((r) => changed(c, { at: r.registered_at, created: r.created_at, changed: r.changed_at })),
    ...withdrawn.map((r) => ({ ...r, registered_at: r.annulled_at! })),
    ...support.filter((s) => changed(c, { at: s.registered_at, created: s.created_at, changed: s.annulled_at }))
  ]
  if (changed(c, { at: found.opened_at, created: found.created_at }) || renumberedWithin(c, found)) serviceRequest(c, found)
  for (const r of gathered) if ('undertema' in r) condition(c, found.id, r.undertema)
  if (gathered.length > 0) informationGathering(c, found, gathered, registrations, decisions)
}

/** A decision of which anything changed (its case's sagsnummer too): its CarePlans, and the follow-ups that changed; and why the gateway would reject them. */
function reportDecision (c: Citizen, catalogs: Catalogs, d: DecisionRow): Undeliverable[] {
  const followUps = c.followUpsOf.get(d.id) ?? []
  const decisionChanged = renumberedWithin(c, caseOf(c, d)) || changed(c, { at: d.maalgrupper_registered_at, created: d.created_at, changed: d.changed_at }, d.closed_at) ||
    (c.stoettebehovOf.get(d.id) ?? []).some((s) => changed(c, { at: s.registered_at, created: s.created_at, changed: s.annulled_at })) ||
    (c.interventionsOf.get(d.id) ?? []).some((i) => changed(c, { at: i.tilbud_registered_at, created: i.created_at, changed: i.changed_at }) ||
      (c.ydelserOf.get(i.id) ?? []).some((y) => changed(c, { at: y.registered_at, created: y.created_at, changed: y.changed_at }, y.startdato, y.slutdato))) ||
    followUps.some((f) => changed(c, happenedOf(f), f.opfoelgningsdato))
  if (!decisionChanged) return []
  const plans = carePlans(c, d)
  // Without an intervention KL's model has no CarePlan to carry the decision (a changed støttebehov went out with the udredning).
  if (plans.length === 0) return []
  for (const f of followUps) if (changed(c, happenedOf(f), f.opfoelgningsdato)) followUp(c, f, plans)
  // An annulment is delivered whatever else is wrong with the record: it only takes it back.
  if (c.enteredInError.has(`Decision/${d.id}`)) return []
  const day = dayInDenmark(d.maalgrupper_registered_at)
  const reasons = unreadiness({
    maalgrupper: maalgruppeFacts(catalogs, d.primaer_maalgruppe, d.oevrige_maalgrupper, day),
    active: !isClosed(c, d),
    followUpDate: plannedFollowUp(c, d)?.id,
    stoettebehov: (c.stoettebehovOf.get(d.id) ?? []).some((s) => !c.enteredInError.has(`Observation/${s.id}`)),
    sagsnummer: caseOf(c, d).sagsnummer !== null
  })
  const carePlan = fullUrl(plans[0]!)
  return reasons.map((reason) => ({ ...reason, caseId: d.case_id, decisionId: d.id, sagsafgoerelsesId: d.sagsafgoerelses_id, carePlan }))
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

/** Why a citizen's bundle is held back: an OperationOutcome (every line of the FHIR stream stays a FHIR resource), no CPR number in it. */
export function worklistItem ({ bundle, undeliverable }: Delivery): FhirWorklistItem {
  return {
    resourceType: 'OperationOutcome',
    id: bundle.id,
    issue: undeliverable.map((reason) => ({
      severity: 'error',
      code: 'business-rule',
      details: { coding: [{ system: UNDELIVERABLE_SYSTEM, code: reason.code }], text: reason.message },
      diagnostics: `case ${reason.caseId}, decision ${reason.sagsafgoerelsesId} (/v1/decisions/${reason.decisionId}), ${reason.pointer}`,
      expression: [`Bundle.entry.where(fullUrl = '${reason.carePlan}').resource`]
    }))
  }
}

const ORDER = ['Patient', 'ServiceRequest', 'Condition', 'Observation', 'ClinicalImpression', 'Goal', 'CareTeam', 'Encounter', 'CarePlan']
const profileOf = (resource: Resource): string => resource.meta.profile[0]!

/** The bundle of the resources, in a fixed order: by type, profile and id. */
function collection (resources: Resources, id: string): Bundle {
  const entries = [...resources.values()].sort((a, b) =>
    ORDER.indexOf(a.resourceType) - ORDER.indexOf(b.resourceType) || profileOf(a).localeCompare(profileOf(b)) || a.id.localeCompare(b.id))
  // The latest instant any of the content took effect (a ydelse ending by time alone counts at the start of its day).
  const lastUpdated = entries.map((r) => r.meta.lastUpdated).sort().at(-1)!
  return {
    resourceType: 'Bundle',
    id,
    meta: { lastUpdated, profile: [`${PROFILE}kl-reporting-ffb-deliveryReport`] },
    type: 'collection',
    timestamp: lastUpdated,
    entry: entries.map((r) => ({ fullUrl: fullUrl(r), resource: r }))
  }
}
