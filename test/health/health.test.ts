import t from 'tap'
import { buildTestApp, createTestDatabase } from '../helper.js'

t.test('GET /health', async (t) => {
  const app = await buildTestApp(t)

  t.test('answers 200 while the process is alive', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/health' })
    t.equal(res.statusCode, 200)
    t.same(res.json(), { status: 'ok' })
  })

  t.test('echoes a well-formed X-Request-Id and invents one otherwise', async (t) => {
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'vendor-req.42' } })
    t.equal(given.headers['x-request-id'], 'vendor-req.42')
    const invented = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\nwith newline' } })
    t.match(invented.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  })
})

t.test('GET /ready', async (t) => {
  t.test('answers 200 with the schema version on a migrated database', async (t) => {
    const app = await buildTestApp(t)
    const res = await app.inject({ method: 'GET', url: '/ready' })
    t.equal(res.statusCode, 200)
    t.equal(res.json().status, 'ready')
  })

  t.test('answers a 503 problem with Retry-After when the schema is not migrated', async (t) => {
    const app = await buildTestApp(t, { database: await createTestDatabase(t, { migrated: false }) })
    const res = await app.inject({ method: 'GET', url: '/ready' })
    t.equal(res.statusCode, 503)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.headers['retry-after'], '5')
    t.match(res.json(), { type: 'urn:ffb-api:problem:unavailable', status: 503, requestId: res.headers['x-request-id'] })
  })

  t.test('answers 503 once the database is gone', async (t) => {
    const database = await createTestDatabase(t)
    const app = await buildTestApp(t, { database })
    t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200)
    await database.close()
    t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 503)
  })
})
