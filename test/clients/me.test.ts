import t from 'tap'
import { createClient, hashToken, SCOPES } from '../../src/clients/clients.js'
import { buildTestApp, createTestClient } from '../helper.js'

t.test('GET /v1/me', async (t) => {
  const app = await buildTestApp(t)

  t.test('answers any valid token with its client, scopes, municipalities, expiry and last use; never the token', async (t) => {
    const { client, token, headers } = await createTestClient(app, { name: 'Acme Omsorg', municipalities: ['101', '147'], scopes: ['cases:read'] })
    const res = await app.inject({ method: 'GET', url: '/v1/me', headers })
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.headers['cache-control'], 'no-store')
    const me = res.json()
    t.same({ ...me, lastUsedAt: undefined }, {
      client: { id: client.id, name: 'Acme Omsorg' }, scopes: ['cases:read'], municipalities: ['101', '147'], expiresAt: null, lastUsedAt: undefined
    })
    t.ok(Math.abs(Date.parse(me.lastUsedAt) - Date.now()) < 60_000, `this request is its last use: ${String(me.lastUsedAt)}`)
    t.notOk(res.body.includes(token.slice(0, 10)) || res.body.includes(hashToken(token)), 'neither the token nor its hash')
  })

  t.test('a client of every municipality with an expiring token', async (t) => {
    const expiresAt = new Date(Date.now() + 90 * 86_400_000)
    const { token } = await createClient(app.database.db, { name: 'Statistik', municipalities: 'all', scopes: ['export:read'] }, { expiresAt })
    const me = (await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).json()
    t.match(me, { municipalities: 'all', scopes: ['export:read'], expiresAt: expiresAt.toISOString() })
  })

  t.test('the last use is written at most once a minute per token, not on every request', async (t) => {
    const { token, headers } = await createTestClient(app, { scopes: SCOPES })
    const first = (await app.inject({ method: 'GET', url: '/v1/me', headers })).json().lastUsedAt
    t.type(first, 'string')
    // Set back by an hour: a request within the process's minute leaves it so.
    await app.database.withSession(async (s) => await s.query("UPDATE api_tokens SET last_used_at = last_used_at - interval '1 hour' WHERE token_hash = $1", [hashToken(token)]))
    for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers })).statusCode, 200)
    const after = (await app.inject({ method: 'GET', url: '/v1/me', headers })).json().lastUsedAt
    t.equal(Date.parse(after), Date.parse(first) - 3_600_000, 'no write for the requests within the minute')
  })
})
