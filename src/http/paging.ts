import Type, { type TSchema } from 'typebox'
import { storableInstant } from './instants.js'
import { HttpProblem } from './problems.js'

/**
 * Cursor paging, shared by every list: `?limit=&cursor=` in, `{ items,
 * nextCursor }` out. A cursor is opaque to clients: the key of the last item
 * served, base64url-encoded.
 */

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Items per page (1–500, default 100)' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page' }))
}

export const Page = <T extends TSchema>(item: T) => Type.Object({
  items: Type.Array(item),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' })
})

export function encodeCursor (key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The key check of a cursor over an integer sequence. */
export const isSafeInteger = (value: unknown): value is number => Number.isSafeInteger(value)

/** The key check of a cursor over (instant, seq): lists in time order. */
export const isInstantSeq = (value: unknown): value is [string, number] =>
  Array.isArray(value) && value.length === 2 && isInstant(value[0]) && Number.isSafeInteger(value[1])

/** An instant in a cursor: one this API can have issued (years 1900–9999). */
export const isInstant = (value: unknown): value is string => typeof value === 'string' && storableInstant(Date.parse(value))

/** A calendar day in a cursor: a real YYYY-MM-DD from 1900 on. */
export const isDay = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isInstant(`${value}T00:00:00Z`) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)

/** Decodes a cursor this API issued; anything else is a 400 pointing at ?cursor. */
export function decodeCursor<K> (cursor: string, isKey: (value: unknown) => value is K): K {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  if (!isKey(value)) {
    throw new HttpProblem('validation', 'The cursor is not one this API issued', {
      errors: [{ in: 'query', pointer: '/cursor', code: 'cursor', message: 'is not a cursor this API issued' }]
    })
  }
  return value
}

/** Splits a page fetched with limit + 1 rows into the items and the next cursor. */
export function toPage<R, I> (rows: R[], limit: number, toItem: (row: R) => I, key: (row: R) => unknown): { items: I[], nextCursor: string | null } {
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page.at(-1)
  return { items: page.map(toItem), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null }
}
