import type { ColumnType, Generated } from 'kysely'

/** Row types of every table, as Kysely sees them. API types live with their routes. */
export interface DB {
  schema_migrations: SchemaMigrationsTable
  api_clients: ApiClientsTable
  api_tokens: ApiTokensTable
  audit_log: AuditLogTable
  cases: CasesTable
  theme_registrations: ThemeRegistrationsTable
  idempotency_keys: IdempotencyKeysTable
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

export interface CasesTable {
  id: string
  seq: Generated<number>
  kommunekode: string
  cpr: string
  borgerens_oensker: string | null
  diagnoser: ColumnType<string[], string[] | undefined, string[]>
  opened_at: Date
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Date>
  changed_at: Generated<Date>
}

export interface ThemeRegistrationsTable {
  id: string
  seq: Generated<number>
  case_id: string
  kommunekode: string
  theme: string
  undertema: string
  funktionsevneniveau: string | null
  oplysninger_fra_borgeren: string | null
  oplysninger_fra_andre: string | null
  sagsbehandlers_bemaerkninger: string | null
  registered_at: Date
  catalog_version: string
  created_at: Generated<Date>
}

export interface IdempotencyKeysTable {
  client_id: string
  key: string
  fingerprint: string
  status: number
  headers: string
  body: string
  resource_id: string | null
  kommunekode: string | null
  created_at: Generated<Date>
  expires_at: Date
}
