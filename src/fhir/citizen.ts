import type { Selectable } from 'kysely'
import type {
  CasesTable, DecisionsTable, FollowUpsTable, GoalsTable, InterventionsTable, InterventionYdelserTable, StoettebehovTable, ThemeRegistrationsTable
} from '../db/schema.js'
import { groupBy } from '../db/rows.js'
import { ref, type Resources } from './resources/common.js'
import { patient } from './resources/patient.js'

/**
 * One citizen's rows as a selection sees them — what was registered by the
 * end of its day — and the resources of the citizen's bundle so far.
 */

export type CaseRow = Pick<Selectable<CasesTable>, 'id' | 'seq' | 'opened_at' | 'created_at'>
export type RegistrationRow = Pick<Selectable<ThemeRegistrationsTable>, 'case_id' | 'theme' | 'undertema' | 'funktionsevneniveau' | 'registered_at' | 'created_at'>
export type GoalRow = Pick<Selectable<GoalsTable>, 'id' | 'case_id' | 'maaltype' | 'primaert_undertema' | 'forventet_funktionsevneniveau' |
  'relaterede_undertemaer' | 'opfoelgningsdato' | 'registered_at' | 'created_at'>
export type DecisionRow = Pick<Selectable<DecisionsTable>, 'id' | 'case_id' | 'sagsafgoerelses_id' | 'primaer_maalgruppe' | 'oevrige_maalgrupper' |
  'maalgrupper_registered_at' | 'closed_at' | 'created_at'> & { goal_ids: string[] }
export type StoettebehovRow = Pick<Selectable<StoettebehovTable>, 'id' | 'decision_id' | 'code' | 'registered_at' | 'created_at'>
export type InterventionRow = Pick<Selectable<InterventionsTable>, 'id' | 'decision_id' | 'tilbud' | 'tilbud_registered_at' | 'bevillingsdato' | 'created_at'>
export type YdelseRow = Pick<Selectable<InterventionYdelserTable>, 'id' | 'intervention_id' | 'code' | 'startdato' | 'slutdato' | 'registered_at' | 'created_at'>
export type FollowUpRow = Pick<Selectable<FollowUpsTable>, 'id' | 'decision_id' | 'opfoelgningsdato' | 'registered_at' | 'status_paa_indsats' |
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

/** The rows registered by the end of the selection's day, the groups of them by owner (each in registration order), and the bundle so far. */
export interface Citizen {
  kommunekode: string
  selection: Selection
  cases: CaseRow[]
  registrations: RegistrationRow[]
  goals: GoalRow[]
  decisions: DecisionRow[]
  /** By `<case id>/<undertema>`. */
  historyOf: Map<string, RegistrationRow[]>
  stoettebehovOf: Map<string, StoettebehovRow[]>
  followUpsOf: Map<string, FollowUpRow[]>
  interventionsOf: Map<string, InterventionRow[]>
  ydelserOf: Map<string, YdelseRow[]>
  goalById: Map<string, GoalRow>
  resources: Resources
  /** The reference to the citizen's Patient, which every resource has as its subject. */
  subject: { reference: string }
}

/** The citizen as of the selection, its bundle holding the Patient only. */
export function citizenAsOf (rows: CitizenRows, selection: Selection, kombitOrganisation: string): Citizen {
  const seen = (instant: Date) => instant < selection.end
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
  const resources: Resources = new Map()
  return {
    kommunekode: rows.kommunekode,
    selection,
    cases,
    registrations,
    goals,
    decisions,
    historyOf: groupBy(registrations, (r) => `${r.case_id}/${r.undertema}`),
    stoettebehovOf: groupBy(stoettebehov, (s) => s.decision_id),
    followUpsOf: groupBy(followUps, (f) => f.decision_id),
    interventionsOf: groupBy(interventions, (i) => i.decision_id),
    ydelserOf: groupBy(ydelser, (y) => y.intervention_id),
    goalById: new Map(goals.map((g) => [g.id, g])),
    resources,
    subject: ref(patient(resources, rows, kombitOrganisation))
  }
}

/** Whether a row is reported: registered during the day (or one of its dates is the day), or, for `since`, written since. */
export function changed ({ selection }: Citizen, instant: Date, created: Date, ...dates: Array<string | null>): boolean {
  return selection.kind === 'day'
    ? (instant >= selection.start && instant < selection.end) || dates.includes(selection.day)
    : created >= selection.since
}

/** A decision closed by the end of the selection's day. */
export const isClosed = ({ selection }: Citizen, d: DecisionRow): boolean => d.closed_at !== null && d.closed_at <= selection.day

/** The follow-up that closed a decision closed by the end of the day. */
export const closing = (c: Citizen, d: DecisionRow): FollowUpRow | undefined => isClosed(c, d) ? lastFollowUp(c, d) : undefined

export const lastFollowUp = (c: Citizen, d: DecisionRow): FollowUpRow | undefined => c.followUpsOf.get(d.id)?.at(-1)

export const currentStoettebehov = (c: Citizen, decisionId: string): StoettebehovRow | undefined => c.stoettebehovOf.get(decisionId)?.at(-1)

/** A decision's goals, in its order. */
export const goalsOf = (c: Citizen, d: DecisionRow): GoalRow[] => d.goal_ids.flatMap((id) => c.goalById.get(id) ?? [])
