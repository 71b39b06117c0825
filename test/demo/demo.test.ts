import t from 'tap'
import { loadDemo } from '../../src/demo/load.js'
import { buildTestApp, createTestClient } from '../helper.js'

t.test('the demo loads the seeds\' citizens and generated ones through the API, once', async (t) => {
  const app = await buildTestApp(t)
  const started = Date.now()
  const summary = await loadDemo(app, { citizens: 40 })
  t.comment(`loaded in ${Date.now() - started} ms`)
  t.match(summary, /Demo data loaded in [\d.]+ s through the API as client "demo"/)
  t.match(summary, /and 40 generated citizens in municipalities 101, 147, 461, 751, 851/)
  const cases = Number(/(\d+) cases\n/.exec(summary)?.[1])
  t.equal(cases, 42, 'citizen X, Mikkel and the 40 generated citizens each have a case')
  const token = /Demo API token[^\n]*\n\n {2}(ffb_[\w-]{43})\n/.exec(summary)?.[1]
  if (token === undefined) return t.fail(`no token in ${summary}`)
  const headers = { authorization: `Bearer ${token}` }

  // Mikkel's journey: three decisions, the first two closed by "afslutning og visitér til ny".
  const decisions = await Promise.all(['MIKKEL-1', 'MIKKEL-2', 'MIKKEL-3'].map(async (id) =>
    (await app.inject({ url: `/v1/decisions?kommunekode=101&sagsafgoerelsesId=${id}`, headers })).json().items[0]))
  t.same(decisions.map((d) => d.maalgrupper.primaer.label), ['Anden intellektuel/kognitiv forstyrrelse', 'Opmærksomhedsforstyrrelse', 'Opmærksomhedsforstyrrelse'])
  t.same(decisions.map((d) => [d.closedAt, d.nyAfgoerelseForventet, d.stoettebehov[0].label]), [
    ['2023-09-01', true, 'Moderat støttebehov'],
    ['2024-03-01', true, 'Moderat støttebehov'],
    [null, false, 'Let støttebehov']
  ], 'visitation, extension, then his own home; the first two closed with "visitér til ny"')
  t.same(decisions[2].interventions[0].tilbud.label, 'Mobilt tilbud')

  // Citizen X: found by CPR, her decision followed up and closed.
  const x = (await app.inject({ method: 'POST', url: '/v1/cases/search', headers, payload: { cpr: '0101904321' } })).json().items
  t.equal(x.length, 1)
  t.equal(x[0].sagsnummer, 'SAG-2023-000001', 'with the municipality\'s sagsnummer')
  const byNumber = (await app.inject({ url: '/v1/cases?sagsnummer=SAG-2023-000001', headers })).json().items
  t.same(byNumber.map((c: { id: string }) => c.id), [x[0].id], 'and found by it')
  const xDecision = (await app.inject({ url: `/v1/cases/${x[0].id}/decisions`, headers })).json().items[0]
  t.equal(xDecision.closedAt, '2023-06-01', 'citizen X\'s intervention ended at the follow-up of 1 June 2023')

  // The generated citizens spread over the municipalities.
  const perMunicipality = await Promise.all(['147', '461', '751', '851'].map(async (kommunekode) =>
    (await app.inject({ url: `/v1/cases?kommunekode=${kommunekode}&limit=100`, headers })).json().items.length))
  t.ok(perMunicipality.every((n) => n > 0), `cases in every municipality: ${perMunicipality.join(', ')}`)

  const again = await loadDemo(app, { citizens: 40 })
  t.match(again, /already loaded in this database \(client "demo"\); nothing added/)
  const { headers: other } = await createTestClient(app, { municipalities: ['101'] })
  const after = await app.inject({ url: '/v1/cases?kommunekode=101&limit=100', headers: other })
  t.equal(after.json().items.filter((c: { cpr: string }) => c.cpr === '0101904321').length, 1, 'a second run adds no citizen')
})
