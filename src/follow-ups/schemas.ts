import Type, { type Static } from 'typebox'
import { CodeRef, Day, FreeText, Instant, Kommunekode, Uuid } from '../http/fields.js'
import { PageQuery } from '../http/paging.js'
import { VersionList } from '../versions/schemas.js'

/**
 * VUM phase 7, opfølgning: for every goal of the decision a new level on its
 * primary sub-theme with three assessments, a new støttebehov (even when
 * unchanged) and a status på indsats, which may end the intervention.
 */

const Vurdering = (who: string) => Type.Optional(FreeText(`${who} vurdering`))

export const FollowUpCreate = Type.Object({
  registeredAt: Type.Optional(Type.String({
    format: 'date-time',
    description: 'When the follow-up took place; its day in Denmark is the opfølgningsdato. The new levels and the ' +
      'støttebehov are registered at this instant. Default now, never in the future.'
  })),
  maal: Type.Array(Type.Object({
    goalId: Type.String({ format: 'uuid' }),
    funktionsevneniveau: CodeRef('FunktionsevneniveauCode', { description: 'The new level on the goal\'s primary sub-theme' }),
    borgerensVurdering: Vurdering('Borgerens'),
    udfoerersVurdering: Vurdering('Udførers'),
    sagsbehandlersVurdering: Vurdering('Sagsbehandlers'),
    maalOpnaaet: Type.Boolean({ description: 'Whether the goal was achieved' })
  }, { additionalProperties: false }), { maxItems: 100, description: 'Exactly one entry for each goal of the decision' }),
  stoettebehov: Type.Object({
    code: CodeRef('StoettebehovCode'),
    begrundelse: Type.String({ minLength: 1, maxLength: 10_000 })
  }, { additionalProperties: false, description: 'The new støttebehov: required even when unchanged' }),
  naesteOpfoelgningsdato: Type.Optional(Day('With "fortsættelse" (required then, refused otherwise): when the goals are next due for a follow-up; after the opfølgningsdato')),
  statusPaaIndsats: CodeRef('StatusPaaIndsatsCode', {
    description: 'Afslutning ends the decision\'s interventions (open ydelser end on the opfølgningsdato) and closes it; ' +
      'afslutning og visitér til ny does the same and marks that a new decision is expected; fortsættelse keeps it open'
  })
}, {
  additionalProperties: false,
  examples: [{
    registeredAt: '2023-06-01T10:00:00+02:00',
    maal: [{
      goalId: '6a1f2c3e-8d4b-4e5f-9a7b-1c2d3e4f5a6b',
      funktionsevneniveau: 'b508ff66-6326-4862-a6d7-7bbf184c9823',
      borgerensVurdering: 'Jeg betaler selv mine regninger nu.',
      udfoerersVurdering: 'Har klaret økonomien selv i tre måneder.',
      sagsbehandlersVurdering: 'Målet er nået.',
      maalOpnaaet: true
    }],
    stoettebehov: { code: 'ae9f388a-91c3-46cf-af55-f81952f2977c', begrundelse: 'Klarer sig uden støtte.' },
    statusPaaIndsats: 'd7d03656-4c87-4e67-9146-aa5990460f16'
  }]
})

const Text = Type.Union([Type.String(), Type.Null()])

export const FollowUp = Type.Object({
  id: Uuid,
  decisionId: Uuid,
  caseId: Uuid,
  opfoelgningsdato: Type.String({ format: 'date' }),
  registeredAt: Type.String({ format: 'date-time' }),
  maal: Type.Array(Type.Object({
    goalId: Uuid,
    registrationId: Type.String({ format: 'uuid', description: 'The A&D registration the new level was stored as' }),
    funktionsevneniveau: Type.Object({
      code: Type.String(),
      label: Type.Union([Type.String(), Type.Null()]),
      level: Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()])
    }),
    borgerensVurdering: Text,
    udfoerersVurdering: Text,
    sagsbehandlersVurdering: Text,
    maalOpnaaet: Type.Boolean()
  })),
  stoettebehov: Type.Object({
    id: Uuid,
    code: Type.String(),
    label: Type.Union([Type.String(), Type.Null()]),
    level: Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()]),
    begrundelse: Type.String()
  }),
  statusPaaIndsats: Type.Ref('Coded'),
  naesteOpfoelgningsdato: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'When the goals are next due (fortsættelse)' }),
  version: Type.Integer({ minimum: 1, description: 'Moves on every correction; the ETag is derived from it' }),
  createdAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { $id: 'FollowUp', description: 'An opfølgning on a decision' })
export type FollowUp = Static<typeof FollowUp>

const Correctable = (who: string) => Type.Optional(Type.Union([FreeText(`${who} vurdering`), Type.Null()]))

export const FollowUpPatch = Type.Object({
  maal: Type.Optional(Type.Array(Type.Object({
    goalId: Type.String({ format: 'uuid', description: 'A goal of the follow-up; goals not named keep what they have' }),
    funktionsevneniveau: Type.Optional(CodeRef('FunktionsevneniveauCode', {
      description: 'The corrected level on the goal\'s primary sub-theme (a new version of the registration the follow-up made; ' +
        'goals sharing a sub-theme share it); checked against the catalog in force on the opfølgningsdato'
    })),
    borgerensVurdering: Correctable('Borgerens'),
    udfoerersVurdering: Correctable('Udførers'),
    sagsbehandlersVurdering: Correctable('Sagsbehandlers'),
    maalOpnaaet: Type.Optional(Type.Boolean({ description: 'Whether the goal was achieved' }))
  }, { additionalProperties: false, minProperties: 2 }), { maxItems: 100, description: 'The goals to correct, each at most once' })),
  naesteOpfoelgningsdato: Type.Optional(Day('Only for a follow-up that continued the intervention: the corrected next follow-up date, after the opfølgningsdato')),
  statusPaaIndsats: Type.Optional(CodeRef('StatusPaaIndsatsCode', {
    description: 'Not correctable: the status decided whether the course ended. Sending the stored status is accepted; another is a 422 ' +
      '(status-not-correctable)'
  })),
  reason: Type.Optional(FreeText('Why the follow-up is corrected (e.g. "fejlregistrering"); kept with the version'))
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'A correction: the follow-up was recorded wrong. Its date, støttebehov and status på indsats stay; every version is kept (…/versions).',
  examples: [{
    maal: [{ goalId: '6a1f2c3e-8d4b-4e5f-9a7b-1c2d3e4f5a6b', funktionsevneniveau: '8328ce4a-6238-4f73-bf1a-74aadb68eff8', maalOpnaaet: false }],
    reason: 'fejlregistrering'
  }]
})

export const FollowUpVersionList = VersionList(Type.Object({
  maal: Type.Array(Type.Object({
    goalId: Uuid,
    funktionsevneniveau: Text,
    borgerensVurdering: Text,
    udfoerersVurdering: Text,
    sagsbehandlersVurdering: Text,
    maalOpnaaet: Type.Boolean()
  })),
  naesteOpfoelgningsdato: Type.Union([Type.String({ format: 'date' }), Type.Null()])
}, { description: 'The follow-up\'s correctable fields in this version' }))

export const FollowUpParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The decision (our id)' }),
  followUpId: Type.String({ format: 'uuid' })
})

export const DueQuery = Type.Object({
  kommunekode: Type.Optional(Kommunekode),
  date: Type.Optional(Day('Due on or before this day (default today in Denmark)')),
  ...PageQuery
}, { additionalProperties: false })

export const DueGoal = Type.Object({
  goalId: Uuid,
  caseId: Uuid,
  kommunekode: Kommunekode,
  opfoelgningsdato: Type.String({ format: 'date', description: 'When the follow-up was due: the goal\'s own date, or the next date a "fortsættelse" follow-up set' }),
  ansvarligForOpfoelgning: Type.String(),
  primaertUndertema: Type.Ref('Coded'),
  decisions: Type.Array(Type.Object({ id: Uuid, sagsafgoerelsesId: Type.String() }), {
    description: 'The open decisions covering the goal, each awaiting a follow-up (none: the goal awaits a decision)'
  })
}, { description: 'A goal whose follow-up date has passed without a follow-up' })
