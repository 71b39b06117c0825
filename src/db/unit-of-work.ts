import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { recordAudit, type AuditContext, type AuditEvent, type AuditRecorded } from '../audit/record.js'
import { HttpProblem, preconditionRequired } from '../http/problems.js'
import type { DB } from './schema.js'
import { serves, type Scope } from './scope.js'

/**
 * The one way every change is stored. `runChange` opens the transaction,
 * honours the Idempotency-Key, gives the change its If-Match check, runs it,
 * writes its one audit event and the idempotency record, and commits — or
 * nothing of it is kept.
 *
 * - An idempotency key (IETF draft-ietf-httpapi-idempotency-key-header)
 *   makes a retry return the original response without writing again; the
 *   same key with another request is a 422, a retry while the first is still
 *   running a 409; keys are remembered for the configured TTL.
 * - Versioned resources carry a strong ETag; a change sends it back in
 *   If-Match (428 without, 412 when stale), checked by `guard.ifMatch`
 *   after the change has read and locked the current version.
 *
 * A change is a function of the transaction; one that is a single
 * statement (`{ statement }`) records its audit
 * event inside that statement and proves it with `AuditRecorded`. Being
 * atomic by itself, it runs without BEGIN/COMMIT unless an idempotency key
 * needs the transaction — one round trip instead of five. Such a statement
 * may carry other requests' changes too (db/batch.ts).
 */

export type Executor = Kysely<DB>

export interface Written<T> {
  status: 200 | 201
  body: T
  /** 201: where the created resource lives. */
  location?: string
  etag?: string
  /** What the audit event names. */
  resourceId: string
  kommunekode: string
  /** The fields a change set (names only), for the audit event. */
  changed?: string[]
  /** More the audit event keeps (an annulment's reason and the records it annulled): codes and ids, never citizen data. */
  details?: Record<string, unknown>
}

export interface Done<T> extends Written<T> {
  /** The stored answer to an earlier request with the same idempotency key. */
  replayed: boolean
}

export interface WriteRequest {
  scope: Scope
  audit: AuditContext
  /** The request's Idempotency-Key (unquoted) and what identifies the request. */
  idempotency?: { key: string, fingerprint: string, ttlSeconds: number }
  /** The If-Match header as sent, if any. */
  ifMatch?: string
}

export interface Guard {
  scope: Scope
  audit: AuditContext
  /** Whether the request sent If-Match (a create-or-replace decides by it). */
  readonly hasIfMatch: boolean
  /**
   * The If-Match check of an update, once the change has read and locked
   * the current version: 428 without If-Match, 412 unless it names the
   * current ETag (strong comparison: a weak W/ tag never matches), and 412
   * when there is no current version (`undefined`) at all.
   */
  ifMatch: (key: string, version: number | undefined) => void
}

/** A change: run in a transaction, or a single statement that records its own audit event. */
export type Change<T> =
  | ((trx: Executor, guard: Guard) => Promise<Written<T>>)
  | { statement: (db: Executor, guard: Guard) => Promise<Written<T> & { audited: AuditRecorded }> }

export async function runChange<T> (db: Executor, request: WriteRequest, change: Change<T>): Promise<Done<T>> {
  const guard = guardOf(request)
  if (request.idempotency === undefined && typeof change !== 'function') return { ...await change.statement(db, guard), replayed: false }
  return await db.transaction().execute(async (trx) => {
    const { idempotency } = request
    if (idempotency !== undefined) {
      const prior = await claim(trx, request.scope, idempotency)
      if (prior !== undefined) {
        await recordAudit(trx, { ...request.audit, resourceId: prior.resourceId, kommunekode: prior.kommunekode, status: prior.status })
        // A replayed body is the JSON of a T this route returned before.
        return { ...prior, body: prior.body as T, replayed: true }
      }
    }
    const written = typeof change === 'function' ? await change(trx, guard) : await change.statement(trx, guard)
    if (typeof change === 'function') {
      await recordAudit(trx, {
        ...request.audit,
        resourceId: written.resourceId,
        kommunekode: written.kommunekode,
        status: written.status,
        details: written.changed === undefined && written.details === undefined ? null : { changed: written.changed, ...written.details }
      })
    }
    if (idempotency !== undefined) await remember(trx, request.scope, idempotency, written)
    return { ...written, replayed: false }
  })
}

/**
 * A change an operator's command makes, with no HTTP request behind it
 * (`npm run retention`): the same unit — one transaction, the change, and
 * its audit events, committed together or not at all. It records one event
 * per resource the change names (a citizen's anonymisation touches cases in
 * several municipalities, each of which must see its own); there is no
 * idempotency key or If-Match to honour.
 */
export async function runOperatorChange<T> (db: Executor, change: (trx: Executor) => Promise<{ result: T, events: AuditEvent[] }>): Promise<T> {
  return await db.transaction().execute(async (trx) => {
    const { result, events } = await change(trx)
    await recordAudit(trx, events)
    return result
  })
}

function guardOf (request: WriteRequest): Guard {
  const header = request.ifMatch?.trim()
  return {
    scope: request.scope,
    audit: request.audit,
    hasIfMatch: request.ifMatch !== undefined,
    ifMatch (key, version) {
      if (header === undefined || header === '' || header === '*') {
        throw preconditionRequired()
      }
      if (version === undefined) throw new HttpProblem('precondition-failed', 'If-Match names a version, but the resource does not exist (yet)')
      const current = etagOf(key, version)
      if (!header.split(',').some((tag) => tag.trim() === current)) {
        throw new HttpProblem('precondition-failed', `The resource has changed (now version ${version}); read it again and reapply your change`,
          { headers: { etag: current } })
      }
    }
  }
}

/** A strong ETag for one version of one resource: opaque, and never equal across resources. */
export const etagOf = (id: string, version: number): string =>
  `"${createHash('sha256').update(`${id}/${version}`).digest('base64url').slice(0, 22)}"`

/**
 * Takes the key for this transaction. Returns the stored response when the
 * key was used before for the same request; refuses it for another request,
 * or while another transaction holds it (the first attempt still running).
 */
async function claim (trx: Executor, scope: Scope, { key, fingerprint }: { key: string, fingerprint: string }): Promise<Written<unknown> | undefined> {
  const { rows: [lock] } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_xact_lock(hashtext(${scope.id}), hashtext(${key})) AS locked`.execute(trx)
  if (lock?.locked !== true) {
    throw new HttpProblem('idempotency-in-progress', 'A request with this Idempotency-Key is still being processed; retry it shortly',
      { headers: { 'retry-after': '1' } })
  }
  const prior = await trx.selectFrom('idempotency_keys').selectAll()
    .where('client_id', '=', scope.id).where('key', '=', key).where('expires_at', '>', new Date())
    .executeTakeFirst()
  if (prior === undefined) return undefined
  // The stored answer may hold citizen data: only for a client that still serves its municipality.
  if (prior.kommunekode !== null && prior.kommunekode !== '' && !serves(scope, prior.kommunekode)) {
    throw new HttpProblem('forbidden', `This client no longer serves kommunekode ${prior.kommunekode}`)
  }
  if (prior.fingerprint !== fingerprint) {
    throw new HttpProblem('idempotency-key-reused',
      'This Idempotency-Key was used for a different request (method, URL or body); use a new key for a new request', {
        errors: [{ in: 'header', pointer: '/idempotency-key', code: 'idempotency-key-reused', message: 'was used for a different request' }]
      })
  }
  const headers = JSON.parse(prior.headers) as { location?: string, etag?: string }
  return {
    status: prior.status as 200 | 201,
    body: JSON.parse(prior.body) as unknown,
    ...headers,
    resourceId: prior.resource_id ?? '',
    kommunekode: prior.kommunekode ?? ''
  }
}

async function remember (trx: Executor, scope: Scope, { key, fingerprint, ttlSeconds }: NonNullable<WriteRequest['idempotency']>,
  written: Written<unknown>): Promise<void> {
  const now = new Date()
  const row = {
    fingerprint,
    status: written.status,
    headers: JSON.stringify({ location: written.location, etag: written.etag }),
    body: JSON.stringify(written.body),
    resource_id: written.resourceId,
    kommunekode: written.kommunekode,
    created_at: now,
    expires_at: new Date(now.getTime() + ttlSeconds * 1000)
  }
  // An expired row with this key may still be there until the purge runs: replace it.
  await trx.insertInto('idempotency_keys').values({ client_id: scope.id, key, ...row })
    .onConflict((oc) => oc.columns(['client_id', 'key']).doUpdateSet(row))
    .execute()
}

export async function purgeExpiredKeys (db: Executor): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', new Date()).executeTakeFirst()
  return Number(result.numDeletedRows)
}
