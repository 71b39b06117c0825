/**
 * npm run bench:api [-- --duration 10 --connections 32]
 *
 * Starts the API on a throwaway database on a real PostgreSQL (DATABASE_URL,
 * default the local server) and drives it with autocannon, in one run:
 * catalog reads, case reads, A&D registrations (validated single writes),
 * and the full VUM flow per citizen (case → investigation → goal → decision
 * → intervention → follow-up). The baseline is a bare Fastify route on the
 * same machine and database doing one plain INSERT. Prints req/s, p50, p99
 * and errors for each, the CPU the serving process and PostgreSQL spent per
 * request, and the ratio of our single writes to the bare INSERT.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { createClient, SCOPES } from '../../src/clients/clients.js'
import { openDatabase } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { AD, FF, LEVEL, MAALGRUPPE, MAALTYPE, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { ROOT } from '../helper.js'
import { freePort, serve, serveApi, stop, withThrowawayDatabase } from './common.js'

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const DURATION = arg('duration', 10)
const CONNECTIONS = arg('connections', 32)

interface Result { name: string, rps: number, p50: number, p99: number, errors: number, nodeMs?: number, postgresMs?: number }

/** CPU time (user + system, ms) the processes have used so far, from /proc; undefined without /proc. */
function cpuMs (pids: number[]): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined
  let ticks = 0
  for (const pid of pids) {
    try {
      // After the command name in parentheses: state is field 3, utime and stime fields 14 and 15.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {} // the process has ended: its time is lost, a small undercount
  }
  return ticks * 10 // USER_HZ is 100 on Linux
}

const postgresPids = (): number[] => readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
  try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' } catch { return false }
})

/**
 * Drives one scenario against the process `server` that serves it; also the
 * CPU that process and PostgreSQL (every server process) spent per request:
 * unlike req/s, that hardly moves with what else the machine is doing.
 */
async function load (name: string, options: autocannon.Options, server: ChildProcess): Promise<Result> {
  const pids = server.pid === undefined ? [] : [server.pid]
  const before = { node: cpuMs(pids), postgres: cpuMs(postgresPids()) }
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options })
  const after = { node: cpuMs(pids), postgres: cpuMs(postgresPids()) }
  const perRequest = (a?: number, b?: number): number | undefined => a === undefined || b === undefined ? undefined : (b - a) / result.requests.total
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    nodeMs: perRequest(before.node, after.node),
    postgresMs: perRequest(before.postgres, after.postgres)
  }
}

await withThrowawayDatabase(async (databaseUrl) => {
  const database = await openDatabase({ databaseUrl })
  await migrate(database)
  const { token } = await createClient(database.db, { name: 'bench', municipalities: ['101'], scopes: SCOPES })
  await database.close()
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  const { child: api, base } = await serveApi(databaseUrl)
  const barePort = await freePort()
  const bare = await serve(['--import=tsx', join(ROOT, 'test', 'bench', 'bare-server.ts')],
    { DATABASE_URL: databaseUrl, PORT: String(barePort) }, `http://127.0.0.1:${barePort}/health`)
  const call = async (method: string, path: string, body?: unknown): Promise<{ id: string }> => {
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return await res.json() as { id: string }
  }

  // Cases to read and to register on.
  const caseIds: string[] = []
  for (let i = 0; i < 1000; i++) caseIds.push((await call('POST', '/v1/cases', { kommunekode: '101', cpr: '0101904321', openedAt: '2023-01-01T08:00:00Z' })).id)

  /** One citizen through every phase: 8 requests. */
  const flow = async (): Promise<void> => {
    const { id: caseId } = await call('POST', '/v1/cases', { kommunekode: '101', cpr: '0101904321', openedAt: '2023-01-01T08:00:00Z' })
    await call('POST', `/v1/cases/${caseId}/investigation/funktioner-og-forhold`, { undertema: FF.oekonomiskSituation, registeredAt: '2023-01-01T09:00:00Z' })
    await call('POST', `/v1/cases/${caseId}/investigation/aktivitet-og-deltagelse`, { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2], registeredAt: '2023-01-01T09:00:00Z' })
    const goal = await call('POST', `/v1/cases/${caseId}/goals`, {
      maalformulering: 'x',
      maaltype: MAALTYPE.udvikle,
      primaertUndertema: AD.varetageOekonomi,
      forventetFunktionsevneniveau: LEVEL[1],
      opfoelgningsdato: '2023-06-01',
      ansvarligForOpfoelgning: 'x',
      registeredAt: '2023-01-01T10:00:00Z'
    })
    const decision = await call('POST', `/v1/cases/${caseId}/decisions`, {
      afgoerelsesdato: '2023-01-02',
      goals: [goal.id],
      stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x', registeredAt: '2023-01-02T10:00:00Z' },
      maalgrupper: { primaer: MAALGRUPPE.socialtProblem, registeredAt: '2023-01-02T10:00:00Z' }
    })
    await call('POST', `/v1/decisions/${decision.id}/interventions`, {
      tilbud: { code: TILBUD.mobiltTilbud },
      ydelser: [{ code: YDELSE.stoetteTilAdministration, startdato: '2023-01-02' }],
      leverandoer: { pNummer: '1012345678' },
      bevillingsdato: '2023-01-02'
    })
    await call('POST', `/v1/decisions/${decision.id}/follow-ups`, {
      registeredAt: '2023-06-01T10:00:00Z',
      maal: [{ goalId: goal.id, funktionsevneniveau: LEVEL[0], maalOpnaaet: true }],
      stoettebehov: { code: STOETTEBEHOV.intet, begrundelse: 'x' },
      statusPaaIndsats: STATUS.afslutning
    })
    await call('GET', `/v1/decisions/${decision.id}/uddata`)
  }

  const results: Result[] = []
  let i = 0
  results.push(await load('catalog reads   GET /v1/catalogs/{list}', { url: `${base}/v1/catalogs/aktivitet-og-deltagelse`, headers }, api))
  results.push(await load('case reads      GET /v1/cases/{id}', {
    url: base, headers, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/cases/${caseIds[i++ % caseIds.length]!}` }) }]
  }, api))
  results.push(await load('single writes   POST …/aktivitet-og-deltagelse', {
    url: base,
    headers,
    requests: [{
      method: 'POST',
      setupRequest: (req) => ({
        ...req,
        path: `/v1/cases/${caseIds[i++ % caseIds.length]!}/investigation/aktivitet-og-deltagelse`,
        body: JSON.stringify({ undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[i % 2 === 0 ? 1 : 2], oplysningerFraBorgeren: 'Bench' })
      })
    }]
  }, api))
  results.push(await load('baseline        POST /bare (plain INSERT)', {
    url: `http://127.0.0.1:${barePort}/bare`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ undertema: AD.varetageOekonomi })
  }, bare))

  // The full flow: CONNECTIONS citizens at a time for DURATION seconds.
  const started = Date.now()
  const latencies: number[] = []
  let flowErrors = 0
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() - started < DURATION * 1000) {
      const t0 = performance.now()
      try {
        await flow()
        latencies.push(performance.now() - t0)
      } catch (error) {
        flowErrors++
        if (flowErrors === 1) console.error(error)
      }
    }
  }))
  latencies.sort((a, b) => a - b)
  const seconds = (Date.now() - started) / 1000
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0

  await stop(api)
  await stop(bare)

  console.log(`\n${CONNECTIONS} connections, ${DURATION} s each, on PostgreSQL\n`)
  console.log('scenario                                          req/s     p50 ms   p99 ms   errors   CPU ms/request: node  PostgreSQL')
  const ms = (value?: number): string => (value === undefined ? '-' : value.toFixed(3)).padStart(6)
  for (const r of results) {
    console.log(`${r.name.padEnd(48)} ${r.rps.toFixed(0).padStart(7)}  ${String(r.p50).padStart(7)}  ${String(r.p99).padStart(7)}  ${String(r.errors).padStart(7)}` +
      `                  ${ms(r.nodeMs)}  ${ms(r.postgresMs)}`)
  }
  console.log(`${'full VUM flow (8 requests per citizen)'.padEnd(48)} ${(latencies.length / seconds).toFixed(1).padStart(7)}  ${at(0.5).toFixed(0).padStart(7)}  ${at(0.99).toFixed(0).padStart(7)}  ${String(flowErrors).padStart(7)}   (citizens/s; latency per citizen)`)
  const writes = results.find((r) => r.name.startsWith('single writes'))
  const baseline = results.find((r) => r.name.startsWith('baseline'))
  if (writes !== undefined && baseline !== undefined) {
    console.log(`\nvalidated single writes / bare INSERT route: ${(writes.rps / baseline.rps).toFixed(2)}  (target ≥ 0.5)`)
  }
})
