import { sql, type Expression, type InsertQueryBuilder, type InsertResult, type Kysely, type QueryCreator } from 'kysely'
import type { DB } from '../db/schema.js'

/**
 * The audit trail of access to citizen data, written only here: one event
 * per access (client, kommune, action, resource type and id, request,
 * outcome, and for changes and exports what they touched — never a CPR
 * number). The table is append-only (a trigger refuses UPDATE and DELETE).
 *
 * `recordAudit` stores events. A write that is a single statement records
 * its event inside that statement instead (`auditInsert` as a
 * data-modifying CTE), so the record commits with the change; the
 * `AuditRecorded` it gets back is what the unit of work asks such a
 * statement for (db/unit-of-work.ts).
 */

/** `anonymise`: the retention run (npm run retention) anonymised a case; no API client makes it. */
export const AUDIT_ACTIONS = ['read', 'list', 'search', 'create', 'update', 'annul', 'delete', 'export', 'anonymise'] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** Who accesses what, through which request: the same for every event of one request. */
export interface AuditContext {
  clientId: string
  action: AuditAction
  resourceType: string
  requestId: string
}

export interface AuditEvent extends AuditContext {
  kommunekode: string | null
  resourceId: string | null
  /** The HTTP status answered; the outcome is derived from it. */
  status: number
  /** For changes, the fields changed (names only); for exports, the filters and the count. */
  details?: Record<string, unknown> | null
}

export const outcomeOf = (status: number): string =>
  status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : status === 404 ? 'not-found' : status < 500 ? 'rejected' : 'failed'

declare const recorded: unique symbol
/** Proof that a statement carries its own audit insert. */
export interface AuditRecorded { readonly [recorded]: true }
const RECORDED = Object.freeze({}) as AuditRecorded

const COLUMNS = ['client_id', 'kommunekode', 'action', 'resource_type', 'resource_id', 'request_id', 'outcome', 'status', 'details'] as const

/**
 * The one insert into audit_log: the given events, or the rows of a SELECT
 * with the audit columns in table order (client_id, kommunekode, action,
 * resource_type, resource_id, request_id, outcome, status, details).
 */
export function auditInsert (qc: QueryCreator<DB>, source: AuditEvent[] | Expression<unknown>):
{ query: InsertQueryBuilder<DB, 'audit_log', InsertResult>, recorded: AuditRecorded } {
  const insert = qc.insertInto('audit_log')
  const query = Array.isArray(source)
    ? insert.values(source.map((event) => ({
      client_id: event.clientId,
      kommunekode: event.kommunekode,
      action: event.action,
      resource_type: event.resourceType,
      resource_id: event.resourceId,
      request_id: event.requestId,
      outcome: outcomeOf(event.status),
      status: event.status,
      details: event.details == null ? null : JSON.stringify(event.details)
    })))
    : insert.columns(COLUMNS).expression(source)
  return { query, recorded: RECORDED }
}

/**
 * The SELECT for `auditInsert` that records one request's event for each
 * row of the CTE `from`, whose columns `resourceId` and `kommunekode` name
 * the resource.
 */
export function auditRowsOf (context: AuditContext, status: number, from: { cte: string, resourceId: string, kommunekode: string }): Expression<unknown> {
  return sql`SELECT ${context.clientId}::uuid, ${sql.ref(from.kommunekode)}, ${context.action}, ${context.resourceType},
    ${sql.ref(from.resourceId)}, ${context.requestId}, ${outcomeOf(status)}, ${status}::integer, NULL::text FROM ${sql.table(from.cte)}`
}

/** Stores events; with several (a search that found several cases), in one statement. */
export async function recordAudit (db: Kysely<DB>, events: AuditEvent | AuditEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events]
  if (list.length > 0) await auditInsert(db, list).query.execute()
}
