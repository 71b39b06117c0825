import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { UNMATCHED } from '../../src/http/metrics.js'
import { buildTestApp, createTestClient } from '../helper.js'
import { aCase, aDecision, type Headers } from '../support/factories.js'
import { lines } from '../support/fhir.js'

/**
 * GET /metrics: the Prometheus exposition, parsed — what moves when the API
 * is used, what its labels may hold, and who may read it.
 */

interface Sample { name: string, labels: Record<string, string>, value: number }

/** The samples of the Prometheus text format (comments and blank lines skipped). */
function parse (text: string): Sample[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) throw new Error(`not a sample line: ${line}`)
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]))
    return { name: match[1]!, labels, value: Number(match[3]) }
  })
}

async function scrape (app: FastifyInstance, headers: Headers): Promise<{ text: string, samples: Sample[] }> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers })
  if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}: ${res.body}`)
  return { text: res.body, samples: parse(res.body) }
}

/** The value of the one sample with this name and these labels (0 when there is none). */
function value (samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`)
  return found[0]?.value ?? 0
}

t.test('GET /metrics', async (t) => {
  const app = await buildTestApp(t)
  const scraper = await createTestClient(app, { scopes: ['metrics:read'], name: 'Prometheus' })
  const vendor = await createTestClient(app, { scopes: ['cases:read', 'cases:write'] })

  t.test('refuses a request without a token, and a client without the scope metrics:read', async (t) => {
    t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
    const forbidden = await app.inject({ method: 'GET', url: '/metrics', headers: vendor.headers })
    t.equal(forbidden.statusCode, 403)
    t.equal(forbidden.json().detail, 'This client lacks the scope metrics:read')
    t.notOk(forbidden.body.includes('http_request_duration_seconds'))
  })

  t.test('answers the Prometheus text format, not stored', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: scraper.headers })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.body, /^# HELP http_request_duration_seconds /m)
    t.match(res.body, /^# TYPE http_request_duration_seconds histogram$/m)
    t.match(res.body, /^# TYPE process_cpu_seconds_total counter$/m, 'with the process metrics')
    t.ok(parse(res.body).length > 0)
  })

  t.test('counts requests and their latency per route pattern, method and status, never per URL', async (t) => {
    const made = await aCase(app, vendor.headers)
    const route = { method: 'GET', route: '/v1/cases/:id', status_code: '200' }
    const before = (await scrape(app, scraper.headers)).samples
    for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: made.location, headers: vendor.headers })).statusCode, 200)
    t.equal((await app.inject({ method: 'GET', url: `/v1/cases/${'0'.repeat(8)}-0000-4000-8000-000000000000`, headers: vendor.headers })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: `/v1/no-such-thing/${made.id}` })).statusCode, 404)
    const { text, samples } = await scrape(app, scraper.headers)

    t.equal(value(samples, 'http_request_duration_seconds_count', route) - value(before, 'http_request_duration_seconds_count', route), 3)
    t.ok(value(samples, 'http_request_duration_seconds_sum', route) > value(before, 'http_request_duration_seconds_sum', route), 'the latency is summed')
    t.equal(value(samples, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' }), value(samples, 'http_request_duration_seconds_count', route))
    t.equal(value(samples, 'http_request_duration_seconds_count', { ...route, status_code: '404' }) -
      value(before, 'http_request_duration_seconds_count', { ...route, status_code: '404' }), 1, 'a refusal under its own status')
    t.equal(value(samples, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/cases', status_code: '201' }), 1)
    t.equal(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: UNMATCHED, status_code: '404' }), 1, 'an unknown URL is counted without its URL')
    t.notOk(text.includes(made.id), 'no id of a resource in any label')
    t.notOk(text.includes(vendor.client.id), 'no client in any label')
    const routes = new Set(samples.filter((s) => s.name === 'http_request_duration_seconds_count').map((s) => s.labels.route))
    t.ok([...routes].every((r) => r === UNMATCHED || app.routeTable.some((entry) => entry.url === r)), `route labels are route patterns: ${[...routes].join(' ')}`)
  })

  t.test('reports the database connections', async (t) => {
    const { samples } = await scrape(app, scraper.headers)
    const engine = app.database.engine
    t.equal(value(samples, 'ffb_db_connections_max', { engine }), engine === 'pglite' ? 1 : 10)
    t.equal(value(samples, 'ffb_db_waiting', { engine }), 0, 'nothing waits while the API is idle')
    t.ok(value(samples, 'ffb_db_connections', { engine, state: 'idle' }) >= 1, 'an idle connection')

    // Hold every connection and ask for one more: that one waits, and the scrape (its token cached) says so.
    const max = value(samples, 'ffb_db_connections_max', { engine })
    let release = (): void => {}
    const held = new Promise<void>((resolve) => { release = resolve })
    let started = (): void => {}
    const running = new Promise<void>((resolve) => { started = resolve })
    const sessions = Array.from({ length: max + 1 }, async () => await app.database.withSession(async () => {
      started()
      await held
    }))
    await running
    const busy = (await scrape(app, scraper.headers)).samples
    release()
    await Promise.all(sessions)
    t.equal(value(busy, 'ffb_db_waiting', { engine }), 1, 'the session beyond the last connection waits')
    t.ok(value(busy, 'ffb_db_connections', { engine, state: 'busy' }) >= 1, 'connections are busy')
    t.equal(value((await scrape(app, scraper.headers)).samples, 'ffb_db_waiting', { engine }), 0, 'and no longer once they are released')
  })
})

t.test('counts the rows the export streams send', async (t) => {
  const app = await buildTestApp(t, { config: { exportBatchSize: 2 } })
  const { headers } = await createTestClient(app)
  const caseUrl = (await aCase(app, headers)).location
  for (let i = 0; i < 3; i++) await aDecision(app, headers, caseUrl, { goals: undefined })
  const uddata = { route: '/v1/exports/uddata' }
  t.equal(value((await scrape(app, headers)).samples, 'ffb_export_rows_total', uddata), 0)

  const stream = await app.inject({ method: 'GET', url: '/v1/exports/uddata', headers })
  t.equal(stream.statusCode, 200)
  const sent = lines(stream.body)
  t.equal(sent.length, 4, 'three decisions (in two batches) and the trailer')
  t.equal(value((await scrape(app, headers)).samples, 'ffb_export_rows_total', uddata), 3, 'the rows, not the trailer')

  // From the second decision's cursor on: one row more.
  await app.inject({ method: 'GET', url: `/v1/exports/uddata?cursor=${encodeURIComponent(sent[1]!.cursor)}`, headers })
  t.equal(value((await scrape(app, headers)).samples, 'ffb_export_rows_total', uddata), 4)
})

t.test('counts requests refused by the rate limit, per route', async (t) => {
  const app = await buildTestApp(t, { config: { rateLimitMax: 2 } })
  const { headers } = await createTestClient(app)
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await app.inject({ method: 'GET', url: '/v1/audit', headers })).statusCode)
  t.same(statuses, [200, 200, 429, 429])
  // /metrics has its own limit, apart from the API's: the scrape is not refused.
  const { samples } = await scrape(app, headers)
  t.equal(value(samples, 'ffb_rate_limit_rejections_total', { route: '/v1/audit' }), 2)
  t.equal(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/audit', status_code: '429' }), 2)
})
