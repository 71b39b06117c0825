import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { sealPending, verifyChain, type ChainReport } from '../../src/audit/chain.js'
import type { Database } from '../../src/db/database.js'
import { openDatabase } from '../../src/db/database.js'
import { buildTestApp, createDiskDatabase, createServerDatabase, createTestClient, exited, SERVER_URL, spawnEntry } from '../helper.js'
import { aCase, aRegistration } from '../support/factories.js'

/**
 * Backups restore (issue 24, point 4), by the commands docs/operations.md
 * gives: `npm run backup` / `npm run restore` on the embedded PGlite,
 * pg_dump / pg_restore on PostgreSQL. Back up, write more, restore: the
 * restored database holds exactly the data of the backup, its audit chain
 * is intact, a head recorded after the backup shows it is older, and the
 * API writes on where the backup left off.
 */

const TABLES = ['api_clients', 'cases', 'theme_registrations', 'record_versions', 'audit_log', 'audit_chain'] as const

/** Every row of the tables that matter, as text, in a stable order. */
async function snapshot (database: Database): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const table of TABLES) {
    const [row] = await database.withSession(async (session) => await session.query<{ rows: string }>(
      `SELECT coalesce(json_agg(x ORDER BY x::text), '[]')::text AS rows FROM (SELECT to_jsonb(t) AS x FROM ${table} t) s`))
    result[table] = row!.rows
  }
  return result
}

/** Opens the database, writes through the API (cases with a registration each), seals, closes; returns the chain's report. */
async function writeSome (t: Test, open: () => Promise<Database>, cases: number): Promise<ChainReport> {
  const database = await open()
  const app = await buildTestApp(t, { database })
  const { headers } = await createTestClient(app)
  for (let i = 0; i < cases; i++) await aRegistration(app, headers, (await aCase(app, headers)).location)
  await sealPending(database.db)
  const report = await verifyChain(database.db)
  await app.close()
  return report
}

function run (command: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return exited(spawn(command, args))
}

t.test('back up, write more, restore: the backup\'s data, an intact chain, and the API goes on', async (t) => {
  const source = await createDiskDatabase(t)
  await writeSome(t, source.open, 2)
  const atBackup = await (async () => {
    const database = await source.open()
    try { return await snapshot(database) } finally { await database.close() }
  })()
  const files = t.testdir()
  const file = join(files, SERVER_URL === undefined ? 'ffb.tar.gz' : 'ffb.dump')

  if (SERVER_URL === undefined) {
    const made = await exited(spawnEntry('src/cli/backup.ts', source.env, ['backup', file]))
    t.equal(made.code, 0, made.stderr)
    t.match(made.stdout, /^backup: .*ffb\.tar\.gz \(\d+ bytes\)/m)
    t.match(made.stdout, /audit chain head at the backup: \d+:[0-9a-f]{64}/)
  } else {
    const made = await run('pg_dump', ['--format=custom', '--file', file, source.env.DATABASE_URL!])
    t.equal(made.code, 0, made.stderr)
  }

  const later = await writeSome(t, source.open, 1)

  let restored: { env: Record<string, string>, open: () => Promise<Database> }
  if (SERVER_URL === undefined) {
    const pgliteDir = join(files, 'restored')
    restored = { env: { PGLITE_DIR: pgliteDir }, open: async () => await openDatabase({ pgliteDir }) }
    const back = await exited(spawnEntry('src/cli/backup.ts', restored.env, ['restore', file]))
    t.equal(back.code, 0, back.stderr)
    t.match(back.stdout, /audit chain: \d+ links, head \d+:[0-9a-f]{64}\nintact/)
    const again = await exited(spawnEntry('src/cli/backup.ts', restored.env, ['restore', file]))
    t.equal(again.code, 1, 'a restore never overwrites a database')
    t.match(again.stderr, 'is not empty: a restore never overwrites data')
  } else {
    const url = await createServerDatabase(t)
    restored = { env: { DATABASE_URL: url }, open: async () => await openDatabase({ databaseUrl: url }) }
    const back = await run('pg_restore', ['--no-owner', '--dbname', url, file])
    t.equal(back.code, 0, back.stderr)
  }

  const database = await restored.open()
  t.same(await snapshot(database), atBackup, 'every row as it was at the backup; the later writes are not there')
  t.same((await verifyChain(database.db)).breaks, [], 'the restored trail is intact')
  const older = await verifyChain(database.db, { expect: later.head! })
  t.same(older.breaks.map((b) => b.kind), ['anchor'], 'a head recorded after the backup shows the restored trail is older')
  await database.close()

  // The API writes on: its records are sealed after the restored chain.
  const next = await writeSome(t, restored.open, 1)
  t.same(next.breaks, [])
  t.ok(next.head!.seq > JSON.parse(atBackup.audit_chain!).length, 'new links follow the restored ones')
})

t.test('the backup commands say what to do instead of guessing', async (t) => {
  const usage = await exited(spawnEntry('src/cli/backup.ts', {}, ['backup']))
  t.equal(usage.code, 2)
  t.match(usage.stderr, 'usage: npm run backup -- <file>')
  const postgres = await exited(spawnEntry('src/cli/backup.ts', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, ['backup', 'x.dump']))
  t.equal(postgres.code, 2)
  t.match(postgres.stderr, 'on PostgreSQL use pg_dump --format=custom')
})
