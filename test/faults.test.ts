import { createServer, connect, type Server, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { buildTestApp, createServerDatabase, createTestClient, SERVER_URL } from './helper.js'

/**
 * Faults, against a real PostgreSQL: the database going away under traffic
 * (cut by a proxy of the test's own, never by stopping the shared server).
 * SIGTERM with a request in flight is in server.test.ts.
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
