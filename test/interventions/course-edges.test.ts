import t from 'tap'
import { YDELSE } from '../support/codes.js'
import { aCase, aDecision, anIntervention, annulled } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * Edges of an intervention's course that model-based fuzzing found answering
 * 500 (test/app/model-fuzz.test.ts): an intervention whose every ydelse was
 * annulled (entered in error) has no start, and a change of provider may
 * have nothing running to continue, only ydelser not yet started to move.
 */

t.test('an intervention without ydelser standing', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const caseUrl = (await aCase(app, headers)).location
  const decision = await aDecision(app, headers, caseUrl, { goals: undefined })
  const setUp = async () => {
    const intervention = await anIntervention(app, headers, decision.id)
    await annulled(app, headers, `/v1/ydelser/${intervention.body.ydelser[0].id}`)
    const url = `/v1/decisions/${decision.id}/interventions/${intervention.id}`
    const etag = (await app.inject({ method: 'GET', url, headers })).headers.etag!
    return { url, headers: { ...headers, 'if-match': etag } }
  }

  t.test('POST …/ending ends it on the day asked, having no start to end before', async (t) => {
    const { url, headers } = await setUp()
    const res = await app.inject({ method: 'POST', url: `${url}/ending`, headers, payload: { slutdato: '2022-12-31' } })
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json().slutdato, '2022-12-31')
    t.same(res.json().ydelser, [])
  })

  t.test('POST …/provider-change is a 422: nothing continues with the new provider', async (t) => {
    const { url, headers } = await setUp()
    const res = await app.inject({ method: 'POST', url: `${url}/provider-change`, headers, payload: { slutdato: '2023-03-31', leverandoer: { pNummer: '1023456789' } } })
    t.equal(res.statusCode, 422, res.body)
    t.match(res.json().errors, [{ pointer: '/slutdato', code: 'nothing-continues' }])
  })
})

t.test('a change of provider on a day no ydelse runs past, with one not yet started', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const caseUrl = (await aCase(app, headers)).location
  const decision = await aDecision(app, headers, caseUrl, { goals: undefined })
  const intervention = await anIntervention(app, headers, decision.id, {
    ydelser: [
      { code: YDELSE.stoetteTilAdministration, startdato: '2023-01-01', slutdato: '2023-01-31' },
      { code: YDELSE.stoetteTilTransport, startdato: '2023-03-01' }
    ]
  })
  const later = intervention.body.ydelser[1].id
  const url = `/v1/decisions/${decision.id}/interventions/${intervention.id}`
  const etag = (await app.inject({ method: 'GET', url, headers })).headers.etag!
  const res = await app.inject({
    method: 'POST', url: `${url}/provider-change`, headers: { ...headers, 'if-match': etag }, payload: { slutdato: '2023-01-31', leverandoer: { pNummer: '1023456789' } }
  })
  t.equal(res.statusCode, 201, 'the ydelse not yet started moves; none continues (was a 500: an INSERT of no ydelser)')
  t.match(res.json().ydelser, [{ id: later, code: YDELSE.stoetteTilTransport, startdato: '2023-03-01', slutdato: null }])
  t.equal(res.json().ydelser.length, 1)
  const old = (await app.inject({ method: 'GET', url, headers })).json()
  t.equal(old.slutdato, '2023-01-31')
  t.match(old.ydelser, [{ code: YDELSE.stoetteTilAdministration, slutdato: '2023-01-31' }])
  t.equal(old.ydelser.length, 1)
})
