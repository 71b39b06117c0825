import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import Type from 'typebox'
import { requireServed } from '../../src/db/scope.js'
import { authenticated } from '../../src/http/auth.js'
import { write } from '../../src/http/writes.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * A write route that exists only in this test, built like the domain's
 * write routes: the one write path, whose transaction holds the write and
 * its audit record.
 */
async function noteRoutes (app: FastifyInstance): Promise<void> {
  await app.register(authenticated(async (api) => {
    api.post('/notes', {
      config: { scope: 'cases:write', audit: { action: 'create', resource: 'test-note' } },
      schema: { body: Type.Object({ kommunekode: Type.String(), text: Type.String(), failAfterWrite: Type.Optional(Type.Boolean()) }) }
    }, async (request, reply) => {
      const body = request.body as { kommunekode: string, text: string, failAfterWrite?: boolean }
      requireServed(request.caller, body.kommunekode)
      return await write(request, reply, async (trx) => {
        const row = await sql<{ id: number }>`INSERT INTO test_notes (kommunekode, text) VALUES (${body.kommunekode}, ${body.text}) RETURNING id`.execute(trx)
        const id = String(row.rows[0]?.id)
        if (body.failAfterWrite === true) throw new Error('storage failed after the write')
        return { status: 201, body: { id }, resourceId: id, kommunekode: body.kommunekode }
      })
    })
  }, { rateLimit: { max: 1000, timeWindowMs: 60_000 } }), { prefix: '/v1/test' })
}

async function auditRows (app: FastifyInstance) {
  return await app.database.db.selectFrom('audit_log')
    .select(['client_id', 'kommunekode', 'action', 'resource_type', 'resource_id', 'outcome', 'status', 'request_id'])
    .orderBy('id').execute()
}

t.test('the audit trail', async (t) => {
  const app = await buildTestApp(t, { extend: noteRoutes })
  await app.database.withSession(async (s) => { await s.exec('CREATE TABLE test_notes (id serial PRIMARY KEY, kommunekode text, text text)') })
  const vendor = await createTestClient(app, { municipalities: ['101'] })
  const notes = async () => await app.database.withSession(async (s) => await s.query<{ text: string }>('SELECT text FROM test_notes ORDER BY id'))

  t.test('a write commits its audit record with it', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/v1/test/notes', headers: { ...vendor.headers, 'x-request-id': 'write-1' }, payload: { kommunekode: '101', text: 'kept' } })
    t.equal(res.statusCode, 201)
    t.match((await auditRows(app)).filter((r) => r.request_id === 'write-1'), [{
      client_id: vendor.client.id,
      kommunekode: '101',
      action: 'create',
      resource_type: 'test-note',
      resource_id: res.json().id,
      outcome: 'success',
      status: 201
    }])
  })

  t.test('a write that fails leaves neither the row nor its success record, and the failure is recorded', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/v1/test/notes', headers: { ...vendor.headers, 'x-request-id': 'write-2' }, payload: { kommunekode: '101', text: 'lost', failAfterWrite: true } })
    t.equal(res.statusCode, 500)
    t.notOk((await notes()).some((n) => n.text === 'lost'))
    t.match((await auditRows(app)).filter((r) => r.request_id === 'write-2'), [{ outcome: 'failed', status: 500, action: 'create', kommunekode: '101' }])
  })

  t.test('a write in a municipality the client does not serve is a 403, recorded as denied', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/v1/test/notes', headers: { ...vendor.headers, 'x-request-id': 'write-3' }, payload: { kommunekode: '851', text: 'no' } })
    t.equal(res.statusCode, 403)
    t.match(res.json(), { type: 'urn:ffb-api:problem:forbidden', detail: 'This client does not serve kommunekode 851' })
    t.match((await auditRows(app)).filter((r) => r.request_id === 'write-3'), [{ outcome: 'denied', status: 403, kommunekode: '851' }],
      'recorded under the municipality it targeted, for its auditors')
  })

  t.test('a read is recorded', async (t) => {
    const reader = await createTestClient(app, { municipalities: 'all', scopes: ['audit:read'] })
    const res = await app.inject({ method: 'GET', url: '/v1/audit', headers: { ...reader.headers, 'x-request-id': 'read-1' } })
    t.equal(res.statusCode, 200)
    t.match((await auditRows(app)).filter((r) => r.request_id === 'read-1'), [{ client_id: reader.client.id, action: 'list', resource_type: 'audit', outcome: 'success' }])
  })

  t.test('the database refuses to update, delete or truncate audit records', async (t) => {
    const before = await auditRows(app)
    t.ok(before.length > 0)
    await t.rejects(app.database.db.updateTable('audit_log').set({ outcome: 'success' }).execute(), /append-only: UPDATE/)
    await t.rejects(app.database.db.deleteFrom('audit_log').execute(), /append-only: DELETE/)
    await t.rejects(app.database.withSession(async (s) => { await s.exec('TRUNCATE audit_log') }), /append-only: TRUNCATE/)
    t.same(await auditRows(app), before)
  })
})

t.test('GET /v1/audit', async (t) => {
  const app = await buildTestApp(t)
  const auditor = await createTestClient(app, { municipalities: ['101', '147'], scopes: ['audit:read'] })
  const seed = async (kommunekode: string, resourceId: string, resourceType = 'case') => {
    await app.database.db.insertInto('audit_log').values({
      client_id: auditor.client.id,
      kommunekode,
      action: 'read',
      resource_type: resourceType,
      resource_id: resourceId,
      request_id: `seed-${resourceId}`,
      outcome: 'success',
      status: 200
    }).execute()
  }
  for (let i = 1; i <= 5; i++) await seed('101', `c${i}`)
  await seed('147', 'c6', 'decision')
  await seed('851', 'c7')
  const get = async (query: string) => await app.inject({ method: 'GET', url: `/v1/audit?${query}`, headers: auditor.headers })

  t.test('lists only the municipalities the client serves, oldest first', async (t) => {
    const ids = (await get('resourceType=case')).json().items.map((r: { resourceId: string }) => r.resourceId)
    t.same(ids, ['c1', 'c2', 'c3', 'c4', 'c5'])
  })

  t.test('pages with an opaque cursor until nextCursor is null', async (t) => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: Array<{ resourceId: string }>, nextCursor: string | null } = (await get(`resourceType=case&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`)).json()
      t.ok(page.items.length <= 2)
      seen.push(...page.items.map((r) => r.resourceId))
      cursor = page.nextCursor
    } while (cursor !== null)
    t.same(seen, ['c1', 'c2', 'c3', 'c4', 'c5'])
  })

  t.test('filters by resource, client and time', async (t) => {
    t.same((await get('resourceId=c6')).json().items.map((r: { kommunekode: string }) => r.kommunekode), ['147'])
    t.equal((await get(`clientId=${auditor.client.id}&resourceType=decision`)).json().items.length, 1)
    t.equal((await get('from=2999-01-01T00:00:00Z')).json().items.length, 0)
    t.equal((await get('to=2000-01-01T00:00:00Z')).json().items.length, 0)
  })

  t.test('a cursor it did not issue is a 400 pointing at the cursor', async (t) => {
    const res = await get('cursor=bm9wZQ')
    t.equal(res.statusCode, 400)
    t.match(res.json().errors, [{ in: 'query', pointer: '/cursor' }])
  })

  t.test('date-times a Date cannot hold and NUL bytes are 400 problems, not 500s', async (t) => {
    const leap = await get('from=2016-12-31T23:59:60Z')
    t.equal(leap.statusCode, 400)
    t.match(leap.json().errors, [{ in: 'query', pointer: '/from' }])
    const nul = await get('resourceId=a%00b')
    t.equal(nul.statusCode, 400)
    t.equal(nul.json().type, 'urn:ffb-api:problem:malformed-request')
  })

  t.test('a bad filter is a 400 problem', async (t) => {
    const res = await get('from=yesterday&limit=0')
    t.equal(res.statusCode, 400)
    t.same(res.json().errors.map((e: { pointer: string }) => e.pointer).sort(), ['/from', '/limit'])
  })
})
