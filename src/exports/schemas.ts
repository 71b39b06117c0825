import Type, { type Static, type TSchema } from 'typebox'
import { AnnulmentMarker } from '../annulment/schemas.js'
import { Dst } from '../decisions/schemas.js'
import { Kommunekode, Uuid } from '../http/fields.js'

/**
 * The FFB uddata document of one decision (sagsafgørelse): the blocks and
 * elements of the uddata specification, named in ASCII camelCase after the
 * spec's Danish names (æ→ae, ø→oe, å→aa), each described as the spec does.
 */

const Coded = Type.Ref('Coded')
const Leveled = Type.Object({
  code: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  level: Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()], { description: '0–4; null for "Ikke vurderet"' })
})
const Stamp = (description: string): TSchema => Type.String({ format: 'date-time', description })
const BLOCK_STAMP = 'Datostempel: when the block was created at the data supplier (the registration time)'
const SagsafgoerelsesId = Type.String({ description: 'SagsafgørelsesID: the unique id of the decision; the vendor chooses how it is generated' })
const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description })

export const UddataDocument = Type.Object({
  sagsafgoerelsesId: SagsafgoerelsesId,
  decisionId: Type.String({ format: 'uuid', description: 'Our id of the decision' }),
  caseId: Uuid,
  kommunekode: Kommunekode,
  stamdata: Type.Object({
    cprNr: Type.String({ pattern: '^[0-9]{10}$', description: 'CPR-nr.: the citizen\'s valid CPR number, without hyphen' }),
    kommunekode: Type.String({ pattern: '^[0-9]{3}$', description: 'Kommune: the municipality of the case', examples: ['101'] })
  }, { description: 'Stamdata: the case (the seed\'s "Sag": CPR and Kommune)' }),
  funktionerOgForhold: Type.Array(Type.Object({
    undertemaFunktionerEllerForhold: Type.Ref('Coded', { description: 'The F&F sub-theme' }),
    datostempel: Stamp(BLOCK_STAMP)
  }), { description: 'Funktioner og forhold: every registration of the case, history included, oldest first' }),
  omgivelser: Type.Array(Type.Object({
    undertemaOmgivelser: Type.Ref('Coded', { description: 'The environment sub-theme' }),
    datostempel: Stamp(BLOCK_STAMP)
  }), { description: 'Omgivelser: every registration, oldest first' }),
  aktivitetOgDeltagelse: Type.Array(Type.Object({
    undertemaAktivitetOgDeltagelse: Type.Ref('Coded', { description: 'The A&D sub-theme' }),
    funktionsevneniveau: Type.Object(Leveled.properties, { description: 'The level on that sub-theme' }),
    datostempel: Stamp(BLOCK_STAMP)
  }), { description: 'Aktivitet og deltagelse: every registration, with its level, oldest first (a follow-up adds one)' }),
  stoettebehov: Type.Array(Type.Object({
    stoettebehovsvurdering: Type.Object(Leveled.properties, { description: 'The assessed level; one or more per decision' }),
    sagsafgoerelsesId: SagsafgoerelsesId,
    datostempelForStoettebehovsvurdering: Stamp('When the støttebehov was assessed')
  }), { description: 'Støttebehov: the decision\'s and one per follow-up' }),
  indsatsmaal: Type.Array(Type.Object({
    primaertUndertemaPaaAktivitetOgDeltagelse: Type.Ref('Coded', { description: 'Exactly one primary A&D sub-theme' }),
    maaltype: Coded,
    forventetFunktionsevneniveau: Type.Object(Leveled.properties, { description: 'The expected level' }),
    datostempelForRegistreringAfIndsatsmaal: Stamp('When the goal was registered'),
    opfoelgningsdato: Type.String({
      format: 'date',
      description: 'Opfølgningsdato: the goal\'s own follow-up date, as the seed\'s table gives it per indsatsmål (the decision\'s own ' +
        'opfoelgningsdato, which the table has no place for, is on the decision)',
      examples: ['2023-06-01']
    }),
    andreRelateredeUndertemaerPaaAktivitetOgDeltagelse: Type.Array(Coded, { description: 'Other related A&D sub-themes' })
  }), { description: 'Indsatsmål: the goals the decision covers' }),
  maalgruppe: Type.Object({
    primaerMaalgruppe: Type.Ref('Coded', { description: 'Top level only if the citizen has no diagnosis' }),
    oevrigeMaalgrupper: Type.Array(Coded, { description: 'Likewise' }),
    datostempelForRegistreringAfMaalgrupper: Stamp('When the målgrupper were registered'),
    sagsafgoerelsesId: SagsafgoerelsesId
  }, { description: 'Målgruppe' }),
  socialIndsats: Type.Array(Type.Object({
    ydelser: Type.Array(Type.Object({
      ydelse: Coded,
      legalBasis: Type.Union([Type.String(), Type.Null()], { description: 'e.g. "SEL § 85"' }),
      startDatoForYdelse: Type.String({ format: 'date', description: 'Expected start, one per service (not the invoicing or move-in date)' }),
      slutDatoForYdelse: Nullable(Type.String({ format: 'date' }), 'Expected end, optional, one per service'),
      datostempelForRegistreringAfYdelse: Stamp('One per service')
    }), { description: 'Ydelser: the services in the intervention' }),
    udfoerendeTilbudstype: Type.Ref('Coded', { description: 'Only one provider type per intervention' }),
    datostempelForRegistreringAfUdfoerendeTilbud: Stamp('When the tilbud was registered'),
    produktionsenhedsnummer: Nullable(Type.String(), 'P-nummer of the concrete provider'),
    cvrNr: Nullable(Type.String(), 'CVR-nr., if no P-nummer'),
    produktionsEnhedsNavn: Nullable(Type.String(), 'If no P-nummer'),
    produktionsEnhedsAdresse: Nullable(Type.String(), 'If no P-nummer'),
    produktionsEnhedsPostnummer: Nullable(Type.String(), 'If no P-nummer'),
    sagsafgoerelsesId: SagsafgoerelsesId,
    datostempelForBevillingsdato: Type.String({ format: 'date', description: 'When the intervention was registered as granted' }),
    dst: Dst
  }), { description: 'Social indsats: the interventions of the decision' }),
  indberetningsklar: Type.Boolean({ description: 'Whether the decision meets the reporting rules in force (mangler lists what does not)' }),
  mangler: Type.Array(Type.Object({
    rule: Type.String({ examples: ['funktioner-og-forhold'] }),
    message: Type.String()
  }), { description: 'What keeps the decision from being reportable' }),
  changedAt: Type.String({ format: 'date-time', description: 'The latest change to the decision or its case' })
}, { $id: 'UddataDocument', description: 'The FFB uddata blocks of one decision' })
export type UddataDocument = Static<typeof UddataDocument>

/** A decision annulled since changedSince: a BI system deletes what it holds under this sagsafgoerelsesId. */
export const UddataTombstone = Type.Object({
  sagsafgoerelsesId: SagsafgoerelsesId,
  decisionId: Type.String({ format: 'uuid', description: 'Our id of the decision' }),
  kommunekode: Kommunekode,
  annulled: Type.Literal(true),
  annulledAt: Type.String({ format: 'date-time' }),
  reason: AnnulmentMarker.properties.reason
}, { description: 'A tombstone: the decision was annulled (entered in error) and has no uddata document any more' })
export type UddataTombstone = Static<typeof UddataTombstone>

export const ExportQuery = Type.Object({
  kommunekode: Type.Optional(Kommunekode),
  changedSince: Type.Optional(Type.String({ format: 'date-time', description: 'Decisions where any block changed at or after this instant: the daily delta' })),
  indberetningsklar: Type.Optional(Type.Boolean({ description: 'false: the worklist of decisions not yet reportable' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The trailer\'s cursor of an interrupted stream: continue after the last decision it delivered' }))
}, { additionalProperties: false })

const Trailer = Type.Object({
  trailer: Type.Literal(true),
  count: Type.Integer({ description: 'Documents in this stream' }),
  cursor: Type.String({
    description: 'Pass as ?cursor= to continue after the last decision of this stream: the decisions made since. Changes to ' +
      'decisions already delivered (follow-ups, new registrations) come with changedSince, the daily delta.'
  }),
  complete: Type.Literal(true)
}, { description: 'The last line: the stream ended normally' })

/** One line of GET /v1/exports/uddata: a decision's document with its cursor, or the trailer. */
export const UddataExportLine = Type.Union([
  Type.Object({
    ...UddataDocument.properties,
    cursor: Type.String({ description: 'Pass as ?cursor= to continue after this decision, e.g. when the stream broke off' })
  }, { description: 'One decision\'s uddata document, and where to resume after it' }),
  Type.Object({ ...UddataTombstone.properties, cursor: Type.String({ description: 'Pass as ?cursor= to continue after this decision' }) }, {
    description: 'A decision annulled since changedSince (a tombstone), and where to resume after it'
  }),
  Trailer
], { $id: 'UddataExportLine', description: 'One line of the uddata stream: a decision\'s document, a tombstone of one annulled since changedSince, or the trailer that ends the stream' })
