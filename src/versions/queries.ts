import type { Executor } from '../db/unit-of-work.js'

/**
 * Every version of a correctable record, as it was written: the record's
 * own fields, who wrote it, when, and why. A change writes the new version
 * here in the same transaction as the change itself, so the history can
 * never miss one.
 */

export interface VersionWritten {
  resourceType: string
  resourceId: string
  version: number
  kommunekode: string
  /** The record's own fields after the change. */
  data: object
  clientId: string
  reason?: string | null
  /** When the version was registered; default the transaction's instant. */
  at?: Date
}

export async function recordVersion (trx: Executor, v: VersionWritten): Promise<void> {
  await trx.insertInto('record_versions').values({
    resource_type: v.resourceType,
    resource_id: v.resourceId,
    version: v.version,
    kommunekode: v.kommunekode,
    data: JSON.stringify(v.data),
    client_id: v.clientId,
    reason: v.reason ?? null,
    ...(v.at === undefined ? {} : { recorded_at: v.at })
  }).execute()
}

export interface StoredVersion<D> {
  version: number
  recordedAt: string
  clientId: string | null
  reason: string | null
  data: D
}

/**
 * A record's versions, oldest first, their data of the type the record's
 * area wrote for that resource type. The caller has already checked that
 * the record is the client's to see.
 */
export async function listVersions<D> (db: Executor, resourceType: string, resourceId: string): Promise<Array<StoredVersion<D>>> {
  const rows = await db.selectFrom('record_versions').select(['version', 'recorded_at', 'client_id', 'reason', 'data'])
    .where('resource_type', '=', resourceType).where('resource_id', '=', resourceId).orderBy('version').execute()
  return rows.map((row) => ({
    version: row.version,
    recordedAt: row.recorded_at.toISOString(),
    clientId: row.client_id,
    reason: row.reason,
    // Written by recordVersion from a D of this resource type (JSON of plain values).
    data: row.data as D
  }))
}
