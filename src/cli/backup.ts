import { readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chainHead, sealPending, verifyChain } from '../audit/chain.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrate } from '../db/migrate.js'

/**
 * Backup and restore of the embedded database (docs/operations.md):
 *
 *   npm run backup -- <file>    the PGLITE_DIR database, sealed, as one gzip'd tarball
 *   npm run restore -- <file>   a backup into PGLITE_DIR, which must be empty or absent
 *
 * Both need the server stopped (the directory's lock says so). After a
 * restore the audit chain is verified and its head printed, to compare with
 * the head the backup printed. On PostgreSQL, pg_dump and pg_restore do this
 * (docs/operations.md); the command says so. Exit codes: 0 done, 1 failed or
 * the restored trail is broken, 2 bad usage.
 */
const USAGE = 'usage: npm run backup -- <file>   |   npm run restore -- <file>'

class UsageError extends Error {}

/** What the command did is its output, not a log: plain lines on stdout (they hold no CPR number). */
const out = (line: string): void => { process.stdout.write(`${line}\n`) }

async function backup (pgliteDir: string, file: string): Promise<void> {
  const database = await openDatabase({ pgliteDir })
  try {
    // The backup holds a whole chain: what is queued is sealed first.
    await sealPending(database.db)
    const head = await chainHead(database.db)
    const tarball = Buffer.from(await (await database.dumpDataDir!('gzip')).arrayBuffer())
    const partial = `${file}.partial`
    await writeFile(partial, tarball)
    await rename(partial, file)
    out(`backup: ${file} (${tarball.length} bytes) of ${resolve(pgliteDir)}`)
    if (head !== null) out(`audit chain head at the backup: ${head.seq}:${head.hash}`)
  } finally {
    await database.close()
  }
}

async function restore (pgliteDir: string, file: string): Promise<void> {
  const entries = await readdir(pgliteDir).catch(() => [])
  if (entries.length > 0) {
    throw new Error(`PGLITE_DIR ${resolve(pgliteDir)} is not empty: a restore never overwrites data; move it away, or set PGLITE_DIR to a new directory`)
  }
  const database = await openDatabase({ pgliteDir, loadDataDir: new Blob([await readFile(file)]) })
  try {
    // A backup from an older release gets this release's migrations, as the server would at start.
    const applied = await migrate(database)
    const report = await verifyChain(database.db)
    out(`restored: ${file} into ${resolve(pgliteDir)}${applied.length > 0 ? `; migrations applied: ${applied.join(', ')}` : ''}`)
    out(`audit chain: ${report.links} links${report.head === null ? '' : `, head ${report.head.seq}:${report.head.hash}`}`)
    if (report.breaks.length > 0) {
      out(`BROKEN: the first break: ${report.breaks[0]!.message} (npm run audit:verify lists every one)`)
      process.exitCode = 1
    } else {
      out('intact: every audit row is sealed in order and unchanged')
    }
  } finally {
    await database.close()
  }
}

try {
  const { positionals } = parseArgs({ allowPositionals: true })
  const [command, file] = positionals
  if ((command !== 'backup' && command !== 'restore') || file === undefined || positionals.length !== 2) throw new UsageError(USAGE)
  const config = loadConfig()
  if (config.databaseUrl !== undefined) {
    throw new UsageError(`DATABASE_URL is set: on PostgreSQL use ${command === 'backup'
      ? 'pg_dump --format=custom --file <file> "$DATABASE_URL"'
      : 'pg_restore --no-owner --dbname "$DATABASE_URL" <file> (into an empty database)'} — docs/operations.md`)
  }
  await (command === 'backup' ? backup : restore)(config.pgliteDir, file)
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = error instanceof UsageError ? 2 : 1
}
