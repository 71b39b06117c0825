import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect, type Dialect, type Driver } from 'kysely'
import pg from 'pg'
import { lockDataDir } from './pglite-lock.js'
import type { DB } from './schema.js'
import { PreparingClient } from './statements.js'

/**
 * The two engines behind one Kysely instance: a PostgreSQL server (pg pool)
 * or embedded PGlite (one connection, which Kysely serializes). Code above
 * this module only sees `db`; SQL must run on PostgreSQL 15 and on PGlite.
 */
export interface Database {
  readonly engine: 'postgres' | 'pglite'
  readonly db: Kysely<DB>
  /**
   * Runs `fn` on one dedicated session, for what Kysely's query path cannot
   * do: multi-statement SQL scripts and session-level advisory locks.
   */
  withSession: <T>(fn: (session: Session) => Promise<T>) => Promise<T>
  /** How the connections are used right now (for /metrics). */
  connections: () => ConnectionStats
  /** PGlite only: the whole data directory as a tarball (to clone a database, or a backup: gzip). */
  dumpDataDir?: (compression?: 'none' | 'gzip') => Promise<Blob>
  close: () => Promise<void>
}

export interface ConnectionStats {
  /** The most connections the engine opens: the pool's size, or PGlite's one. */
  max: number
  /** Open connections running a query, a transaction or a session. */
  busy: number
  /** Open connections doing nothing. */
  idle: number
  /**
   * Queries, transactions and sessions waiting for a connection: the pool's
   * queue, or on PGlite those behind the one that has its connection.
   */
  waiting: number
}

export interface Session {
  /** Runs a script of one or more statements without parameters. */
  exec: (script: string) => Promise<void>
  query: <R>(text: string, params?: unknown[]) => Promise<R[]>
}

/** Where the data lives: a PostgreSQL URL, or a PGlite data directory / memory. */
export type DatabaseTarget =
  | { databaseUrl: string }
  | { pgliteDir: string, loadDataDir?: Blob }
  | { pgliteDump: Blob }

// Both engines return the same JS types: DATE as 'YYYY-MM-DD' (never a Date
// shifted by the local time zone), bigint counts as numbers.
const DATE_OID = 1082
const INT8_OID = 20
const parseInt8 = (value: string): number => Number(value)
const keepText = (value: string): string => value

export async function openDatabase (target: DatabaseTarget): Promise<Database> {
  return 'databaseUrl' in target ? openPostgres(target.databaseUrl) : await openPglite(target)
}

function pgTypeParser (oid: number, format?: 'text' | 'binary'): unknown {
  if (oid === DATE_OID) return keepText
  if (oid === INT8_OID) return parseInt8
  return pg.types.getTypeParser(oid, format) as unknown
}

const POOL_MAX = 10

function openPostgres (connectionString: string): Database {
  const pool = new pg.Pool({
    // Prepares the statements it runs (statements.ts).
    Client: PreparingClient,
    connectionString,
    max: POOL_MAX,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser }
  })
  // A client losing its server must not crash the process, idle in the pool
  // or checked out between queries: the query in progress, or the next one,
  // reports the failure instead (a 503).
  pool.on('error', () => {})
  pool.on('connect', (client) => { client.on('error', () => {}) })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    engine: 'postgres',
    db,
    async withSession (fn) {
      const client = await pool.connect()
      let broken = false
      try {
        return await fn({
          exec: async (script) => { await client.query(script) },
          query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[]
        })
      } catch (error) {
        // A session that failed mid-script may hold an open transaction or a
        // lock: never hand it back to the pool.
        broken = true
        throw error
      } finally {
        client.release(broken)
      }
    },
    connections: () => ({ max: POOL_MAX, busy: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => { await db.destroy() }
  }
}

async function openPglite (target: { pgliteDir: string, loadDataDir?: Blob } | { pgliteDump: Blob }): Promise<Database> {
  const options = { parsers: { [DATE_OID]: keepText, [INT8_OID]: parseInt8 } }
  let pglite: PGlite
  let unlock = (): void => {}
  if ('pgliteDump' in target) {
    pglite = await PGlite.create({ ...options, loadDataDir: target.pgliteDump })
  } else if (target.pgliteDir.startsWith('memory://')) {
    pglite = await PGlite.create(target.pgliteDir, options)
  } else {
    await mkdir(target.pgliteDir, { recursive: true })
    // One process per data directory (pglite-lock.ts): a second one fails here, before it touches the data.
    unlock = lockDataDir(target.pgliteDir)
    try {
      // A dump (a backup, a test's template) becomes the directory's data; PGlite refuses if it holds a database.
      pglite = await PGlite.create(target.pgliteDir, { ...options, loadDataDir: target.loadDataDir })
    } catch (error) {
      unlock()
      throw error
    }
  }
  // Queries, transactions and sessions that hold or wait for the one connection.
  const users = { count: 0 }
  const db = new Kysely<DB>({ dialect: counting(new PGliteDialect({ pglite }), users) })
  // PGlite has a single connection: sessions take turns, so one session's
  // BEGIN … COMMIT never interleaves with another's statements.
  let turn: Promise<unknown> = Promise.resolve()
  return {
    engine: 'pglite',
    db,
    withSession (fn) {
      users.count++
      const run = turn.then(async () => await fn({
        exec: async (script) => { await pglite.exec(script) },
        query: async <R>(text: string, params?: unknown[]) => (await pglite.query<R>(text, params)).rows
      })).finally(() => { users.count-- })
      turn = run.catch(() => {})
      return run
    },
    connections: () => {
      const busy = Math.min(users.count, 1)
      return { max: 1, busy, idle: 1 - busy, waiting: Math.max(users.count - 1, 0) }
    },
    dumpDataDir: async (compression = 'none') => await pglite.dumpDataDir(compression),
    close: async () => {
      try {
        await db.destroy()
        // Kysely only closes a PGlite it has used; close an idle one too.
        if (!pglite.closed) await pglite.close()
      } finally {
        unlock()
      }
    }
  }
}

/**
 * A dialect whose driver counts the connections Kysely holds: on PGlite
 * every query and transaction is handed the one connection at once, and
 * those beyond the first wait inside PGlite for their turn.
 */
function counting (dialect: Dialect, users: { count: number }): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => {
      const driver = dialect.createDriver()
      // The driver keeps private fields: its methods run on the driver itself.
      return new Proxy(driver, {
        get (target, property) {
          if (property === 'acquireConnection') {
            return async () => {
              users.count++
              try {
                return await target.acquireConnection()
              } catch (error) {
                users.count--
                throw error
              }
            }
          }
          if (property === 'releaseConnection') {
            return async (connection: Parameters<Driver['releaseConnection']>[0]) => {
              users.count--
              await target.releaseConnection(connection)
            }
          }
          const value: unknown = Reflect.get(target, property, target)
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
        }
      })
    }
  }
}
