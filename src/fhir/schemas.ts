import Type, { type Static } from 'typebox'
import { Day, Instant, Kommunekode, Uuid } from '../http/fields.js'
import { UNREADY_CODES } from './readiness.js'

/** KL's FFB delivery report (kl.dk.fhir.ffbreporting 1.0.0) as we document it; the IG's profiles are the full definition. */

export const FHIR_JSON = 'application/fhir+json'
export const FHIR_NDJSON = 'application/fhir+ndjson'
/** The code system of the reasons a bundle is held back. */
export const UNDELIVERABLE_SYSTEM = 'urn:ffb-api:fhir-undeliverable'

export const GAPS = 'Where the guide has no element for FFB data, the data stays in our uddata export (/v1/decisions/{id}/uddata) and: ' +
  'the case\'s sagsnummer (the municipality\'s own) is the municipalityCaseNumber of its ServiceRequest and of every CarePlan of the ' +
  'case, as in KL\'s example (system urn:ffb-api:kommune:{kommunekode}:sagsnummer; a case without one has none, which KL\'s CarePlan ' +
  'requires); the sagsafgørelsesID, the provider\'s P-nummer, CVR, name and address, the goal\'s registration and follow-up dates are ' +
  'not sent (the planned follow-up goes out as the CarePlan\'s FollowUpEncounter: the next date a follow-up set, else the earliest of ' +
  'the decision\'s own opfoelgningsdato and its goals\' still ahead of the last follow-up); ' +
  'ConditionRank uses the core URL http://fhir.kl.dk/core/StructureDefinition/ConditionRank. Resource ids are version-5 UUIDs of our ' +
  'records, so a resend is an update and the same data gives byte-identical bundles. A related A&D sub-theme of a goal is addressed ' +
  'once it has been investigated on the case. The municipality is named by its KOMBIT STS organisation UUID (KOMBIT_ORGANISATIONS).'

const Resource = Type.Object({
  resourceType: Type.String({ examples: ['Condition'] }),
  id: Uuid,
  meta: Type.Object({
    profile: Type.Array(Type.String({ examples: ['http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-condition'] }), { minItems: 1, maxItems: 1 }),
    lastUpdated: Instant
  })
}, { description: 'A resource of one of the IG\'s profiles (Patient, ServiceRequest, ClinicalImpression, Condition, Goal, CareTeam, CarePlan, Encounter, Observation)' })

export const FhirBundle = Type.Object({
  resourceType: Type.Literal('Bundle'),
  id: Uuid,
  meta: Type.Object({
    lastUpdated: Instant,
    profile: Type.Array(Type.Literal('http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-deliveryReport'))
  }),
  type: Type.Literal('collection'),
  timestamp: Type.String({ format: 'date-time', description: 'The latest instant any of the content took effect (the newest meta.lastUpdated of its resources)' }),
  entry: Type.Array(Type.Object({ fullUrl: Type.String({ description: 'urn:uuid:<id>: every reference in the bundle is one of these', examples: ['urn:uuid:1b4e28ba-2fa1-5d2e-883f-0016d3cca427'] }), resource: Resource }))
}, { description: 'One citizen\'s delivery bundle (kl-reporting-ffb-deliveryReport)' })

export const FhirTrailer = Type.Object({
  resourceType: Type.Literal('Parameters'),
  parameter: Type.Array(Type.Union([
    Type.Object({ name: Type.Literal('cursor'), valueString: Type.String() }),
    Type.Object({ name: Type.Literal('count'), valueInteger: Type.Integer() }),
    Type.Object({ name: Type.Literal('complete'), valueBoolean: Type.Literal(true) })
  ]))
}, {
  description: 'The last line: the stream ended normally. Pass the cursor back as ?cursor= (with the same kommunekode, date or changedSince) ' +
    'to continue with the citizens whose bundles follow.'
})

/** The reasons KL's gateway would reject a citizen's bundle: the worklist of GET /v1/exports/fhir?deliverable=false. */
export const FhirWorklistItem = Type.Object({
  resourceType: Type.Literal('OperationOutcome'),
  id: Type.String({ description: 'The id of the Bundle held back' }),
  issue: Type.Array(Type.Object({
    severity: Type.Literal('error'),
    code: Type.Literal('business-rule'),
    details: Type.Object({
      coding: Type.Array(Type.Object({
        system: Type.Literal(UNDELIVERABLE_SYSTEM),
        code: Type.Enum(UNREADY_CODES)
      }), { minItems: 1, maxItems: 1 }),
      text: Type.String({ description: 'What is wrong and what to do, in words for a caseworker' })
    }),
    diagnostics: Type.String({ description: 'The case, the decision (its sagsafgørelsesID) and the field the reason is about; never a CPR number' }),
    expression: Type.Array(Type.String(), { description: 'FHIRPath to the CarePlan of the decision in the held-back Bundle' })
  }), { minItems: 1 })
}, {
  description: 'A citizen whose bundle KL\'s gateway would reject, with every reason. Fix the decision (GET /v1/decisions/{id} lists the ' +
    'same reasons as warnings) and the next delivery carries it.',
  examples: [{
    resourceType: 'OperationOutcome',
    id: '0f5d3f1e-8f43-5f7e-9b8e-2f3a4c5d6e7f',
    issue: [{
      severity: 'error',
      code: 'business-rule',
      details: {
        coding: [{ system: UNDELIVERABLE_SYSTEM, code: 'fhir-maalgruppe-not-in-value-set' }],
        text: 'målgruppe Socialt problem is not in KL\'s FHIR value set of målgrupper (a top-level målgruppe), so KL\'s gateway rejects the course — …'
      },
      diagnostics: 'case 8c1b3f7e-2a4d-4e6f-9b1a-3c5d7e9f1a2b, decision 1234-2023-001 (/v1/decisions/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d), /maalgrupper/primaer',
      expression: ["Bundle.entry.where(fullUrl = 'urn:uuid:7d8e9f0a-1b2c-5d3e-8f4a-5b6c7d8e9f0a').resource"]
    }]
  }]
})

export type FhirWorklistItem = Static<typeof FhirWorklistItem>

export const FhirExportQuery = Type.Object({
  kommunekode: Kommunekode,
  date: Type.Optional(Day('The Danish calendar day whose changes are delivered; default yesterday')),
  changedSince: Type.Optional(Type.String({ format: 'date-time', description: 'Instead of date: what was written to this API from this instant on, as it stands today' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The cursor of a previous stream\'s trailer' })),
  deliverable: Type.Optional(Type.Boolean({
    default: true,
    description: 'true: the bundles KL\'s gateway accepts. false: the worklist — an OperationOutcome per citizen whose bundle it would ' +
      'reject, naming every reason; those bundles are held back until fixed'
  }))
}, { additionalProperties: false })

export const CaseFhirQuery = Type.Object({
  date: Type.Optional(Day('The day whose delivery bundle is wanted; without it, everything reported so far, as it stands today'))
}, { additionalProperties: false })

/** One line of GET /v1/exports/fhir: a citizen's Bundle (or, with deliverable=false, why it is held back), or the Parameters trailer. */
export const FhirExportLine = Type.Union([FhirBundle, FhirWorklistItem, FhirTrailer], {
  $id: 'FhirExportLine',
  description: 'One line of the FHIR stream: a citizen\'s delivery Bundle (with deliverable=false: the OperationOutcome saying why it is ' +
    'held back), or the Parameters resource that ends the stream'
})
