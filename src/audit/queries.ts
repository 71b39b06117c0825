import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { scopedSelect, type Scope } from '../db/scope.js'

export interface AuditFilters {
  from?: Date
  to?: Date
  clientId?: string
  resourceType?: string
  resourceId?: string
  after?: number
  limit: number
}

export async function listAudit (db: Kysely<DB>, scope: Scope, filters: AuditFilters) {
  let query = scopedSelect(db, scope, 'audit_log')
    .select(['id', 'at', 'client_id as clientId', 'kommunekode', 'action', 'resource_type as resourceType',
      'resource_id as resourceId', 'request_id as requestId', 'outcome', 'status', 'details'])
    .orderBy('id')
    .limit(filters.limit)
  if (filters.after !== undefined) query = query.where('id', '>', filters.after)
  if (filters.from !== undefined) query = query.where('at', '>=', filters.from)
  if (filters.to !== undefined) query = query.where('at', '<', filters.to)
  if (filters.clientId !== undefined) query = query.where('client_id', '=', filters.clientId)
  if (filters.resourceType !== undefined) query = query.where('resource_type', '=', filters.resourceType)
  if (filters.resourceId !== undefined) query = query.where('resource_id', '=', filters.resourceId)
  return await query.execute()
}
