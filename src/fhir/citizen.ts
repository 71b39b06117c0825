import type { Selectable } from 'kysely'
import { dayInDenmark } from '../catalogs/catalogs.js'
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

export type CaseRow = Pick<Selectable<CasesTable>, 'id' | 'seq' | 'sagsnummer' | 'sagsnummer_changed_at' | 'opened_at' | 'created_at'>
/** When a row was written, last changed (a correction; its annulment), and annulled. */
type Changes = 'created_at' | 'changed_at' | 'annulled_at'
export type RegistrationRow = Pick<Selectable<ThemeRegistrationsTable>, 'case_id' | 'theme' | 'undertema' | 'funktionsevneniveau' | 'registered_at' | 'version' | Changes>
export type GoalRow = Pick<Selectable<GoalsTable>, 'id' | 'case_id' | 'maaltype' | 'primaert_undertema' | 'forventet_funktionsevneniveau' |
  'relaterede_undertemaer' | 'opfoelgningsdato' | 'registered_at' | 'version' | Changes>
export type DecisionRow = Pick<Selectable<DecisionsTable>, 'id' | 'case_id' | 'sagsafgoerelses_id' | 'opfoelgningsdato' | 'primaer_maalgruppe' |
  'oevrige_maalgrupper' | 'maalgrupper_registered_at' | 'closed_at' | Changes> & { goal_ids: string[] }
export type StoettebehovRow = Pick<Selectable<StoettebehovTable>, 'id' | 'decision_id' | 'code' | 'registered_at' | 'created_at' | 'annulled_at'>
export type InterventionRow = Pick<Selectable<InterventionsTable>, 'id' | 'decision_id' | 'tilbud' | 'tilbud_registered_at' | 'bevillingsdato' | 'version' | Changes>
export type YdelseRow = Pick<Selectable<InterventionYdelserTable>, 'id' | 'intervention_id' | 'code' | 'startdato' | 'slutdato' | 'registered_at' | 'version' | Changes>
export type FollowUpRow = Pick<Selectable<FollowUpsTable>, 'id' | 'decision_id' | 'opfoelgningsdato' | 'registered_at' | 'status_paa_indsats' |
  'naeste_opfoelgningsdato' | 'version' | Changes>

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
  /** The registrations annulled within the selection: their case's udredning is reported again without them. */
  withdrawn: RegistrationRow[]
  /** The same, by `<case id>/<undertema>`. */
  withdrawnOf: Map<string, RegistrationRow[]>
  stoettebehovOf: Map<string, StoettebehovRow[]>
  followUpsOf: Map<string, FollowUpRow[]>
  interventionsOf: Map<string, InterventionRow[]>
  ydelserOf: Map<string, YdelseRow[]>
  goalById: Map<string, GoalRow>
  /**
   * The resources (by `<type>/<name>`) of rows annulled within the
   * selection: reported once more, under the same ids, as entered-in-error.
   */
  enteredInError: Set<string>
  resources: Resources
  /** The reference to the citizen's Patient, which every resource has as its subject. */
  subject: { reference: string }
}

/**
 * The citizen as of the selection, its bundle holding the Patient only. A
 * row annulled by the end of the selection is gone, unless it was annulled
 * within the selection: then it stays, its last change being its annulment,
 * and its resource is reported as entered-in-error. (A registration feeds a
 * Condition with the other registrations of its sub-theme, so it is not a
 * resource of its own: annulled within the selection, it is one of
 * `withdrawnOf`, and the Condition and the information gathering are sent
 * again without it.)
 */
export function citizenAsOf (rows: CitizenRows, selection: Selection, kombitOrganisation: string): Citizen {
  const seen = (instant: Date) => instant < selection.end
  const enteredInError = new Set<string>()
  const within = (at: Date) => at < selection.end && at >= (selection.kind === 'day' ? selection.start : selection.since)
  /** The rows standing at the end of the selection, and those annulled within it (entered in error, as last changed then). */
  const standing = <R extends { annulled_at: Date | null }>(list: R[], resource: (row: R) => string | undefined): R[] => list.flatMap((row) => {
    if (row.annulled_at === null || !seen(row.annulled_at)) return [row]
    const key = resource(row)
    if (key === undefined || !within(row.annulled_at)) return []
    enteredInError.add(key)
    return [{ ...row, changed_at: row.annulled_at }]
  })
  const cases = rows.cases.filter((c) => seen(c.opened_at))
  const caseIds = new Set(cases.map((c) => c.id))
  const registrations = standing(rows.registrations, () => undefined).filter((r) => caseIds.has(r.case_id) && seen(r.registered_at))
  const withdrawn = rows.registrations.filter((r) => r.annulled_at !== null && within(r.annulled_at) && caseIds.has(r.case_id) && seen(r.registered_at))
  const goals = standing(rows.goals, (g) => `Goal/${g.id}`).filter((g) => caseIds.has(g.case_id) && seen(g.registered_at))
  const decisions = standing(rows.decisions, (d) => `Decision/${d.id}`).filter((d) => caseIds.has(d.case_id) && seen(d.maalgrupper_registered_at))
  const decisionIds = new Set(decisions.map((d) => d.id))
  const stoettebehov = standing(rows.stoettebehov, (s) => `Observation/${s.id}`).filter((s) => decisionIds.has(s.decision_id) && seen(s.registered_at))
  const interventions = standing(rows.interventions, (i) => `CarePlan/${i.id}`).filter((i) => decisionIds.has(i.decision_id) && seen(i.tilbud_registered_at))
  const interventionIds = new Set(interventions.map((i) => i.id))
  const ydelser = standing(rows.ydelser, (y) => `CarePlan/${y.id}`).filter((y) => interventionIds.has(y.intervention_id) && seen(y.registered_at))
  const followUps = standing(rows.followUps, (f) => `Observation/${f.id}`).filter((f) => decisionIds.has(f.decision_id) && seen(f.registered_at))
  const resources: Resources = new Map()
  return {
    kommunekode: rows.kommunekode,
    selection,
    cases,
    registrations,
    goals,
    decisions,
    historyOf: groupBy(registrations, (r) => `${r.case_id}/${r.undertema}`),
    withdrawn,
    withdrawnOf: groupBy(withdrawn, (r) => `${r.case_id}/${r.undertema}`),
    stoettebehovOf: groupBy(stoettebehov, (s) => s.decision_id),
    followUpsOf: groupBy(followUps, (f) => f.decision_id),
    interventionsOf: groupBy(interventions, (i) => i.decision_id),
    ydelserOf: groupBy(ydelser, (y) => y.intervention_id),
    goalById: new Map(goals.map((g) => [g.id, g])),
    enteredInError,
    resources,
    subject: ref(patient(resources, rows, kombitOrganisation))
  }
}

/** When a row happened (its registration), was written, and last changed: a correction or its annulment. */
export interface Happened { at: Date, created: Date, changed?: Date | null }

/**
 * Whether a row is reported. For a day: registered, corrected or annulled
 * during the day, or one of its dates (a ydelse's start or end, a
 * follow-up's date) is the day. For `since`: written or changed since, or
 * one of its dates fell on a day since — a change by time alone.
 */
export function changed ({ selection }: Citizen, { at, created, changed }: Happened, ...dates: Array<string | null>): boolean {
  if (selection.kind === 'day') {
    const during = (instant: Date) => instant >= selection.start && instant < selection.end
    return during(at) || (changed != null && changed > created && during(changed)) || dates.includes(selection.day)
  }
  const first = dayInDenmark(selection.since)
  return created >= selection.since || (changed != null && changed >= selection.since) ||
    dates.some((date) => date !== null && date >= first && date <= selection.day)
}

/** A decision closed by the end of the selection's day. */
export const isClosed = ({ selection }: Citizen, d: DecisionRow): boolean => d.closed_at !== null && d.closed_at <= selection.day

/** The follow-up that closed a decision closed by the end of the day. */
export const closing = (c: Citizen, d: DecisionRow): FollowUpRow | undefined => isClosed(c, d) ? lastFollowUp(c, d) : undefined

/** The last follow-up of a decision that stands (one entered in error is not). */
export const lastFollowUp = (c: Citizen, d: DecisionRow): FollowUpRow | undefined =>
  c.followUpsOf.get(d.id)?.findLast((f) => !c.enteredInError.has(`Observation/${f.id}`))

/** A decision's current støttebehov: the last that stands, unless the decision itself was entered in error (then its own). */
export const currentStoettebehov = (c: Citizen, decisionId: string): StoettebehovRow | undefined =>
  c.stoettebehovOf.get(decisionId)?.findLast((s) => !c.enteredInError.has(`Observation/${s.id}`)) ?? c.stoettebehovOf.get(decisionId)?.at(-1)

/** The case a decision is made on. */
export const caseOf = (c: Citizen, d: DecisionRow): CaseRow => c.cases.find((found) => found.id === d.case_id)!

/**
 * When the case's sagsnummer was set or changed after it was opened, if
 * that happened by the end of the selection (the resources carrying it
 * show the change); else undefined.
 */
export const renumbered = ({ selection }: Citizen, found: CaseRow): Date | undefined =>
  found.sagsnummer_changed_at !== null && found.sagsnummer_changed_at < selection.end ? found.sagsnummer_changed_at : undefined

/** Whether the selection reports a new sagsnummer of the case: set or changed after it was opened, within the selection. */
export const renumberedWithin = (c: Citizen, found: CaseRow): boolean =>
  found.sagsnummer_changed_at !== null && changed(c, { at: found.sagsnummer_changed_at, created: found.sagsnummer_changed_at })

/** A decision's goals, in its order. */
export const goalsOf = (c: Citizen, d: DecisionRow): GoalRow[] => d.goal_ids.flatMap((id) => c.goalById.get(id) ?? [])
