import { pathToFileURL } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from './app.js'
import { loadCatalogs } from './catalogs/catalogs.js'
import { ensureLocalClient } from './clients/clients.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { openDatabase } from './db/database.js'
import { migrate } from './db/migrate.js'
import { loggerOptions } from './logger.js'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1'])

/**
 * Runs the API: configuration from the environment, migrations, listen, and
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, let in-flight requests
 * finish, close the database, exit 0).
 */
export async function start (config: Config, extend?: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance> {
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions)
  // Checked before anything else: a bad catalog file names the file, the entry and the rule.
  const catalogs = await loadCatalogs(config.catalogsDir)
  const database = await openDatabase(config.databaseUrl === undefined
    ? { pgliteDir: config.pgliteDir }
    : { databaseUrl: config.databaseUrl })
  log.info({ engine: database.engine, ...(database.engine === 'pglite' ? { dataDir: config.pgliteDir } : {}) }, 'database opened')
  try {
    const applied = await migrate(database)
    log.info({ applied }, `migrations: ${applied.length} applied`)
  } catch (error) {
    await database.close()
    throw error
  }
  // Only for a newcomer's machine: embedded database, listening on loopback only.
  if (database.engine === 'pglite' && LOOPBACK.has(config.host)) {
    const token = await ensureLocalClient(database.db)
    if (token !== undefined) {
      log.info('created the local client "local" with every scope in every municipality')
      process.stdout.write(`\nLocal API token (shown once; keep it):\n\n  ${token}\n\n` +
        `  curl -H 'Authorization: Bearer ${token}' http://localhost:${config.port}/v1/catalogs/maaltype\n\n`)
    }
  }
  const app = await buildApp({ config, database, catalogs })
  if (extend !== undefined) await extend(app)
  closeWithGrace({ delay: config.shutdownTimeoutMs, logger: app.log }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  await app.listen({ port: config.port, host: config.host })
  return app
}

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  try {
    await start(config)
  } catch (error) {
    const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions)
    log.fatal({ err: error }, `start-up failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
