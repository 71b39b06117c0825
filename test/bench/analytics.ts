/**
 * npm run bench:analytics [-- --sizes 100000] [--runs 3] [--only citizens-by-tilbud,…]
 *
 * Seeds a throwaway database on a real PostgreSQL (DATABASE_URL, default the
 * local server) with decisions by SQL (seed.ts, the export bench's
 * population), then for each aggregate of /v1/analytics, in one run: GET
 * from the API server (its own process; JSON) and, as the baseline, the
 * same SQL statement — compiled by the same code, its parameters written in
 * as literals — run by psql in one session, timed by its \timing. Each is
 * run `--runs` times and the best time kept (the first warms the caches for
 * both). Prints a table of the times and the ratio psql/ours (goal ≥ 0.8).
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import pg from 'pg'
import { AGGREGATES } from '../../src/analytics/aggregates.js'
import { levelMaps, resolveFilter } from '../../src/analytics/filters.js'
import { dayInDenmark, loadCatalogs } from '../../src/catalogs/catalogs.js'
import { createClient } from '../../src/clients/clients.js'
import { openDatabase } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { SERVER_URL, serveApi, stop, withThrowawayDatabase } from './common.js'
import { seedDecisions } from './seed.js'

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name)
  return at > 0 ? process.argv[at + 1]! : fallback
}
const SIZES = arg('--sizes', '100000').split(',').map(Number)
const RUNS = Number(arg('--runs', '3'))
const ONLY = arg('--only', '').split(',').filter((path) => path !== '')
const QUERY = { from: '2024-01-01', to: '2024-12-31' }

/** A parameter as an SQL literal: the statement psql runs is the one the API runs, with its values written in. */
function literal (value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `'{${value.map((v) => `"${String(v).replaceAll('"', '\\"')}"`).join(',')}}'`
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return `'${text.replaceAll('\'', '\'\'')}'`
}

const inline = (compiled: { sql: string, parameters: readonly unknown[] }): string =>
  compiled.sql.replace(/\$(\d+)/g, (_, n: string) => literal(compiled.parameters[Number(n) - 1]))

async function best (runs: number, fn: () => Promise<void>): Promise<number> {
  let fastest = Infinity
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint()
    await fn()
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6)
  }
  return fastest
}

const get = async (url: string, token: string) => await new Promise<void>((resolve, reject) => {
  request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
    if (res.statusCode !== 200) reject(new Error(`${url}: ${String(res.statusCode)}`))
    res.resume()
    res.on('end', resolve)
  }).on('error', reject).end()
})

/** The statement run `runs` times in one psql session; the best of psql's own \timing (no process start-up counted). */
const psql = async (databaseUrl: string, statement: string, runs: number) => await new Promise<number>((resolve, reject) => {
  const child = spawn('psql', [databaseUrl, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.on('exit', (code) => {
    const times = [...out.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]))
    code === 0 && times.length === runs ? resolve(Math.min(...times)) : reject(new Error(`psql exited ${String(code)} with ${times.length} timings`))
  })
  child.stdin.end(`\\timing on\n${`${statement};\n`.repeat(runs)}`)
})

await withThrowawayDatabase(async (databaseUrl, name) => {
  const catalogs = await loadCatalogs()
  const database = await openDatabase({ databaseUrl })
  await migrate(database)
  const { client, token } = await createClient(database.db, { name: 'bench', municipalities: ['101'], scopes: ['analytics:read'] })
  const seeder = new pg.Client({ connectionString: databaseUrl })
  seeder.on('error', () => {})
  await seeder.connect()
  console.log(`database ${name} on ${SERVER_URL.replace(/\/\/[^@]*@/, '//')}; sizes ${SIZES.join(', ')}; best of ${RUNS}`)
  const today = dayInDenmark(new Date())
  const filter = resolveFilter(catalogs, QUERY, today)
  const context = { levels: levelMaps(catalogs), today }
  let seeded = 0
  for (const size of SIZES) {
    const t0 = Date.now()
    await seedDecisions(seeder, seeded, size)
    seeded = size
    console.log(`\n== ${size} decisions (seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    console.log('| aggregate | ours (API, ms) | psql (same SQL, ms) | ratio psql/ours |\n|---|---:|---:|---:|')
    const { child: server, base } = await serveApi(databaseUrl)
    try {
      for (const aggregate of AGGREGATES.filter((a) => ONLY.length === 0 || ONLY.includes(a.path))) {
        const statement = inline(aggregate.statement(client, filter, context).compile(database.db))
        const url = `${base}/v1/analytics/${aggregate.path}?from=${QUERY.from}&to=${QUERY.to}`
        const ours = await best(RUNS, async () => { await get(url, token) })
        const theirs = await psql(databaseUrl, statement, RUNS)
        console.log(`| ${aggregate.path} | ${ours.toFixed(0)} | ${theirs.toFixed(0)} | ${(theirs / ours).toFixed(2)} |`)
      }
    } finally {
      await stop(server)
    }
  }
  await seeder.end()
  await database.close()
})
