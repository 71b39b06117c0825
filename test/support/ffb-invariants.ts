/**
 * The invariants of KL's guide (hl7dk/kl-ffb-reporting 1.0.0, commit
 * 22b3d14d, input/fsh), by id, as FHIRPath for the `fhirpath` package.
 * `guide` is the expression as the guide writes it; `expression` is what we
 * evaluate: the same text where it works, what the guide means where it does
 * not (`slip` says why; test/fhir/fhir-validation.test.ts shows each).
 *
 * The guide declares 13 (`Invariant:`); 11 are active. Not tested:
 * - kl-reporting-ffb-care-plan-3 ("goals if ordered and not completed"): its
 *   `* obeys` is commented out in KLReportingFFBCarePlan.fsh;
 * - kl-reporting-ffb-intervention-1 ("a follow-up encounter if no end
 *   date"): the whole Invariant is commented out in KLReportingFFBIntervention.fsh.
 */

export const PROFILE = 'http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-'
const RANK = 'http://fhir.kl.dk/core/StructureDefinition/ConditionRank'
const AD = 'http://fhir.kl.dk/term/ValueSet/KLConditionADCodesFFB'
const ORDERED_OPEN = "(intent != 'order') or (status = 'completed')"

export interface Invariant {
  id: string
  /** The profile (id after kl-reporting-ffb-) whose resources it constrains; deliveryReport is the Bundle. */
  profile: string
  description: string
  guide: string
  expression: string
  slip?: string
}

const conformsEither = (type: string, a: string, b: string): Pick<Invariant, 'guide' | 'expression' | 'slip'> => ({
  guide: `entry.ofType(${type}).all(resource.conformsTo('${PROFILE}${a}') or resource.conformsTo('${PROFILE}${b}'))`,
  expression: `entry.resource.ofType(${type}).all(conformsTo('${PROFILE}${a}') or conformsTo('${PROFILE}${b}'))`,
  slip: `entry is a Bundle.entry (a BackboneElement), never a ${type}: entry.ofType(${type}) is empty and all() of nothing is true, ` +
    `so the guide's expression checks nothing. Meant: entry.resource.ofType(${type}).`
})

export const INVARIANTS: readonly Invariant[] = [
  {
    id: 'kl-reporting-ffb-delivery-report-1',
    profile: 'deliveryReport',
    description: 'every Condition conforms to kl-reporting-ffb-condition or kl-reporting-ffb-targetGroup',
    ...conformsEither('Condition', 'condition', 'targetGroup')
  },
  {
    id: 'kl-reporting-ffb-delivery-report-2',
    profile: 'deliveryReport',
    description: 'every CarePlan conforms to kl-reporting-ffb-carePlan or kl-reporting-ffb-intervention',
    ...conformsEither('CarePlan', 'carePlan', 'intervention')
  },
  {
    id: 'kl-reporting-ffb-delivery-report-3',
    profile: 'deliveryReport',
    // The guide's Description of -3 is a copy of -2's ("All CarePlan resources …").
    description: 'every Observation conforms to kl-reporting-ffb-careEvaluation or kl-reporting-ffb-followUp',
    ...conformsEither('Observation', 'careEvaluation', 'followUp')
  },
  {
    id: 'kl-reporting-ffb-condition-1',
    profile: 'condition',
    description: 'severity is required for an A&D (Aktivitet og deltagelse) code and not allowed for any other',
    guide: `(severity.exists() and code.memberOf('${AD}')) or (severity.exists().not() and code.memberOf('${AD}').not())`,
    expression: `(severity.exists() and code.memberOf('${AD}')) or (severity.exists().not() and code.memberOf('${AD}').not())`
  },
  {
    id: 'kl-reporting-ffb-intervention-goal-1',
    profile: 'interventionGoal',
    description: 'an indsatsmål addresses A&D sub-themes only',
    guide: `addresses.all(reference.resolve().code.memberOf('${AD}'))`,
    expression: `addresses.all(reference.resolve().code.memberOf('${AD}'))`
  },
  {
    id: 'kl-reporting-ffb-intervention-goal-2',
    profile: 'interventionGoal',
    description: 'an indsatsmål addresses exactly one condition of ConditionRank 1',
    guide: "addresses.where(extension('http://fhir.kl.dk/term/StructureDefinition/ConditionRank').valuePositiveInt = '1').count() = 1",
    expression: `addresses.where(extension('${RANK}').valuePositiveInt = 1).count() = 1`,
    slip: 'the guide reads ConditionRank under /term/ while the profiles (and the CarePlan invariant) declare /core/, and compares the ' +
      "positiveInt with the text '1', which never equals: as written it fails every Goal. Meant: /core/ and the number 1."
  },
  {
    id: 'kl-reporting-ffb-care-plan-1',
    profile: 'carePlan',
    description: 'an ordered, not completed CarePlan has a follow-up date (FollowUpEncounter)',
    guide: `${ORDERED_OPEN} or extension('${PROFILE}follow-up-date-extension').exists()`,
    expression: `${ORDERED_OPEN} or extension('${PROFILE}follow-up-date-extension').exists()`
  },
  {
    id: 'kl-reporting-ffb-care-plan-2',
    profile: 'carePlan',
    description: 'a CarePlan addresses at most one target group of ConditionRank 1',
    guide: `addresses.where(extension('${RANK}').valuePositiveInt = '1').count() < 2`,
    expression: `addresses.where(extension('${RANK}').valuePositiveInt = 1).count() < 2`,
    slip: "the guide compares the positiveInt with the text '1', which never equals: as written no CarePlan ever fails. Meant: the number 1."
  },
  {
    id: 'kl-reporting-ffb-care-plan-4',
    profile: 'carePlan',
    description: 'an ordered, not completed CarePlan has a støttebehov (activity.outcomeReference)',
    guide: `${ORDERED_OPEN} or activity.outcomeReference.exists()`,
    expression: `${ORDERED_OPEN} or activity.outcomeReference.exists()`
  },
  {
    id: 'kl-reporting-ffb-care-plan-5',
    profile: 'carePlan',
    description: 'an ordered, not completed CarePlan addresses target groups',
    guide: `${ORDERED_OPEN} or addresses.exists()`,
    expression: `${ORDERED_OPEN} or addresses.exists()`
  },
  {
    id: 'kl-reporting-ffb-follow-up-1',
    profile: 'followUp',
    description: 'a follow-up has status final or entered-in-error',
    guide: "status = 'final' or status = 'entered-in-error'",
    expression: "status = 'final' or status = 'entered-in-error'"
  }
]

/** The guide's declared invariants that no profile obeys: not tested. */
export const INACTIVE_INVARIANTS: readonly string[] = ['kl-reporting-ffb-care-plan-3', 'kl-reporting-ffb-intervention-1']
