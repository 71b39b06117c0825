import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { Client } from './clients.js'

/**
 * Known tokens remembered for a few seconds, so that authenticating a
 * request does not cost a database round trip each time (under load the
 * lookup was one of a write's seven). A token revoked or rotated through
 * this process (`revokeClient`, `rotateToken` on the same `db`) stops working
 * at once; one revoked by another process (`npm run clients`) within
 * TOKEN_TTL_MS. Unknown tokens are never remembered, so a stream of bad
 * tokens cannot push the good ones out; at most MAX_TOKENS are kept.
 */

export const TOKEN_TTL_MS = 5_000
const MAX_TOKENS = 10_000

const caches = new WeakMap<Kysely<DB>, Map<string, { client: Client, expires: number }>>()

export async function cachedClient (db: Kysely<DB>, hash: string, find: () => Promise<Client | undefined>): Promise<Client | undefined> {
  let cache = caches.get(db)
  if (cache === undefined) {
    cache = new Map()
    caches.set(db, cache)
  }
  const now = Date.now()
  const hit = cache.get(hash)
  if (hit !== undefined && hit.expires > now) return hit.client
  cache.delete(hash)
  const client = await find()
  if (client !== undefined) {
    // Maps keep insertion order: the first key is the oldest.
    if (cache.size >= MAX_TOKENS) cache.delete(cache.keys().next().value as string)
    cache.set(hash, { client, expires: now + TOKEN_TTL_MS })
  }
  return client
}

/** After a revocation: no token of `db` is taken from memory any more. */
export function forgetTokens (db: Kysely<DB>): void {
  caches.get(db)?.clear()
}
