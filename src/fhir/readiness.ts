import type { Catalogs } from '../catalogs/catalogs.js'

/**
 * Whether KL's FHIR gateway accepts a decision's course (its CarePlan), and
 * if not, why — in words a caseworker acts on. One rule set, fed two ways:
 * from the rows a delivery bundle is built of (src/fhir/bundle.ts) and from a
 * decision as the API shows it (its `warnings`), so the caseworker hears at
 * the desk what the night's export would hold back.
 */

/** One reason a course is not deliverable: the same shape as every warning of the API. */
export interface Unready { code: UnreadyCode, pointer: string, message: string }

export const UNREADY_CODES = ['fhir-maalgruppe-not-in-value-set', 'fhir-no-follow-up-date', 'fhir-no-stoettebehov', 'fhir-no-sagsnummer'] as const
export type UnreadyCode = typeof UNREADY_CODES[number]

/** What the rules look at, as of the day. */
export interface CourseFacts {
  /** The decision's målgrupper, primary first, with where each sits in the decision. */
  maalgrupper: Array<{ pointer: string, code: string, label: string | null, inValueSet: boolean }>
  /** Not closed by the day: the gateway asks more of an active course. */
  active: boolean
  /** The planned follow-up date (`plannedFollowUpDate`). */
  followUpDate: string | undefined
  /** The decision has a støttebehov that stands (its støttebehovsvurdering). */
  stoettebehov: boolean
  /** The case has the municipality's sagsnummer. */
  sagsnummer: boolean
}

export function unreadiness (facts: CourseFacts): Unready[] {
  const reasons: Unready[] = facts.maalgrupper.filter((m) => !m.inValueSet).map(({ pointer, code, label }) => ({
    code: 'fhir-maalgruppe-not-in-value-set',
    pointer,
    message: `målgruppe ${label ?? code} is not in KL's FHIR value set of målgrupper (a top-level målgruppe), so KL's gateway rejects ` +
      'the course — choose a specific målgruppe (without a diagnosis on the case, the seeds and DST ask for the top level: record the ' +
      'diagnosis to choose a specific one)'
  }))
  if (facts.active && facts.followUpDate === undefined) {
    reasons.push({
      code: 'fhir-no-follow-up-date',
      pointer: '/goals',
      message: 'the course is active but has no planned follow-up (no opfølgningsdato of the decision or of an indsatsmål ahead, and the ' +
        'last follow-up set no next date); KL\'s gateway needs one for an active course (kl-reporting-ffb-care-plan-1) — give the decision ' +
        'an opfoelgningsdato, or add an indsatsmål or a follow-up date'
    })
  }
  if (facts.active && !facts.stoettebehov) {
    reasons.push({
      code: 'fhir-no-stoettebehov',
      pointer: '/stoettebehov',
      message: 'the decision has no støttebehov that stands; KL\'s gateway needs the støttebehovsvurdering of an active course ' +
        '(kl-reporting-ffb-care-plan-4) — register the støttebehov'
    })
  }
  if (!facts.sagsnummer) {
    reasons.push({
      code: 'fhir-no-sagsnummer',
      pointer: '/caseId',
      message: 'the case has no sagsnummer; KL\'s gateway needs the municipality\'s case number on every CarePlan ' +
        '(municipalityCaseNumber 1..1) — set it with PATCH /v1/cases/{id}'
    })
  }
  return reasons
}

/**
 * The follow-up planned as of the day (the CarePlan's followUpDate): none
 * once the course is closed. A follow-up that continues the course sets the
 * next date, which supersedes the dates agreed before it. Else the dates
 * agreed when the decision was made — its own opfoelgningsdato (so a course
 * without goals has one) and each goal's — give the earliest one still
 * ahead of the last follow-up (any, before the first): the first meeting due.
 */
export function plannedFollowUpDate ({ closed, lastFollowUp, agreedDates }: {
  closed: boolean
  lastFollowUp: { date: string, next: string | null } | undefined
  agreedDates: Array<string | null>
}): string | undefined {
  if (closed) return undefined
  if (lastFollowUp?.next != null) return lastFollowUp.next
  return agreedDates.filter((day): day is string => day !== null && (lastFollowUp === undefined || day > lastFollowUp.date)).sort()[0]
}

/** A målgruppe KL's FHIR value set holds: a specific (registrable) one, not a top-level grouping. */
const inTargetGroupValueSet = (catalogs: Catalogs, code: string, day: string): boolean =>
  catalogs.entry('maalgrupper', code, day)?.entry.selectable === true

/** A decision's målgrupper as the rules see them, primary first, each with its place in the decision. */
export const maalgruppeFacts = (catalogs: Catalogs, primaer: string, oevrige: string[], day: string): CourseFacts['maalgrupper'] =>
  [primaer, ...oevrige].map((code, i) => ({
    pointer: i === 0 ? '/maalgrupper/primaer' : `/maalgrupper/oevrige/${i - 1}`,
    ...catalogs.coded('maalgrupper', code, day),
    inValueSet: inTargetGroupValueSet(catalogs, code, day)
  }))
