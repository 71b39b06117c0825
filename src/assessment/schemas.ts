import Type, { type Static } from 'typebox'
import { FreeText, Instant, Uuid } from '../http/fields.js'

/** Phase 3 of VUM 2.0, vurdering: the caseworker's assessment of the case, one per case, versioned. */

const SamletVurdering = Type.Union([FreeText('Vurdering af borgerens samlede situation'), Type.Null()])
const Indsatsformaal = Type.Union([FreeText('Indsatsformål: the overall purpose of the intervention'), Type.Null()])

export const AssessmentPut = Type.Object({
  samletVurdering: SamletVurdering,
  indsatsformaal: Indsatsformaal
}, {
  additionalProperties: false,
  examples: [{
    samletVurdering: 'Borgeren har i perioder svært ved at varetage sin økonomi og har rykkere for husleje.',
    indsatsformaal: 'At borgeren kan betale sine faste udgifter selv.'
  }]
})

export const Assessment = Type.Object({
  caseId: Uuid,
  samletVurdering: SamletVurdering,
  indsatsformaal: Indsatsformaal,
  version: Type.Integer({ minimum: 1 }),
  createdAt: Instant,
  updatedAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, { $id: 'Assessment', description: 'The assessment (vurdering) of a case' })
export type Assessment = Static<typeof Assessment>
