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

export const UNREADY_CODES = ['fhir-maalgruppe-not-in-value-set', 'fhir-no-follow-up-date', 'fhir-no-stoettebehov'] as const
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
      message: 'the course is active but has no planned follow-up (no indsatsmål with an opfølgningsdato, and the last follow-up set ' +
        'no next date); KL\'s gateway needs one for an active course (kl-reporting-ffb-care-plan-1) — add an indsatsmål or a follow-up date'
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
  return reasons
}

/**
 * The follow-up planned as of the day: none once the course is closed; after
 * a follow-up, the next date it set; before the first, the earliest
 * opfølgningsdato of the decision's goals.
 */
export function plannedFollowUpDate ({ closed, lastFollowUp, goalDates }: {
  closed: boolean
  lastFollowUp: { next: string | null } | undefined
  goalDates: string[]
}): string | undefined {
  if (closed) return undefined
  if (lastFollowUp !== undefined) return lastFollowUp.next ?? undefined
  return [...goalDates].sort()[0]
}

/** A målgruppe KL's FHIR value set holds: a specific (registrable) one, not a top-level grouping. */
export const inTargetGroupValueSet = (catalogs: Catalogs, code: string, day: string): boolean =>
  catalogs.entry('maalgrupper', code, day)?.entry.selectable === true
