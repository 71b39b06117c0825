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
import { loadCatalogs } from '../../src/catalogs/catalogs.js'
import { createClient } from '../../src/clients/clients.js'
import { openDatabase } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { SERVER_URL, serveApi, stop, withThrowawayDatabase } from './common.js'

const sizesArg = process.argv.indexOf('--sizes')
const SIZES = (sizesArg > 0 ? process.argv[sizesArg + 1]! : '10000,100000').split(',').map(Number)
const formatArg = process.argv.indexOf('--format')
const FORMAT = formatArg > 0 ? process.argv[formatArg + 1]! : 'uddata'
if (FORMAT !== 'uddata' && FORMAT !== 'fhir') throw new Error(`--format is uddata or fhir, not ${FORMAT}`)
const EXPORT = FORMAT === 'fhir' ? '/v1/exports/fhir?kommunekode=101&changedSince=1970-01-01T00:00:00Z' : '/v1/exports/uddata'
const UNIT = FORMAT === 'fhir' ? 'bundles' : 'decisions'

const catalogs = await loadCatalogs()
const codes = (list: string, keep: (e: { selectable: boolean, topLevel?: boolean }) => boolean = (e) => e.selectable): string[] =>
  catalogs.versionAt(list, '2024-01-01')!.entries.filter(keep).map((e) => e.code)

// Every block of every citizen, made in SQL from the decision number g.
const SEED = `
INSERT INTO cases (id, kommunekode, cpr, opened_at)
  SELECT md5('c'||g)::uuid, '101', lpad((1 + g % 28)::text, 2, '0') || lpad((1 + g / 28 % 12)::text, 2, '0') || lpad((g / 336 % 100)::text, 2, '0') ||
    lpad((g / 33600)::text, 4, '0'), timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series($1::int + 1, $2::int) g;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version)
  SELECT md5('ff'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'funktioner-og-forhold', ($3::text[])[1 + (g + k) % cardinality($3::text[])], NULL,
    timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 2 + g % 4) k;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version)
  SELECT md5('om'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'omgivelsesfaktorer', ($4::text[])[1 + (g + k) % cardinality($4::text[])], NULL,
    timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 3) k;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version)
  SELECT md5('ad'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'aktivitet-og-deltagelse', ($5::text[])[1 + (g + k) % cardinality($5::text[])],
    ($6::text[])[1 + (g + k) % cardinality($6::text[])], timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 2 + g % 5) k;
INSERT INTO goals (id, case_id, kommunekode, maalformulering, maaltype, primaert_undertema, aktuel_registration_id, forventet_funktionsevneniveau,
    opfoelgningsdato, ansvarlig_for_opfoelgning, registered_at, catalog_version)
  SELECT md5('g'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'Mål nummer '||k, ($7::text[])[1 + k % 3],
    ($5::text[])[1 + (g + (1 + (k - 1) % (2 + g % 5))) % cardinality($5::text[])], md5('ad'||g||'-'||(1 + (k - 1) % (2 + g % 5)))::uuid,
    ($6::text[])[1 + k % cardinality($6::text[])], date '2024-06-01', 'Socialafdelingen', timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 3) k;
INSERT INTO decisions (id, case_id, kommunekode, sagsafgoerelses_id, afgoerelsesdato, primaer_maalgruppe, maalgrupper_registered_at, catalog_version)
  SELECT md5('d'||g)::uuid, md5('c'||g)::uuid, '101', 'B-'||g, date '2024-01-02', ($9::text[])[1 + g % cardinality($9::text[])],
    timestamptz '2024-01-02' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g;
INSERT INTO decision_goals (decision_id, goal_id, position)
  SELECT md5('d'||g)::uuid, md5('g'||g||'-'||k)::uuid, k FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 3) k;
INSERT INTO stoettebehov (id, decision_id, kommunekode, code, begrundelse, registered_at)
  SELECT md5('s'||g)::uuid, md5('d'||g)::uuid, '101', ($8::text[])[1 + g % cardinality($8::text[])], 'Vurderet ved afgørelsen',
    timestamptz '2024-01-02' + g * interval '1 second' FROM generate_series($1::int + 1, $2::int) g;
INSERT INTO follow_ups (id, decision_id, case_id, kommunekode, opfoelgningsdato, registered_at, status_paa_indsats)
  SELECT md5('f'||g||'-'||k)::uuid, md5('d'||g)::uuid, md5('c'||g)::uuid, '101', date '2024-06-01' + k * 30,
    timestamptz '2024-06-01' + k * interval '30 days', $10::text FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version, follow_up_id)
  SELECT md5('fr'||g||'-'||k||'-'||j)::uuid, md5('c'||g)::uuid, '101', 'aktivitet-og-deltagelse', goal.primaert_undertema,
    ($6::text[])[1 + (g + j) % cardinality($6::text[])], timestamptz '2024-06-01' + k * interval '30 days', '20240530', md5('f'||g||'-'||k)::uuid
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k, generate_series(1, 1 + g % 3) j, goals goal
  WHERE goal.id = md5('g'||g||'-'||j)::uuid;
INSERT INTO follow_up_goals (follow_up_id, goal_id, kommunekode, registration_id, sagsbehandlers_vurdering, maal_opnaaet, position)
  SELECT md5('f'||g||'-'||k)::uuid, md5('g'||g||'-'||j)::uuid, '101', md5('fr'||g||'-'||k||'-'||j)::uuid, 'Fortsat arbejde', false, j
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k, generate_series(1, 1 + g % 3) j;
INSERT INTO stoettebehov (id, decision_id, kommunekode, code, begrundelse, registered_at, follow_up_id)
  SELECT md5('s'||g||'-'||k)::uuid, md5('d'||g)::uuid, '101', ($8::text[])[1 + (g + k) % cardinality($8::text[])], 'Vurderet ved opfølgning',
    timestamptz '2024-06-01' + k * interval '30 days', md5('f'||g||'-'||k)::uuid FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k;
INSERT INTO interventions (id, decision_id, kommunekode, tilbud, tilbud_registered_at, p_nummer, bevillingsdato, catalog_version)
  SELECT md5('i'||g||'-'||k)::uuid, md5('d'||g)::uuid, '101', ($11::text[])[1 + (g + k) % cardinality($11::text[])],
    timestamptz '2024-01-02' + g * interval '1 second', '1012345678', date '2024-01-02', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k;
INSERT INTO intervention_ydelser (id, intervention_id, kommunekode, code, startdato, registered_at)
  SELECT md5('y'||g||'-'||k||'-'||j)::uuid, md5('i'||g||'-'||k)::uuid, '101', ($12::text[])[1 + (g + k + j) % cardinality($12::text[])],
    date '2024-02-01', timestamptz '2024-01-02' + g * interval '1 second'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k, generate_series(1, 1 + g % 3) j;
`

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
  const params = [
    codes('funktioner-og-forhold'), codes('omgivelsesfaktorer'), codes('aktivitet-og-deltagelse'), codes('funktionsevneniveau'),
    codes('maaltype'), codes('stoettebehov'), codes('maalgrupper', (e) => e.topLevel === true),
    '1e971d84-10a4-4ef8-a8b3-0daa4c7d088a', codes('tilbud'), codes('ydelser')
  ]
  console.log(`database ${name} on ${SERVER_URL.replace(/\/\/[^@]*@/, '//')}; sizes ${SIZES.join(', ')}`)
  const results: Array<{ size: number, peakRss: number }> = []
  let seeded = 0
  for (const size of SIZES) {
    const t0 = Date.now()
    // The statements share their parameters; pg sends one statement per query.
    for (const statement of SEED.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
      const used = [...new Set([...statement.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b)
      const values = [seeded, size, ...params]
      const renumbered = statement.replace(/\$(\d+)/g, (_, n: string) => `$${used.indexOf(Number(n)) + 1}`)
      await seeder.query(renumbered, used.map((n) => values[n - 1]))
    }
    await seeder.query('ANALYZE')
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
