import { createServer } from 'node:net'
import { pathToFileURL } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from './app.js'
import { loadCatalogs, type Catalogs } from './catalogs/catalogs.js'
import { ensureLocalClient, hasClients } from './clients/clients.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { openDatabase, type Database } from './db/database.js'
import { migrate } from './db/migrate.js'
import { loadDemo } from './demo/load.js'
import { loggerOptions } from './logger.js'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1'])

/**
 * Runs the API: configuration from the environment, migrations, listen, and
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, let in-flight requests
 * finish, close the database, exit 0). With `demo`, loads the demo
 * population (src/demo/) before it listens.
 */
export async function start (config: Config, extend?: (app: FastifyInstance) => Promise<void>, { demo = false } = {}): Promise<FastifyInstance> {
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions)
  // Checked before anything else: a bad catalog file names the file, the entry and the rule.
  const catalogs = await loadCatalogs(config.catalogsDir)
  // A port in use fails now, before a database is opened or a token created.
  await assertPortFree(config.port, config.host)
  const database = await openDatabase(config.databaseUrl === undefined
    ? { pgliteDir: config.pgliteDir }
    : { databaseUrl: config.databaseUrl })
  log.info({ engine: database.engine, ...(database.engine === 'pglite' ? { dataDir: config.pgliteDir } : {}) }, 'database opened')
  let app: FastifyInstance
  try {
    const applied = await migrate(database)
    log.info({ applied }, `migrations: ${applied.length} applied`)
    await offerLocalClient(database, config, log)
    if (demo) process.stdout.write(await loadDemoPopulation(database, catalogs, config))
    app = await buildApp({ config, database, catalogs })
  } catch (error) {
    await database.close()
    throw error
  }
  try {
    if (extend !== undefined) await extend(app)
  } catch (error) {
    await app.close()
    throw error
  }
  closeWithGrace({ delay: config.shutdownTimeoutMs, logger: app.log }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  await app.listen({ port: config.port, host: config.host })
  return app
}

/**
 * Only for a newcomer's machine: on the embedded database with no clients,
 * listening on loopback only, a client "local" with every scope. On any
 * other address such a token would be open to the network: say how to make
 * the first client instead.
 */
async function offerLocalClient (database: Database, config: Config, log: pino.Logger): Promise<void> {
  if (database.engine !== 'pglite') return
  if (LOOPBACK.has(config.host)) {
    const token = await ensureLocalClient(database.db)
    if (token === undefined) return
    log.info('created the local client "local" with every scope in every municipality')
    process.stdout.write(`\nLocal API token (shown once; keep it):\n\n  ${token}\n\n` +
      `  curl -H 'Authorization: Bearer ${token}' http://localhost:${config.port}/v1/catalogs/maaltype\n\n`)
  } else if (!await hasClients(database.db)) {
    log.warn({ host: config.host }, 'no API client exists, and no local one is created on a non-loopback HOST')
    process.stdout.write(`\nNo API client exists yet. HOST=${config.host} is not a loopback address, so no local token is created ` +
      '(it would be open to the network with every scope). Stop the server and create the first client:\n\n' +
      '  npm run clients -- create --name NAME --all-municipalities --all-scopes\n' +
      '  (in the Docker image: docker compose run --rm api clients create --name NAME --all-municipalities --all-scopes)\n\n' +
      'or start with HOST=127.0.0.1 once to get a local token.\n\n')
  }
}

/**
 * The demo writes through the API's routes on an app of its own: the same
 * rules, without the per-client rate limit (a few thousand requests at
 * once), and without closing the database the serving app goes on to use.
 */
async function loadDemoPopulation (database: Database, catalogs: Catalogs, config: Config): Promise<string> {
  const loader = await buildApp({
    config: { ...config, rateLimitMax: 1_000_000 },
    database: { ...database, close: async () => {} },
    catalogs,
    logger: false
  })
  try {
    return await loadDemo(loader, { url: `http://localhost:${config.port}` })
  } finally {
    await loader.close()
  }
}

/** Fails with a clear message when something already listens on the port (0 picks a free one: nothing to check). */
async function assertPortFree (port: number, host: string): Promise<void> {
  if (port === 0) return
  const probe = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen({ port, host, exclusive: true }, resolve)
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error
    throw new Error(`port ${port} on ${host} is ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}: stop what listens there or set PORT to another port`)
  }
  await new Promise((resolve) => probe.close(resolve))
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
    await start(config, undefined, { demo: process.argv.includes('--demo') })
  } catch (error) {
    const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions)
    log.fatal({ err: error }, `start-up failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
