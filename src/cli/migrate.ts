import pino from 'pino'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { loggerOptions } from '../logger.js'

/** `npm run migrate`: applies pending migrations to the configured database and exits. */
const config = loadConfig()
const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions)
const database = await openDatabase(config.databaseUrl === undefined
  ? { pgliteDir: config.pgliteDir }
  : { databaseUrl: config.databaseUrl })
try {
  const applied = await migrate(database)
  log.info({ applied }, `migrations: ${applied.length} applied`)
} catch (error) {
  log.fatal({ err: error }, error instanceof Error ? error.message : String(error))
  process.exitCode = 1
} finally {
  await database.close()
}
