import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { sql, type InsertQueryBuilder, type InsertResult, type Kysely, type QueryCreator } from 'kysely'
import type { DB } from '../db/schema.js'

/**
 * The audit trail of access to citizen data. A route that touches citizen
 * data declares `config.audit` ({ action, resource }); its handler calls
 * `recordAudit` with the resource's id and kommunekode — inside the write's
 * own transaction for writes, so the record commits or rolls back with it.
 * Refused and failed attempts are recorded too, before their response is
 * sent, so a client that has its answer can already find the record.
 */

export const AUDIT_ACTIONS = ['read', 'list', 'search', 'create', 'update', 'delete', 'export'] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: { action: AuditAction, resource: string }
  }
  interface FastifyRequest {
    auditRecorded: boolean
    /** The kommunekode a request named (set by assertServes), for records the handler did not write. */
    auditKommunekode: string | null
  }
}

export interface AuditDetails {
  kommunekode?: string | null
  resourceId?: string | null
  status?: number
  /** For exports: the filters and the count, stored as JSON. */
  details?: Record<string, unknown>
}

const outcome = (status: number): string =>
  status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : status === 404 ? 'not-found' : status < 500 ? 'rejected' : 'failed'

function declared (request: FastifyRequest): { action: AuditAction, resource: string } {
  const audit = request.routeOptions.config.audit
  if (audit === undefined) throw new Error(`${request.routeOptions.url ?? request.url} records audit but declares no config.audit`)
  return audit
}

export async function recordAudit (db: Kysely<DB>, request: FastifyRequest, details: AuditDetails = {}): Promise<void> {
  const audit = declared(request)
  const status = details.status ?? 200
  await db.insertInto('audit_log').values({
    client_id: request.caller.id,
    kommunekode: details.kommunekode ?? request.auditKommunekode,
    action: audit.action,
    resource_type: audit.resource,
    resource_id: details.resourceId ?? null,
    request_id: request.id,
    outcome: outcome(status),
    status,
    details: details.details === undefined ? null : JSON.stringify(details.details)
  }).execute()
  request.auditRecorded = true
}

/**
 * The one record of an export stream, written when the stream ends — also
 * when the client went away. The answer is already on its way, so a failure
 * here can only be logged.
 */
export async function recordStreamAudit (db: Kysely<DB>, request: FastifyRequest, kommunekode: string | null, details: Record<string, unknown>): Promise<void> {
  await recordAudit(db, request, { kommunekode, details })
    .catch((error: unknown) => { request.log.error({ err: error }, 'could not record the export\'s audit entry') })
}

/** What the audit record of a request says of the request itself, for a statement that inserts the record. */
export interface AuditOf {
  clientId: string
  action: AuditAction
  resource: string
  requestId: string
  outcome: string
  status: number
}

export function auditOf (request: FastifyRequest, status: number): AuditOf {
  const audit = declared(request)
  return { clientId: request.caller.id, action: audit.action, resource: audit.resource, requestId: request.id, outcome: outcome(status), status }
}

/**
 * The audit record of a write that is one statement (see `write`), as an
 * INSERT … SELECT to put in that statement as a data-modifying CTE: one
 * record per row of the CTE `from`, whose columns `resourceId` and
 * `kommunekode` name the resource. The caller sets `auditRecorded` once the
 * statement has run. (A statement for several requests takes `auditOf`
 * each, as registerOnCases does.)
 */
export function auditInsert (qc: QueryCreator<DB>, request: FastifyRequest, from: { cte: string, resourceId: string, kommunekode: string }, status: number):
InsertQueryBuilder<DB, 'audit_log', InsertResult> {
  const audit = auditOf(request, status)
  return qc.insertInto('audit_log')
    .columns(['client_id', 'kommunekode', 'action', 'resource_type', 'resource_id', 'request_id', 'outcome', 'status'])
    .expression(sql`SELECT ${audit.clientId}, ${sql.ref(from.kommunekode)}, ${audit.action}, ${audit.resource},
      ${sql.ref(from.resourceId)}, ${audit.requestId}, ${audit.outcome}, ${audit.status} FROM ${sql.table(from.cte)}`)
}

/** Records what a handler did not: refused or failed requests, and any it forgot. */
export const auditPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('auditRecorded', false)
  app.decorateRequest('auditKommunekode', null)
  app.addHook('onSend', async (request, reply, payload) => {
    const audit = request.routeOptions.config.audit
    // Without a caller (401) there is no client to attribute the attempt to; it is logged.
    if (audit === undefined || (request.caller as unknown) == null) return payload
    if (request.auditRecorded && reply.statusCode < 400) return payload
    const params = request.params as Record<string, string | undefined> | undefined
    try {
      await recordAudit(app.database.db, request, { resourceId: params?.id ?? null, status: reply.statusCode })
    } catch (error) {
      request.log.error({ err: error }, 'could not record an audit entry')
    }
    return payload
  })
}, { name: 'audit' })
