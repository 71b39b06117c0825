/**
 * KL's example delivery (the summary's §4, itself cut down from the guide's
 * "Børge Mogensen"), and small mutations of it: what the validation tests
 * start from.
 */
import { AD, FF, LEVEL } from './codes.js'
export type Node = Record<string, unknown>

export const P = 'http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-'
export const CORE = 'http://fhir.kl.dk/core/StructureDefinition/'
export const FFB = 'urn:oid:1.2.208.176.2.22'
export const CSC = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes'
export const ffb = (code: string) => ({ coding: [{ system: FFB, code }] })
export const csc = (code: string) => ({ coding: [{ system: CSC, code }] })
export const meta = (profile: string, lastUpdated: string) => ({ profile: [P + profile], lastUpdated })
export const rank = (value: number, reference: string) => ({ extension: [{ url: `${CORE}ConditionRank`, valuePositiveInt: value }], reference })
export const entry = (resource: Node & { resourceType: string, id: string }) => ({ fullUrl: `${resource.resourceType}/${resource.id}`, resource })

export const PATIENT = 'Patient/da16c0a1-840a-46b0-98b3-761e4501b343'
export const SERVICE_REQUEST = 'ServiceRequest/9947191b-270a-4f64-9b05-8be29e7f5c58'
export const AD_CONDITION = 'Condition/3a0e2994-9f3f-44ab-a684-06bb85c7bf9d'
export const FF_CONDITION = 'Condition/0c5e8d3a-6f1b-4b7e-9a2d-2f4e6b8c1d30'
export const INFORMATION_GATHERING = 'ClinicalImpression/96a38e6e-3fe4-4773-a7c7-ded60607d259'
export const CARE_EVALUATION = 'Observation/213d0504-1a41-4330-b9a0-347d3ba4bb2a'
export const GOAL = 'Goal/76b9d91b-4b28-4c4a-944c-aa16b8cca82c'
export const TARGET_GROUP = 'Condition/76cecdcc-321c-479f-ae95-a8f020541650'
export const CARE_TEAM = 'CareTeam/31a46e2d-0d54-4600-8ecb-1b239749cfd1'
export const ENCOUNTER = 'Encounter/ef6a3536-ecaa-49c5-ace1-53e19acb4cd1'
export const CARE_PLAN = 'CarePlan/944c7c24-37b4-455e-9319-cd9f35a7aec9'
export const INTERVENTION = 'CarePlan/6ef8bead-fb42-4dbe-919f-e4a1f94135e2'
export const FOLLOW_UP = 'Observation/a03a8641-e845-45c3-a7a9-16bf077af069'
export const idOf = (ref: string): string => ref.split('/')[1] ?? ''
/** A fresh object each time: a mutation of one resource's subject must not reach the others. */
export const citizen = () => ({ reference: PATIENT })

/**
 * The summary's §4 example (the IG's "Børge Mogensen", cut down), plus an F&F
 * Condition, with the §6.6 flaw fixed: the TargetGroup carries
 * "Anden fysisk funktionsnedsættelse" da298aec-…, the code its display names.
 */
export const EXAMPLE: Node = {
  resourceType: 'Bundle',
  id: 'aaa5d153-968e-46ec-9f9e-cfc6e93a3f1b',
  meta: { profile: [`${P}deliveryReport`] },
  type: 'collection',
  timestamp: '2021-06-18T16:53:11Z',
  entry: [
    entry({
      resourceType: 'Patient',
      id: idOf(PATIENT),
      meta: meta('citizen', '2021-05-28T09:17:33Z'),
      identifier: [{ use: 'official', system: 'urn:oid:1.2.208.176.1.2', value: '0101814321' }],
      managingOrganization: { identifier: { use: 'official', system: 'https://www.kombit.dk/organisation', value: 'd4e3f4fb-6761-4d6c-9086-74c49231f11e' } }
    }),
    entry({
      resourceType: 'ServiceRequest',
      id: idOf(SERVICE_REQUEST),
      meta: meta('serviceRequest', '2021-05-28T09:17:33Z'),
      extension: [{
        url: `${P}municipalityCaseNumber`,
        extension: [{ url: 'municipalitySpecific', valueIdentifier: { use: 'usual', system: 'http://example.dk/identifier/case', value: 'Sag154689' } }]
      }],
      status: 'active',
      intent: 'proposal',
      subject: citizen()
    }),
    entry({
      resourceType: 'Condition',
      id: idOf(AD_CONDITION),
      meta: meta('condition', '2021-06-18T16:53:11Z'),
      extension: [{ url: `${CORE}ConditionLastAssertedDate`, valueDateTime: '2021-06-18' }],
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      severity: ffb(LEVEL[1]),
      code: ffb(AD.indgaaISamspilOgKontakt),
      subject: citizen(),
      recordedDate: '2021-05-28T09:17:33Z'
    }),
    entry({
      resourceType: 'Condition',
      id: idOf(FF_CONDITION),
      meta: meta('condition', '2021-06-18T16:53:11Z'),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: ffb(FF.organiseringOgPlanlaegning),
      subject: citizen(),
      recordedDate: '2021-05-28'
    }),
    entry({
      resourceType: 'ClinicalImpression',
      id: idOf(INFORMATION_GATHERING),
      meta: meta('informationGathering', '2021-06-18T16:53:11Z'),
      extension: [{ url: `${CORE}BasedOnServiceRequest`, valueReference: { reference: SERVICE_REQUEST } }],
      status: 'completed',
      subject: citizen(),
      effectiveDateTime: '2021-06-18T16:53:11Z',
      investigation: [{ code: csc('effe55c7-572c-4a99-8fb4-2a9dda2f6572'), item: [{ reference: CARE_EVALUATION }] }],
      finding: [{ itemReference: { reference: AD_CONDITION } }, { itemReference: { reference: FF_CONDITION } }]
    }),
    entry({
      resourceType: 'Observation',
      id: idOf(CARE_EVALUATION),
      meta: meta('careEvaluation', '2021-05-29T11:54:13Z'),
      status: 'final',
      code: csc('effe55c7-572c-4a99-8fb4-2a9dda2f6572'),
      subject: citizen(),
      effectiveDateTime: '2021-05-29T11:54:13Z',
      valueCodeableConcept: ffb('dd628e73-d6c9-4837-a2b8-aa62d73bd6ae')
    }),
    entry({
      resourceType: 'Goal',
      id: idOf(GOAL),
      meta: meta('interventionGoal', '2021-06-18T16:53:11Z'),
      lifecycleStatus: 'active',
      category: [csc('0bb3daef-538d-45dc-b444-abdbcb63f6bc')],
      description: { coding: [{ system: 'http://snomed.info/sct', code: '410518001' }] },
      subject: citizen(),
      target: [
        { measure: csc('66959f77-6e2a-4574-8423-3ff097f8b9fa'), detailCodeableConcept: ffb(LEVEL[0]) },
        { measure: csc('90c48f03-f194-4b2f-ad7d-6cba1069ae48'), detailCodeableConcept: ffb('d41c8072-52f8-42b5-9375-ddbea454d27f') }
      ],
      addresses: [rank(1, AD_CONDITION)]
    }),
    entry({
      resourceType: 'Condition',
      id: idOf(TARGET_GROUP),
      meta: meta('targetGroup', '2021-05-29T16:10:23Z'),
      code: ffb('da298aec-cd7d-436c-9927-d88d00066881'),
      subject: citizen(),
      recordedDate: '2021-05-29'
    }),
    entry({
      resourceType: 'CareTeam',
      id: idOf(CARE_TEAM),
      meta: meta('servicePerformer', '2021-05-29T16:10:23Z'),
      category: [ffb('498fe92c-d7f7-41cd-9404-5b38fe113be0')],
      subject: citizen()
    }),
    entry({
      resourceType: 'Encounter',
      id: idOf(ENCOUNTER),
      meta: meta('followUpEncounter', '2021-05-29T16:10:23Z'),
      status: 'planned',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HH' },
      type: [csc('9f03dfbb-7a97-45a5-94db-d4c3501714a9')],
      subject: citizen(),
      period: { start: '2021-08-29' }
    }),
    entry({
      resourceType: 'CarePlan',
      id: idOf(CARE_PLAN),
      meta: meta('carePlan', '2021-06-18T16:53:11Z'),
      extension: [
        {
          url: `${P}municipalityCaseNumber`,
          extension: [{ url: 'municipalitySpecific', valueIdentifier: { use: 'usual', system: 'http://example.dk/identifier/case', value: 'Sag154689' } }]
        },
        { url: `${P}follow-up-date-extension`, valueReference: { reference: ENCOUNTER } }
      ],
      status: 'active',
      intent: 'order',
      subject: citizen(),
      period: { start: '2021-05-29' },
      careTeam: [{ reference: CARE_TEAM }],
      addresses: [rank(1, TARGET_GROUP)],
      goal: [{ reference: GOAL }],
      activity: [{ outcomeReference: [{ reference: CARE_EVALUATION }] }]
    }),
    entry({
      resourceType: 'CarePlan',
      id: idOf(INTERVENTION),
      meta: meta('intervention', '2021-05-29T16:10:23Z'),
      basedOn: [{ reference: CARE_PLAN }],
      status: 'active',
      intent: 'order',
      subject: citizen(),
      period: { start: '2021-05-29' },
      created: '2021-05-29T16:10:23Z',
      activity: [{ detail: { code: ffb('638f44df-6bf2-47f8-9935-b8fdc83e5bf5'), status: 'in-progress' } }]
    }),
    entry({
      resourceType: 'Observation',
      id: idOf(FOLLOW_UP),
      meta: meta('followUp', '2021-06-18T16:53:11Z'),
      status: 'final',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '712744002' }] },
      subject: citizen(),
      focus: [{ reference: CARE_PLAN }],
      effectiveDateTime: '2021-06-18',
      valueCodeableConcept: ffb('1e971d84-10a4-4ef8-a8b3-0daa4c7d088a')
    })
  ]
}

// A mutation edits a fresh copy of the example; paths are dotted, array indexes included ("identifier.0.value").
export type Mutation = (bundle: Node) => void
export const entries = (bundle: Node): Node[] => bundle.entry as Node[]
export function resource (bundle: Node, fullUrl: string): Node {
  const found = entries(bundle).find((e) => e.fullUrl === fullUrl)
  if (found === undefined) throw new Error(`no entry ${fullUrl}`)
  return found.resource as Node
}
export function setPath (root: Node, path: string, value: unknown): void {
  const keys = path.split('.')
  const last = keys.pop() ?? ''
  const parent = keys.reduce<Node>((node, key) => node[key] as Node, root)
  if (value === undefined) delete parent[last]
  else parent[last] = value
}
/** Set (or, with undefined, delete) `path` in the resource `fullUrl`, or in the Bundle itself for 'Bundle'. */
export const set = (fullUrl: string, path: string, value: unknown): Mutation => (bundle) => {
  setPath(fullUrl === 'Bundle' ? bundle : resource(bundle, fullUrl), path, value)
}
export const push = (fullUrl: string, path: string, value: unknown): Mutation => (bundle) => {
  (path.split('.').reduce<unknown>((node, key) => (node as Node)[key], resource(bundle, fullUrl)) as unknown[]).push(value)
}
/** Add a copy of `fullUrl` under the id `id`. */
export const copy = (fullUrl: string, id: string): Mutation => (bundle) => {
  const clone: Node = { ...structuredClone(resource(bundle, fullUrl)), id }
  entries(bundle).push({ fullUrl: `${String(clone.resourceType)}/${id}`, resource: clone })
}
export const all = (...mutations: Mutation[]): Mutation => (bundle) => { for (const m of mutations) m(bundle) }
