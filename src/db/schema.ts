import type { ColumnType, Generated } from 'kysely'

/** Row types of every table, as Kysely sees them. API types live with their routes. */
export interface DB {
  schema_migrations: SchemaMigrationsTable
  api_clients: ApiClientsTable
  api_tokens: ApiTokensTable
  audit_log: AuditLogTable
}

export interface SchemaMigrationsTable {
  version: number
  name: string
  checksum: string
  applied_at: Generated<Date>
}

export interface ApiClientsTable {
  id: string
  name: string
  municipalities: ColumnType<string[], string[] | undefined, string[]>
  all_municipalities: ColumnType<boolean, boolean | undefined, boolean>
  scopes: string[]
  created_at: Generated<Date>
  revoked_at: Date | null
}

export interface ApiTokensTable {
  id: string
  client_id: string
  token_hash: string
  prefix: string
  created_at: Generated<Date>
  revoked_at: Date | null
}

export interface AuditLogTable {
  id: Generated<number>
  at: Generated<Date>
  client_id: string
  kommunekode: string | null
  action: string
  resource_type: string
  resource_id: string | null
  request_id: string
  outcome: string
  status: number
}
