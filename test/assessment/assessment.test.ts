import t from 'tap'
import { aCase } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

t.test('assessment (VUM phase 3)', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const get = async (url: string, h = headers) => await app.inject({ method: 'GET', url, headers: h })
  t.test('the assessment: created by the first PUT, then replaced only with If-Match', async (t) => {
    const caseUrl = (await aCase(app, headers)).location
    const url = `${caseUrl}/assessment`
    t.equal((await get(url)).statusCode, 404, 'none yet')
    const put = async (payload: object, ifMatch?: string) => await app.inject({
      method: 'PUT', url, payload, headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }
    })
    const orphan = await put({ samletVurdering: 'x', indsatsformaal: null }, '"whatever"')
    t.equal(orphan.statusCode, 412, 'If-Match with no assessment yet')
    const created = await put({ samletVurdering: 'Har svært ved økonomien', indsatsformaal: 'Betale faste udgifter selv' })
    t.equal(created.statusCode, 201)
    t.equal(created.headers.location, url)
    t.match(created.json(), { samletVurdering: 'Har svært ved økonomien', indsatsformaal: 'Betale faste udgifter selv', version: 1 })
    const read = await get(url)
    t.same(read.json(), created.json())
    t.equal(read.headers.etag, created.headers.etag)

    t.equal((await put({ samletVurdering: 'ny', indsatsformaal: null })).statusCode, 428, 'it exists: If-Match is required')
    const caseEtag = (await get(caseUrl)).headers.etag!
    t.equal((await put({ samletVurdering: 'ny', indsatsformaal: null }, caseEtag)).statusCode, 412, 'the case\'s ETag is not the assessment\'s')
    const replaced = await put({ samletVurdering: 'ny', indsatsformaal: null }, created.headers.etag)
    t.equal(replaced.statusCode, 200)
    t.match(replaced.json(), { samletVurdering: 'ny', indsatsformaal: null, version: 2 })
    t.equal((await put({ samletVurdering: 'gammel', indsatsformaal: null }, created.headers.etag)).statusCode, 412, 'stale')
    t.equal((await put({ samletVurdering: 'ny' })).statusCode, 400, 'a PUT sends the whole assessment')
  })
})
