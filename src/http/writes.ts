import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { sql, type Kysely } from 'kysely'
import Type from 'typebox'
import { recordAudit } from '../audit/record.js'
import type { DB } from '../db/schema.js'
import { HttpProblem, problemResponses, type ProblemCode } from './problems.js'
import { serves } from './scope.js'

/**
 * Safe writes, the one way every write endpoint stores data:
 *
 * - `write` runs the whole request in one transaction — the change, its
 *   audit record and its idempotency record commit together or not at all;
 * - an `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header)
 *   makes a retry return the original response without writing again; the
 *   same key with another request is a 422, a retry while the first is still
 *   running a 409; keys are remembered for IDEMPOTENCY_TTL_SECONDS;
 * - versioned resources carry a strong ETag; an update must send it back in
 *   `If-Match` (428 without, 412 when stale), checked under a row lock.
 *
 * A route opts in by declaring the headers (`CreateHeaders`,
 * `UpdateHeaders`); the plugin documents the problems they can cause.
 */

export type Executor = Kysely<DB>

export interface Written<T> {
  status: 200 | 201
  body: T
  /** 201: where the created resource lives. */
  location?: string
  etag?: string
  /** What the audit record names. */
  resourceId: string
  kommunekode: string
}

// An sf-string (RFC 8941) as the draft specifies, or the same characters
// unquoted, as many clients send them: 1–255 visible ASCII characters.
const KEY = '(?:"[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]{1,255}"|[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,255})'

const IdempotencyKey = Type.String({
  pattern: `^${KEY}$`,
  description: 'Makes a retry safe: the same key with the same request returns the original response (with ' +
    '`Idempotent-Replayed: true`) and writes nothing; with a different request it is a 422, while the first is ' +
    'still running a 409. A structured-header string of 1–255 visible ASCII characters, e.g. "8e03978e-40d5-43e8-' +
    'bc93-6894a57f9324"; remembered per client for IDEMPOTENCY_TTL_SECONDS (default 24 h). A request that fails ' +
    'stores nothing, so its retry is processed afresh.',
  examples: ['"8e03978e-40d5-43e8-bc93-6894a57f9324"']
})

const IfMatch = Type.String({
  maxLength: 1000,
  description: 'The ETag of the resource as last read. Required: without it the update is refused (428); when ' +
    'the resource has changed since, 412 with the current ETag.',
  examples: ['"hTz1ckkc0h2KJQwxiUBbVQ"']
})

const ResponseHeader = {
  location: Type.String({ description: 'Where the created resource lives' }),
  etag: Type.String({ description: 'Strong ETag of this version of the resource; send it in If-Match to update it' }),
  'idempotent-replayed': Type.Literal('true', { description: 'Present when this is the stored response to an earlier request with the same Idempotency-Key' })
}

/** Documents the headers a write's (or a versioned read's) answer carries. */
export function withHeaders<T extends object> (schema: T, names: Array<keyof typeof ResponseHeader>): T {
  return { ...schema, headers: Object.fromEntries(names.map((name) => [name, ResponseHeader[name]])) }
}

export const CreateHeaders = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) })
export const UpdateHeaders = Type.Object({ 'if-match': Type.Optional(IfMatch), 'idempotency-key': Type.Optional(IdempotencyKey) })

declare module 'fastify' {
  interface FastifyInstance {
    idempotencyTtlSeconds: number
  }
}

/** Documents the problems the write headers can cause; purges expired keys now and then. */
export const writesPlugin = fp<{ idempotencyTtlSeconds: number }>(async (app: FastifyInstance, { idempotencyTtlSeconds }) => {
  app.decorate('idempotencyTtlSeconds', idempotencyTtlSeconds)
  app.addHook('onRoute', (route) => {
    const headers = (route.schema?.headers as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}
    const codes: ProblemCode[] = []
    if ('idempotency-key' in headers) codes.push('idempotency-in-progress', 'idempotency-key-reused')
    if ('if-match' in headers) codes.push('precondition-failed', 'precondition-required')
    if (codes.length === 0) return
    route.schema = { ...route.schema, response: { ...problemResponses(codes), ...(route.schema?.response as object) } }
  })
  let timer: NodeJS.Timeout | undefined
  app.addHook('onReady', async () => {
    const every = Math.min(idempotencyTtlSeconds * 1000, 3_600_000)
    timer = setInterval(() => {
      purgeExpiredKeys(app.database.db).catch((error: unknown) => { app.log.warn({ err: error }, 'could not purge idempotency keys') })
    }, every).unref()
  })
  app.addHook('onClose', async () => { clearInterval(timer) })
}, { name: 'writes' })

export async function purgeExpiredKeys (db: Executor): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', new Date()).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * Runs `work` and everything around it in one transaction, then sends its
 * result: status, Location, ETag and the body. `work` must use only the
 * executor it is given (on PGlite the single connection is the transaction's).
 *
 * `oneStatement`: `work` is a single SQL statement that records its own
 * audit (`auditInsert` as a data-modifying CTE). A statement is atomic by
 * itself, so without an Idempotency-Key it runs without BEGIN/COMMIT — one
 * database round trip for the whole write instead of five or more. Such a
 * statement may carry other requests' writes too (`Batcher`, db/batch.ts).
 */
export async function write<T> (request: FastifyRequest, reply: FastifyReply, work: (trx: Executor) => Promise<Written<T>>,
  { oneStatement = false } = {}): Promise<T> {
  const key = idempotencyKey(request)
  const done = key === undefined && oneStatement
    ? { ...await work(request.server.database.db), replayed: false }
    : await request.server.database.db.transaction().execute(async (trx) => {
      if (key !== undefined) {
        const prior = await claim(trx, request, key)
        if (prior !== undefined) {
          await recordAudit(trx, request, { resourceId: prior.resourceId, kommunekode: prior.kommunekode, status: prior.status })
          return { ...prior, replayed: true }
        }
      }
      const written = await work(trx)
      if (!oneStatement) await recordAudit(trx, request, { resourceId: written.resourceId, kommunekode: written.kommunekode, status: written.status })
      if (key !== undefined) await remember(trx, request, key, written)
      return { ...written, replayed: false }
    })
  if (oneStatement && !done.replayed) request.auditRecorded = true
  reply.code(done.status)
  if (done.location !== undefined) reply.header('location', done.location)
  if (done.etag !== undefined) reply.header('etag', done.etag)
  if (done.replayed) reply.header('idempotent-replayed', 'true')
  // A replayed body is the JSON of a T this route returned before.
  return done.body as T
}

function idempotencyKey (request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key']
  if (typeof value !== 'string') return undefined
  return value.startsWith('"') ? value.slice(1, -1) : value
}

/** What identifies a request: method, URL and body, the body's keys in a canonical order. */
function fingerprint (request: FastifyRequest): string {
  return createHash('sha256').update(JSON.stringify([request.method, request.url, canonical(request.body)])).digest('base64url')
}

function canonical (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
}

/**
 * Takes the key for this transaction. Returns the stored response when the
 * key was used before for the same request; refuses it for another request,
 * or while another transaction holds it (the first attempt still running).
 */
async function claim (trx: Executor, request: FastifyRequest, key: string): Promise<Written<unknown> | undefined> {
  const clientId = request.caller.id
  const { rows: [lock] } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_xact_lock(hashtext(${clientId}), hashtext(${key})) AS locked`.execute(trx)
  if (lock?.locked !== true) {
    throw new HttpProblem('idempotency-in-progress', 'A request with this Idempotency-Key is still being processed; retry it shortly',
      { headers: { 'retry-after': '1' } })
  }
  const prior = await trx.selectFrom('idempotency_keys').selectAll()
    .where('client_id', '=', clientId).where('key', '=', key).where('expires_at', '>', new Date())
    .executeTakeFirst()
  if (prior === undefined) return undefined
  // The stored answer may hold citizen data: only for a client that still serves its municipality.
  if (prior.kommunekode !== null && prior.kommunekode !== '' && !serves(request.caller, prior.kommunekode)) {
    throw new HttpProblem('forbidden', `This client no longer serves kommunekode ${prior.kommunekode}`)
  }
  if (prior.fingerprint !== fingerprint(request)) {
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

async function remember (trx: Executor, request: FastifyRequest, key: string, written: Written<unknown>): Promise<void> {
  const now = new Date()
  const row = {
    fingerprint: fingerprint(request),
    status: written.status,
    headers: JSON.stringify({ location: written.location, etag: written.etag }),
    body: JSON.stringify(written.body),
    resource_id: written.resourceId,
    kommunekode: written.kommunekode,
    created_at: now,
    expires_at: new Date(now.getTime() + request.server.idempotencyTtlSeconds * 1000)
  }
  // An expired row with this key may still be there until the purge runs: replace it.
  await trx.insertInto('idempotency_keys').values({ client_id: request.caller.id, key, ...row })
    .onConflict((oc) => oc.columns(['client_id', 'key']).doUpdateSet(row))
    .execute()
}

/** A strong ETag for one version of one resource: opaque, and never equal across resources. */
export const etagOf = (id: string, version: number): string =>
  `"${createHash('sha256').update(`${id}/${version}`).digest('base64url').slice(0, 22)}"`

/**
 * The If-Match check of an update, after the handler has read (and locked)
 * the current version: 428 without If-Match, 412 unless it names the
 * current ETag (strong comparison: a weak W/ tag never matches).
 */
export function assertIfMatch (request: FastifyRequest, id: string, version: number): void {
  const header = request.headers['if-match']
  if (header === undefined || header.trim() === '' || header.trim() === '*') {
    throw new HttpProblem('precondition-required',
      'Send If-Match with the ETag from your last read of this resource, so a concurrent change is not overwritten')
  }
  const current = etagOf(id, version)
  if (!header.split(',').some((tag) => tag.trim() === current)) {
    throw new HttpProblem('precondition-failed', `The resource has changed (now version ${version}); read it again and reapply your change`,
      { headers: { etag: current } })
  }
}
