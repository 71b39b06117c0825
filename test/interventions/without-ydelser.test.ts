import t from 'tap'
import { aCase, aDecision, anIntervention, annulled } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * An intervention whose every ydelse was annulled (entered in error) has no
 * start. Found by model-based fuzzing: ending it or changing its provider
 * answered 500 (the start of its first ydelse was read from an empty list).
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
