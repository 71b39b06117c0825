import { createServer, connect, type Server, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { createClient, SCOPES } from '../../src/clients/clients.js'
import { openDatabase } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { AD, LEVEL, MAALGRUPPE, MAALTYPE, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { buildTestApp, canConnect, createServerDatabase, createTestClient, send, SERVER_URL, startServer } from '../helper.js'

/**
 * Faults, against a real PostgreSQL: the database going away under traffic
 * (cut by a proxy of the test's own, never by stopping the shared server),
 * and SIGTERM and SIGKILL during bursts of writes to a server process.
 */

const skip = SERVER_URL === undefined && 'needs a real PostgreSQL: run with DATABASE_URL=postgres://…'

/** A TCP proxy between the app and PostgreSQL that a test can cut and restore. */
async function proxy (target: URL) {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  const open = async (port = 0): Promise<number> => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname)
      for (const socket of [client, upstream]) {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
        socket.on('error', () => { client.destroy(); upstream.destroy() })
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve))
    return (server.address() as { port: number }).port
  }
  const cut = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server?.close(resolve))
  }
  return { open, cut }
}

t.test('the database disappears mid-traffic and comes back', { skip }, async (t) => {
  const direct = new URL(await createServerDatabase(t))
  const migrator = await openDatabase({ databaseUrl: direct.href })
  await migrate(migrator)
  await migrator.close()
  const link = await proxy(direct)
  const port = await link.open()
  const viaProxy = new URL(direct.href)
  viaProxy.host = `127.0.0.1:${port}`
  const app = await buildTestApp(t, { database: await openDatabase({ databaseUrl: viaProxy.href }) })
  t.teardown(link.cut)
  const { headers } = await createTestClient(app)
  const open = async () => await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { kommunekode: '101', cpr: '0101904321' } })
  t.equal((await open()).statusCode, 201)

  await link.cut()
  // Traffic while it is gone: every answer is a 503 problem with Retry-After, never a hang or a 500.
  const during = await Promise.all(Array.from({ length: 5 }, open))
  for (const res of during) {
    t.equal(res.statusCode, 503, res.body)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.headers['retry-after'], /^\d+$/)
  }
  const ready = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 503)

  await link.open(port)
  let recovered = false
  for (let i = 0; i < 50 && !recovered; i++) {
    recovered = (await app.inject({ method: 'GET', url: '/ready' })).statusCode === 200
    if (!recovered) await sleep(100)
  }
  t.ok(recovered, '/ready turns 200 again without a restart')
  t.equal((await open()).statusCode, 201, 'and writes work again')
})

/** A server process on its own database, with a client that may do everything in 101. */
async function serverWithClient (t: Test) {
  const databaseUrl = await createServerDatabase(t)
  const database = await openDatabase({ databaseUrl })
  await migrate(database)
  const { token } = await createClient(database.db, { name: 'faults', municipalities: ['101'], scopes: SCOPES })
  const server = await startServer(t, 'src/server.ts', { DATABASE_URL: databaseUrl, RATE_LIMIT_MAX: '1000000' })
  return { ...server, database, headers: { authorization: `Bearer ${token}` } }
}

t.test('SIGTERM during a burst of writes: every accepted write is stored, then exit 0', { skip }, async (t) => {
  const { child, port, done, database, headers } = await serverWithClient(t)
  t.teardown(async () => { await database.close() })
  const burst = Array.from({ length: 60 }, async (_, i) => {
    await sleep(i * 5)
    try {
      return await send(port, 'POST', '/v1/cases', headers, { kommunekode: '101', cpr: '0101904321', borgerensOensker: `burst ${i}` })
    } catch {
      return { status: 0, body: '' } // refused: the server was already shutting down
    }
  })
  await sleep(120)
  child.kill('SIGTERM')
  const results = await Promise.all(burst)
  const { code } = await done
  t.equal(code, 0, 'exit 0')
  t.notOk(await canConnect(port), 'no new connections')
  const acknowledged = results.filter((r) => r.status === 201).map((r) => (JSON.parse(r.body) as { id: string }).id)
  t.ok(acknowledged.length > 0, `${acknowledged.length} writes were acknowledged before the shutdown`)
  t.ok(results.every((r) => r.status === 201 || r.status === 0 || r.status === 503), results.map((r) => r.status).join())
  const stored = await database.db.selectFrom('cases').select('id').execute()
  t.same(stored.map((r) => r.id).sort(), [...acknowledged].sort(), 'exactly the acknowledged writes are stored')
})

t.test('SIGKILL during a burst of multi-row writes: no partial decision, every acknowledged write kept', { skip }, async (t) => {
  const { child, port, database, headers } = await serverWithClient(t)
  t.teardown(async () => { await database.close() })
  const post = async (path: string, body: unknown) => JSON.parse((await send(port, 'POST', path, headers, body)).body) as { id: string }
  const caseId = (await post('/v1/cases', { kommunekode: '101', cpr: '0101904321', openedAt: '2023-01-01T08:00:00Z' })).id
  await post(`/v1/cases/${caseId}/investigation/aktivitet-og-deltagelse`, { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2], registeredAt: '2023-01-01T09:00:00Z' })
  const goals = await Promise.all([1, 2, 3].map(async (i) => (await post(`/v1/cases/${caseId}/goals`, {
    maalformulering: `Mål ${i}`,
    maaltype: MAALTYPE.udvikle,
    primaertUndertema: AD.varetageOekonomi,
    forventetFunktionsevneniveau: LEVEL[1],
    opfoelgningsdato: '2030-01-01',
    ansvarligForOpfoelgning: 'x',
    registeredAt: '2023-01-01T10:00:00Z'
  })).id))
  const first = (await post(`/v1/cases/${caseId}/decisions`, {
    afgoerelsesdato: '2023-01-02', goals, stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' }, maalgrupper: { primaer: MAALGRUPPE.socialtProblem }
  })).id
  const decision = { afgoerelsesdato: '2023-01-02', goals, stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' }, maalgrupper: { primaer: MAALGRUPPE.socialtProblem } }
  const intervention = {
    tilbud: { code: TILBUD.mobiltTilbud },
    ydelser: [YDELSE.stoetteTilTransport, YDELSE.stoetteTilBeskaeftigelse, YDELSE.stoetteTilUddannelse].map((code) => ({ code, startdato: '2023-02-01' })),
    leverandoer: { pNummer: '1012345678' },
    bevillingsdato: '2023-01-02'
  }
  // Eight clients write without pause until the server dies; it is killed once five writes were acknowledged, so some
  // are always in flight then, however slow the machine.
  const results: Array<{ kind: string, status: number, id: string | null }> = []
  let acknowledge: () => void = () => {}
  const fiveAcknowledged = new Promise<void>((resolve) => { acknowledge = resolve })
  const writer = async (w: number): Promise<void> => {
    for (let i = w; ; i += 8) {
      const kind = i % 2 === 0 ? 'decision' : 'intervention'
      try {
        const res = kind === 'decision'
          ? await send(port, 'POST', `/v1/cases/${caseId}/decisions`, headers, decision)
          : await send(port, 'POST', `/v1/decisions/${first}/interventions`, headers, intervention)
        results.push({ kind, status: res.status, id: res.status === 201 ? (JSON.parse(res.body) as { id: string }).id : null })
        if (results.filter((r) => r.status === 201).length >= 5) acknowledge()
      } catch {
        results.push({ kind: 'lost', status: 0, id: null })
        return
      }
    }
  }
  const writers = Array.from({ length: 8 }, async (_, w) => { await writer(w) })
  await Promise.race([fiveAcknowledged, Promise.all(writers)])
  child.kill('SIGKILL')
  await Promise.all(writers)
  const acknowledged = results.filter((r) => r.status === 201)
  t.ok(acknowledged.length > 0 && results.some((r) => r.status === 0), `${acknowledged.length} acknowledged, ${results.filter((r) => r.status === 0).length} cut off`)

  const db = database.db
  for (const r of acknowledged) {
    const table = r.kind === 'decision' ? 'decisions' : 'interventions'
    t.ok(await db.selectFrom(table).select('id').where('id', '=', r.id!).executeTakeFirst(), `acknowledged ${r.kind} ${r.id!} is stored`)
  }
  const decisions = await db.selectFrom('decisions').select('id').execute()
  for (const { id } of decisions) {
    const links = await db.selectFrom('decision_goals').select('goal_id').where('decision_id', '=', id).execute()
    const needs = await db.selectFrom('stoettebehov').select('id').where('decision_id', '=', id).execute()
    if (links.length !== 3 || needs.length !== 1) t.fail(`decision ${id} is partial: ${links.length} goals, ${needs.length} støttebehov`)
  }
  const interventions = await db.selectFrom('interventions').select('id').execute()
  for (const { id } of interventions) {
    const ydelser = await db.selectFrom('intervention_ydelser').select('id').where('intervention_id', '=', id).execute()
    if (ydelser.length !== 3) t.fail(`intervention ${id} is partial: ${ydelser.length} ydelser`)
  }
  t.pass(`${decisions.length} decisions and ${interventions.length} interventions, none partial`)
})
