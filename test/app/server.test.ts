import { existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { canConnect, createDiskDatabase, createServerDatabase, exited, send, SERVER_URL, spawnEntry, startServer } from '../helper.js'

/**
 * Environment for a server process on its own database, migrated from the
 * template: a fresh PGlite directory costs an initdb (~5 s), which only the
 * restart test below needs to go through.
 */
const databaseEnv = async (t: Test): Promise<Record<string, string>> => (await createDiskDatabase(t)).env

const get = async (port: number, path: string, headers: Record<string, string> = {}) => await send(port, 'GET', path, headers)

t.test('SIGTERM lets in-flight requests finish, refuses new connections, closes the database and exits 0', async (t) => {
  const { child, port, done } = await startServer(t, 'test/fixtures/slow-server.ts', await databaseEnv(t))
  t.equal((await get(port, '/ready')).status, 200)
  const inFlight = get(port, '/test/slow')
  await sleep(300)
  child.kill('SIGTERM')
  await sleep(300)
  t.notOk(await canConnect(port), 'no new connections once shutting down')
  t.same(await inFlight, { status: 200, body: '{"done":true}' }, 'the in-flight request completed')
  const { code, stdout } = await done
  t.equal(code, 0)
  t.match(stdout, /"signal":"SIGTERM","msg":"shutting down"/)
})

const LOCAL_TOKEN = /Local API token \(shown once; keep it\):\s+(ffb_[\w-]{43})\s/

t.test('with the embedded default, data survives a restart', { skip: SERVER_URL !== undefined && 'PGlite only' }, async (t) => {
  const dir = t.testdir()
  const first = await startServer(t, 'src/server.ts', { PGLITE_DIR: dir })
  t.match((await get(first.port, '/ready')).body, /"status":"ready"/)
  first.child.kill('SIGTERM')
  const firstRun = await first.done
  t.equal(firstRun.code, 0)
  const token = LOCAL_TOKEN.exec(firstRun.stdout)?.[1]
  t.ok(token, 'the first start on an empty client table prints a local token')

  // Write between the runs, straight into the data directory.
  const database = await openDatabase({ pgliteDir: dir })
  await database.withSession(async (s) => { await s.exec("CREATE TABLE survivor (note text); INSERT INTO survivor VALUES ('still here')") })
  await database.close()

  const second = await startServer(t, 'src/server.ts', { PGLITE_DIR: dir })
  t.equal((await get(second.port, '/ready')).status, 200)
  const audit = await get(second.port, '/v1/audit', { authorization: `Bearer ${token}` })
  t.equal(audit.status, 200, 'the local token still works after the restart')
  second.child.kill('SIGTERM')
  const { code, stdout } = await second.done
  t.equal(code, 0)
  t.match(stdout, /migrations: 0 applied/, 'the second start found the schema in place')
  t.notMatch(stdout, /Local API token/, 'a token is printed only once')

  const reopened = await openDatabase({ pgliteDir: dir })
  t.same(await reopened.withSession(async (s) => await s.query('SELECT note FROM survivor')), [{ note: 'still here' }])
  await reopened.close()
})

t.test('with DATABASE_URL the server never creates a local client', { skip: SERVER_URL === undefined && 'PostgreSQL only' }, async (t) => {
  const url = await createServerDatabase(t)
  const server = await startServer(t, 'src/server.ts', { DATABASE_URL: url })
  t.equal((await get(server.port, '/v1/audit')).status, 401)
  server.child.kill('SIGTERM')
  const { code, stdout } = await server.done
  t.equal(code, 0)
  t.notMatch(stdout, /Local API token/)
  const database = await openDatabase({ databaseUrl: url })
  t.same(await database.db.selectFrom('api_clients').select('id').execute(), [], 'the client table stays empty')
  await database.close()
})

t.test('a port in use fails before a database is opened or a token created', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as { port: number }).port
  const dir = join(t.testdir(), 'pglite')
  const { code, stdout } = await exited(spawnEntry('src/server.ts', { PORT: String(port), HOST: '127.0.0.1', PGLITE_DIR: dir }))
  t.equal(code, 1)
  t.match(stdout, `start-up failed: port ${port} on 127.0.0.1 is already in use: stop what listens there or set PORT to another port`)
  t.notMatch(stdout, /database opened|Local API token/)
  t.notOk(existsSync(dir), 'the data directory was not even created')
})

t.test('a second process on an embedded data directory exits 1 naming the directory and what to do', { skip: SERVER_URL !== undefined && 'PGlite only' }, async (t) => {
  const dir = join(t.testdir(), 'pglite')
  // This test process holds the lock, as a running server would.
  writeFileSync(`${dir}.lock`, `${process.pid}\n`)
  const { code, stdout } = await exited(spawnEntry('src/server.ts', { PORT: '0', HOST: '127.0.0.1', PGLITE_DIR: dir }))
  t.equal(code, 1)
  t.match(stdout, `the embedded database in ${dir} is in use by another process (pid ${process.pid})`)
  t.match(stdout, 'or set PGLITE_DIR to another directory')
})

t.test('the embedded default on a non-loopback HOST creates no token and says how to get one', { skip: SERVER_URL !== undefined && 'PGlite only' }, async (t) => {
  const server = await startServer(t, 'src/server.ts', { ...await databaseEnv(t), HOST: '0.0.0.0' })
  server.child.kill('SIGTERM')
  const { code, stdout } = await server.done
  t.equal(code, 0)
  t.notMatch(stdout, /Local API token/)
  t.match(stdout, 'No API client exists yet. HOST=0.0.0.0 is not a loopback address, so no local token is created')
  t.match(stdout, 'npm run clients -- create --name NAME --all-municipalities --all-scopes')
  t.match(stdout, 'docker compose run --rm api clients create')
})
