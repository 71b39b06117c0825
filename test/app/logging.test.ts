import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import Type from 'typebox'
import { authenticated } from '../../src/http/auth.js'
import { loggerOptions } from '../../src/logger.js'
import { buildTestApp, createTestClient } from '../helper.js'

const CPR = '0101701234'
const CPR_DASHED = '010170-1234'

/**
 * A citizen write route that exists only in this test and logs carelessly:
 * the body as an object, a message with the CPR number in it, and an error
 * carrying it. Nothing of it may reach the log.
 */
async function citizenRoutes (app: FastifyInstance): Promise<void> {
  await app.register(authenticated(async (api) => {
    api.post('/citizens', {
      config: { scope: 'cases:write' },
      schema: {
        body: Type.Object({
          cpr: Type.String({ pattern: '^\\d{6}-?\\d{4}$' }),
          note: Type.String(),
          fail: Type.Optional(Type.Boolean())
        }, { additionalProperties: false })
      }
    }, async (request, reply) => {
      const body = request.body as { cpr: string, note: string, fail?: boolean }
      request.log.info({ body }, 'citizen received')
      request.log.info({ detail: { nested: [body.note] } }, `citizen ${body.cpr} noted`)
      if (body.fail === true) throw new Error(`could not store citizen ${body.cpr}`)
      return await reply.code(201).send({ ok: true })
    })
  }, { rateLimit: { max: 1000, timeWindowMs: 60_000 } }), { prefix: '/v1/test' })
}

/** A log stream that keeps every line. */
function capture (): { lines: string[], stream: Writable } {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    }
  })
  return { lines, stream }
}

t.test('a full request cycle with a CPR number leaves no CPR number and no token in the log', async (t) => {
  const { lines, stream } = capture()
  const app = await buildTestApp(t, { logger: loggerOptions('trace', stream), extend: citizenRoutes })
  const { token, headers } = await createTestClient(app)

  const ok = await app.inject({
    method: 'POST', url: '/v1/test/citizens', headers, payload: { cpr: CPR_DASHED, note: `also known as ${CPR}` }
  })
  t.equal(ok.statusCode, 201)
  const failed = await app.inject({ method: 'POST', url: '/v1/test/citizens', headers, payload: { cpr: CPR, note: 'x', fail: true } })
  t.equal(failed.statusCode, 500)
  t.notMatch(failed.body, CPR, 'nor in the 500 answer')
  const invalid = await app.inject({ method: 'POST', url: '/v1/test/citizens', headers, payload: { cpr: `${CPR}0`, note: CPR, extra: CPR } })
  t.equal(invalid.statusCode, 400)
  t.notMatch(invalid.body, CPR, 'nor in the validation answer')

  const log = lines.join('')
  t.ok(lines.length >= 10, `the cycle was logged (${lines.length} lines)`)
  t.match(log, /citizen \[cpr\] noted/, 'messages are masked, not dropped')
  t.match(log, /"cpr":"\[redacted\]"/, 'the cpr field is redacted')
  t.match(log, /could not store citizen \[cpr\]/, 'the error is logged, masked')
  for (const secret of [CPR, CPR_DASHED, token, token.slice(4, 20)]) t.notOk(log.includes(secret), `the log does not contain ${secret.slice(0, 6)}…`)
})

t.test('a CPR number in a URL is refused with a 400 problem and masked in the log', async (t) => {
  const { lines, stream } = capture()
  const app = await buildTestApp(t, { logger: loggerOptions('trace', stream) })
  const { headers } = await createTestClient(app, { municipalities: 'all' })
  for (const url of [`/v1/audit?resourceId=${CPR}`, `/v1/cases/${CPR_DASHED}`, '/v1/audit?resourceId=010170%2D1234', `/nowhere/${CPR}`,
    '/v1/audit?resourceId=%30101701234&resourceType=%ZZ', '/v1/cases/%30101701234']) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 400, url)
    t.match(res.json(), { type: 'urn:ffb-api:problem:cpr-in-url' })
    t.notOk(res.body.includes(CPR) || res.body.includes(CPR_DASHED), 'the answer does not echo it')
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit?from=2026-01-01T00:00:00Z', headers })).statusCode, 200, 'dates are not CPR numbers')
  const badUrl = await app.inject({ method: 'GET', url: `/v1/catalogs/${CPR}%E0`, headers })
  t.equal(badUrl.statusCode, 400)
  t.notOk(badUrl.body.includes(CPR), 'a bad URL is not echoed with the CPR in it')
  const ownId = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': CPR_DASHED } })
  t.not(ownId.headers['x-request-id'], CPR_DASHED, 'a CPR-shaped X-Request-Id is replaced')
  app.log.info({ query: Object.assign(Object.create(null) as object, { q: `cpr ${CPR}` }) }, 'null-prototype objects too')
  const log = lines.join('')
  t.match(log, /\[cpr\]/)
  t.notOk(log.includes(CPR) || log.includes(CPR_DASHED) || log.includes('010170%2D1234'), 'the log does not contain it')
})
