import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Type from 'typebox'
import { purgeExpiredKeys, runChange, type Change } from '../db/unit-of-work.js'
import { auditContext } from './audit.js'
import { withProblems, type ProblemCode } from './problems.js'

/**
 * The HTTP side of the one write path (db/unit-of-work.ts): the write
 * headers a route declares (`CreateHeaders`, `UpdateHeaders`) and the
 * problems they can cause, and `write`, which hands a request's change to
 * the unit of work with the request's plain values and sends the result.
 */

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

const IfMatch = (description: string) => Type.String({
  maxLength: 1000,
  description: `The ETag of the resource as last read. ${description} When the resource has changed since, 412 with the current ETag.`,
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
/** A change of what exists: If-Match is required, and its absence a 428 (errors.ts), as the unit of work answers too. */
export const UpdateHeaders = Type.Object({
  'if-match': IfMatch('Required: without it the update is refused (428).'),
  'idempotency-key': Type.Optional(IdempotencyKey)
})
/** A PUT that creates what does not exist yet (needing no If-Match) and replaces what does (needing it: 428 without). */
export const UpsertHeaders = Type.Object({
  'if-match': Type.Optional(IfMatch('Not sent when creating; required when replacing (428 without).')),
  'idempotency-key': Type.Optional(IdempotencyKey)
})

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
    route.schema = { ...route.schema, response: withProblems(route.schema?.response, codes) }
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

/**
 * Runs `change` as the request's unit of work and sends its result:
 * status, Location, ETag and the body.
 */
export async function write<T> (request: FastifyRequest, reply: FastifyReply, change: Change<T>): Promise<T> {
  const key = idempotencyKey(request)
  const ifMatch = request.headers['if-match']
  const done = await runChange(request.server.database.db, {
    scope: request.caller,
    audit: auditContext(request),
    ...(key === undefined ? {} : { idempotency: { key, fingerprint: fingerprint(request), ttlSeconds: request.server.idempotencyTtlSeconds } }),
    ...(ifMatch === undefined ? {} : { ifMatch })
  }, change)
  reply.code(done.status)
  if (done.location !== undefined) reply.header('location', done.location)
  if (done.etag !== undefined) reply.header('etag', done.etag)
  if (done.replayed) reply.header('idempotent-replayed', 'true')
  // A replayed body is the JSON of a T this route returned before.
  return done.body
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
