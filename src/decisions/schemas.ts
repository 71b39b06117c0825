import Type, { type Static } from 'typebox'
import { IncludeAnnulled } from '../annulment/schemas.js'
import { CodeRef, Day, FreeText, Instant, Kommunekode, Uuid } from '../http/fields.js'
import { PageQuery } from '../http/paging.js'
import { VersionList } from '../versions/schemas.js'

/**
 * Sagsafgørelser (VUM phase 4) with their støttebehov and målgrupper, and
 * the ordered social intervention (phase 5): one udførende tilbud, one or
 * more ydelser, the provider and the bevillingsdato.
 */

const RegisteredAt = (what: string) => Type.Optional(Type.String({
  format: 'date-time',
  description: `Datostempel for ${what}; default now, never in the future. Codes are checked against the catalog in force that day.`
}))

const SagsafgoerelsesId = Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,100}$',
  description: 'The decision\'s id for reporting: chosen by the vendor system (unique per municipality), or ours when omitted'
})

const OPFOELGNINGSDATO = 'The follow-up agreed for the decision\'s course itself ("De aftaler opfølgning d. 1.6.2023"), so a course ' +
  'without goals has one too; not before the afgørelsesdato (422). Each goal keeps its own opfoelgningsdato.'

const example = {
  sagsafgoerelsesId: 'Y-2023-000123',
  afgoerelsesdato: '2023-01-15',
  opfoelgningsdato: '2023-06-01',
  goals: ['6a1f2c3e-8d4b-4e5f-9a7b-1c2d3e4f5a6b'],
  stoettebehov: {
    code: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae',
    begrundelse: 'Har brug for støtte til økonomi en gang imellem.',
    registeredAt: '2023-01-15T10:00:00+01:00'
  },
  maalgrupper: { primaer: '9ed67228-b934-4677-9f7e-ebb0d80de44b', oevrige: [], registeredAt: '2023-01-15T10:00:00+01:00' }
}

export const DecisionCreate = Type.Object({
  sagsafgoerelsesId: Type.Optional(SagsafgoerelsesId),
  afgoerelsesdato: Day('The decision date'),
  opfoelgningsdato: Type.Optional(Day(OPFOELGNINGSDATO)),
  goals: Type.Optional(Type.Array(Uuid, { uniqueItems: true, maxItems: 100, description: 'Ids of the case\'s goals the decision covers' })),
  stoettebehov: Type.Object({
    code: CodeRef('StoettebehovCode'),
    begrundelse: Type.String({ minLength: 1, maxLength: 10_000, description: 'Why this støttebehov' }),
    registeredAt: RegisteredAt('støttebehovsvurdering')
  }, { additionalProperties: false, description: 'The one støttebehov of the decision (follow-ups add new ones)' }),
  maalgrupper: Type.Object({
    primaer: CodeRef('MaalgrupperCode', { description: 'Exactly one primary målgruppe' }),
    oevrige: Type.Optional(Type.Array(CodeRef('MaalgrupperCode'), {
      uniqueItems: true, maxItems: 57, description: 'Other målgrupper: distinct, not the primary one'
    })),
    registeredAt: RegisteredAt('registrering af målgrupper')
  }, {
    additionalProperties: false,
    description: 'For a citizen without a diagnosis (the case has no diagnoser) only top-level målgrupper are reported; ' +
      'with a diagnosis, the detailed ones. Which codes are top-level is catalog data (topLevel).'
  })
}, { additionalProperties: false, examples: [example] })

const P_NUMMER = '^[0-9]{10}$'

export const LeverandoerInput = Type.Object({
  pNummer: Type.Optional(Type.String({ pattern: P_NUMMER, description: 'Produktionsenhedsnummer, 10 digits' })),
  cvr: Type.Optional(Type.String({ pattern: '^[0-9]{8}$', description: 'CVR-nr., 8 digits with a valid modulus-11 check; if no P-nummer' })),
  navn: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'ProduktionsEnhedsNavn; with CVR' })),
  adresse: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'ProduktionsEnhedsAdresse; with CVR' })),
  postnummer: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'ProduktionsEnhedsPostnummer; with CVR' }))
}, { additionalProperties: false, description: 'The concrete provider: a P-nummer, or else CVR with name, address and postnummer' })

export const InterventionCreate = Type.Object({
  tilbud: Type.Object({
    code: CodeRef('TilbudCode', { description: 'The one udførende tilbud type of the intervention' }),
    registeredAt: RegisteredAt('registrering af udførende tilbud')
  }, { additionalProperties: false }),
  ydelser: Type.Array(Type.Object({
    code: CodeRef('YdelserCode'),
    startdato: Day('Expected start (not the invoicing or move-in date)'),
    slutdato: Type.Optional(Day('Expected end; not before startdato')),
    registeredAt: RegisteredAt('registrering af ydelsen')
  }, { additionalProperties: false }), { minItems: 1, maxItems: 50, description: 'One or more ydelser; their periods may differ and overlap' }),
  leverandoer: LeverandoerInput,
  bevillingsdato: Day('When the intervention was granted')
}, {
  additionalProperties: false,
  examples: [{
    tilbud: { code: 'd90f4da6-f87a-43b5-833f-646b4baf16d6', registeredAt: '2023-01-15T10:00:00+01:00' },
    ydelser: [{ code: '0886a1b6-4a3a-47e5-9c97-066270529e4f', startdato: '2023-02-01', registeredAt: '2023-01-15T10:00:00+01:00' }],
    leverandoer: { pNummer: '1012345678' },
    bevillingsdato: '2023-01-15'
  }]
})

const Described = Type.Object({
  code: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  legalBasis: Type.Union([Type.String(), Type.Null()], { description: 'e.g. "SEL § 85"' })
})

export const Warning = Type.Object({
  code: Type.String({ examples: ['botilbud-uden-opholdsydelse'] }),
  pointer: Type.String({ description: 'JSON Pointer to what the warning is about' }),
  message: Type.String()
}, { description: 'Accepted, but worth a second look (the seeds ask systems to warn, not refuse)' })

export const Dst = Type.Union([
  Type.Object({
    derivable: Type.Literal(true),
    ydelseskode: Type.String({ description: 'DST ydelseskode', examples: ['1.12.0.2'] }),
    label: Type.String(),
    kontoplan: Type.Object({ function: Type.String({ examples: ['5.38.39'] }), label: Type.String() }, { description: 'The municipal chart-of-accounts function' }),
    catalogVersion: Type.String()
  }),
  Type.Object({
    derivable: Type.Literal(false),
    reason: Type.String({ description: 'Why no code can be derived: no mapping, or more than one' })
  })
], { description: 'DST ydelseskode and kontoplan function derived from the tilbud and ydelser by the dst-mapping catalog; never guessed' })

const PeriodStatus = Type.Union([Type.Literal('planned'), Type.Literal('active'), Type.Literal('ended')], {
  description: 'Where the period stands today (Danish time): planned before its startdato, active from startdato through ' +
    'slutdato, ended after slutdato. It follows the dates: no request is needed for a ydelse to end.'
})

const YdelseItem = Type.Object({
  id: Uuid,
  interventionId: Uuid,
  decisionId: Uuid,
  ...Described.properties,
  opholdsydelse: Type.Boolean(),
  startdato: Type.String({ format: 'date' }),
  slutdato: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'Expected or actual end; null while open-ended' }),
  status: PeriodStatus,
  version: Type.Integer({ minimum: 1, description: 'Moves on every change; the ETag is derived from it' }),
  registeredAt: Type.String({ format: 'date-time' }),
  changedAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { description: 'One ydelse of a social intervention, over its period' })
export type YdelseItem = Static<typeof YdelseItem>

export const Ydelse = Type.Object({
  ...YdelseItem.properties,
  intervention: Type.Object({
    id: Uuid,
    version: Type.Integer({ minimum: 1 }),
    status: PeriodStatus,
    dst: Dst,
    warnings: Type.Array(Warning)
  }, { description: 'The intervention the ydelse belongs to, as it stands with this ydelse: its DST codes and warnings recomputed' })
}, { $id: 'Ydelse', description: 'One ydelse of a social intervention, over its period; GET /v1/ydelser/{id}' })
export type Ydelse = Static<typeof Ydelse>

export const Intervention = Type.Object({
  id: Uuid,
  decisionId: Uuid,
  tilbud: Type.Object({
    ...Described.properties,
    botilbud: Type.Boolean(),
    registeredAt: Type.String({ format: 'date-time' })
  }),
  ydelser: Type.Array(YdelseItem),
  leverandoer: Type.Object({
    pNummer: Type.Union([Type.String(), Type.Null()]),
    cvr: Type.Union([Type.String(), Type.Null()]),
    navn: Type.Union([Type.String(), Type.Null()]),
    adresse: Type.Union([Type.String(), Type.Null()]),
    postnummer: Type.Union([Type.String(), Type.Null()])
  }),
  bevillingsdato: Type.String({ format: 'date' }),
  slutdato: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'The day the whole intervention ended, if it was ended' }),
  endedReason: Type.Union([Type.String(), Type.Null()], { description: 'Why it ended: the reason given, a change of provider, or the decision\'s ending' }),
  continuesInterventionId: Type.Union([Uuid, Type.Null()], {
    description: 'After a change of provider: the intervention this one continues (it ended the day before this one\'s ydelser start)'
  }),
  status: PeriodStatus,
  dst: Dst,
  version: Type.Integer({ minimum: 1, description: 'Moves on every change to the intervention or one of its ydelser' }),
  catalogVersion: Type.String(),
  createdAt: Instant,
  changedAt: Instant,
  warnings: Type.Array(Warning, { description: 'e.g. a botilbud without an opholdsydelse' }),
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { $id: 'Intervention', description: 'A social intervention (social indsats)' })
export type Intervention = Static<typeof Intervention>

export const Decision = Type.Object({
  id: Uuid,
  sagsafgoerelsesId: Type.String(),
  caseId: Uuid,
  kommunekode: Kommunekode,
  afgoerelsesdato: Type.String({ format: 'date' }),
  opfoelgningsdato: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
    description: `${OPFOELGNINGSDATO} null when none was agreed.`,
    examples: ['2023-06-01']
  }),
  goals: Type.Array(Type.Ref('Goal')),
  stoettebehov: Type.Array(Type.Object({
    id: Uuid,
    code: Type.String(),
    label: Type.Union([Type.String(), Type.Null()]),
    level: Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()]),
    begrundelse: Type.String(),
    registeredAt: Type.String({ format: 'date-time' })
  }), { description: 'Every støttebehov of the decision, oldest first: the decision\'s, then one per follow-up' }),
  maalgrupper: Type.Object({
    primaer: Type.Ref('Coded'),
    oevrige: Type.Array(Type.Ref('Coded')),
    registeredAt: Type.String({ format: 'date-time' })
  }),
  interventions: Type.Array(Type.Ref('Intervention')),
  followUps: Type.Array(Type.Ref('FollowUp'), { description: 'The follow-ups, oldest first' }),
  closedAt: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
    description: 'The last day of the decision\'s course (ophør), ended by a follow-up or by POST /v1/decisions/{id}/ending'
  }),
  closedReason: Type.Union([Type.String(), Type.Null()], { description: 'Why it ended' }),
  version: Type.Integer({ minimum: 1, description: 'Moves on every change to the decision or anything on it; the ETag is derived from it' }),
  nyAfgoerelseForventet: Type.Boolean({ description: 'Closed by "afslutning af indsats og visitér til ny": a new decision is expected' }),
  catalogVersion: Type.String(),
  createdAt: Instant,
  warnings: Type.Array(Warning, {
    description: 'Why KL\'s FHIR gateway would reject the course as it stands today, each naming the field and what to do (codes fhir-…): ' +
      'the FHIR export holds such a citizen\'s bundle back (GET /v1/exports/fhir?deliverable=false lists it). Accepted all the same: ' +
      'the uddata to DST and FLIS is not affected'
  }),
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { $id: 'Decision', description: 'A sagsafgørelse with everything that belongs to it, codes with their labels' })
export type Decision = Static<typeof Decision>

export const DecisionListQuery = Type.Object({ ...IncludeAnnulled, ...PageQuery }, { additionalProperties: false })

export const AllDecisionsQuery = Type.Object({
  kommunekode: Type.Optional(Kommunekode),
  sagsafgoerelsesId: Type.Optional(SagsafgoerelsesId),
  changedSince: Type.Optional(Type.String({
    format: 'date-time',
    description: 'Only decisions where something changed at or after this instant: the decision (a correction, its ending), a ' +
      'ydelse, intervention, støttebehov or follow-up of it, or its case (a registration made, corrected or annulled). Decisions ' +
      'annulled since come too, with their `annulment` marker, so a copy can drop them. A ydelse passing its slutdato is not a ' +
      'change (its status follows the dates on every read).'
  })),
  ...IncludeAnnulled,
  ...PageQuery
}, { additionalProperties: false })

export const DecisionParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The decision (our id)' }) })
export const InterventionParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The decision (our id)' }),
  interventionId: Type.String({ format: 'uuid' })
})

export const DecisionEnding = Type.Object({
  slutdato: Day('The last day of the course: every intervention not yet ended ends that day, with its running ydelser'),
  reason: Type.String({ minLength: 1, maxLength: 10_000, description: 'Why the decision ends (ophør), e.g. "Borgeren er fraflyttet kommunen"' })
}, { additionalProperties: false, examples: [{ slutdato: '2023-10-31', reason: 'Borgeren er fraflyttet kommunen' }] })

export const DecisionPatch = Type.Object({
  afgoerelsesdato: Type.Optional(Day('The decision date; on a closed decision not after its ending, and not after its opfoelgningsdato')),
  opfoelgningsdato: Type.Optional(Type.Union([Day(), Type.Null()], {
    description: 'The follow-up agreed for the decision\'s course itself; not before the afgørelsesdato (422). null clears it.'
  })),
  maalgrupper: Type.Optional(Type.Object({
    primaer: Type.Optional(CodeRef('MaalgrupperCode', { description: 'The one primary målgruppe' })),
    oevrige: Type.Optional(Type.Array(CodeRef('MaalgrupperCode'), {
      uniqueItems: true, maxItems: 57, description: 'The whole new list of other målgrupper: distinct, not the primary one'
    }))
  }, { additionalProperties: false, minProperties: 1, description: 'Checked as when the decision was made, against the catalog of the day the målgrupper were registered' })),
  stoettebehov: Type.Optional(Type.Object({
    code: Type.Optional(CodeRef('StoettebehovCode')),
    begrundelse: Type.Optional(DecisionCreate.properties.stoettebehov.properties.begrundelse)
  }, {
    additionalProperties: false,
    minProperties: 1,
    description: 'The støttebehov the decision was made with; one a follow-up recorded is corrected on the follow-up'
  })),
  reason: Type.Optional(FreeText('Why the decision is corrected (e.g. "fejlregistrering"); kept with the version'))
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'A correction: the decision was recorded wrong. Its goals, interventions and follow-ups are changed on their own URLs; ' +
    'registration dates stay. Every version is kept (…/versions).',
  examples: [
    { maalgrupper: { primaer: '0919515d-9975-4743-a16f-edb45374b0da' }, stoettebehov: { begrundelse: 'Har brug for støtte til økonomi hver uge.' }, reason: 'fejlregistrering' },
    { opfoelgningsdato: '2023-06-01', reason: 'fejlregistrering' }
  ]
})

export const DecisionVersionList = VersionList(Type.Object({
  afgoerelsesdato: Type.String({ format: 'date' }),
  opfoelgningsdato: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'The decision\'s own agreed follow-up date' }),
  primaerMaalgruppe: Type.String(),
  oevrigeMaalgrupper: Type.Array(Type.String()),
  stoettebehov: Type.Object({ code: Type.String(), begrundelse: Type.String() }, { description: 'The decision\'s own støttebehov' })
}, { description: 'The decision\'s correctable fields in this version; its version numbers have gaps where something on it changed' }))
