import type { Selectable } from 'kysely'
import { dayInDenmark } from '../catalogs/catalogs.js'
import type {
  CasesTable, DecisionsTable, FollowUpsTable, GoalsTable, InterventionsTable, InterventionYdelserTable, StoettebehovTable, ThemeRegistrationsTable
} from '../db/schema.js'
import { groupBy } from '../db/rows.js'
import { stableId } from './ids.js'

/**
 * KL's FFB delivery report (kl.dk.fhir.ffbreporting 1.0.0): one FHIR R4
 * `collection` Bundle per citizen per day, holding what changed for the
 * citizen plus everything it references. Built from our rows, in memory,
 * with no database access: the same rows give byte-identical JSON.
 */

export const FFB_SYSTEM = 'urn:oid:1.2.208.176.2.22'
const CSC = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes'
const SNOMED = 'http://snomed.info/sct'
const PROFILE = 'http://fhir.kl.dk/ffbreporting/StructureDefinition/'
const CORE = 'http://fhir.kl.dk/core/StructureDefinition/'

/** The code systems of our own identifiers where KL's guide has no element (see the OpenAPI description). */
export const caseNumberSystem = (kommunekode: string, kind: 'sag' | 'sagsafgoerelse'): string => `urn:ffb-api:kommune:${kommunekode}:${kind}`

type CaseRow = Pick<Selectable<CasesTable>, 'id' | 'seq' | 'opened_at' | 'created_at'>
type RegistrationRow = Pick<Selectable<ThemeRegistrationsTable>, 'case_id' | 'theme' | 'undertema' | 'funktionsevneniveau' | 'registered_at' | 'created_at'>
type GoalRow = Pick<Selectable<GoalsTable>, 'id' | 'case_id' | 'maaltype' | 'primaert_undertema' | 'forventet_funktionsevneniveau' |
  'relaterede_undertemaer' | 'opfoelgningsdato' | 'registered_at' | 'created_at'>
type DecisionRow = Pick<Selectable<DecisionsTable>, 'id' | 'case_id' | 'sagsafgoerelses_id' | 'primaer_maalgruppe' | 'oevrige_maalgrupper' |
  'maalgrupper_registered_at' | 'closed_at' | 'created_at'> & { goal_ids: string[] }
type StoettebehovRow = Pick<Selectable<StoettebehovTable>, 'id' | 'decision_id' | 'code' | 'registered_at' | 'created_at'>
type InterventionRow = Pick<Selectable<InterventionsTable>, 'id' | 'decision_id' | 'tilbud' | 'tilbud_registered_at' | 'bevillingsdato' | 'created_at'>
type YdelseRow = Pick<Selectable<InterventionYdelserTable>, 'id' | 'intervention_id' | 'code' | 'startdato' | 'slutdato' | 'registered_at' | 'created_at'>
type FollowUpRow = Pick<Selectable<FollowUpsTable>, 'id' | 'decision_id' | 'opfoelgningsdato' | 'registered_at' | 'status_paa_indsats' |
  'naeste_opfoelgningsdato' | 'created_at'>

/** Every reportable row of one citizen (all its cases in one municipality), each list in registration order. */
export interface CitizenRows {
  kommunekode: string
  cpr: string
  cases: CaseRow[]
  registrations: RegistrationRow[]
  goals: GoalRow[]
  decisions: DecisionRow[]
  stoettebehov: StoettebehovRow[]
  interventions: InterventionRow[]
  ydelser: YdelseRow[]
  followUps: FollowUpRow[]
}

/**
 * Which rows a bundle reports. `day`: the delivery of one Danish calendar
 * day — what was registered (or started, ended, followed up) that day, in
 * its state at the end of the day. `since`: what was written to this API
 * from an instant on, in its state today.
 */
export type Selection =
  | { kind: 'day', day: string, start: Date, end: Date }
  | { kind: 'since', since: Date, day: string, end: Date }

export interface Resource { resourceType: string, id: string, meta: { profile: string[], lastUpdated: string }, [element: string]: unknown }
export interface Bundle {
  resourceType: 'Bundle'
  id: string
  meta: { profile: string[] }
  type: 'collection'
  timestamp: string
  entry: Array<{ fullUrl: string, resource: Resource }>
}

const ORDER = ['Patient', 'ServiceRequest', 'Condition', 'Observation', 'ClinicalImpression', 'Goal', 'CareTeam', 'Encounter', 'CarePlan']

const coding = (system: string, code: string) => ({ coding: [{ system, code }] })
const ffb = (code: string) => coding(FFB_SYSTEM, code)
const ref = (resource: Resource) => ({ reference: `${resource.resourceType}/${resource.id}` })
const rank = (resource: Resource, value: 1 | 2) => ({ extension: [{ url: `${CORE}ConditionRank`, valuePositiveInt: value }], ...ref(resource) })
const iso = (instant: Date): string => instant.toISOString()
const latest = (...instants: Array<Date | undefined>): Date => new Date(Math.max(...instants.map((i) => i?.getTime() ?? 0)))

/** The citizen's delivery bundle for the selection, or undefined when nothing reportable changed. */
export function buildBundle (rows: CitizenRows, kombitOrganisation: string, selection: Selection): Bundle | undefined {
  const { day, end } = selection
  const seen = (instant: Date) => instant < end
  const changed = (instant: Date, created: Date, ...dates: Array<string | null>): boolean => selection.kind === 'day'
    ? (instant >= selection.start && instant < end) || dates.includes(day)
    : created >= selection.since

  const cases = rows.cases.filter((c) => seen(c.opened_at))
  const caseIds = new Set(cases.map((c) => c.id))
  const registrations = rows.registrations.filter((r) => caseIds.has(r.case_id) && seen(r.registered_at))
  const goals = rows.goals.filter((g) => caseIds.has(g.case_id) && seen(g.registered_at))
  const decisions = rows.decisions.filter((d) => caseIds.has(d.case_id) && seen(d.maalgrupper_registered_at))
  const decisionIds = new Set(decisions.map((d) => d.id))
  const stoettebehov = rows.stoettebehov.filter((s) => decisionIds.has(s.decision_id) && seen(s.registered_at))
  const interventions = rows.interventions.filter((i) => decisionIds.has(i.decision_id) && seen(i.tilbud_registered_at))
  const interventionIds = new Set(interventions.map((i) => i.id))
  const ydelser = rows.ydelser.filter((y) => interventionIds.has(y.intervention_id) && seen(y.registered_at))
  const followUps = rows.followUps.filter((f) => decisionIds.has(f.decision_id) && seen(f.registered_at))

  // Rows by owner, each group in registration order.
  const historyOf = groupBy(registrations, (r) => `${r.case_id}/${r.undertema}`)
  const stoettebehovOf = groupBy(stoettebehov, (s) => s.decision_id)
  const followUpsOf = groupBy(followUps, (f) => f.decision_id)
  const interventionsOf = groupBy(interventions, (i) => i.decision_id)
  const ydelserOf = groupBy(ydelser, (y) => y.intervention_id)
  const goalById = new Map(goals.map((g) => [g.id, g]))
  const goalsOf = (d: DecisionRow): GoalRow[] => d.goal_ids.flatMap((id) => goalById.get(id) ?? [])

  /** The resource named `<type>/<name>`, made (and put in the bundle) the first time it is asked for. */
  const resources = new Map<string, Resource>()
  const resource = (type: string, profile: string, name: string, make: () => [lastUpdated: Date, elements: Record<string, unknown>]): Resource => {
    const key = `${type}/${name}`
    let made = resources.get(key)
    if (made === undefined) {
      const [lastUpdated, elements] = make()
      made = { resourceType: type, id: stableId(key), meta: { profile: [`${PROFILE}kl-reporting-ffb-${profile}`], lastUpdated: iso(lastUpdated) }, ...elements }
      resources.set(key, made)
    }
    return made
  }

  const [first] = rows.cases
  const patient = resource('Patient', 'citizen', first!.id, () => [first!.opened_at, {
    identifier: [{ use: 'official', system: 'urn:oid:1.2.208.176.1.2', value: rows.cpr }],
    managingOrganization: { identifier: { use: 'official', system: 'https://www.kombit.dk/organisation', value: kombitOrganisation } }
  }])
  const subject = ref(patient)

  const serviceRequest = (c: CaseRow) => resource('ServiceRequest', 'serviceRequest', c.id, () => [c.opened_at, {
    extension: [caseNumber(caseNumberSystem(rows.kommunekode, 'sag'), c.id)],
    status: 'active',
    intent: 'proposal',
    subject
  }])

  /** One Condition per sub-theme of a case: first recorded, last reassessed, the latest level on A&D. */
  const condition = (caseId: string, undertema: string): Resource | undefined => {
    const history = historyOf.get(`${caseId}/${undertema}`)
    if (history === undefined) return undefined
    const [firstSeen] = history as [RegistrationRow]
    const last = history.at(-1)!
    return resource('Condition', 'condition', `${caseId}/${undertema}`, () => [last.registered_at, {
      ...(last !== firstSeen ? { extension: [{ url: `${CORE}ConditionLastAssertedDate`, valueDateTime: iso(last.registered_at) }] } : {}),
      clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'),
      verificationStatus: coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed'),
      ...(last.funktionsevneniveau !== null ? { severity: ffb(last.funktionsevneniveau) } : {}),
      code: ffb(undertema),
      subject,
      recordedDate: iso(firstSeen.registered_at)
    }])
  }

  const careEvaluation = (s: StoettebehovRow) => resource('Observation', 'careEvaluation', s.id, () => [s.registered_at, {
    status: 'final',
    code: coding(CSC, 'effe55c7-572c-4a99-8fb4-2a9dda2f6572'),
    subject,
    effectiveDateTime: iso(s.registered_at),
    valueCodeableConcept: ffb(s.code)
  }])
  const currentStoettebehov = (decisionId: string) => stoettebehovOf.get(decisionId)?.at(-1)

  /** A decision closed by the end of the selection's day, and the follow-up that closed it. */
  const closing = (d: DecisionRow) => d.closed_at !== null && d.closed_at <= day
    ? followUpsOf.get(d.id)?.at(-1)
    : undefined
  const isClosed = (d: DecisionRow) => d.closed_at !== null && d.closed_at <= day

  const goal = (g: GoalRow): Resource => resource('Goal', 'interventionGoal', g.id, () => {
    const covering = decisions.filter((d) => d.goal_ids.includes(g.id))
    const done = covering.length > 0 && covering.every(isClosed)
    // The primary sub-theme was investigated before the goal (a rule of ours); a related one is
    // reported once it has been investigated, since KL's Goal addresses Conditions.
    const addresses = [g.primaert_undertema, ...g.relaterede_undertemaer].flatMap((code, i) => {
      const addressed = condition(g.case_id, code)
      return addressed === undefined ? [] : [rank(addressed, i === 0 ? 1 : 2)]
    })
    return [done ? latest(g.registered_at, ...covering.map((d) => closing(d)?.registered_at)) : g.registered_at, {
      lifecycleStatus: done ? 'completed' : 'active',
      category: [coding(CSC, '0bb3daef-538d-45dc-b444-abdbcb63f6bc')],
      description: coding(SNOMED, '410518001'),
      subject,
      target: [
        { measure: coding(CSC, '66959f77-6e2a-4574-8423-3ff097f8b9fa'), detailCodeableConcept: ffb(g.forventet_funktionsevneniveau) },
        { measure: coding(CSC, '90c48f03-f194-4b2f-ad7d-6cba1069ae48'), detailCodeableConcept: ffb(g.maaltype) }
      ],
      addresses
    }]
  })

  /** The follow-up planned as of the day: the last follow-up's next date, else the earliest goal's. */
  const plannedFollowUp = (d: DecisionRow): Resource | undefined => {
    if (isClosed(d)) return undefined
    const last = followUpsOf.get(d.id)?.at(-1)
    const goalDates = goalsOf(d).map((g) => g.opfoelgningsdato).sort()
    const date = last !== undefined ? last.naeste_opfoelgningsdato : goalDates[0]
    if (date === undefined || date === null) return undefined
    return resource('Encounter', 'followUpEncounter', `${d.id}/${date}`, () => [last?.registered_at ?? d.maalgrupper_registered_at, {
      status: 'planned',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HH' },
      type: [coding(CSC, '9f03dfbb-7a97-45a5-94db-d4c3501714a9')],
      subject,
      period: { start: date }
    }])
  }

  const targetGroup = (d: DecisionRow, code: string) => resource('Condition', 'targetGroup', `${d.id}/${code}`, () => [d.maalgrupper_registered_at, {
    code: ffb(code),
    subject,
    recordedDate: iso(d.maalgrupper_registered_at)
  }])

  /** One CarePlan per intervention (one tilbud), its CareTeam, and one Intervention CarePlan per ydelse. */
  const carePlans = (d: DecisionRow): Resource[] => (interventionsOf.get(d.id) ?? []).map((i) => {
    const closedBy = closing(d)
    const support = currentStoettebehov(d.id)
    const encounter = plannedFollowUp(d)
    const lastFollowUp = followUpsOf.get(d.id)?.at(-1)
    const careTeam = resource('CareTeam', 'servicePerformer', i.id, () => [i.tilbud_registered_at, { category: [ffb(i.tilbud)], subject }])
    const plan = resource('CarePlan', 'carePlan', i.id, () => [latest(i.tilbud_registered_at, d.maalgrupper_registered_at, support?.registered_at, lastFollowUp?.registered_at), {
      extension: [
        caseNumber(caseNumberSystem(rows.kommunekode, 'sagsafgoerelse'), d.sagsafgoerelses_id),
        ...(encounter !== undefined ? [{ url: `${PROFILE}kl-reporting-ffb-follow-up-date-extension`, valueReference: ref(encounter) }] : [])
      ],
      status: isClosed(d) ? 'completed' : 'active',
      intent: 'order',
      subject,
      period: { start: i.bevillingsdato, ...(isClosed(d) ? { end: d.closed_at } : {}) },
      careTeam: [ref(careTeam)],
      goal: goalsOf(d).map((g) => ref(goal(g))),
      addresses: [rank(targetGroup(d, d.primaer_maalgruppe), 1), ...d.oevrige_maalgrupper.map((code) => rank(targetGroup(d, code), 2))],
      ...(support !== undefined ? { activity: [{ outcomeReference: [ref(careEvaluation(support))] }] } : {})
    }])
    for (const y of ydelserOf.get(i.id) ?? []) {
      // An end date the closing follow-up set later is not known yet on an earlier day.
      const ended = y.slutdato !== null && !(d.closed_at !== null && d.closed_at > day && y.slutdato === d.closed_at) ? y.slutdato : null
      const done = ended !== null && ended <= day
      resource('CarePlan', 'intervention', y.id, () => [ended !== null && ended === d.closed_at && closedBy !== undefined ? latest(y.registered_at, closedBy.registered_at) : y.registered_at, {
        basedOn: [ref(plan)],
        status: done ? 'completed' : 'active',
        intent: 'order',
        subject,
        period: { start: y.startdato, ...(ended !== null ? { end: ended } : {}) },
        created: iso(y.registered_at),
        activity: [{ detail: { code: ffb(y.code), status: done ? 'completed' : 'in-progress' } }]
      }])
    }
    return plan
  })

  // What changed, and with it everything it references.
  for (const c of cases) {
    const caseRegistrations = registrations.filter((r) => r.case_id === c.id)
    const caseDecisions = decisions.filter((d) => d.case_id === c.id)
    const caseSupport = caseDecisions.flatMap((d) => stoettebehovOf.get(d.id) ?? [])
    const gathered = [...caseRegistrations.filter((r) => changed(r.registered_at, r.created_at)), ...caseSupport.filter((s) => changed(s.registered_at, s.created_at))]
    if (changed(c.opened_at, c.created_at)) serviceRequest(c)
    for (const r of gathered) if ('undertema' in r) condition(c.id, r.undertema)
    if (gathered.length === 0) continue
    // The information gathering (udredning) of the day: every sub-theme of the case as it stands, and the current støttebehov.
    const effective = latest(...gathered.map((r) => r.registered_at))
    const findings = [...new Set(caseRegistrations.map((r) => r.undertema))].map((code) => ({ itemReference: ref(condition(c.id, code)!) }))
    const items = caseDecisions.flatMap((d) => {
      const support = currentStoettebehov(d.id)
      return support === undefined ? [] : [ref(careEvaluation(support))]
    })
    resource('ClinicalImpression', 'informationGathering', `${c.id}/${dayInDenmark(effective)}`, () => [effective, {
      extension: [{ url: `${CORE}BasedOnServiceRequest`, valueReference: ref(serviceRequest(c)) }],
      status: 'completed',
      subject,
      effectiveDateTime: iso(effective),
      ...(items.length > 0 ? { investigation: [{ code: coding(CSC, 'effe55c7-572c-4a99-8fb4-2a9dda2f6572'), item: items }] } : {}),
      finding: findings
    }])
  }
  for (const g of goals) if (changed(g.registered_at, g.created_at)) goal(g)
  for (const d of decisions) {
    const its = {
      stoettebehov: stoettebehovOf.get(d.id) ?? [],
      interventions: interventionsOf.get(d.id) ?? [],
      followUps: followUpsOf.get(d.id) ?? []
    }
    const decisionChanged = changed(d.maalgrupper_registered_at, d.created_at, selection.kind === 'day' ? d.closed_at : null) ||
      its.stoettebehov.some((s) => changed(s.registered_at, s.created_at)) ||
      its.interventions.some((i) => changed(i.tilbud_registered_at, i.created_at) ||
        (ydelserOf.get(i.id) ?? []).some((y) => changed(y.registered_at, y.created_at, y.startdato, y.slutdato))) ||
      its.followUps.some((f) => changed(f.registered_at, f.created_at, f.opfoelgningsdato))
    if (!decisionChanged) continue
    const plans = carePlans(d)
    // Without an intervention KL's model has no CarePlan to carry the decision (a changed støttebehov went out with the udredning).
    if (plans.length === 0) continue
    for (const f of its.followUps) {
      if (!changed(f.registered_at, f.created_at, f.opfoelgningsdato)) continue
      resource('Observation', 'followUp', f.id, () => [f.registered_at, {
        status: 'final',
        code: coding(SNOMED, '712744002'),
        subject,
        focus: plans.map(ref),
        effectiveDateTime: f.opfoelgningsdato,
        valueCodeableConcept: ffb(f.status_paa_indsats)
      }])
    }
  }

  if (resources.size === 1) return undefined
  const entries = [...resources.values()].sort((a, b) =>
    ORDER.indexOf(a.resourceType) - ORDER.indexOf(b.resourceType) || profileOf(a).localeCompare(profileOf(b)) || a.id.localeCompare(b.id))
  return {
    resourceType: 'Bundle',
    id: stableId(`Bundle/${first!.id}/${selection.kind === 'day' ? day : `since/${iso(selection.since)}`}`),
    meta: { profile: [`${PROFILE}kl-reporting-ffb-deliveryReport`] },
    type: 'collection',
    timestamp: entries.map((r) => r.meta.lastUpdated).sort().at(-1)!,
    entry: entries.map((r) => ({ fullUrl: `${r.resourceType}/${r.id}`, resource: r }))
  }
}

const profileOf = (resource: Resource): string => resource.meta.profile[0]!

function caseNumber (system: string, value: string) {
  return {
    url: `${PROFILE}kl-reporting-ffb-municipalityCaseNumber`,
    extension: [{ url: 'municipalitySpecific', valueIdentifier: { use: 'usual', system, value } }]
  }
}
