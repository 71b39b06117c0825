import Type, { type Static, type TSchema } from 'typebox'
import { IncludeAnnulled } from '../annulment/schemas.js'
import { codeSchemaId } from '../catalogs/catalogs.js'
import { CodeRef, FreeText, Instant, Uuid } from '../http/fields.js'
import { PageQuery } from '../http/paging.js'
import { VersionList } from '../versions/schemas.js'

/**
 * Phase 2 of VUM 2.0, oplysning: registrations of sub-themes in the three
 * investigated themes. Funktioner og forhold and Omgivelsesfaktorer are
 * highlighted without a level; Aktivitet og deltagelse carries a
 * funktionsevneniveau. Each theme has its own endpoint and body schema, so a
 * code of the wrong list or a level where none belongs fails the schema.
 */

export interface Theme {
  /** The catalog list and the URL segment. */
  id: 'funktioner-og-forhold' | 'omgivelsesfaktorer' | 'aktivitet-og-deltagelse'
  /** The property of the current view. */
  key: 'funktionerOgForhold' | 'omgivelsesfaktorer' | 'aktivitetOgDeltagelse'
  /** The noun of its operationIds (registerFunktionerOgForhold, …): stable, as generated clients name methods by them. */
  operation: 'FunktionerOgForhold' | 'Omgivelsesfaktorer' | 'AktivitetOgDeltagelse'
  title: string
  withLevel: boolean
  example: Record<string, unknown>
}

// The seeds' worked example: citizen X, investigated on 1 January 2023.
export const THEMES: readonly Theme[] = [
  {
    id: 'funktioner-og-forhold',
    key: 'funktionerOgForhold',
    operation: 'FunktionerOgForhold',
    title: 'Funktioner og forhold',
    withLevel: false,
    example: {
      undertema: '9c2173e6-6465-44d3-af16-7c44059193b2',
      oplysningerFraBorgeren: 'Har svært ved at overskue sine regninger og glemmer aftaler.',
      sagsbehandlersBemaerkninger: 'Organisering og planlægning er relevant for indsatsen.',
      registeredAt: '2023-01-01T10:00:00+01:00'
    }
  },
  {
    id: 'omgivelsesfaktorer',
    key: 'omgivelsesfaktorer',
    operation: 'Omgivelsesfaktorer',
    title: 'Omgivelsesfaktorer',
    withLevel: false,
    example: {
      undertema: 'df194a84-6e4b-4f14-a194-d8d9d9a1fcad',
      oplysningerFraAndre: 'Søsteren hjælper i dag med at åbne post.',
      registeredAt: '2023-01-01T10:00:00+01:00'
    }
  },
  {
    id: 'aktivitet-og-deltagelse',
    key: 'aktivitetOgDeltagelse',
    operation: 'AktivitetOgDeltagelse',
    title: 'Aktivitet og deltagelse',
    withLevel: true,
    example: {
      undertema: '70443014-3faf-402d-abcf-396bfad32eb9',
      funktionsevneniveau: '5bdde847-2837-416b-ab63-bbff8b7aa531',
      oplysningerFraBorgeren: 'Betaler i perioder sine regninger selv.',
      oplysningerFraAndre: 'Bostøtten oplyser om rykkere for husleje.',
      sagsbehandlersBemaerkninger: 'Varetage økonomi vurderes til moderat nedsat funktionsevne (niveau 2).',
      registeredAt: '2023-01-01T10:00:00+01:00'
    }
  }
]

const texts = {
  oplysningerFraBorgeren: FreeText('Oplysninger fra borgeren: the citizen\'s own account of resources and challenges'),
  oplysningerFraAndre: FreeText('Oplysninger fra andre: from doctors, relatives, providers'),
  sagsbehandlersBemaerkninger: FreeText('Sagsbehandlers bemærkninger: the caseworker\'s remarks')
}

const RegisteredAt = Type.String({
  format: 'date-time',
  description: 'Datostempel: when in the citizen\'s course the sub-theme was registered. Default now; an earlier ' +
    'instant migrates history; a future one is refused. The codes are checked against the catalog version in force ' +
    'on this day (Danish time).'
})

const undertemaOf = (theme: Theme) => CodeRef(codeSchemaId(theme.id), { description: `A sub-theme (undertema) of ${theme.title}` })
const registrationFields = {
  oplysningerFraBorgeren: Type.Optional(texts.oplysningerFraBorgeren),
  oplysningerFraAndre: Type.Optional(texts.oplysningerFraAndre),
  sagsbehandlersBemaerkninger: Type.Optional(texts.sagsbehandlersBemaerkninger),
  registeredAt: Type.Optional(RegisteredAt)
}

/** The body of a registration: A&D sub-themes carry a funktionsevneniveau, the other themes none (sending one is a 400). */
export function registrationBody (theme: Theme) {
  const options = { additionalProperties: false, examples: [theme.example] }
  return theme.withLevel
    ? Type.Object({
      undertema: undertemaOf(theme),
      funktionsevneniveau: CodeRef(codeSchemaId('funktionsevneniveau'), { description: 'The level, 0–4 or "Ikke vurderet"' }),
      ...registrationFields
    }, { ...options, description: `Registers a ${theme.title} sub-theme with its funktionsevneniveau` })
    : Type.Object({ undertema: undertemaOf(theme), ...registrationFields }, { ...options, description: `Registers a ${theme.title} sub-theme; these carry no level (sending one is a 400)` })
}

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const Registration = Type.Object({
  id: Uuid,
  caseId: Uuid,
  theme: Type.Union([Type.Literal('funktioner-og-forhold'), Type.Literal('omgivelsesfaktorer'), Type.Literal('aktivitet-og-deltagelse')]),
  undertema: Type.Ref('Coded'),
  overtema: Nullable(Type.Ref('Coded')),
  funktionsevneniveau: Nullable(Type.Object({
    code: Type.String(),
    label: Type.Union([Type.String(), Type.Null()]),
    level: Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()], { description: '0–4; null for "Ikke vurderet"' })
  }, { description: 'Aktivitet og deltagelse only; null for the other themes' })),
  oplysningerFraBorgeren: Nullable(texts.oplysningerFraBorgeren),
  oplysningerFraAndre: Nullable(texts.oplysningerFraAndre),
  sagsbehandlersBemaerkninger: Nullable(texts.sagsbehandlersBemaerkninger),
  registeredAt: Type.String({ format: 'date-time', description: 'Datostempel' }),
  catalogVersion: Type.String({ description: 'The catalog version the codes were checked against' }),
  followUpId: Type.Union([Uuid, Type.Null()], { description: 'Set when a follow-up registered this level (GET /v1/decisions/{id}/follow-ups/{followUpId})' }),
  version: Type.Integer({ minimum: 1, description: 'Moves on every correction; the ETag is derived from it' }),
  createdAt: Instant,
  annulment: Type.Optional(Type.Ref('AnnulmentMarker'))
}, {
  $id: 'Registration',
  description: 'One registration of a sub-theme (udredning). Registrations are history: a new assessment is a new registration; ' +
    'one recorded wrong is corrected (PATCH, every version kept)'
})
export type Registration = Static<typeof Registration>

export const CurrentView = Type.Object({
  caseId: Uuid,
  at: Type.String({ format: 'date-time', description: 'The instant the view is for' }),
  ...Object.fromEntries(THEMES.map((t) => [t.key, Type.Array(Type.Ref('Registration'), {
    description: `The latest registration of each ${t.title} sub-theme`
  })]))
}, { description: 'The investigation as it stands: the latest registration per sub-theme' })

export const CurrentQuery = Type.Object({
  at: Type.Optional(Type.String({ format: 'date-time', description: 'The view as of this instant (default now)' }))
}, { additionalProperties: false })

export const HistoryQuery = Type.Object({
  undertema: Type.Optional(Type.String({ maxLength: 100, description: 'Only this sub-theme' })),
  ...IncludeAnnulled,
  ...PageQuery
}, { additionalProperties: false })

const Reason = FreeText('Why the registration is corrected (e.g. "fejlregistrering"); kept with the version')

/**
 * The body of a correction: the registration was recorded wrong. Only A&D
 * carries a level (sending one to another theme is a 400); texts are
 * cleared with null.
 */
export function registrationPatch (theme: Theme) {
  const fields = {
    undertema: Type.Optional(undertemaOf(theme)),
    registeredAt: Type.Optional(Type.String({
      format: 'date-time',
      description: 'The corrected datostempel; never in the future. The codes are checked against the catalog in force on its day.'
    })),
    oplysningerFraBorgeren: Type.Optional(Nullable(texts.oplysningerFraBorgeren)),
    oplysningerFraAndre: Type.Optional(Nullable(texts.oplysningerFraAndre)),
    sagsbehandlersBemaerkninger: Type.Optional(Nullable(texts.sagsbehandlersBemaerkninger)),
    reason: Type.Optional(Reason)
  }
  const options = {
    additionalProperties: false,
    minProperties: 1,
    description: `A correction of a ${theme.title} registration recorded wrong: it keeps its id, and every version is kept (…/versions). ` +
      'A new assessment of the sub-theme is a new registration (POST), not a correction.'
  }
  return theme.withLevel
    ? Type.Object({
      ...fields,
      funktionsevneniveau: Type.Optional(CodeRef(codeSchemaId('funktionsevneniveau'), { description: 'The level, 0–4 or "Ikke vurderet"' }))
    }, { ...options, examples: [{ funktionsevneniveau: '8328ce4a-6238-4f73-bf1a-74aadb68eff8', reason: 'fejlregistrering' }] })
    : Type.Object(fields, {
      ...options,
      examples: [{ oplysningerFraAndre: 'Søsteren hjælper i dag med at åbne post og betale regninger.', reason: 'fejlregistrering' }]
    })
}

export const RegistrationVersionList = VersionList(Type.Object({
  undertema: Type.String(),
  funktionsevneniveau: Nullable(Type.String()),
  registeredAt: Type.String({ format: 'date-time' }),
  oplysningerFraBorgeren: Nullable(Type.String()),
  oplysningerFraAndre: Nullable(Type.String()),
  sagsbehandlersBemaerkninger: Nullable(Type.String())
}, { description: 'The registration\'s correctable fields in this version' }))

export const RegistrationParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The case' }),
  registrationId: Type.String({ format: 'uuid' })
})
