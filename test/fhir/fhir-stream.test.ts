import { gunzipSync } from 'node:zlib'
import t from 'tap'
import { appWithOrganisation, lines, one, ofProfile, recordEverything, X, type Bundle, type Headers } from '../support/fhir.js'
import { aCase } from '../support/factories.js'
import { violations } from '../support/fhir-validation.js'
import { recordCitizenX } from '../support/flow.js'

t.test('the stream', async (t) => {
  const { app, headers } = await appWithOrganisation(t, { exportBatchSize: 2 })
  const cprs = ['0101904321', '0202904321', '0303904321']
  for (const cpr of cprs) await recordCitizenX(app, headers, { ...X, cpr })
  // A second case of the first citizen: still one bundle for that citizen.
  await aCase(app, headers, { cpr: cprs[0], openedAt: '2023-01-01T15:00:00+01:00' })
  const stream = async (query: string, extra: Headers = {}) =>
    await app.inject({ method: 'GET', url: `/v1/exports/fhir?kommunekode=101&${query}`, headers: { ...headers, ...extra } })

  t.test('one bundle per citizen across batches, each valid, and a trailer', async (t) => {
    const res = await stream('date=2023-01-01')
    const all = lines(res.body)
    const trailer = all.pop()!
    t.same(all.map((b) => one(b as Bundle, 'citizen').identifier[0].value), cprs, 'in the order the citizens came')
    for (const bundle of all) t.same(violations(bundle), [])
    t.equal(ofProfile(all[0] as Bundle, 'serviceRequest').length, 2, 'both of the first citizen\'s cases')
    t.same(trailer.parameter[1], { name: 'count', valueInteger: 3 })

    await recordCitizenX(app, headers, { ...X, cpr: '0606904321' })
    const next = lines((await stream(`date=2023-01-01&cursor=${trailer.parameter[0].valueString}`)).body)
    t.equal(next.length, 2, 'the cursor continues with the citizen added since, and nothing else')
    t.match(JSON.stringify(next[0]), '0606904321')
  })

  t.test('gzip', async (t) => {
    const res = await stream('date=2023-01-01', { 'accept-encoding': 'gzip' })
    t.equal(res.headers['content-encoding'], 'gzip')
    t.equal(gunzipSync(res.rawPayload).toString(), (await stream('date=2023-01-01')).body)
  })

  t.test('changedSince: what was written since, as it stands', async (t) => {
    const since = new Date().toISOString()
    const none = lines((await stream(`changedSince=${since}`)).body)
    t.same(none.map((l) => l.resourceType), ['Parameters'], 'nothing written since')
    await recordEverything(app, headers, '0707904321')
    const changed = lines((await stream(`changedSince=${since}`)).body)
    t.equal(changed.length, 2)
    t.match(JSON.stringify(changed[0]), '0707904321')
    t.same(violations(changed[0]), [])
  })

  t.test('the default day is yesterday; the stream is audited once', async (t) => {
    const res = await stream('')
    t.same(lines(res.body).map((l) => l.resourceType), ['Parameters'])
    const audit = await app.database.db.selectFrom('audit_log').select(['details']).where('resource_type', '=', 'fhir').orderBy('id', 'desc').executeTakeFirstOrThrow()
    t.match(JSON.parse(audit.details!), { kommunekode: '101', count: 0, complete: true })
  })

  t.test('problems', async (t) => {
    const both = await stream('date=2023-01-01&changedSince=2023-01-01T00:00:00Z')
    t.equal(both.statusCode, 400)
    t.match(both.json().errors, [{ pointer: '/changedSince' }])
    t.equal((await app.inject({ method: 'GET', url: '/v1/exports/fhir', headers })).statusCode, 400, 'kommunekode is required')
    t.equal((await stream('date=2023-02-30')).statusCode, 400)
    t.equal((await stream('cursor=nonsense')).statusCode, 400)
  })
})
