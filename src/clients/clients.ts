import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { cachedToken, forgetTokens } from './token-cache.js'

/**
 * API clients and their bearer tokens. A token is 32 random bytes, shown
 * once when it is issued and stored only as its SHA-256 hash (a random
 * 256-bit secret needs no slow hash), so the database never holds it.
 */

/** metrics:read reads GET /metrics only: operations data, no citizen's. */
export const SCOPES = ['cases:read', 'cases:write', 'delivery:write', 'export:read', 'catalogs:admin', 'audit:read', 'metrics:read', 'insight:read', 'analytics:read'] as const
export type Scope = (typeof SCOPES)[number]

export const KOMMUNEKODE = /^\d{3}$/

export interface Client {
  id: string
  name: string
  /** Kommunekoder served, or 'all' for a client valid in every municipality. */
  municipalities: readonly string[] | 'all'
  scopes: readonly Scope[]
}

export interface ClientListing extends Client {
  createdAt: Date
  revokedAt: Date | null
  tokens: Array<{ prefix: string, createdAt: Date, revokedAt: Date | null, expiresAt: Date | null, lastUsedAt: Date | null }>
}

/** A valid token: the client it belongs to, and the token's id and expiry (never the token or its hash). */
export interface Authenticated {
  client: Client
  token: { id: string, expiresAt: Date | null }
}

/** Why a token authenticates nobody: unknown (or revoked, as far as a caller may learn), or expired. */
export type Refused = 'unknown' | 'expired'

const TOKEN_PREFIX = 'ffb_'

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

function newToken (): { token: string, hash: string, prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  return { token, hash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) }
}

export class ClientInputError extends Error {}

const DAY_MS = 86_400_000
const DURATION = /^(\d{1,5})([hdw])$/
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }

/** `--expires-in 90d` (h, d or w): when a token issued at `now` expires. */
export function expiryOf (expiresIn: string, now = new Date()): Date {
  const match = DURATION.exec(expiresIn.trim())
  if (match === null || Number(match[1]) === 0) throw new ClientInputError(`--expires-in takes a duration like 90d, 12h or 4w, got "${expiresIn}"`)
  return new Date(now.getTime() + Number(match[1]) * UNIT_MS[match[2]!]!)
}

export function validateClient (input: Omit<Client, 'id'>): void {
  if (input.name.trim() === '') throw new ClientInputError('a client needs a name')
  if (input.municipalities !== 'all') {
    if (input.municipalities.length === 0) throw new ClientInputError('a client needs at least one kommunekode, or all municipalities')
    const bad = input.municipalities.filter((code) => !KOMMUNEKODE.test(code))
    if (bad.length > 0) throw new ClientInputError(`kommunekoder are 3 digits, e.g. 101: ${bad.join(', ')}`)
  }
  if (input.scopes.length === 0) throw new ClientInputError(`a client needs at least one scope of ${SCOPES.join(', ')}`)
  const unknown = input.scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope))
  if (unknown.length > 0) throw new ClientInputError(`unknown scope(s) ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`)
}

/** Creates a client with one token (valid until `expiresAt`, if given); the plain token is returned once and never stored. */
export async function createClient (db: Kysely<DB>, input: Omit<Client, 'id'>, { expiresAt = null }: { expiresAt?: Date | null } = {}): Promise<{ client: Client, token: string }> {
  validateClient(input)
  const client: Client = { id: randomUUID(), ...input, scopes: [...new Set(input.scopes)] }
  const { token, hash, prefix } = newToken()
  // One statement: the client and its token are stored together or not at all.
  await db.with('client', (qc) => qc.insertInto('api_clients').values({
    id: client.id,
    name: client.name,
    municipalities: client.municipalities === 'all' ? [] : [...new Set(client.municipalities)],
    all_municipalities: client.municipalities === 'all',
    scopes: [...client.scopes]
  }).returning('id'))
    .insertInto('api_tokens').columns(['id', 'client_id', 'token_hash', 'prefix', 'expires_at'])
    .expression((eb) => eb.selectFrom('client').select([sql<string>`${randomUUID()}::uuid`.as('token_id'), 'id', sql.val(hash).as('hash'),
      sql.val(prefix).as('prefix'), sql<Date | null>`${expiresAt}::timestamptz`.as('expires_at')]))
    .execute()
  return { client, token }
}

/**
 * The active client a token belongs to, as authentication sees it: taken
 * from memory for up to TOKEN_TTL_MS (token-cache.ts); its expiry is
 * checked on every call.
 */
export async function authenticateToken (db: Kysely<DB>, token: string, now = new Date()): Promise<Authenticated | Refused> {
  const found = await cachedToken(db, hashToken(token), async () => await findToken(db, token))
  if (found === undefined) return 'unknown'
  return found.token.expiresAt !== null && found.token.expiresAt <= now ? 'expired' : found
}

/** The token, and the active client it belongs to, or undefined for an unknown or revoked token (expired or not). */
async function findToken (db: Kysely<DB>, token: string): Promise<Authenticated | undefined> {
  const row = await db.selectFrom('api_tokens')
    .innerJoin('api_clients', 'api_clients.id', 'api_tokens.client_id')
    .select(['api_clients.id', 'api_clients.name', 'api_clients.municipalities', 'api_clients.all_municipalities', 'api_clients.scopes',
      'api_tokens.id as token_id', 'api_tokens.expires_at'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('api_clients.revoked_at', 'is', null)
    .executeTakeFirst()
  return row === undefined ? undefined : { client: toClient(row), token: { id: row.token_id, expiresAt: row.expires_at } }
}

/** The active client a token belongs to, or undefined for an unknown, revoked or expired token. */
export async function findClientByToken (db: Kysely<DB>, token: string): Promise<Client | undefined> {
  const found = await findToken(db, token)
  return found === undefined || (found.token.expiresAt !== null && found.token.expiresAt <= new Date()) ? undefined : found.client
}

/** What a token's own record says of its use: its expiry and when it last authenticated a request. */
export async function tokenUse (db: Kysely<DB>, tokenId: string): Promise<{ expiresAt: Date | null, lastUsedAt: Date | null } | undefined> {
  return await db.selectFrom('api_tokens').select(['expires_at as expiresAt', 'last_used_at as lastUsedAt'])
    .where('id', '=', tokenId).executeTakeFirst()
}

/**
 * Records that a token authenticated a request now, unless it was recorded
 * within the last minute (by any process): a write per token per minute at
 * most, not one per request.
 */
export async function recordTokenUse (db: Kysely<DB>, tokenId: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', sql<Date>`now() - interval '1 minute'`)]))
    .execute()
}

function toClient (row: { id: string, name: string, municipalities: string[], all_municipalities: boolean, scopes: string[] }): Client {
  return {
    id: row.id,
    name: row.name,
    municipalities: row.all_municipalities ? 'all' : row.municipalities,
    scopes: row.scopes.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope))
  }
}

export async function listClients (db: Kysely<DB>): Promise<ClientListing[]> {
  const clients = await db.selectFrom('api_clients')
    .select(['id', 'name', 'municipalities', 'all_municipalities', 'scopes', 'created_at', 'revoked_at'])
    .orderBy('created_at').orderBy('id').execute()
  const tokens = await db.selectFrom('api_tokens')
    .select(['client_id', 'prefix', 'created_at', 'revoked_at', 'expires_at', 'last_used_at'])
    .orderBy('created_at').execute()
  return clients.map((row) => ({
    ...toClient(row),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    tokens: tokens.filter((t) => t.client_id === row.id)
      .map((t) => ({ prefix: t.prefix, createdAt: t.created_at, revokedAt: t.revoked_at, expiresAt: t.expires_at, lastUsedAt: t.last_used_at }))
  }))
}

/** Revokes a client and every token it has; returns false when there is no such active client. */
export async function revokeClient (db: Kysely<DB>, clientId: string): Promise<boolean> {
  const now = new Date()
  // One statement: the client and every token it has.
  const revoked = await db
    .with('client', (qc) => qc.updateTable('api_clients').set({ revoked_at: now })
      .where('id', '=', clientId).where('revoked_at', 'is', null).returning('id'))
    .with('tokens', (qc) => qc.updateTable('api_tokens').set({ revoked_at: now })
      .where('client_id', '=', clientId).where('revoked_at', 'is', null).returning('id'))
    .selectFrom('client').select('id').execute()
    .finally(() => { forgetTokens(db) })
  return revoked.length > 0
}

/**
 * Issues a new token for an active client, valid until `expiresAt` if given.
 * The old tokens are revoked unless `keepOld`, which lets a vendor roll the
 * new one out before revoking.
 */
export async function rotateToken (db: Kysely<DB>, clientId: string,
  { keepOld = false, expiresAt = null }: { keepOld?: boolean, expiresAt?: Date | null } = {}): Promise<string | undefined> {
  const { token, hash, prefix } = newToken()
  // One statement: the client is locked, its old tokens revoked unless kept, the new token stored. A revocation
  // committed first leaves nothing to rotate; one that waits for this rotation may not see the token it adds,
  // which then stays unrevoked under a revoked client — and refused all the same, since authentication
  // requires the client to be active (findClientByToken).
  const issued = await db
    .with('client', (qc) => qc.selectFrom('api_clients').select('id')
      .where('id', '=', clientId).where('revoked_at', 'is', null).forUpdate())
    .with('old', (qc) => qc.updateTable('api_tokens').set({ revoked_at: new Date() })
      .where('client_id', 'in', (eb) => eb.selectFrom('client').select('id'))
      .where('revoked_at', 'is', null).where(sql<boolean>`${!keepOld}`).returning('id'))
    .insertInto('api_tokens').columns(['id', 'client_id', 'token_hash', 'prefix', 'expires_at'])
    .expression((eb) => eb.selectFrom('client').select([sql<string>`${randomUUID()}::uuid`.as('token_id'), 'id', sql.val(hash).as('hash'),
      sql.val(prefix).as('prefix'), sql<Date | null>`${expiresAt}::timestamptz`.as('expires_at')]))
    .returning('id').execute()
    .finally(() => { forgetTokens(db) })
  return issued.length > 0 ? token : undefined
}

/** Whether any client was ever created (revoked ones count: an operator has been here). */
export async function hasClients (db: Kysely<DB>): Promise<boolean> {
  return await db.selectFrom('api_clients').select('id').limit(1).executeTakeFirst() !== undefined
}

/**
 * With the embedded database and no clients at all, creates one local client
 * with every scope in every municipality, so a newcomer can call the API at
 * once. Returns its token, or undefined when clients exist.
 */
export async function ensureLocalClient (db: Kysely<DB>): Promise<string | undefined> {
  if (await hasClients(db)) return undefined
  const { token } = await createClient(db, { name: 'local', municipalities: 'all', scopes: [...SCOPES] })
  return token
}
