import Type, { type Static } from 'typebox'
import { FreeText, Instant, Kommunekode, Uuid } from '../http/fields.js'
import { PageQuery } from '../http/paging.js'
import { Cpr } from './cpr.js'

/** Phase 1 of VUM 2.0, sagsåbning: the case of one citizen in one municipality. */

const BorgerensOensker = Type.Union([FreeText('Borgerens ønsker for fremtiden, in the citizen\'s own words'), Type.Null()])
const Diagnoser = Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), {
  maxItems: 100,
  description: 'Borgerens lægefaglige diagnoser, each a free text entry. Kept out of the functional assessment; used later to choose target groups.'
})

/**
 * The municipality's own case number (its case management system's), as
 * the citizen's letters quote it; surrounding whitespace is removed. Not
 * our id: that is `id`.
 */
export const SagsnummerInput = Type.String({
  minLength: 1,
  maxLength: 64,
  // Printable characters with at least one that is not a space; no control characters.
  pattern: '^[^\\x00-\\x1F\\x7F]*[^\\s\\x00-\\x1F\\x7F][^\\x00-\\x1F\\x7F]*$',
  description: 'The municipality\'s own sagsnummer for the case (from its case management system): up to 64 printable characters, ' +
    'surrounding whitespace removed; unique within the municipality (409 otherwise)',
  examples: ['Sag154689']
})

/** The path of everything on a case: /v1/cases/{id}/… */
export const CaseParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The case' }) })

export const Case = Type.Object({
  id: Uuid,
  kommunekode: Kommunekode,
  cpr: Type.Union([Type.String({ pattern: '^[0-9]{10}$' }), Type.Null()], {
    description: 'CPR number without hyphen; null once the case was anonymised (anonymisedAt)',
    examples: ['0101904321']
  }),
  sagsnummer: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
    description: 'The municipality\'s own sagsnummer for the case, unique within the municipality; null until it is given. KL\'s FHIR ' +
      'delivery reports it as the municipalityCaseNumber.',
    examples: ['Sag154689']
  }),
  borgerensOensker: BorgerensOensker,
  diagnoser: Diagnoser,
  openedAt: Type.String({ format: 'date-time', description: 'When the case was opened (sagsåbning)' }),
  version: Type.Integer({ minimum: 1, description: 'Counts changes to the case\'s own fields; the ETag names it' }),
  createdAt: Instant,
  updatedAt: Type.String({ format: 'date-time', description: 'Last change to the case\'s own fields' }),
  anonymisedAt: Type.Optional(Type.String({
    format: 'date-time',
    description: 'Only on a case anonymised under its municipality\'s retention policy (README, "Retention"): when. Its CPR number, ' +
      'free texts, notes\' and delmål\'s texts and diagnoses are gone, its codes and dates kept; it no longer changes (409 anonymised) ' +
      'and is in no uddata or FHIR delivery.'
  }))
}, { $id: 'Case', description: 'A case (sag): one citizen in one municipality' })
export type Case = Static<typeof Case>

const citizenX = {
  kommunekode: '101',
  cpr: '010190-4321',
  borgerensOensker: 'Jeg vil gerne selv kunne styre min økonomi og betale mine regninger til tiden.',
  diagnoser: ['ADHD'],
  openedAt: '2023-01-01T09:00:00+01:00'
}

export const CaseCreate = Type.Object({
  kommunekode: Kommunekode,
  cpr: Cpr,
  // Not in the body's example: "Try it out" may send it twice, and a sagsnummer is unique (the field shows its own example).
  sagsnummer: Type.Optional(SagsnummerInput),
  borgerensOensker: Type.Optional(BorgerensOensker),
  diagnoser: Type.Optional(Diagnoser),
  openedAt: Type.Optional(Type.String({
    format: 'date-time',
    description: 'When the case was opened; default now. An earlier instant migrates history; a future one is refused.'
  }))
}, { additionalProperties: false, examples: [citizenX] })

export const CasePatch = Type.Object({
  sagsnummer: Type.Optional(Type.Union([SagsnummerInput, Type.Null()])),
  borgerensOensker: Type.Optional(BorgerensOensker),
  diagnoser: Type.Optional(Diagnoser)
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'The fields to change; the others keep their value. null clears sagsnummer or borgerensOensker.',
  examples: [{ diagnoser: ['ADHD', 'Angst'] }, { sagsnummer: 'Sag154689' }]
})

export const CaseSearch = Type.Object({
  cpr: Cpr,
  kommunekode: Type.Optional(Kommunekode)
}, { additionalProperties: false, examples: [{ cpr: '0101904321' }] })

export const CaseListQuery = Type.Object({
  kommunekode: Type.Optional(Kommunekode),
  sagsnummer: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'The case with this sagsnummer (exact match, surrounding whitespace ignored) in the municipalities this client serves; ' +
      'with kommunekode, in that one',
    examples: ['Sag154689']
  })),
  openedSince: Type.Optional(Type.String({ format: 'date-time', description: 'Cases opened at or after this instant' })),
  changedSince: Type.Optional(Type.String({
    format: 'date-time',
    description: 'Cases where anything — the case or a registration on it — changed at or after this instant'
  })),
  ...PageQuery
}, { additionalProperties: false })
