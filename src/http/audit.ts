import type { FastifyRequest } from 'fastify'
import { recordAudit, type AuditAction, type AuditContext, type AuditEvent } from '../audit/record.js'

/**
 * What an HTTP request's audit events say of the request: which client,
 * the action and resource its route declares (`config.audit`), its id.
 * The events themselves are recorded by audit/record.ts — by the unit of
 * work for changes, by `recordAccess` for reads and exports, and by the
 * error handler for refused and failed requests.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route that reads or writes citizen data declares what its audit events say. */
    audit?: { action: AuditAction, resource: string }
  }
}

export function auditContext (request: FastifyRequest): AuditContext {
  const audit = request.routeOptions.config.audit
  if (audit === undefined) throw new Error(`${request.routeOptions.url ?? request.url} records audit but declares no config.audit`)
  return { clientId: request.caller.id, action: audit.action, resourceType: audit.resource, requestId: request.id }
}

export interface Access {
  resourceId?: string | null
  kommunekode?: string | null
  /** The status answered; 200 unless given. */
  status?: number
  details?: Record<string, unknown>
}

export const accessEvent = (request: FastifyRequest, access: Access): AuditEvent => ({
  ...auditContext(request),
  resourceId: access.resourceId ?? null,
  kommunekode: access.kommunekode ?? null,
  status: access.status ?? 200,
  details: access.details ?? null
})

/** Records the request's access to citizen data: one event per resource it read (none found: one without). */
export async function recordAccess (request: FastifyRequest, access: Access | Access[]): Promise<void> {
  const list = Array.isArray(access) ? access : [access]
  await recordAudit(request.server.database.db, list.map((a) => accessEvent(request, a)))
}

/**
 * The one record of an export stream, written when the stream ends — also
 * when the client went away. The answer is already on its way, so a failure
 * here can only be logged.
 */
export async function recordStreamAudit (request: FastifyRequest, kommunekode: string | null, details: Record<string, unknown>): Promise<void> {
  await recordAccess(request, { kommunekode, details })
    .catch((error: unknown) => { request.log.error({ err: error }, 'could not record the export\'s audit entry') })
}

/**
 * A refused or failed request to a route with citizen data is recorded too,
 * before its problem is sent, so a client that has its answer can already
 * find the record — under the resource its URL names, and the kommunekode
 * its body or query names (a create, an export), so that municipality's
 * auditors see the attempt. Without a caller (401) there is no client to
 * attribute the attempt to; it is logged.
 */
// Any route's request: its parts' types are unknown here, so they are read as plain records.
export async function recordRefusal (request: FastifyRequest, status: number): Promise<void> {
  if (request.routeOptions.config.audit === undefined || (request.caller as unknown) == null) return
  const params = request.params as Record<string, unknown> | undefined
  try {
    await recordAccess(request, { resourceId: text(params?.id) ?? null, kommunekode: namedKommunekode(request) ?? null, status })
  } catch (error) {
    request.log.error({ err: error }, 'could not record an audit entry')
  }
}

const text = (value: unknown): string | undefined => typeof value === 'string' ? value : undefined

function namedKommunekode (request: FastifyRequest): string | undefined {
  const named = text((request.body as Record<string, unknown> | null | undefined)?.kommunekode) ??
    text((request.query as Record<string, unknown> | undefined)?.kommunekode)
  return named !== undefined && /^[0-9]{3}$/.test(named) ? named : undefined
}
