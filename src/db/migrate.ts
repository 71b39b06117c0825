import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database, Session } from './database.js'

/**
 * Forward-only SQL migrations: `migrations/NNNN_name.sql`, applied in order,
 * each in its own transaction, recorded in `schema_migrations`. A
 * session-level advisory lock makes concurrent starts take turns, so two API
 * processes on one PostgreSQL never both apply a file.
 */

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

// An arbitrary constant that names "the migration lock" among advisory locks.
const LOCK_KEY = '4727390712734511'
const FILE_NAME = /^(\d{4})_([a-z0-9_-]+)\.sql$/

export interface Migration {
  version: number
  file: string
  sql: string
  checksum: string
}

export class MigrationError extends Error {
  constructor (message: string, options?: { cause: unknown }) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

export async function readMigrations (dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = FILE_NAME.exec(file)
    if (match === null) throw new MigrationError(`${file}: migration files are named NNNN_name.sql`)
    const version = Number(match[1])
    if (migrations.some((m) => m.version === version)) {
      throw new MigrationError(`${file}: version ${version} is used by two files`)
    }
    const sql = await readFile(join(dir, file), 'utf8')
    migrations.push({ version, file, sql, checksum: createHash('sha256').update(sql).digest('hex') })
  }
  return migrations
}

/** Applies every migration not yet applied; returns the files it applied. */
export async function migrate (database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir)
  return await database.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [LOCK_KEY])
    try {
      return await applyPending(session, migrations)
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY])
    }
  })
}

async function applyPending (session: Session, migrations: Migration[]): Promise<string[]> {
  await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const rows = await session.query<{ version: number, name: string, checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations')
  const applied = new Map(rows.map((row) => [row.version, row]))
  for (const migration of migrations) {
    const row = applied.get(migration.version)
    if (row !== undefined && row.checksum !== migration.checksum) {
      throw new MigrationError(`${migration.file}: changed after it was applied (as ${row.name}); ` +
        'migrations are forward-only, add a new file instead')
    }
  }
  const done: string[] = []
  for (const migration of migrations.filter((m) => !applied.has(m.version))) {
    await session.exec('BEGIN')
    try {
      await session.exec(migration.sql)
      await session.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [migration.version, migration.file, migration.checksum])
      await session.exec('COMMIT')
    } catch (error) {
      await session.exec('ROLLBACK').catch(() => {})
      const reason = error instanceof Error ? error.message : String(error)
      throw new MigrationError(`${migration.file} failed: ${reason}`, { cause: error })
    }
    done.push(migration.file)
  }
  return done
}

/** The newest version recorded in the database, or 0 for none. */
export async function appliedVersion (database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('schema_migrations')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst()
  return row?.version ?? 0
}
