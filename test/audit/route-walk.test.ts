import t from 'tap'
import { appWithOrganisation } from '../support/fhir.js'
import { requestsOfEveryRoute } from '../support/route-walk.js'

/**
 * Every /v1 route that reads or writes citizen data leaves an audit event
 * for each request it answers — walked over the app's own route table
 * (test/support/route-walk.ts), so a new route without a request there
 * fails, and a route that stops auditing fails too.
 */

t.test('every route with citizen data records an audit event for each request', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  let n = 0
  for (const { route, method, headers: routeHeaders, ...request } of await requestsOfEveryRoute(t, app, headers)) {
    const requestId = `walk-${++n}`
    const res = await app.inject({ method, ...request, headers: { ...routeHeaders, 'x-request-id': requestId } })
    t.ok(res.statusCode < 300, `${route} answers ${res.statusCode}`, { body: res.body.slice(0, 300) })
    const events = await app.database.db.selectFrom('audit_log').select(['outcome', 'action']).where('request_id', '=', requestId).execute()
    t.ok(events.length > 0, `${route} records its access`)
    if (method !== 'GET' && route !== 'POST /v1/cases/search') t.equal(events.length, 1, `${route} records one event`)
    t.ok(events.every((event) => event.outcome === 'success'), `${route} records success`)
  }
})
