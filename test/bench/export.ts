/**
 * npm run bench:export [-- --sizes 10000,100000] [--format uddata|fhir]
 *
 * Seeds a throwaway database on a real PostgreSQL (DATABASE_URL, default the
 * local server) with decisions whose citizens have realistic block counts
 * (2–5 F&F, 1–3 omgivelser, 2–6 A&D, 1–3 goals, 1–2 follow-ups, 1–2
 * interventions with 1–3 ydelser), then for each size, in one run: streams
 * GET /v1/exports/uddata from the API server (its own process) and, as the
 * baseline, `COPY (SELECT …) TO STDOUT` of the same decisions with their
 * joined rows from the same database. Prints decisions/s, MB/s, the
 * server's peak RSS, and the ratio ours/COPY. `--format fhir` streams KL's
 * FHIR delivery instead (GET /v1/exports/fhir, every citizen as it stands:
 * one citizen per decision here), against the same COPY with the follow-ups.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import pg from 'pg'
import { createClient } from '../../src/clients/clients.js'
import { openDatabase } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { SERVER_URL, serveApi, stop, withThrowawayDatabase } from './common.js'
import { seedDecisions } from './seed.js'

const sizesArg = process.argv.indexOf('--sizes')
const SIZES = (sizesArg > 0 ? process.argv[sizesArg + 1]! : '10000,100000').split(',').map(Number)
const formatArg = process.argv.indexOf('--format')
const FORMAT = formatArg > 0 ? process.argv[formatArg + 1]! : 'uddata'
if (FORMAT !== 'uddata' && FORMAT !== 'fhir') throw new Error(`--format is uddata or fhir, not ${FORMAT}`)
const EXPORT = FORMAT === 'fhir' ? '/v1/exports/fhir?kommunekode=101&changedSince=1970-01-01T00:00:00Z' : '/v1/exports/uddata'
const UNIT = FORMAT === 'fhir' ? 'bundles' : 'decisions'

// The baseline: the same decisions with every row the export reads, joined and aggregated by PostgreSQL itself.
const COPY = `COPY (
  SELECT d.*, c.cpr,
    (SELECT json_agg(r ORDER BY r.registered_at, r.seq) FROM theme_registrations r WHERE r.case_id = d.case_id) AS registrations,
    (SELECT json_agg(g ORDER BY dg.position) FROM decision_goals dg JOIN goals g ON g.id = dg.goal_id WHERE dg.decision_id = d.id) AS goals,
    (SELECT json_agg(s ORDER BY s.registered_at, s.seq) FROM stoettebehov s WHERE s.decision_id = d.id) AS stoettebehov,
    (SELECT json_agg(json_build_object('intervention', i, 'ydelser',
      (SELECT json_agg(y ORDER BY y.seq) FROM intervention_ydelser y WHERE y.intervention_id = i.id)) ORDER BY i.seq)
      FROM interventions i WHERE i.decision_id = d.id) AS interventions${FORMAT === 'fhir'
    ? ',\n    (SELECT json_agg(f ORDER BY f.registered_at, f.seq) FROM follow_ups f WHERE f.decision_id = d.id) AS follow_ups'
    : ''}
  FROM decisions d JOIN cases c ON c.id = d.case_id ORDER BY d.seq) TO STDOUT`

async function peakRss (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
}

/** Streams the export from a fresh server process; returns decisions, bytes, seconds and the server's peak RSS. */
async function measureExport (databaseUrl: string, token: string) {
  const { child: server, base } = await serveApi(databaseUrl)
  try {
    const idleRss = await peakRss(server.pid!)
    const started = process.hrtime.bigint()
    const { lines, bytes } = await new Promise<{ lines: number, bytes: number }>((resolve, reject) => {
      request(`${base}${EXPORT}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let lines = 0
        let bytes = 0
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++
        })
        res.on('end', () => { resolve({ lines, bytes }) })
        res.on('error', reject)
      }).on('error', reject).end()
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    return { decisions: lines - 1, bytes, seconds, idleRss, peakRss: await peakRss(server.pid!) }
  } finally {
    await stop(server)
  }
}

async function measureCopy (databaseUrl: string) {
  const started = process.hrtime.bigint()
  const bytes = await new Promise<number>((resolve, reject) => {
    const psql = spawn('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-c', COPY], { stdio: ['ignore', 'pipe', 'inherit'] })
    let total = 0
    psql.stdout.on('data', (chunk: Buffer) => { total += chunk.length })
    psql.on('exit', (code) => { code === 0 ? resolve(total) : reject(new Error(`psql exited ${String(code)}`)) })
  })
  return { bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9 }
}

await withThrowawayDatabase(async (databaseUrl, name) => {
  const database = await openDatabase({ databaseUrl })
  await migrate(database)
  const { token } = await createClient(database.db, { name: 'bench', municipalities: ['101'], scopes: ['export:read'] })
  await database.close()
  const seeder = new pg.Client({ connectionString: databaseUrl })
  seeder.on('error', () => {})
  await seeder.connect()
  console.log(`database ${name} on ${SERVER_URL.replace(/\/\/[^@]*@/, '//')}; sizes ${SIZES.join(', ')}`)
  const results: Array<{ size: number, peakRss: number }> = []
  let seeded = 0
  for (const size of SIZES) {
    const t0 = Date.now()
    await seedDecisions(seeder, seeded, size)
    seeded = size
    const counts = (await seeder.query<{ n: string }>('SELECT (SELECT count(*) FROM theme_registrations) AS n')).rows[0]!.n
    console.log(`\n== ${size} decisions (seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${counts} theme registrations)`)
    const ours = await measureExport(databaseUrl, token)
    const copy = await measureCopy(databaseUrl)
    if (ours.decisions !== size) throw new Error(`the export sent ${ours.decisions} ${UNIT}, expected ${size}`)
    const mb = (bytes: number) => bytes / 1024 / 1024
    console.log(`ours  ${EXPORT}: ${(ours.decisions / ours.seconds).toFixed(0)} ${UNIT}/s, ${(mb(ours.bytes) / ours.seconds).toFixed(1)} MB/s ` +
      `(${mb(ours.bytes).toFixed(1)} MB in ${ours.seconds.toFixed(2)} s); server peak RSS ${mb(ours.peakRss).toFixed(0)} MB (idle ${mb(ours.idleRss).toFixed(0)} MB)`)
    console.log(`COPY  (SELECT …) TO STDOUT: ${(size / copy.seconds).toFixed(0)} ${UNIT}/s, ${(mb(copy.bytes) / copy.seconds).toFixed(1)} MB/s ` +
      `(${mb(copy.bytes).toFixed(1)} MB in ${copy.seconds.toFixed(2)} s)`)
    console.log(`ratio ours/COPY (${UNIT}/s): ${(copy.seconds / ours.seconds).toFixed(2)}  (target ≥ 0.5)`)
    results.push({ size, peakRss: ours.peakRss })
  }
  await seeder.end()
  if (results.length > 1) {
    const growth = (results.at(-1)!.peakRss - results[0]!.peakRss) / 1024 / 1024
    console.log(`\npeak RSS growth from ${results[0]!.size} to ${results.at(-1)!.size} decisions: ${growth.toFixed(0)} MB  (target < 100 MB)`)
  }
})
