import Type from 'typebox'

/** Field schemas every domain area shares. */

export const Uuid = Type.String({ format: 'uuid' })

export const Kommunekode = Type.String({ pattern: '^[0-9]{3}$', description: 'The municipality, 3 digits', examples: ['101'] })

export const Instant = Type.String({ format: 'date-time' })

/** A calendar day from 1900 to 2999 (the format alone lets year 0000 through, which PostgreSQL refuses). */
export const Day = (description?: string) => Type.String({
  format: 'date', pattern: '^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$', ...(description === undefined ? {} : { description })
})

/** Free text written by people: long, but bounded. */
export const FreeText = (description: string) => Type.String({ maxLength: 10_000, description })

/** Marks a coded request field, naming the list's code schema: see `CodeRef` and src/http/validation.ts. */
export const CODE_FIELD = 'x-ffb-code'

/**
 * A code of one FFB list in a request, by the id of the list's generated
 * schema (e.g. 'MaaltypeCode'): `{ code }` — the shape every answer gives a
 * code in, so a `{ code, label }` read can be sent back as it is (the label
 * is the catalog's and is not read) — or, for short, the bare code. The
 * validator turns either into the code string the handler gets.
 */
export const CodeRef = (schemaId: string, options: { description?: string } = {}) => Type.Unsafe<string>({
  ...options,
  [CODE_FIELD]: schemaId,
  anyOf: [
    Type.Object({
      code: Type.Ref(schemaId),
      label: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Not read: answers give the catalog\'s label' }))
    }, { additionalProperties: false }),
    Type.Ref(schemaId)
  ]
})
