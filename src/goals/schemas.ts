import Type, { type Static } from 'typebox'
import { IncludeAnnulled } from '../annulment/schemas.js'
import { CodeRef, Day, FreeText, Instant, Uuid } from '../http/fields.js'
import { PageQuery } from '../http/paging.js'
import { VersionList } from '../versions/schemas.js'

/**
 * Indsatsmål: structured goals, set on exactly one investigated A&D
 * sub-theme. The current level is not sent: it is the latest level of that
 * sub-theme in the case's investigation.
 */

const AdCode = CodeRef('AktivitetOgDeltagelseCode')

// The brief's example goal: Udvikle funktionsevne on Indgå i samspil og
// kontakt (current level 2, expected 1), related: Varetage relationer til netværk.
const example = {
  maalformulering: 'Jeg vil gerne kunne møde min familie uden at blive overvældet.',
  maaltype: 'd41c8072-52f8-42b5-9375-ddbea454d27f',
  primaertUndertema: '3f9da5ac-9686-4eeb-b517-b46e17fcb1d7',
  forventetFunktionsevneniveau: '8328ce4a-6238-4f73-bf1a-74aadb68eff8',
  opfoelgningsdato: '2023-06-20',
  ansvarligForOpfoelgning: 'Social service i XX kommune',
  relateredeUndertemaer: ['4c082610-b122-4019-96f2-1061e287445e'],
  registeredAt: '2023-01-01T11:00:00+01:00'
}

export const GoalCreate = Type.Object({
  maalformulering: Type.String({ minLength: 1, maxLength: 10_000, description: 'Målformulering, ideally in the citizen\'s own words' }),
  maaltype: CodeRef('MaaltypeCode'),
  primaertUndertema: CodeRef('AktivitetOgDeltagelseCode', {
    description: 'The one primary A&D sub-theme; it must have been investigated on this case (its latest level becomes the current level)'
  }),
  forventetFunktionsevneniveau: CodeRef('FunktionsevneniveauCode'),
  opfoelgningsdato: Day('Follow-up date; not before the registration day'),
  ansvarligForOpfoelgning: Type.String({ minLength: 1, maxLength: 500, description: 'Who follows up' }),
  relateredeUndertemaer: Type.Optional(Type.Array(AdCode, {
    uniqueItems: true,
    maxItems: 31,
    description: 'Other related A&D sub-themes (any overtema), distinct, not the primary one'
  })),
  registeredAt: Type.Optional(Type.String({
    format: 'date-time',
    description: 'Datostempel for registrering af indsatsmål; default now, never in the future'
  }))
}, { additionalProperties: false, examples: [example] })
/** The body's static type: catalog codes are references, which TypeBox types as unknown. */

const Level = Type.Object({
  code: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  level: Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()], { description: '0–4; null for "Ikke vurderet"' })
})

export const Goal = Type.Object({
  id: Uuid,
  caseId: Uuid,
  maalformulering: Type.String(),
  maaltype: Type.Ref('Coded'),
  primaertUndertema: Type.Ref('Coded'),
  aktueltFunktionsevneniveau: Type.Object({
    ...Level.properties,
    registrationId: Type.String({ format: 'uuid', description: 'The A&D registration the level comes from' }),
    registeredAt: Type.String({ format: 'date-time' })
  }, { description: 'Taken from the investigation: the latest level of the primary sub-theme when the goal was registered' }),
  forventetFunktionsevneniveau: Level,
  opfoelgningsdato: Type.String({ format: 'date' }),
  ansvarligForOpfoelgning: Type.String(),
  relateredeUndertemaer: Type.Array(Type.Ref('Coded')),
  registeredAt: Type.String({ format: 'date-time', description: 'Datostempel for registrering af indsatsmål' }),
  version: Type.Integer({ minimum: 1, description: 'Moves on every correction; the ETag is derived from it' }),
  catalogVersion: Type.String(),
  createdAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { $id: 'Goal', description: 'An indsatsmål (structured goal)' })
export type Goal = Static<typeof Goal>

export const GoalListQuery = Type.Object({ ...IncludeAnnulled, ...PageQuery }, { additionalProperties: false })

export const GoalParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The case' }),
  goalId: Type.String({ format: 'uuid' })
})

export const GoalPatch = Type.Object({
  maalformulering: Type.Optional(GoalCreate.properties.maalformulering),
  maaltype: Type.Optional(CodeRef('MaaltypeCode')),
  forventetFunktionsevneniveau: Type.Optional(CodeRef('FunktionsevneniveauCode')),
  opfoelgningsdato: Type.Optional(Day('Follow-up date; not before the goal\'s registration day')),
  ansvarligForOpfoelgning: Type.Optional(GoalCreate.properties.ansvarligForOpfoelgning),
  relateredeUndertemaer: Type.Optional(Type.Array(AdCode, { uniqueItems: true, maxItems: 31, description: 'The whole new list' })),
  reason: Type.Optional(FreeText('Why the goal is corrected (e.g. "fejlregistrering"); kept with the version'))
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'A correction: the goal was recorded wrong. Its primary sub-theme and registration stay (a new goal is a new ' +
    'registration); codes are checked against the catalog of its registration day. Every version is kept (…/versions).',
  examples: [{ forventetFunktionsevneniveau: '8328ce4a-6238-4f73-bf1a-74aadb68eff8', reason: 'fejlregistrering' }]
})

export const GoalVersionList = VersionList(Type.Object({
  maalformulering: Type.String(),
  maaltype: Type.String(),
  forventetFunktionsevneniveau: Type.String(),
  opfoelgningsdato: Type.String({ format: 'date' }),
  ansvarligForOpfoelgning: Type.String(),
  relateredeUndertemaer: Type.Array(Type.String())
}, { description: 'The goal\'s correctable fields in this version' }))
