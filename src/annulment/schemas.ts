import Type, { type Static } from 'typebox'
import { Instant, Uuid } from '../http/fields.js'

/** Why a record was annulled (entered in error). */
export const ANNULMENT_REASONS = {
  fejlregistrering: 'Fejlregistrering: recorded by mistake',
  'omgjort-efter-klage': 'Omgjort efter klage: reversed on appeal',
  dublet: 'Dublet: recorded twice'
} as const
export type AnnulmentReason = keyof typeof ANNULMENT_REASONS

const Reason = Type.Union([Type.Literal('fejlregistrering'), Type.Literal('omgjort-efter-klage'), Type.Literal('dublet')], {
  description: Object.entries(ANNULMENT_REASONS).map(([code, text]) => `\`${code}\`: ${text}`).join('; '),
  'x-enum-descriptions': Object.values(ANNULMENT_REASONS)
})

/** The kinds of record that can be annulled, as they are named in an annulment's answer and in the audit trail. */
export const ANNULLABLE_KINDS = ['registration', 'assessment', 'goal', 'decision', 'stoettebehov', 'intervention', 'ydelse', 'delmaal', 'note', 'follow-up'] as const
export type AnnullableKind = (typeof ANNULLABLE_KINDS)[number]
const Kind = Type.Unsafe<AnnullableKind>({ type: 'string', enum: [...ANNULLABLE_KINDS] })

export const AnnulmentRequest = Type.Object({
  reason: Reason,
  comment: Type.Optional(Type.String({ maxLength: 10_000, description: 'Why, in the caseworker\'s words' })),
  cascade: Type.Optional(Type.Boolean({
    default: false,
    description: 'Annul the records that rely on this one too (a goal relying on a registration, a decision covering a goal, ' +
      'a note on a delmål, …). Without it, annulling a record others rely on is refused (409) and the answer names them.'
  }))
}, {
  additionalProperties: false,
  examples: [{ reason: 'omgjort-efter-klage', comment: 'Ankestyrelsen omgjorde afgørelsen' }]
})
export type AnnulmentRequest = Static<typeof AnnulmentRequest>

/** The query parameter of a history list: annulled records too, each with its `annulment` marker. */
export const IncludeAnnulled = {
  includeAnnulled: Type.Optional(Type.Boolean({
    default: false,
    description: 'Also the records annulled (entered in error), each with its `annulment` marker; by default they have left the list'
  }))
}

/** The query of a whole (unpaged) history list. */
export const IncludeAnnulledQuery = Type.Object(IncludeAnnulled, { additionalProperties: false })

/** Present on a record that was annulled: it has left every list, delivery and worklist, and cannot change. */
export const AnnulmentMarker = Type.Object({
  annulledAt: Instant,
  reason: Reason,
  comment: Type.Union([Type.String(), Type.Null()])
}, { $id: 'AnnulmentMarker', description: 'Set when the record was annulled (entered in error); absent otherwise' })
export type AnnulmentMarker = Static<typeof AnnulmentMarker>

export const Annulment = Type.Object({
  resourceType: Kind,
  id: Uuid,
  annulment: AnnulmentMarker,
  annulled: Type.Array(Type.Object({ resourceType: Kind, id: Uuid }), {
    description: 'Every record annulled by this request: the record itself first, then its parts (a decision\'s interventions, ' +
      'ydelser, støttebehov and follow-ups; a follow-up\'s levels and støttebehov) and, with cascade, the records relying on it'
  })
}, {
  $id: 'Annulment',
  examples: [{
    resourceType: 'decision',
    id: '0f8e7a1c-33f4-4b0e-9a53-2f4f6a0c9b11',
    annulment: { annulledAt: '2026-03-02T09:15:00.000Z', reason: 'omgjort-efter-klage', comment: 'Ankestyrelsen omgjorde afgørelsen' },
    annulled: [{ resourceType: 'decision', id: '0f8e7a1c-33f4-4b0e-9a53-2f4f6a0c9b11' }]
  }]
})
export type Annulment = Static<typeof Annulment>
