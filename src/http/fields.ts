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

/**
 * A code of one FFB list, by the id of the list's generated schema (e.g.
 * 'MaaltypeCode'): a $ref in the document, a string to the handler.
 */
export const CodeRef = (schemaId: string, options: { description?: string } = {}) => Type.Unsafe<string>(Type.Ref(schemaId, options))
