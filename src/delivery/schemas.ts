import Type, { type Static } from 'typebox'
import { IncludeAnnulled } from '../annulment/schemas.js'
import { CodeRef, Day, FreeText, Instant, Uuid } from '../http/fields.js'
import { PageQuery } from '../http/paging.js'

/**
 * VUM phase 6, levering: the provider's delmål (sub-goals of an indsatsmål)
 * and notes (daily documentation), tagged with the sub-themes they concern.
 */

export const DELMAAL_STATUS = ['aktiv', 'opnaaet', 'delvist-opnaaet', 'ikke-opnaaet', 'opgivet'] as const
const DelmaalStatus = Type.Union(DELMAAL_STATUS.map((s) => Type.Literal(s)), { description: 'The delmål\'s status (ours; FFB has no list for it)' })
const Tekst = Type.String({ minLength: 1, maxLength: 10_000 })

export const DelmaalCreate = Type.Object({
  goalId: Type.String({ format: 'uuid', description: 'The indsatsmål (of this case) the delmål serves' }),
  tekst: Tekst,
  startdato: Day(),
  maaldato: Type.Optional(Day('Target date; not before startdato')),
  status: Type.Optional(DelmaalStatus)
}, {
  additionalProperties: false,
  examples: [{ goalId: '6a1f2c3e-8d4b-4e5f-9a7b-1c2d3e4f5a6b', tekst: 'Åbner sin e-Boks sammen med bostøtten hver mandag', startdato: '2023-02-01', maaldato: '2023-04-01' }]
})

export const DelmaalPatch = Type.Object({
  tekst: Type.Optional(Tekst),
  maaldato: Type.Optional(Type.Union([Day(), Type.Null()])),
  status: Type.Optional(DelmaalStatus)
}, { additionalProperties: false, minProperties: 1, examples: [{ status: 'opnaaet' }] })

export const Delmaal = Type.Object({
  id: Uuid,
  caseId: Uuid,
  goalId: Uuid,
  tekst: Type.String(),
  startdato: Type.String({ format: 'date' }),
  maaldato: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  status: DelmaalStatus,
  version: Type.Integer({ minimum: 1 }),
  createdAt: Instant,
  updatedAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { $id: 'Delmaal', description: 'A delmål: a sub-goal of an indsatsmål' })
export type Delmaal = Static<typeof Delmaal>

export const FORFATTERROLLER = ['udfoerer', 'sagsbehandler', 'borger', 'andet'] as const

export const NoteCreate = Type.Object({
  tekst: FreeText('The note'),
  tidspunkt: Type.Optional(Type.String({ format: 'date-time', description: 'When it was observed; default now, never in the future' })),
  forfatterrolle: Type.Union(FORFATTERROLLER.map((r) => Type.Literal(r)), { description: 'Who wrote it' }),
  delmaalId: Type.Optional(Type.String({ format: 'uuid', description: 'The delmål (of this case) it documents' })),
  tags: Type.Optional(Type.Array(Type.Union([CodeRef('FunktionerOgForholdCode'), CodeRef('AktivitetOgDeltagelseCode')]), {
    uniqueItems: true,
    maxItems: 64,
    description: 'F&F or A&D sub-themes the note concerns, e.g. an observation on another theme than the goals\''
  }))
}, {
  additionalProperties: false,
  examples: [{
    tekst: 'Borgeren betalte selv husleje i dag; virkede stresset og sov dårligt.',
    forfatterrolle: 'udfoerer',
    tags: ['70443014-3faf-402d-abcf-396bfad32eb9']
  }]
})

export const Note = Type.Object({
  id: Uuid,
  caseId: Uuid,
  tekst: Type.String(),
  tidspunkt: Type.String({ format: 'date-time' }),
  forfatterrolle: Type.String(),
  delmaalId: Type.Union([Uuid, Type.Null()]),
  tags: Type.Array(Type.Object({
    code: Type.String(),
    label: Type.Union([Type.String(), Type.Null()]),
    theme: Type.Union([Type.Literal('funktioner-og-forhold'), Type.Literal('aktivitet-og-deltagelse')])
  })),
  createdAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { $id: 'Note', description: 'A note (daily documentation)' })
export type Note = Static<typeof Note>

export const NoteQuery = Type.Object({
  tag: Type.Optional(Type.String({ maxLength: 100, description: 'Only notes tagged with this sub-theme code' })),
  delmaalId: Type.Optional(Type.String({ format: 'uuid', description: 'Only notes on this delmål' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Notes at or after this instant' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Notes before this instant' })),
  ...IncludeAnnulled,
  ...PageQuery
}, { additionalProperties: false })

export const DelmaalQuery = Type.Object({
  goalId: Type.Optional(Type.String({ format: 'uuid', description: 'Only the delmål of this goal' })),
  ...IncludeAnnulled,
  ...PageQuery
}, { additionalProperties: false })

export const DelmaalParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The case' }), delmaalId: Type.String({ format: 'uuid' }) })
export const NoteParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The case' }), noteId: Type.String({ format: 'uuid' }) })
