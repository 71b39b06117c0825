import Type, { type Static } from 'typebox'

/**
 * The files in `catalogs/`: `lists.json` says which lists exist and how the
 * importer derives them; `<list>/<version>.json` is one version of a list.
 * Described in catalogs/README.md.
 */

/** A calendar day, YYYY-MM-DD (TypeBox's date format refuses 2023-02-30). */
export const IsoDate = Type.String({ format: 'date' })

export const ListDefinition = Type.Object({
  id: Type.String({ pattern: '^[a-z][a-z0-9-]*$' }),
  title: Type.String({ minLength: 1 }),
  /** Official code of the list's root concept; absent for lists of our own. */
  root: Type.Optional(Type.String({ minLength: 1 })),
  own: Type.Optional(Type.Boolean()),
  /** Numeric level by official label (null: "ikke vurderet"); every entry needs one. */
  level: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()]))),
  /** Legal basis by the label of an entry or its nearest ancestor. */
  legalBasis: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
  /** Labels whose entries and descendants are opholdsydelser / botilbud. */
  opholdsydelse: Type.Optional(Type.Array(Type.String())),
  botilbud: Type.Optional(Type.Array(Type.String())),
  /** Labels of the top-level målgrupper (reported when there is no diagnosis). */
  topLevel: Type.Optional(Type.Array(Type.String()))
}, { additionalProperties: false })
export type ListDefinition = Static<typeof ListDefinition>

export const ListsFile = Type.Object({
  $comment: Type.Optional(Type.String()),
  lists: Type.Array(ListDefinition, { minItems: 1 })
}, { additionalProperties: false })

export const CatalogEntry = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 100 }),
  label: Type.String({ minLength: 1 }),
  parent: Type.Union([Type.String(), Type.Null()], { description: 'Code of the parent entry; null at the top' }),
  selectable: Type.Boolean({ description: 'Whether registrations may use this code (false: a grouping such as an overtema)' }),
  level: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()], {
    description: 'Funktionsevneniveau / støttebehov 0–4; null for "ikke vurderet"'
  })),
  legalBasis: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Legal basis, e.g. "SEL § 85"' })),
  opholdsydelse: Type.Optional(Type.Boolean()),
  botilbud: Type.Optional(Type.Boolean()),
  topLevel: Type.Optional(Type.Boolean({ description: 'A top-level målgruppe (reported when there is no diagnosis)' })),
  /** dst-mapping only: when the tilbud and ydelser of an intervention derive this code. */
  when: Type.Optional(Type.Object({
    tilbud: Type.Array(Type.String(), { minItems: 1 }),
    ydelseLegalBasis: Type.Optional(Type.String())
  }, { additionalProperties: false })),
  kontoplan: Type.Optional(Type.Object({ function: Type.String(), label: Type.String() }, { additionalProperties: false }))
}, { additionalProperties: false })
export type CatalogEntry = Static<typeof CatalogEntry>

export const CatalogSource = Type.Object({
  format: Type.Union([Type.Literal('fhir-codesystem'), Type.Literal('fk-facet-csv'), Type.Literal('own')]),
  file: Type.String(),
  sha256: Type.Optional(Type.String()),
  system: Type.Optional(Type.String()),
  version: Type.Optional(Type.String())
}, { additionalProperties: false })

export const CatalogFile = Type.Object({
  catalog: Type.String(),
  title: Type.String(),
  version: Type.String({ pattern: '^[A-Za-z0-9._-]+$' }),
  validFrom: IsoDate,
  validTo: Type.Union([IsoDate, Type.Null()], { description: 'Last day in force; null while current' }),
  source: CatalogSource,
  entries: Type.Array(CatalogEntry, { minItems: 1 })
}, { additionalProperties: false })
export type CatalogFile = Static<typeof CatalogFile>
