import Type from 'typebox'
import { Day, Instant, Kommunekode, Uuid } from '../http/fields.js'

/** KL's FFB delivery report (kl.dk.fhir.ffbreporting 1.0.0) as we document it; the IG's profiles are the full definition. */

export const FHIR_JSON = 'application/fhir+json'
export const FHIR_NDJSON = 'application/fhir+ndjson'

export const GAPS = 'Where the guide has no element for FFB data, the data stays in our uddata export (/v1/decisions/{id}/uddata) and: ' +
  'the sagsafgørelsesID is sent as the CarePlan\'s municipalityCaseNumber (system urn:ffb-api:kommune:{kommunekode}:sagsafgoerelse), ' +
  'our case id as the ServiceRequest\'s (system urn:ffb-api:kommune:{kommunekode}:sag); the provider\'s P-nummer, CVR, name and address, ' +
  'the goal\'s registration and follow-up dates are not sent (the planned follow-up goes out as the CarePlan\'s FollowUpEncounter); ' +
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
  meta: Type.Object({ profile: Type.Array(Type.Literal('http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-deliveryReport')) }),
  type: Type.Literal('collection'),
  timestamp: Instant,
  entry: Type.Array(Type.Object({ fullUrl: Type.String({ description: '<resourceType>/<id>', examples: ['Patient/1b4e28ba-2fa1-5d2e-883f-0016d3cca427'] }), resource: Resource }))
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

export const FhirExportQuery = Type.Object({
  kommunekode: Kommunekode,
  date: Type.Optional(Day('The Danish calendar day whose changes are delivered; default yesterday')),
  changedSince: Type.Optional(Type.String({ format: 'date-time', description: 'Instead of date: what was written to this API from this instant on, as it stands today' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The cursor of a previous stream\'s trailer' }))
}, { additionalProperties: false })

export const CaseFhirQuery = Type.Object({
  date: Type.Optional(Day('The day whose delivery bundle is wanted; without it, everything reported so far, as it stands today'))
}, { additionalProperties: false })

/** One line of GET /v1/exports/fhir: a citizen's Bundle, or the Parameters trailer. */
export const FhirExportLine = Type.Union([FhirBundle, FhirTrailer], {
  $id: 'FhirExportLine',
  description: 'One line of the FHIR stream: a citizen\'s delivery Bundle, or the Parameters resource that ends the stream'
})
