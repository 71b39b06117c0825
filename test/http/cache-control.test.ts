import t from 'tap'
import { buildTestApp, createTestClient } from '../helper.js'
import { appWithOrganisation } from '../support/fhir.js'
import { NOT_PERSONAL, requestsOfEveryRoute } from '../support/route-walk.js'

/**
 * `Cache-Control: no-store` on every answer that may carry citizen data —
 * walked over the route table, successes and problems alike — while the
 * catalogs, public classifications, stay cacheable.
 */

const NIL = '00000000-0000-4000-8000-000000000000'

t.test('every route with citizen data answers Cache-Control: no-store', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  const requests = await requestsOfEveryRoute(t, app, headers)
  for (const { route, ...request } of requests) {
    const res = await app.inject(request)
    t.ok(res.statusCode < 300, `${route} answers ${res.statusCode}`, { body: res.body.slice(0, 300) })
    t.equal(res.headers['cache-control'], 'no-store', `${route}: its answer is not stored`)
  }
  for (const { route, ...request } of requests) {
    const unauthenticated = await app.inject({ ...request, headers: {} })
    t.equal(unauthenticated.statusCode, 401)
    t.equal(unauthenticated.headers['cache-control'], 'no-store', `${route}: its 401 is not stored`)
    // Another id than the one in the path, and a body with a field no schema has: a 4xx problem that may echo the request.
    const refused = await app.inject({ ...request, url: request.url.replace(/[0-9a-f-]{36}/g, NIL), ...(request.payload === undefined ? {} : { payload: { ...request.payload, unknownField: 1 } }) })
    t.equal(refused.headers['cache-control'], 'no-store', `${route}: its ${refused.statusCode} is not stored`)
  }
})

t.test('the export streams are not stored, gzipped or not', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  for (const url of ['/v1/exports/uddata', '/v1/exports/fhir?kommunekode=101']) {
    for (const encoding of ['identity', 'gzip']) {
      const res = await app.inject({ method: 'GET', url, headers: { ...headers, 'accept-encoding': encoding } })
      t.equal(res.statusCode, 200, url)
      t.equal(res.headers['cache-control'], 'no-store', `${url} (${encoding})`)
    }
  }
})

t.test('problems are not stored: unknown URLs, schema violations, rate limiting', async (t) => {
  const app = await buildTestApp(t, { config: { rateLimitMax: 1 } })
  const { headers } = await createTestClient(app)
  const notFound = await app.inject({ method: 'GET', url: '/v1/no-such-thing', headers })
  t.equal(notFound.statusCode, 404)
  t.equal(notFound.headers['cache-control'], 'no-store')
  const badUrl = await app.inject({ method: 'GET', url: '/v1/cases/%E0%A4%A', headers })
  t.equal(badUrl.statusCode, 400)
  t.equal(badUrl.headers['cache-control'], 'no-store', 'a URL fastify cannot decode')
  const invalid = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { kommunekode: '101', cpr: 'not a cpr' } })
  t.equal(invalid.statusCode, 400)
  t.equal(invalid.headers['cache-control'], 'no-store')
  const limited = await app.inject({ method: 'GET', url: '/v1/audit', headers })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['cache-control'], 'no-store')
})

t.test('the catalogs stay cacheable; their problems do not', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const urls = ['/v1/catalogs', '/v1/catalogs/maaltype', '/v1/catalogs/maaltype/d41c8072-52f8-42b5-9375-ddbea454d27f']
  // The routes without citizen data are the catalogs and the caller's own client (GET /v1/me, below): only the catalogs are cached.
  t.same(urls.map((url) => `GET ${url.replace('/maaltype', '/:list').replace(/\/[0-9a-f-]{36}$/, '/:code')}`), [...NOT_PERSONAL].filter((route) => route !== 'GET /v1/me'))
  for (const url of urls) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'private, max-age=300', url)
    const again = await app.inject({ method: 'GET', url, headers: { ...headers, 'if-none-match': res.headers.etag! } })
    t.equal(again.statusCode, 304)
    t.equal(again.headers['cache-control'], 'private, max-age=300', `${url} (304)`)
  }
  const missing = await app.inject({ method: 'GET', url: '/v1/catalogs/no-such-list', headers })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['cache-control'], 'no-store')
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers })).headers['cache-control'], 'no-store', 'what a token may do is not stored')
})
