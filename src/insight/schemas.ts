import Type from 'typebox'
import type { Assessment } from '../assessment/schemas.js'
import type { Case } from '../cases/schemas.js'
import { Cpr } from '../cases/cpr.js'
import type { Decision, Intervention } from '../decisions/schemas.js'
import type { Delmaal, Note } from '../delivery/schemas.js'
import type { FollowUp } from '../follow-ups/schemas.js'
import type { Goal } from '../goals/schemas.js'
import { Instant, Kommunekode, Uuid } from '../http/fields.js'
import type { Registration } from '../investigation/schemas.js'
import type { StoredVersion } from '../versions/queries.js'

/**
 * Indsigt (GDPR art. 15): everything stored about one citizen in the
 * caller's municipalities, and who has read or changed it. Each record is
 * given as the area's own route answers it (the same schema), annulled ones
 * included with their `annulment` marker, and with its stored versions.
 */

export const InsightRequest = Type.Object({
  cpr: Cpr
}, {
  additionalProperties: false,
  description: 'The citizen, by CPR number — in the body, never in a URL',
  examples: [{ cpr: '0101904321' }]
})

const Versions = Type.Array(Type.Object({
  version: Type.Integer({ minimum: 1 }),
  recordedAt: Instant,
  clientId: Type.Union([Uuid, Type.Null()], { description: 'The API client that wrote it; null for versions written before versions were kept' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why it was corrected, as the client gave it' }),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'The record\'s correctable fields in this version, as its …/versions route gives them' })
}), { description: 'Every stored version, oldest first; the last is the current one' })

const Stoettebehov = Type.Object({
  id: Uuid,
  decisionId: Uuid,
  followUpId: Type.Union([Uuid, Type.Null()], { description: 'The follow-up that recorded it; null for the one the decision was made with' }),
  code: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  level: Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()]),
  begrundelse: Type.String(),
  registeredAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { description: 'One støttebehov of a decision: the one it was made with, or one a follow-up recorded' })

const AccessEntry = Type.Object({
  at: Instant,
  clientId: Uuid,
  clientName: Type.Union([Type.String(), Type.Null()], { description: 'The API client\'s name (the vendor system); null if it no longer exists' }),
  kommunekode: Type.Union([Kommunekode, Type.Null()]),
  action: Type.String({ description: 'read, list, search, create, update, annul, export', examples: ['read'] }),
  resourceType: Type.String({ examples: ['case'] }),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union(['success', 'denied', 'not-found', 'rejected', 'failed'].map((o) => Type.Literal(o))),
  status: Type.Integer()
}, { description: 'One access to the citizen\'s records, from the audit trail' })

export const InsightReport = Type.Object({
  generatedAt: Instant,
  cpr: Type.String({ pattern: '^[0-9]{10}$', description: 'The citizen asked about, without hyphen' }),
  municipalities: Type.Union([Type.Array(Kommunekode), Type.Literal('all')], {
    description: 'The municipalities the answer covers: those the calling client serves. Another municipality\'s data is never in it.'
  }),
  cases: Type.Array(Type.Ref('Case'), { description: 'The citizen\'s cases, oldest first' }),
  assessments: Type.Array(Type.Ref('Assessment'), { description: 'The assessment (samlet vurdering, indsatsformål) of each case that has one' }),
  registrations: Type.Array(Type.Object({ registration: Type.Ref('Registration'), versions: Versions }), {
    description: 'Every registration of the investigation (funktioner og forhold, omgivelsesfaktorer, aktivitet og deltagelse), oldest first'
  }),
  goals: Type.Array(Type.Object({ goal: Type.Ref('Goal'), versions: Versions }), { description: 'Every indsatsmål' }),
  decisions: Type.Array(Type.Object({ decision: Type.Ref('Decision'), versions: Versions }), {
    description: 'Every sagsafgørelse, as GET /v1/decisions/{id} answers it (målgrupper, its current støttebehov, goals, interventions ' +
      'and follow-ups), with its versions; the lists beside it hold the parts annulled too'
  }),
  stoettebehov: Type.Array(Stoettebehov, { description: 'Every støttebehov of the decisions, oldest first' }),
  interventions: Type.Array(Type.Object({
    intervention: Type.Ref('Intervention'),
    ydelseVersions: Type.Array(Type.Object({ ydelseId: Uuid, versions: Versions }))
  }), { description: 'Every social intervention (tilbud, leverandør) with every ydelse over time, and the ydelser\'s versions' }),
  delmaal: Type.Array(Type.Ref('Delmaal'), { description: 'Every delmål' }),
  notes: Type.Array(Type.Ref('Note'), { description: 'Every note of the delivery, in time order' }),
  followUps: Type.Array(Type.Object({ followUp: Type.Ref('FollowUp'), versions: Versions }), { description: 'Every opfølgning' }),
  accessLog: Type.Array(AccessEntry, {
    description: 'Who read or changed the citizen\'s records, when: every audit event naming one of the records above (or an insight ' +
      'request that found them), in the covered municipalities, oldest first'
  })
}, {
  $id: 'InsightReport',
  description: 'Everything stored about a citizen in the covered municipalities. Annulled records (entered in error) are included, each ' +
    'with its `annulment` marker (when, why, comment). A CPR number with nothing stored gives every list empty.'
})

export type Versions = Array<StoredVersion<Record<string, unknown>>>

export interface StoettebehovItem {
  id: string
  decisionId: string
  followUpId: string | null
  code: string
  label: string | null
  level: number | null
  begrundelse: string
  registeredAt: string
  annulment?: Registration['annulment']
}

export interface AccessItem {
  at: string
  clientId: string
  clientName: string | null
  kommunekode: string | null
  action: string
  resourceType: string
  resourceId: string | null
  /** success, denied, not-found, rejected or failed (audit/record.ts outcomeOf). */
  outcome: string
  status: number
}

/** The answer as TypeScript sees it (the schema's Refs are typed by the areas' own types). */
export interface InsightReport {
  generatedAt: string
  cpr: string
  municipalities: string[] | 'all'
  cases: Case[]
  assessments: Assessment[]
  registrations: Array<{ registration: Registration, versions: Versions }>
  goals: Array<{ goal: Goal, versions: Versions }>
  decisions: Array<{ decision: Decision, versions: Versions }>
  stoettebehov: StoettebehovItem[]
  interventions: Array<{ intervention: Intervention, ydelseVersions: Array<{ ydelseId: string, versions: Versions }> }>
  delmaal: Delmaal[]
  notes: Note[]
  followUps: Array<{ followUp: FollowUp, versions: Versions }>
  accessLog: AccessItem[]
}

const CASE_ID = '6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b'
const CLIENT_ID = '2b7e1516-28ae-4d2a-a6f7-15889b0c4f3c'

/** An answer for the seeds' citizen X, shortened: her case, one registration, a note annulled, two accesses. */
export const INSIGHT_EXAMPLE: InsightReport = {
  generatedAt: '2026-03-02T09:15:00.000Z',
  cpr: '0101904321',
  municipalities: ['101'],
  cases: [{
    id: CASE_ID,
    kommunekode: '101',
    cpr: '0101904321',
    sagsnummer: 'Sag154689',
    borgerensOensker: 'Jeg vil gerne selv kunne styre min økonomi og betale mine regninger til tiden.',
    diagnoser: ['ADHD'],
    openedAt: '2023-01-01T08:00:00.000Z',
    version: 1,
    createdAt: '2023-01-01T08:00:00.000Z',
    updatedAt: '2023-01-01T08:00:00.000Z'
  }],
  assessments: [],
  registrations: [{
    registration: {
      id: '0d4f6a1e-9b2c-4c3d-8e5f-6a7b8c9d0e1f',
      caseId: CASE_ID,
      theme: 'funktioner-og-forhold',
      undertema: { code: '9c2173e6-6465-44d3-af16-7c44059193b2', label: 'Organisering og planlægning' },
      overtema: { code: '25c5c614-305f-46cd-9891-55d564fc30cf', label: 'Mentale funktioner' },
      funktionsevneniveau: null,
      oplysningerFraBorgeren: 'Har svært ved at overskue sine regninger og glemmer aftaler.',
      oplysningerFraAndre: null,
      sagsbehandlersBemaerkninger: 'Organisering og planlægning er relevant for indsatsen.',
      registeredAt: '2023-01-01T09:00:00.000Z',
      catalogVersion: '20240530',
      followUpId: null,
      version: 1,
      createdAt: '2023-01-01T09:00:00.000Z'
    },
    versions: [{
      version: 1,
      recordedAt: '2023-01-01T09:00:00.000Z',
      clientId: CLIENT_ID,
      reason: null,
      data: {
        undertema: '9c2173e6-6465-44d3-af16-7c44059193b2',
        funktionsevneniveau: null,
        registeredAt: '2023-01-01T09:00:00.000Z',
        oplysningerFraBorgeren: 'Har svært ved at overskue sine regninger og glemmer aftaler.',
        oplysningerFraAndre: null,
        sagsbehandlersBemaerkninger: 'Organisering og planlægning er relevant for indsatsen.'
      }
    }]
  }],
  goals: [],
  decisions: [],
  stoettebehov: [],
  interventions: [],
  delmaal: [],
  notes: [{
    id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
    caseId: CASE_ID,
    tekst: 'Notat skrevet på forkert borger',
    tidspunkt: '2023-02-01T13:00:00.000Z',
    forfatterrolle: 'udfoerer',
    delmaalId: null,
    tags: [],
    createdAt: '2023-02-01T13:00:00.000Z',
    annulment: { annulledAt: '2023-02-02T08:30:00.000Z', reason: 'fejlregistrering', comment: 'Hørte til en anden sag' }
  }],
  followUps: [],
  accessLog: [
    {
      at: '2023-01-01T08:00:00.000Z',
      clientId: CLIENT_ID,
      clientName: 'Acme Omsorg',
      kommunekode: '101',
      action: 'create',
      resourceType: 'case',
      resourceId: CASE_ID,
      outcome: 'success',
      status: 201
    },
    {
      at: '2023-03-15T10:42:00.000Z',
      clientId: CLIENT_ID,
      clientName: 'Acme Omsorg',
      kommunekode: '101',
      action: 'read',
      resourceType: 'case',
      resourceId: CASE_ID,
      outcome: 'success',
      status: 200
    }
  ]
}
