import type { FastifyInstance } from 'fastify'
import t from 'tap'
import Type from 'typebox'
import { HttpProblem } from '../../src/http/problems.js'
import { loggerOptions } from '../../src/logger.js'
import { buildTestApp } from '../helper.js'

// Routes that exist only in this test, to drive every kind of failure
// through the real app's error handling.
function testRoutes (app: FastifyInstance): void {
  app.post('/test/echo', {
    schema: {
      body: Type.Object({
        name: Type.String({ minLength: 1 }),
        born: Type.String({ format: 'date' }),
        at: Type.Optional(Type.String({ format: 'date-time' })),
        count: Type.Integer({ minimum: 0 }),
        nested: Type.Optional(Type.Object({ 'a/b': Type.Integer() }, { additionalProperties: false }))
      }, { additionalProperties: false }),
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) })
    }
  }, async (request) => request.body)
  app.get('/test/boom', async () => { throw new Error('secret internals 0101901234') })
  app.get('/test/teapot', async () => { throw new HttpProblem('not-found', 'No case with that id') })
}

const valid = { name: 'X', born: '1990-01-01', count: 1 }
const problemType = 'application/problem+json; charset=utf-8'

t.test('problem documents', async (t) => {
  const logs: string[] = []
  const app = await buildTestApp(t, {
    extend: testRoutes,
    logger: loggerOptions('info', { write: (line: string) => { logs.push(line) } })
  })

  t.test('a valid request passes through', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: valid })
    t.equal(res.statusCode, 200)
    t.same(res.json(), valid)
  })

  t.test('schema violations give 400 listing every violation with a JSON pointer', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { born: '2023-02-30', count: -1, extra: true, nested: { 'a/b': 'x' } }
    })
    t.equal(res.statusCode, 400)
    t.equal(res.headers['content-type'], problemType)
    const body = res.json()
    t.match(body, { type: 'urn:ffb-api:problem:validation', status: 400, title: String, detail: String, instance: '/test/echo' })
    const found = body.errors.map((e: { pointer: string, code: string, in: string }) => `${e.in} ${e.pointer} ${e.code}`).sort()
    t.same(found, [
      'body /born format',
      'body /count minimum',
      'body /extra additionalProperties',
      'body /name required',
      'body /nested/a~1b type'
    ])
  })

  t.test('date and date-time formats are checked', async (t) => {
    const bad = await app.inject({ method: 'POST', url: '/test/echo', payload: { ...valid, at: 'yesterday' } })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().errors, [{ pointer: '/at', code: 'format' }])
    const good = await app.inject({ method: 'POST', url: '/test/echo', payload: { ...valid, at: '2025-01-01T10:00:00Z' } })
    t.equal(good.statusCode, 200)
  })

  t.test('query string violations point into the query', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/echo?limit=500', payload: valid })
    t.equal(res.statusCode, 400)
    t.match(res.json().errors, [{ in: 'query', pointer: '/limit', code: 'maximum' }])
  })

  t.test('a malformed JSON body is a 400 problem, never a 500', async (t) => {
    for (const payload of ['{"name": ', '{', 'nul', '[1,2', '{"__proto__": {"x": 1}}']) {
      const res = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload })
      t.equal(res.statusCode, 400, payload)
      t.equal(res.headers['content-type'], problemType)
      t.equal(res.json().type, 'urn:ffb-api:problem:malformed-request')
    }
  })

  t.test('a malformed JSON body is a 400 problem on any route, even one without a body or an unknown one', async (t) => {
    for (const url of ['/health', '/v1/nothing-here']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"broken' })
      t.equal(res.statusCode, 400, url)
      t.equal(res.json().type, 'urn:ffb-api:problem:malformed-request')
    }
  })

  t.test('an empty JSON body is a 400 problem', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '' })
    t.equal(res.statusCode, 400)
    t.equal(res.json().type, 'urn:ffb-api:problem:malformed-request')
  })

  t.test('a body over the limit is a 413 problem', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { ...valid, name: 'x'.repeat(2 * 1024 * 1024) } })
    t.equal(res.statusCode, 413)
    t.equal(res.json().type, 'urn:ffb-api:problem:payload-too-large')
  })

  t.test('an unsupported content type is a 415 problem', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b' })
    t.equal(res.statusCode, 415)
    t.equal(res.headers['content-type'], problemType)
    t.equal(res.json().type, 'urn:ffb-api:problem:unsupported-media-type')
  })

  t.test('a text/plain body, even one holding JSON, is a 415 problem, not a schema violation', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(valid) })
    t.equal(res.statusCode, 415)
    t.equal(res.headers['content-type'], problemType)
    t.match(res.json(), { type: 'urn:ffb-api:problem:unsupported-media-type', detail: 'Unsupported content type: text/plain; send application/json' })
  })

  t.test('an unknown route is a 404 problem', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' })
    t.equal(res.statusCode, 404)
    t.match(res.json(), { type: 'urn:ffb-api:problem:not-found', instance: '/v1/nothing-here' })
  })

  t.test('a known route with the wrong method is a 405 problem with Allow', async (t) => {
    const res = await app.inject({ method: 'DELETE', url: '/health' })
    t.equal(res.statusCode, 405)
    t.equal(res.headers.allow, 'GET, HEAD')
    t.equal(res.json().type, 'urn:ffb-api:problem:method-not-allowed')
    const post = await app.inject({ method: 'GET', url: '/test/echo' })
    t.equal(post.statusCode, 405)
    t.equal(post.headers.allow, 'POST')
  })

  t.test('a thrown HttpProblem is rendered as given', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/test/teapot' })
    t.equal(res.statusCode, 404)
    t.equal(res.json().detail, 'No case with that id')
  })

  t.test('an unexpected error is a generic 500 problem; the real error is logged, masked', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/test/boom', headers: { 'x-request-id': 'trace-500' } })
    t.equal(res.statusCode, 500)
    t.equal(res.headers['content-type'], problemType)
    t.match(res.json(), { type: 'urn:ffb-api:problem:internal', requestId: 'trace-500' })
    t.notMatch(res.body, /secret internals/)
    const logged = logs.map((line) => JSON.parse(line)).find((entry) => entry.reqId === 'trace-500' && entry.level === 50)
    t.match(logged?.err?.message, /secret internals \[cpr\]/)
    t.notMatch(logs.join(''), /0101901234/)
  })

  t.test('a malformed URL is a 400 problem', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/health/%E0%A4%A' })
    t.ok([400, 404].includes(res.statusCode), `got ${res.statusCode}`)
    t.equal(res.headers['content-type'], problemType)
  })
})
