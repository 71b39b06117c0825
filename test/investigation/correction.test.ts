import t from 'tap'
import { AD, FF, LEVEL } from '../support/codes.js'
import { type Json } from '../support/factories.js'
import { followUpCitizenX, recordCitizenX } from '../support/flow.js'
import { refusesUnguardedCorrections } from '../support/corrections.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * A registration recorded wrong is corrected on its own URL, with If-Match:
 * it keeps its id, every version is kept, and the decisions of the case
 * (their uddata theme blocks) change with it. What a goal or a follow-up
 * built on it stays true.
 */

t.test('PATCH /v1/cases/:id/investigation/:theme/:registrationId', async (t) => {
  const app = await buildTestApp(t)
  const { client, headers } = await createTestClient(app)
  const x = await recordCitizenX(app, headers)
  const call = async (method: 'GET' | 'PATCH', url: string, payload?: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) })
  const registrationOf = async (theme: string, undertema: string): Promise<string> => {
    const items = (await call('GET', `${x.caseUrl}/investigation/${theme}?undertema=${undertema}`)).json().items as Json[]
    return `${x.caseUrl}/investigation/${theme}/${items[0]!.id as string}`
  }
  const etag = async (url: string): Promise<string> => (await call('GET', url)).headers.etag!
  const uddata = async (): Promise<Json> => (await call('GET', `/v1/decisions/${x.decisionId}/uddata`)).json()

  t.test('corrects an F&F registration: visible in GET, its versions, the uddata document and the delta', async (t) => {
    const url = await registrationOf('funktioner-og-forhold', FF.organiseringOgPlanlaegning)
    const correction = { undertema: FF.oekonomiskSituation, sagsbehandlersBemaerkninger: 'Økonomien er det centrale', reason: 'fejlregistrering' }
    await refusesUnguardedCorrections(t, app, headers, url, correction)
    const bad = await call('PATCH', url, { undertema: AD.varetageOekonomi }, { 'if-match': await etag(url) })
    t.match(bad.json(), { status: 400, errors: [{ pointer: '/undertema' }] }, 'a code of another list names the field')
    // 31 Dec 2022 23:30 in Denmark is before the first catalog version (in force from 1 Jan 2023).
    const early = { registeredAt: '2022-12-31T22:30:00Z' }
    t.match((await call('PATCH', url, { ...early, undertema: FF.oekonomiskSituation }, { 'if-match': await etag(url) })).json(),
      { status: 422, type: 'urn:ffb-api:problem:catalog-code', errors: [{ pointer: '/undertema', code: 'catalog' }] }, 'codes are checked on the corrected day')
    t.match((await call('PATCH', url, early, { 'if-match': await etag(url) })).json(),
      { status: 422, type: 'urn:ffb-api:problem:catalog-code', errors: [{ pointer: '/registeredAt', code: 'catalog' }] }, 'the stored code too, naming the moved date')
    t.equal((await call('PATCH', url, { funktionsevneniveau: LEVEL[1] }, { 'if-match': await etag(url) })).statusCode, 400, 'F&F carries no level')
    t.equal((await call('PATCH', url, { registeredAt: '2999-01-01T00:00:00Z' }, { 'if-match': await etag(url) })).json().errors[0].code, 'future')

    const since = new Date(Date.now() + 1).toISOString()
    const corrected = await call('PATCH', url, correction, { 'if-match': await etag(url) })
    t.equal(corrected.statusCode, 200, corrected.body)
    t.equal(corrected.json().id, url.split('/').at(-1), 'the same registration')
    t.match(corrected.json(), { version: 2, undertema: { code: FF.oekonomiskSituation, label: 'Økonomisk situation' }, sagsbehandlersBemaerkninger: 'Økonomien er det centrale' })
    t.equal(corrected.headers.etag, await etag(url), 'the ETag of the new version')
    t.same((await call('GET', url)).json(), corrected.json(), 'GET gives the corrected registration')
    const ff = (await uddata()).funktionerOgForhold.map((r: Json) => r.undertemaFunktionerEllerForhold.code)
    t.same(ff, [FF.oekonomiskSituation, FF.oekonomiskSituation], 'uddata delivers the corrected sub-theme')
    const changed = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(since)}`)).json().items.map((d: Json) => d.id)
    t.same(changed, [x.decisionId], 'the decision of the case is in the delta')

    const versions = (await call('GET', `${url}/versions`)).json().items
    t.same(versions.map((v: Json) => [v.version, v.data.undertema, v.data.sagsbehandlersBemaerkninger, v.clientId, v.reason]), [
      [1, FF.organiseringOgPlanlaegning, null, client.id, null], [2, FF.oekonomiskSituation, 'Økonomien er det centrale', client.id, 'fejlregistrering']
    ], 'both versions, who wrote them, the correction with its reason')
    t.equal(versions[0].data.registeredAt, '2023-01-01T09:00:00.000Z')

    const same = await call('PATCH', url, { undertema: FF.oekonomiskSituation }, { 'if-match': corrected.headers.etag! })
    t.equal(same.statusCode, 200)
    t.equal(same.headers.etag, corrected.headers.etag, 'a correction that changes nothing writes no version')
    t.equal((await call('GET', `${url}/versions`)).json().items.length, 2)

    const cleared = await call('PATCH', url, { sagsbehandlersBemaerkninger: null }, { 'if-match': corrected.headers.etag!, 'idempotency-key': '"clear-1"' })
    t.equal(cleared.statusCode, 200)
    t.equal(cleared.json().sagsbehandlersBemaerkninger, null, 'a text is cleared with null')
    const replay = await call('PATCH', url, { sagsbehandlersBemaerkninger: null }, { 'if-match': corrected.headers.etag!, 'idempotency-key': '"clear-1"' })
    t.equal(replay.headers['idempotent-replayed'], 'true', 'the retry is the stored answer')
    t.same(replay.json(), cleared.json())
    t.equal((await call('GET', `${url}/versions`)).json().items.length, 3, 'and writes nothing')
  })

  t.test('a goal\'s registration: the level is corrected, the sub-theme not, the date not moved after the goal', async (t) => {
    const url = await registrationOf('aktivitet-og-deltagelse', AD.varetageOekonomi)
    const moved = await call('PATCH', url, { undertema: AD.indgaaISamspilOgKontakt }, { 'if-match': await etag(url) })
    t.match(moved.json(), { status: 422, type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/undertema', code: 'goal-depends' }] })
    t.match(moved.json().detail, x.goalId, 'names the goal')
    const late = await call('PATCH', url, { registeredAt: '2023-01-01T12:00:00+01:00' }, { 'if-match': await etag(url) })
    t.match(late.json(), { status: 422, errors: [{ pointer: '/registeredAt', code: 'goal-depends' }] })
    const since = new Date(Date.now() + 1).toISOString()
    const level = await call('PATCH', url, { funktionsevneniveau: LEVEL[3], registeredAt: '2023-01-01T09:30:00+01:00', reason: 'fejlregistrering' },
      { 'if-match': await etag(url) })
    t.equal(level.statusCode, 200, level.body)
    t.match(level.json(), { funktionsevneniveau: { level: 3 }, registeredAt: '2023-01-01T08:30:00.000Z', version: 2 })
    t.match((await call('GET', `${x.caseUrl}/goals/${x.goalId}`)).json().aktueltFunktionsevneniveau, { level: 3 }, 'the goal\'s current level follows')
    t.match((await uddata()).aktivitetOgDeltagelse, [{ funktionsevneniveau: { level: 3 }, datostempel: '2023-01-01T08:30:00.000Z' }])
    t.same((await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(since)}`)).json().items.map((d: Json) => d.id), [x.decisionId])
  })

  t.test('a level a follow-up registered is corrected through the follow-up; an annulled registration not at all', async (t) => {
    const y = await recordCitizenX(app, headers, { cpr: '0202904321' })
    const followUp = await followUpCitizenX(app, headers, y) as Json
    const url = `${y.caseUrl}/investigation/aktivitet-og-deltagelse/${followUp.maal[0].registrationId as string}`
    const refused = await call('PATCH', url, { funktionsevneniveau: LEVEL[1] }, { 'if-match': await etag(url) })
    t.match(refused.json(), { status: 422, errors: [{ pointer: '/funktionsevneniveau', code: 'made-by-follow-up' }] })
    t.match(refused.json().detail, `/v1/decisions/${y.decisionId}/follow-ups/${followUp.id as string}`, 'names the follow-up to correct it through')
    const texts = await call('PATCH', url, { oplysningerFraBorgeren: 'Klarer regningerne selv' }, { 'if-match': await etag(url) })
    t.equal(texts.statusCode, 200, 'its texts are corrected here')

    const omg = (await call('GET', `${y.caseUrl}/investigation/omgivelsesfaktorer`)).json().items[0].id as string
    const omgUrl = `${y.caseUrl}/investigation/omgivelsesfaktorer/${omg}`
    const tag = await etag(omgUrl)
    await app.database.db.updateTable('theme_registrations').set({ annulled_at: new Date(), annulled_reason: 'fejl' }).where('id', '=', omg).execute()
    const annulled = await call('PATCH', omgUrl, { oplysningerFraAndre: 'x' }, { 'if-match': tag })
    t.match(annulled.json(), { status: 409, type: 'urn:ffb-api:problem:conflict' })
  })
})
