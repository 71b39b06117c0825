import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { Authenticated } from './clients.js'

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

const caches = new WeakMap<Kysely<DB>, Map<string, { client: Authenticated, expires: number }>>()

export async function cachedToken (db: Kysely<DB>, hash: string, find: () => Promise<Authenticated | undefined>): Promise<Authenticated | undefined> {
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

/** How often a token's last_used_at is written at most. */
export const TOKEN_USE_INTERVAL_MS = 60_000
const uses = new WeakMap<Kysely<DB>, Map<string, number>>()

/**
 * Whether this request's use of the token is to be written to last_used_at:
 * the first use this process sees, then at most once per TOKEN_USE_INTERVAL_MS
 * (the write itself also skips a token another process recorded within the
 * minute). At most MAX_TOKENS are remembered.
 */
export function dueForUse (db: Kysely<DB>, tokenId: string, now = Date.now()): boolean {
  let seen = uses.get(db)
  if (seen === undefined) {
    seen = new Map()
    uses.set(db, seen)
  }
  const last = seen.get(tokenId)
  if (last !== undefined && now - last < TOKEN_USE_INTERVAL_MS) return false
  seen.delete(tokenId)
  if (seen.size >= MAX_TOKENS) seen.delete(seen.keys().next().value as string)
  seen.set(tokenId, now)
  return true
}
