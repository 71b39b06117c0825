import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { maskCpr } from '../logger.js'
import { parseRetention, runRetention } from '../retention/command.js'

/**
 * `npm run retention -- [--dry-run] [--as-of YYYY-MM-DD] | --list | --set 101=10 | --unset 101`
 * on the configured database (DATABASE_URL, or the embedded PGlite in
 * PGLITE_DIR — stop the server first). What it does: src/retention/command.ts;
 * how to run it nightly: docs/operations.md. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
const out = (line: string): void => { process.stdout.write(`${line}\n`) }
const err = (line: string): void => { process.stderr.write(`${line}\n`) }

// Bad usage is refused before the database is opened (or migrated).
const parsed = parseRetention(process.argv.slice(2))
if ('usage' in parsed) {
  err(parsed.usage)
  process.exit(2)
}

try {
  const config = loadConfig()
  const database = await openDatabase(config.databaseUrl === undefined ? { pgliteDir: config.pgliteDir } : { databaseUrl: config.databaseUrl })
  try {
    await migrate(database)
    await runRetention(parsed, { db: database.db, defaultYears: config.retentionYears, out, err })
  } finally {
    await database.close()
  }
} catch (error) {
  // The reason, not a stack: an embedded database in use, a bad variable, an unreachable server.
  err(maskCpr(error instanceof Error ? error.message : String(error)))
  process.exitCode = 1
}
