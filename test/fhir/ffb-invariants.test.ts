import t from 'tap'
import { INACTIVE_INVARIANTS, INVARIANTS, type Invariant } from '../support/ffb-invariants.js'
import { all, CARE_PLAN, copy, EXAMPLE, ffb, FOLLOW_UP, GOAL, INTERVENTION, type Mutation, P, push, rank, resource, set, TARGET_GROUP } from '../support/fhir-example.js'
import { evaluateFhirPath, validateDeliveryBundle } from '../support/fhir-validation.js'

const NEW_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const mutated = (mutation: Mutation) => {
  const bundle = structuredClone(EXAMPLE)
  mutation(bundle)
  return bundle
}
const invariant = (id: string): Invariant => {
  const found = INVARIANTS.find((i) => i.id === id)
  if (found === undefined) throw new Error(`no invariant ${id}`)
  return found
}
/** The guide's literal expression and ours, on `target` in `bundle`. */
const both = (id: string, target: unknown, bundle: unknown) => ({
  guide: evaluateFhirPath(invariant(id).guide, target, bundle),
  ours: evaluateFhirPath(invariant(id).expression, target, bundle)
})

t.test('the guide declares 13 invariants: 11 are tested by id, 2 are inactive', async (t) => {
  t.equal(INVARIANTS.length, 11)
  t.same(INACTIVE_INVARIANTS, ['kl-reporting-ffb-care-plan-3', 'kl-reporting-ffb-intervention-1'])
  t.equal(new Set(INVARIANTS.map((i) => i.id)).size, 11, 'no id twice')
})

t.test('every active invariant holds on KL\'s example (evaluated with fhirpath\'s R4 model)', async (t) => {
  t.same(validateDeliveryBundle(EXAMPLE), [])
  for (const inv of INVARIANTS) {
    const targets = inv.profile === 'deliveryReport'
      ? [EXAMPLE]
      : (EXAMPLE.entry as Array<{ resource: { meta: { profile: string[] } } }>).map((e) => e.resource).filter((r) => r.meta.profile.includes(P + inv.profile))
    t.ok(targets.length > 0, `${inv.id} applies to something in the example`)
    for (const target of targets) t.same(evaluateFhirPath(inv.expression, target, EXAMPLE), [true], inv.id)
  }
})

t.test('kl-reporting-ffb-intervention-goal-2 as the guide writes it (/term/ ConditionRank, text \'1\') fails every Goal; ours reads /core/ and the number 1', async (t) => {
  const goal = resource(EXAMPLE, GOAL)
  t.same(both('kl-reporting-ffb-intervention-goal-2', goal, EXAMPLE), { guide: [false], ours: [true] }, 'a Goal with exactly one primary condition')
  const twoPrimary = mutated(all(copy('Condition/3a0e2994-9f3f-44ab-a684-06bb85c7bf9d', NEW_ID), push(GOAL, 'addresses', rank(1, `Condition/${NEW_ID}`))))
  t.same(both('kl-reporting-ffb-intervention-goal-2', resource(twoPrimary, GOAL), twoPrimary).ours, [false], 'two primaries fail ours')
})

t.test('kl-reporting-ffb-care-plan-2 as the guide writes it (text \'1\') never fails; ours counts the number 1', async (t) => {
  const bundle = mutated(all(copy(TARGET_GROUP, NEW_ID), push(CARE_PLAN, 'addresses', rank(1, `Condition/${NEW_ID}`))))
  t.same(both('kl-reporting-ffb-care-plan-2', resource(bundle, CARE_PLAN), bundle), { guide: [true], ours: [false] }, 'two primary target groups')
  t.same(both('kl-reporting-ffb-care-plan-2', resource(EXAMPLE, CARE_PLAN), EXAMPLE), { guide: [true], ours: [true] }, 'one primary target group')
})

t.test('kl-reporting-ffb-delivery-report-1/2/3 as the guide writes them (entry.ofType) check nothing; ours look at entry.resource', async (t) => {
  const cases: Array<[string, Mutation]> = [
    ['kl-reporting-ffb-delivery-report-1', set(TARGET_GROUP, 'meta.profile', [`${P}carePlan`])],
    ['kl-reporting-ffb-delivery-report-2', set(INTERVENTION, 'meta.profile', [`${P}condition`])],
    ['kl-reporting-ffb-delivery-report-3', set(FOLLOW_UP, 'meta.profile', [`${P}targetGroup`])]
  ]
  for (const [id, mutation] of cases) {
    const bundle = mutated(mutation)
    t.same(both(id, bundle, bundle), { guide: [true], ours: [false] }, `${id}: a resource claiming another type's profile`)
    t.same(both(id, EXAMPLE, EXAMPLE).ours, [true], `${id}: the example`)
    t.ok(validateDeliveryBundle(bundle).some((i) => i.rule === id && i.resource === 'Bundle'), `${id} is reported`)
  }
})

t.test('the other invariants are evaluated as the guide writes them', async (t) => {
  for (const inv of INVARIANTS.filter((i) => i.slip === undefined)) t.equal(inv.expression, inv.guide, inv.id)
})

t.test('medplum checks base R4; our rules cover what it leaves out', async (t) => {
  const issues = (mutation: Mutation) => validateDeliveryBundle(mutated(mutation))
  t.match(issues(set(GOAL, 'priority2', 'high')), [{ rule: 'r4:structure', resource: GOAL, message: /Invalid additional property "priority2"/ }], 'an unknown element')
  t.match(issues(set(CARE_PLAN, 'period.start', '2021-02-30x')), [{ rule: 'r4:structure', resource: CARE_PLAN, message: /Invalid dateTime format/ }], 'a malformed dateTime')
  t.match(issues((b) => { (b.entry as unknown[]).push({ fullUrl: `Goal/${NEW_ID}` }) }), [{ rule: 'r4:invariant', resource: 'Bundle', message: /bdl-5/ }],
    'an entry without resource (base invariant bdl-5)')
  // medplum lets these pass; the profile rules do not.
  const gaps: Array<[string, Mutation, RegExp]> = [
    ['a status outside its required value set', set(GOAL, 'lifecycleStatus', 'bogus'), /lifecycleStatus "bogus" is not one of/],
    ['an empty array', set(CARE_PLAN, 'goal', []), /goal is an empty array/],
    ['a time without a zone', set(CARE_PLAN, 'period.start', '2021-05-29T10:00:00'), /period.start .* is not a FHIR dateTime/],
    ['a ConditionRank above 2 on a CarePlan', set(CARE_PLAN, 'addresses.0.extension.0.valuePositiveInt', 3), /ConditionRank must be 1 \(primary\) or 2/],
    ['a display on a target-group reference (addresses.display ..0)', set(CARE_PLAN, 'addresses.0.display', 'Angst'), /addresses\[0\].display is not allowed/],
    ['a top-level målgruppe (Socialt problem)', set(TARGET_GROUP, 'code', ffb('0919515d-9975-4743-a16f-edb45374b0da')), /is not in KLConditionsAndTargetGroupsFFB/]
  ]
  for (const [name, mutation, message] of gaps) {
    const found = issues(mutation)
    t.notOk(found.some((i) => i.rule.startsWith('r4:')), `${name}: medplum says nothing`, { found })
    t.ok(found.some((i) => i.rule.startsWith('profile:') && message.test(i.message)), `${name}: a profile rule names it`, { found })
  }
})
