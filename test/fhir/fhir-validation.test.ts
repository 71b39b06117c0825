import fc from 'fast-check'
import t from 'tap'
import { AD, FF, LEVEL, OMG } from '../support/codes.js'
import { violations as validateBundle, validateDeliveryBundle } from '../support/fhir-validation.js'
import { type Node, P, FFB, CSC, ffb, csc, rank, PATIENT, SERVICE_REQUEST, AD_CONDITION, FF_CONDITION, INFORMATION_GATHERING, CARE_EVALUATION, GOAL, TARGET_GROUP, CARE_TEAM, ENCOUNTER, CARE_PLAN, INTERVENTION, FOLLOW_UP, idOf, EXAMPLE, type Mutation, entries, resource, setPath, set, push, copy, all } from '../support/fhir-example.js'
const validate = (mutation: Mutation): string[] => {
  const bundle = structuredClone(EXAMPLE)
  mutation(bundle)
  return validateBundle(bundle)
}

const NEW_ID = '5f0e2c1a-7b3d-4e8f-9a6b-0c1d2e3f4a5b'
/** Keep only the CarePlan extension at `index` (0: case number, 1: follow-up date). */
const keepCarePlanExtension = (index: number): Mutation => (bundle) => {
  const carePlan = resource(bundle, CARE_PLAN)
  carePlan.extension = [(carePlan.extension as Node[])[index]]
}

t.test('the §4 example bundle, target-group code fixed, has no violations', async (t) => {
  t.same(validateBundle(EXAMPLE), [])
})

t.test('a violation names the entry and the rule', async (t) => {
  const bundle = structuredClone(EXAMPLE)
  set(AD_CONDITION, 'severity', undefined)(bundle)
  t.match(validateDeliveryBundle(bundle), [{ severity: 'error', rule: 'kl-reporting-ffb-condition-1', resource: AD_CONDITION, message: /severity is required for an A&D/ }])
  t.equal(validateDeliveryBundle(bundle).length, 1, 'and nothing else')
  t.same(validate(set(ENCOUNTER, 'type.0.coding.0.display', 'opfølgning')), [`${ENCOUNTER}: type[0].coding[0].display is not allowed (0..0)`])
})

t.test('still valid', async (t) => {
  const valid: Array<[string, Mutation]> = [
    ['a completed CarePlan without follow-up date, støttebehov or target groups',
      all(set(CARE_PLAN, 'status', 'completed'), keepCarePlanExtension(0), set(CARE_PLAN, 'activity', undefined), set(CARE_PLAN, 'addresses', undefined), set(CARE_PLAN, 'period.end', '2021-12-31'))],
    ['a planned (not ordered) CarePlan without follow-up date', all(set(CARE_PLAN, 'intent', 'plan'), keepCarePlanExtension(0))],
    ['an Omgivelser Condition without severity', set(FF_CONDITION, 'code', ffb(OMG.personerINetvaerk))],
    ['a Goal with a secondary (rank 2) A&D condition', all(copy(AD_CONDITION, NEW_ID), push(GOAL, 'addresses', rank(2, `Condition/${NEW_ID}`)))],
    ['a second target group of rank 2', all(copy(TARGET_GROUP, NEW_ID), push(CARE_PLAN, 'addresses', rank(2, `Condition/${NEW_ID}`)))],
    ['dates at year and month precision, and with an offset', all(set(TARGET_GROUP, 'recordedDate', '2021'), set(ENCOUNTER, 'period.start', '2021-08'),
      set(FOLLOW_UP, 'effectiveDateTime', '2021-06-18T18:53:11.250+02:00'))],
    ['a CPR born on 29 February', set(PATIENT, 'identifier.0.value', '2902004321')],
    ['a follow-up entered in error', set(FOLLOW_UP, 'status', 'entered-in-error')]
  ]
  for (const [name, mutation] of valid) t.same(validate(mutation), [], name)
})

t.test('each rule, broken alone, is reported', async (t) => {
  const broken: Array<[string, Mutation, RegExp]> = [
    // the envelope
    ['a Bundle of type batch', set('Bundle', 'type', 'batch'), /^Bundle: type must be "collection"/],
    ['a Bundle without timestamp', set('Bundle', 'timestamp', undefined), /^Bundle: timestamp is required/],
    ['a Bundle timestamp without time', set('Bundle', 'timestamp', '2021-06-18'), /^Bundle: timestamp .* is not a FHIR instant/],
    ['a Bundle with another profile', set('Bundle', 'meta.profile', [`${P}citizen`]), /^Bundle: meta.profile must be exactly one of .*deliveryReport/],
    ['a Bundle with an identifier', set('Bundle', 'identifier', { value: 'x' }), /^Bundle: identifier is not allowed/],
    ['a Bundle with total', set('Bundle', 'total', 13), /^Bundle: total is not allowed/],
    ['a Bundle with link', set('Bundle', 'link', [{ relation: 'self', url: 'http://x' }]), /^Bundle: link is not allowed/],
    ['an entry with request', (b) => { entries(b)[0]!.request = { method: 'POST', url: 'Patient' } }, /entry\[0\]\.request is not allowed/],
    ['a urn:uuid fullUrl among relative ones', (b) => { entries(b)[1]!.fullUrl = `urn:uuid:${idOf(SERVICE_REQUEST)}` }, /entry\[1\]\.fullUrl .* must be "ServiceRequest\//],
    ['a relative fullUrl among urn:uuid ones', (b) => { entries(b)[0]!.fullUrl = `urn:uuid:${idOf(PATIENT)}` }, /entry\[1\]\.fullUrl .* must be "urn:uuid:9947191b/],
    ['a fullUrl naming another id', (b) => { entries(b)[1]!.fullUrl = `ServiceRequest/${NEW_ID}` }, /must be "ServiceRequest\/9947191b/],
    ['an id that is no UUID', all(set(FOLLOW_UP, 'id', 'follow-up-1'), (b) => { entries(b).at(-1)!.fullUrl = 'Observation/follow-up-1' }), /is not a UUID/],
    ['the same id twice', copy(FOLLOW_UP, idOf(FOLLOW_UP)), /Observation\/a03a8641.* occurs more than once/],
    ['two Patients', copy(PATIENT, NEW_ID), /must hold exactly one Patient/],
    ['no Patient', (b) => { b.entry = entries(b).slice(1) }, /must hold exactly one Patient.*found 0/],
    ['an Organization resource', (b) => { entries(b).push({ fullUrl: `Organization/${NEW_ID}`, resource: { resourceType: 'Organization', id: NEW_ID } }) },
      /"Organization" is not a resource type a delivery may hold/],
    // every resource
    ['a resource without meta.lastUpdated', set(GOAL, 'meta.lastUpdated', undefined), /^Goal\/76b9d91b.*: meta.lastUpdated is required/],
    ['meta.lastUpdated without time', set(GOAL, 'meta.lastUpdated', '2021-06-18'), /meta.lastUpdated .* is not a FHIR instant/],
    ['meta.lastUpdated without zone', set(GOAL, 'meta.lastUpdated', '2021-06-18T16:53:11'), /meta.lastUpdated .* is not a FHIR instant/],
    ['a Condition claiming the carePlan profile', set(AD_CONDITION, 'meta.profile', [`${P}carePlan`]), /^Bundle: kl-reporting-ffb-delivery-report-1 /],
    ['a CarePlan claiming the condition profile', set(CARE_PLAN, 'meta.profile', [`${P}condition`]), /^Bundle: kl-reporting-ffb-delivery-report-2 /],
    ['an Observation claiming the targetGroup profile', set(FOLLOW_UP, 'meta.profile', [`${P}targetGroup`]), /^Bundle: kl-reporting-ffb-delivery-report-3 /],
    ['a Goal claiming two profiles', push(GOAL, 'meta.profile', `${P}carePlan`), /^Goal.*meta.profile must be exactly one of/],
    ['a Goal without meta.profile', set(GOAL, 'meta', { lastUpdated: '2021-06-18T16:53:11Z' }), /^Goal.*meta.profile must be exactly one of/],
    ['an identifier on a ServiceRequest', set(SERVICE_REQUEST, 'identifier', [{ value: 'Sag154689' }]), /^ServiceRequest.*: identifier is only allowed on Patient/],
    ['narrative text on a Condition', set(AD_CONDITION, 'text', { status: 'generated', div: '<div/>' }), /^Condition.*: text is free text/],
    ['a note on a CarePlan', set(CARE_PLAN, 'note', [{ text: 'x' }]), /^CarePlan.*: note is free text/],
    ['text on a CodeableConcept', set(AD_CONDITION, 'code.text', 'Indgå i samspil'), /code.text is free text/],
    ['a dangling reference', set(CARE_PLAN, 'careTeam.0.reference', `CareTeam/${NEW_ID}`), /careTeam\[0\].reference CareTeam\/5f0e2c1a.* does not resolve/],
    ['an absolute reference', set(CARE_EVALUATION, 'subject.reference', `http://example.org/fhir/${PATIENT}`), /subject.reference .* must be "<Type>\/<id>" or "urn:uuid:<id>"/],
    ['a urn:uuid reference among relative fullUrls', set(CARE_EVALUATION, 'subject.reference', `urn:uuid:${idOf(PATIENT)}`), /subject.reference urn:uuid:da16c0a1.* does not resolve/],
    ['a wrong FFB system', set(AD_CONDITION, 'severity.coding.0.system', 'http://fhir.kl.dk/term/CodeSystem/FFB'), /severity.coding\[0\].system .*FFB codes must use system urn:oid:1.2.208.176.2.22/],
    ['an FFB code under the CSC system', set(CARE_EVALUATION, 'valueCodeableConcept.coding.0.system', CSC), /FFB codes must use system urn:oid/],
    // Citizen
    ['a CPR with an invalid date', set(PATIENT, 'identifier.0.value', '3102814321'), /identifier\[0\].value breaks dk-core invariant cpr/],
    ['a CPR with a hyphen', set(PATIENT, 'identifier.0.value', '010181-4321'), /invariant cpr/],
    ['a CPR under another system', set(PATIENT, 'identifier.0.system', 'urn:oid:1.2.208.176.1.1'), /identifier\[0\].system must be "urn:oid:1.2.208.176.1.2"/],
    ['a CPR of use usual', set(PATIENT, 'identifier.0.use', 'usual'), /identifier\[0\].use must be "official"/],
    ['two CPRs', push(PATIENT, 'identifier', { use: 'official', system: 'urn:oid:1.2.208.176.1.2', value: '0101814321' }), /identifier occurs 2 times/],
    ['a Patient name', set(PATIENT, 'name', [{ family: 'Mogensen' }]), /^Patient.*: name is not allowed in kl-reporting-ffb-citizen/],
    ['a managing organisation by reference', set(PATIENT, 'managingOrganization.reference', `Organization/${NEW_ID}`), /managingOrganization.reference is not allowed/],
    ['a municipality that is no UUID', set(PATIENT, 'managingOrganization.identifier.value', '101'), /KOMBIT STS organisation UUID/],
    ['a municipality under another system', set(PATIENT, 'managingOrganization.identifier.system', 'urn:oid:1.2.208.176.1.1'), /managingOrganization.identifier.system must be "https:\/\/www.kombit.dk\/organisation"/],
    // ServiceRequest and InformationGathering
    ['a ServiceRequest ordered', set(SERVICE_REQUEST, 'intent', 'order'), /intent must be "proposal"/],
    ['a case number with an assigner', set(SERVICE_REQUEST, 'extension.0.extension.0.valueIdentifier.assigner', { display: 'x' }), /valueIdentifier.assigner is not allowed/],
    ['a ClinicalImpression without BasedOnServiceRequest', set(INFORMATION_GATHERING, 'extension', undefined), /BasedOnServiceRequest occurs 0 times/],
    ['BasedOnServiceRequest to a CarePlan', set(INFORMATION_GATHERING, 'extension.0.valueReference.reference', CARE_PLAN), /must point at kl-reporting-ffb-serviceRequest/],
    ['a ClinicalImpression of status draft', set(INFORMATION_GATHERING, 'status', 'draft'), /status "draft" is not one of in-progress\|completed\|entered-in-error/],
    ['a ClinicalImpression without effectiveDateTime', set(INFORMATION_GATHERING, 'effectiveDateTime', undefined), /effectiveDateTime is required/],
    ['a finding that is a target group', set(INFORMATION_GATHERING, 'finding.0.itemReference.reference', TARGET_GROUP), /finding\[0\].itemReference.reference must point at kl-reporting-ffb-condition/],
    ['an investigation item that is a follow-up', set(INFORMATION_GATHERING, 'investigation.0.item.0.reference', FOLLOW_UP), /must point at kl-reporting-ffb-careEvaluation/],
    // Condition
    ['an A&D Condition without severity', set(AD_CONDITION, 'severity', undefined), /^Condition\/3a0e2994.*: kl-reporting-ffb-condition-1 /],
    ['an F&F Condition with severity', set(FF_CONDITION, 'severity', ffb(LEVEL[1])), /^Condition\/0c5e8d3a.*: kl-reporting-ffb-condition-1 /],
    ['a severity that is a måltype', set(AD_CONDITION, 'severity', ffb('d41c8072-52f8-42b5-9375-ddbea454d27f')), /is not in KLSeveritiesFFB/],
    ['a Condition coded with a target group', set(FF_CONDITION, 'code', ffb('da298aec-cd7d-436c-9927-d88d00066881')), /is not in KLConditionCodesFFB/],
    ['a Condition coded with a theme (no leaf)', set(FF_CONDITION, 'code', ffb(FF.mentaleFunktioner)), /is not in KLConditionCodesFFB/],
    ['a Condition without clinicalStatus', set(FF_CONDITION, 'clinicalStatus', undefined), /clinicalStatus is required/],
    ['a Condition without recordedDate', set(FF_CONDITION, 'recordedDate', undefined), /recordedDate is required/],
    ['a recordedDate that is no day', set(FF_CONDITION, 'recordedDate', '2021-02-30'), /recordedDate "2021-02-30" is not a FHIR dateTime/],
    ['a recordedDate with time but no zone', set(FF_CONDITION, 'recordedDate', '2021-05-28T09:17:33'), /is not a FHIR dateTime/],
    ['a recordedDate in Danish order', set(FF_CONDITION, 'recordedDate', '28-05-2021'), /is not a FHIR dateTime/],
    ['a ConditionLastAssertedDate under a wrong URL', set(AD_CONDITION, 'extension.0.url', `${P}ConditionLastAssertedDate`), /closed extension slicing/],
    ['a ConditionLastAssertedDate in month 13', set(AD_CONDITION, 'extension.0.valueDateTime', '2021-13'), /valueDateTime "2021-13" is not a FHIR dateTime/],
    // InterventionGoal
    ['a second rank-1 condition on a Goal', all(copy(AD_CONDITION, NEW_ID), push(GOAL, 'addresses', rank(1, `Condition/${NEW_ID}`))),
      /^Goal\/76b9d91b.*: kl-reporting-ffb-intervention-goal-2 /],
    ['a Goal without a rank-1 condition', set(GOAL, 'addresses.0.extension.0.valuePositiveInt', 2), /^Goal\/76b9d91b.*: kl-reporting-ffb-intervention-goal-2 /],
    ['a Goal addressing an F&F condition', push(GOAL, 'addresses', rank(2, FF_CONDITION)), /^Goal\/76b9d91b.*: kl-reporting-ffb-intervention-goal-1 /],
    ['a Goal addressing a target group', push(GOAL, 'addresses', rank(2, TARGET_GROUP)), /addresses\[1\].reference must point at kl-reporting-ffb-condition,/],
    ['a ConditionRank of 3', set(GOAL, 'addresses.0.extension.0.valuePositiveInt', 3), /ConditionRank must be 1 \(primary\) or 2/],
    // ConditionRank is 0..1 on Goal.addresses (1..1 on CarePlan.addresses): without it the one address is no primary.
    ['a Goal address without ConditionRank', set(GOAL, 'addresses.0.extension', undefined), /^Goal\/76b9d91b.*: kl-reporting-ffb-intervention-goal-2 /],
    ['the /term/ ConditionRank URL (§6.1)', set(GOAL, 'addresses.0.extension.0.url', 'http://fhir.kl.dk/term/StructureDefinition/ConditionRank'),
      /addresses\[0\].extension\[0\].url must be http:\/\/fhir.kl.dk\/core\/StructureDefinition\/ConditionRank/],
    ['a Goal without changeValueSlice', (b) => { (resource(b, GOAL).target as Node[]).pop() }, /target changeValueSlice occurs 0 times/],
    ['a Goal with two severitySlices', push(GOAL, 'target', { measure: csc('66959f77-6e2a-4574-8423-3ff097f8b9fa'), detailCodeableConcept: ffb(LEVEL[2]) }),
      /target severitySlice occurs 2 times/],
    ['an expected level that is a støttebehov', set(GOAL, 'target.0.detailCodeableConcept', ffb('dd628e73-d6c9-4837-a2b8-aa62d73bd6ae')), /target\[0\].detailCodeableConcept.* is not in KLSeveritiesFFB/],
    ['a måltype that is a level', set(GOAL, 'target.1.detailCodeableConcept', ffb(LEVEL[1])), /is not in KLChangeValueCodesFFB/],
    ['a Goal of another category', set(GOAL, 'category', [csc('66959f77-6e2a-4574-8423-3ff097f8b9fa')]), /category\[0\].coding\[0\].code .* is not in .*0bb3daef/],
    ['a Goal description of another SNOMED code', set(GOAL, 'description.coding.0.code', '712744002'), /description.coding\[0\].code .* is not in .*410518001/],
    ['a Goal due date text', set(GOAL, 'description.text', 'x'), /description.text is free text/],
    // CarePlan
    ['a CarePlan order/active without follow-up extension', keepCarePlanExtension(0),
      /^CarePlan\/944c7c24.*: kl-reporting-ffb-care-plan-1 /],
    ['a CarePlan order/active without støttebehov', set(CARE_PLAN, 'activity', undefined), /kl-reporting-ffb-care-plan-4/],
    ['a CarePlan order/active without target groups', set(CARE_PLAN, 'addresses', undefined), /kl-reporting-ffb-care-plan-5/],
    ['two rank-1 target groups', all(copy(TARGET_GROUP, NEW_ID), push(CARE_PLAN, 'addresses', rank(1, `Condition/${NEW_ID}`))), /^CarePlan\/944c7c24.*: kl-reporting-ffb-care-plan-2 /],
    ['a target group without ConditionRank', set(CARE_PLAN, 'addresses.0.extension', undefined), /addresses\[0\].extension .*ConditionRank occurs 0 times/],
    ['a CarePlan addressing an A&D condition', set(CARE_PLAN, 'addresses.0.reference', AD_CONDITION), /must point at kl-reporting-ffb-targetGroup/],
    ['a CarePlan without case number', keepCarePlanExtension(1), /municipalityCaseNumber occurs 0 times/],
    ['a follow-up date that is an Observation', set(CARE_PLAN, 'extension.1.valueReference.reference', FOLLOW_UP), /must point at kl-reporting-ffb-followUpEncounter/],
    ['a careTeam that is a Goal', set(CARE_PLAN, 'careTeam.0.reference', GOAL), /careTeam\[0\].reference must point at kl-reporting-ffb-servicePerformer/],
    ['a goal that is a Condition', set(CARE_PLAN, 'goal.0.reference', AD_CONDITION), /goal\[0\].reference must point at kl-reporting-ffb-interventionGoal/],
    ['a støttebehov that is a follow-up', set(CARE_PLAN, 'activity.0.outcomeReference.0.reference', FOLLOW_UP), /must point at kl-reporting-ffb-careEvaluation/],
    ['a CarePlan activity with detail', set(CARE_PLAN, 'activity.0.detail', { status: 'in-progress' }), /activity\[0\].detail is not allowed/],
    ['a CarePlan without period.start', set(CARE_PLAN, 'period', {}), /period.start is required/],
    ['a CarePlan of intent instance-order', set(CARE_PLAN, 'intent', 'instance-order'), /intent "instance-order" is not one of/],
    ['a CarePlan with a title', set(CARE_PLAN, 'title', 'Bostøtte'), /title is not allowed in kl-reporting-ffb-carePlan/],
    // Intervention
    ['an Intervention without basedOn', set(INTERVENTION, 'basedOn', undefined), /basedOn is required/],
    ['an Intervention based on itself', set(INTERVENTION, 'basedOn.0.reference', INTERVENTION), /basedOn\[0\].reference must point at kl-reporting-ffb-carePlan,/],
    ['an Intervention without created', set(INTERVENTION, 'created', undefined), /created is required/],
    ['an Intervention without period.start', set(INTERVENTION, 'period.start', undefined), /period.start is required/],
    ['a ydelse that is the excluded frivillige node', set(INTERVENTION, 'activity.0.detail.code', ffb('794ebc42-0639-46eb-aca2-40e996568578')), /is not in KLInterventionsFFB/],
    ['two ydelse codes in one activity', push(INTERVENTION, 'activity.0.detail.code.coding', { system: FFB, code: '80aa8ea7-4ad8-405f-876a-4c0f89fde06a' }),
      /activity\[0\].detail.code.coding occurs 2 times/],
    ['an activity without detail.status', set(INTERVENTION, 'activity.0.detail.status', undefined), /activity\[0\].detail.status is required/],
    ['an Intervention activity.detail with a description (..0)', set(INTERVENTION, 'activity.0.detail.description', 'Hjælp til post'),
      /activity\[0\].detail.description is not allowed in CarePlan.activity.detail/],
    ['an Intervention activity.detail with an id (..0)', set(INTERVENTION, 'activity.0.detail.id', 'd1'), /activity\[0\].detail.id is not allowed/],
    ['a finding with an extension (..0)', set(INFORMATION_GATHERING, 'finding.0.extension', [{ url: 'http://example.org/x', valueString: 'x' }]),
      /finding\[0\].extension is not allowed/],
    ['a Condition code with an extension (..0)', set(AD_CONDITION, 'code.extension', [{ url: 'http://example.org/x', valueString: 'x' }]), /code.extension is not allowed/],
    ['an Encounter type coding with a version (..0)', set(ENCOUNTER, 'type.0.coding.0.version', '1'), /type\[0\].coding\[0\].version is not allowed/],
    ['an Intervention addressing a target group', set(INTERVENTION, 'addresses', [{ reference: TARGET_GROUP }]), /addresses is not allowed in kl-reporting-ffb-intervention/],
    // TargetGroup
    ['a group-level target-group code', set(TARGET_GROUP, 'code', ffb('112cc0ba-9953-476c-a971-2671697d7639')), /is not in KLConditionsAndTargetGroupsFFB/],
    ['a condition code as target group (§6.5)', set(TARGET_GROUP, 'code', ffb(AD.varetageOekonomi)), /is not in KLTargetGroupsFFB/],
    ['a target group with severity', set(TARGET_GROUP, 'severity', ffb(LEVEL[1])), /severity is not allowed in kl-reporting-ffb-targetGroup/],
    ['a target group without recordedDate', set(TARGET_GROUP, 'recordedDate', undefined), /recordedDate is required/],
    // ServicePerformer
    ['a tilbud group code', set(CARE_TEAM, 'category', [ffb('96c97f55-a11b-47f8-aa52-6fdae4e804c2')]), /is not in KLServiceCodesFFB/],
    ['a CareTeam with a name', set(CARE_TEAM, 'name', 'Bofællesskabet'), /name is not allowed in kl-reporting-ffb-servicePerformer/],
    ['a CareTeam with participants', set(CARE_TEAM, 'participant', [{ member: { reference: PATIENT } }]), /participant is not allowed/],
    ['a CareTeam without category', set(CARE_TEAM, 'category', undefined), /category is required/],
    ['a CareTeam with category as an object', set(CARE_TEAM, 'category', ffb('498fe92c-d7f7-41cd-9404-5b38fe113be0')), /category must be a JSON array/],
    // CareEvaluation and FollowUp
    ['a CareEvaluation of another code', set(CARE_EVALUATION, 'code.coding.0.code', '9f03dfbb-7a97-45a5-94db-d4c3501714a9'), /code.coding\[0\].code .* is not in .*effe55c7/],
    ['a støttebehov that is a status', set(CARE_EVALUATION, 'valueCodeableConcept', ffb('1e971d84-10a4-4ef8-a8b3-0daa4c7d088a')), /is not in KLNeedsAssessmentCodesFFB/],
    ['a CareEvaluation without effectiveDateTime', set(CARE_EVALUATION, 'effectiveDateTime', undefined), /effectiveDateTime is required/],
    ['a FollowUp status preliminary', set(FOLLOW_UP, 'status', 'preliminary'), /^Observation\/a03a8641.*: kl-reporting-ffb-follow-up-1 /],
    ['a FollowUp of another SNOMED code', set(FOLLOW_UP, 'code.coding.0.code', '410518001'), /is not in http:\/\/snomed.info\/sct\|712744002/],
    ['a FollowUp without focus', set(FOLLOW_UP, 'focus', undefined), /focus is required/],
    ['a FollowUp focused on a Goal', set(FOLLOW_UP, 'focus.0.reference', GOAL), /focus\[0\].reference must point at kl-reporting-ffb-carePlan/],
    ['a FollowUp value that is a støttebehov', set(FOLLOW_UP, 'valueCodeableConcept', ffb('dd628e73-d6c9-4837-a2b8-aa62d73bd6ae')), /is not in KLFollowUpCodesFFB/],
    // FollowUpEncounter
    ['an Encounter type with display', set(ENCOUNTER, 'type.0.coding.0.display', 'opfølgning'), /type\[0\].coding\[0\].display is not allowed/],
    ['an Encounter class with display', set(ENCOUNTER, 'class.display', 'home health'), /class.display is not allowed/],
    ['an Encounter of class AMB', set(ENCOUNTER, 'class.code', 'AMB'), /class.code must be "HH"/],
    ['an Encounter finished', set(ENCOUNTER, 'status', 'finished'), /status must be "planned"/],
    ['an Encounter with period.end', set(ENCOUNTER, 'period.end', '2021-08-30'), /period.end is not allowed/],
    ['an Encounter without period.start', set(ENCOUNTER, 'period', {}), /period.start is required/],
    ['an Encounter of another type', set(ENCOUNTER, 'type.0.coding.0.code', 'effe55c7-572c-4a99-8fb4-2a9dda2f6572'), /is not in .*9f03dfbb/]
  ]
  for (const [name, mutation, expected] of broken) {
    const violations = validate(mutation)
    t.ok(violations.some((v) => expected.test(v)), name, { expected, violations })
  }
  t.same(validateBundle(EXAMPLE), [], 'the mutations left the example itself untouched')
})

t.test('a non-object is one violation, not a crash', async (t) => {
  t.ok(validateBundle('{}').includes('Bundle: is not a JSON object'))
  const violations = validateBundle({ resourceType: 'Bundle', entry: [null, { resource: 3 }] })
  t.ok(violations.includes('Bundle: entry[0] must be an object'), 'a null entry', { violations })
  t.ok(violations.includes('entry[1]: entry[1].resource is required'), 'an entry without a resource object', { violations })
})

t.test('any JSON value put anywhere in the example gives a list of messages, never an exception', async (t) => {
  const paths = (value: unknown, prefix = ''): string[] => typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([key, child]) => [prefix + key, ...paths(child, `${prefix}${key}.`)])
    : []
  fc.assert(fc.property(fc.constantFrom(...paths(EXAMPLE)), fc.jsonValue(), (path, value) => {
    const bundle = structuredClone(EXAMPLE)
    setPath(bundle, path, value)
    return validateBundle(bundle).every((violation) => typeof violation === 'string')
  }), { numRuns: Number(process.env.FUZZ_RUNS ?? 300) })
  t.pass('no exception')
})
