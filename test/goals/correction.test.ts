import t from 'tap'
import { LEVEL } from '../support/codes.js'
import { type Json } from '../support/factories.js'
import { recordCitizenX } from '../support/flow.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * A goal recorded wrong is corrected on its own URL, with If-Match: the goal
 * keeps its id, every version is kept, and the decisions covering it (their
 * uddata indsatsmål block) change with it.
 */

const FASTHOLDE = '10752a63-00b4-4958-b7f4-9f3a18f74266'

t.test('a goal is corrected with If-Match; its versions are kept and its decision delivers the correction', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const x = await recordCitizenX(app, headers)
  const url = `${x.caseUrl}/goals/${x.goalId}`
  const call = async (method: 'GET' | 'PATCH', path: string, payload?: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url: path, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) })
  const etag = async (): Promise<string> => (await call('GET', url)).headers.etag!
  const uddataGoal = async (): Promise<Json> => (await call('GET', `/v1/decisions/${x.decisionId}/uddata`)).json().indsatsmaal[0]

  const correction = { maaltype: FASTHOLDE, forventetFunktionsevneniveau: LEVEL[2], reason: 'fejlregistrering' }
  t.equal((await call('PATCH', url, correction)).statusCode, 428, 'without If-Match')
  t.equal((await call('PATCH', url, correction, { 'if-match': '"stale"' })).statusCode, 412, 'with a stale ETag')
  const other = await createTestClient(app, { municipalities: ['102'] })
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...other.headers, 'if-match': await etag() }, payload: correction })).statusCode, 404,
    'from another municipality')
  const bad = await call('PATCH', url, { forventetFunktionsevneniveau: LEVEL.ikkeVurderet }, { 'if-match': await etag() })
  t.match(bad.json(), { status: 400, errors: [{ pointer: '/forventetFunktionsevneniveau', code: 'not-a-level' }] }, 'the create rules hold')
  t.equal((await call('PATCH', url, { opfoelgningsdato: '2022-12-31' }, { 'if-match': await etag() })).json().errors[0].code, 'before-registration')

  const since = new Date(Date.now() + 1).toISOString()
  const corrected = await call('PATCH', url, correction, { 'if-match': await etag() })
  t.equal(corrected.statusCode, 200, corrected.body)
  t.equal(corrected.json().id, x.goalId, 'the same goal')
  t.equal(corrected.json().version, 2)
  t.equal(corrected.headers.etag, await etag())
  t.match(corrected.json(), { maaltype: { code: FASTHOLDE, label: 'Fastholde funktionsevne' }, forventetFunktionsevneniveau: { level: 2 } })
  t.match(await uddataGoal(), { maaltype: { code: FASTHOLDE }, forventetFunktionsevneniveau: { level: 2 } }, 'uddata delivers the corrected goal')
  const changed = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(since)}`)).json().items.map((d: Json) => d.id)
  t.same(changed, [x.decisionId], 'the decision covering it is in the delta')

  const versions = (await call('GET', `${url}/versions`)).json().items
  t.same(versions.map((v: Json) => [v.version, v.data.maaltype, v.data.forventetFunktionsevneniveau, v.reason]), [
    [1, 'd41c8072-52f8-42b5-9375-ddbea454d27f', LEVEL[1], null], [2, FASTHOLDE, LEVEL[2], 'fejlregistrering']
  ], 'both versions, the correction with its reason')

  const same = await call('PATCH', url, { maaltype: FASTHOLDE }, { 'if-match': await etag() })
  t.equal(same.headers.etag, corrected.headers.etag, 'a correction that changes nothing writes no version')
  t.equal((await call('GET', `${url}/versions`)).json().items.length, 2)
})
