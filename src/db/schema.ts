import type { Generated } from 'kysely'

/** Row types of every table, as Kysely sees them. API types live with their routes. */
export interface DB {
  schema_migrations: SchemaMigrationsTable
}

export interface SchemaMigrationsTable {
  version: number
  name: string
  checksum: string
  applied_at: Generated<Date>
}
