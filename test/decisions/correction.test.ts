import t from 'tap'
import { MAALGRUPPE, STOETTEBEHOV } from '../support/codes.js'
import { type Json } from '../support/factories.js'
import { followUpCitizenX, recordCitizenX } from '../support/flow.js'
import { backfillsAsTheApiWrites, refusesUnguardedCorrections } from '../support/corrections.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * A decision recorded wrong is corrected on its own URL, with If-Match: its
 * afgørelsesdato, målgrupper and the støttebehov it was made with. It keeps
 * its id, every version of those fields is kept, and the correction reaches
 * its uddata document and the delta.
 */

t.test('PATCH /v1/decisions/:id', async (t) => {
  const app = await buildTestApp(t)
  const { client, headers } = await createTestClient(app)
  const call = async (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) })
  const etag = async (url: string): Promise<string> => (await call('GET', url)).headers.etag!

  t.test('corrects a decision: visible in GET, its versions, the uddata document and the delta', async (t) => {
    const x = await recordCitizenX(app, headers)
    const url = `/v1/decisions/${x.decisionId}`
    const correction = {
      afgoerelsesdato: '2023-01-02',
      maalgrupper: { primaer: MAALGRUPPE.psykiskFunktionsnedsaettelse, oevrige: [MAALGRUPPE.socialtProblem] },
      stoettebehov: { code: STOETTEBEHOV.intet, begrundelse: 'Klarer økonomien selv' },
      reason: 'fejlregistrering'
    }
    await refusesUnguardedCorrections(t, app, headers, url, correction)
    const bad = await call('PATCH', url, { maalgrupper: { primaer: STOETTEBEHOV.let } }, { 'if-match': await etag(url) })
    t.match(bad.json(), { status: 400, type: 'urn:ffb-api:problem:validation', errors: [{ pointer: '/maalgrupper/primaer', code: 'enum' }] },
      'a code of another list names the field')
    const need = await call('PATCH', url, { stoettebehov: { code: MAALGRUPPE.angst } }, { 'if-match': await etag(url) })
    t.match(need.json(), { status: 400, errors: [{ pointer: '/stoettebehov/code', code: 'enum' }] })
    const detailed = await call('PATCH', url, { maalgrupper: { oevrige: [MAALGRUPPE.angst] } }, { 'if-match': await etag(url) })
    t.match(detailed.json(), { status: 422, type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/maalgrupper/oevrige/0', code: 'maalgruppe-level' }] },
      'without a diagnosis only top-level målgrupper, as on create')
    const repeated = await call('PATCH', url, { maalgrupper: { oevrige: [MAALGRUPPE.socialtProblem] } }, { 'if-match': await etag(url) })
    t.match(repeated.json(), { status: 400, errors: [{ pointer: '/maalgrupper/oevrige/0', code: 'primary' }] })

    const since = new Date(Date.now() + 1).toISOString()
    const before = (await call('GET', url)).json()
    const corrected = await call('PATCH', url, correction, { 'if-match': await etag(url) })
    t.equal(corrected.statusCode, 200, corrected.body)
    t.match(corrected.json(), {
      id: x.decisionId,
      version: before.version + 1,
      afgoerelsesdato: '2023-01-02',
      maalgrupper: { primaer: { code: MAALGRUPPE.psykiskFunktionsnedsaettelse }, oevrige: [{ code: MAALGRUPPE.socialtProblem }], registeredAt: before.maalgrupper.registeredAt },
      stoettebehov: [{ id: before.stoettebehov[0].id, code: STOETTEBEHOV.intet, begrundelse: 'Klarer økonomien selv', registeredAt: before.stoettebehov[0].registeredAt }]
    })
    t.equal(corrected.headers.etag, await etag(url), 'the ETag of the new version')
    t.same((await call('GET', url)).json(), corrected.json(), 'GET gives the corrected decision')
    const uddata = (await call('GET', `${url}/uddata`)).json()
    t.match(uddata, {
      maalgruppe: { primaerMaalgruppe: { code: MAALGRUPPE.psykiskFunktionsnedsaettelse }, oevrigeMaalgrupper: [{ code: MAALGRUPPE.socialtProblem }] },
      stoettebehov: [{ stoettebehovsvurdering: { code: STOETTEBEHOV.intet } }]
    }, 'uddata delivers the corrected målgrupper and støttebehov')
    const changed = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(since)}`)).json().items.map((d: Json) => d.id)
    t.same(changed, [x.decisionId], 'the decision is in the delta')
    const delta = (await call('GET', `/v1/exports/uddata?changedSince=${encodeURIComponent(since)}`)).body.trim().split('\n').map((line) => JSON.parse(line) as Json)
    t.match(delta, [{ decisionId: x.decisionId, maalgruppe: { primaerMaalgruppe: { code: MAALGRUPPE.psykiskFunktionsnedsaettelse } } }, { trailer: true, count: 1 }],
      'and in the uddata delta, corrected')

    const versions = (await call('GET', `${url}/versions`)).json().items
    t.same(versions.map((v: Json) => [v.version, v.data, v.clientId, v.reason]), [
      [1, {
        afgoerelsesdato: '2023-01-01',
        opfoelgningsdato: null,
        primaerMaalgruppe: MAALGRUPPE.socialtProblem,
        oevrigeMaalgrupper: [],
        stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'Behov for støtte til økonomi en gang imellem' }
      }, client.id, null],
      [before.version + 1, {
        afgoerelsesdato: '2023-01-02',
        opfoelgningsdato: null,
        primaerMaalgruppe: MAALGRUPPE.psykiskFunktionsnedsaettelse,
        oevrigeMaalgrupper: [MAALGRUPPE.socialtProblem],
        stoettebehov: { code: STOETTEBEHOV.intet, begrundelse: 'Klarer økonomien selv' }
      }, client.id, 'fejlregistrering']
    ], 'both versions, who wrote them, the correction with its reason; numbered by the decision\'s version (an intervention moved it)')

    const same = await call('PATCH', url, { afgoerelsesdato: '2023-01-02', maalgrupper: { primaer: MAALGRUPPE.psykiskFunktionsnedsaettelse } },
      { 'if-match': corrected.headers.etag! })
    t.equal(same.statusCode, 200, same.body)
    t.equal(same.headers.etag, corrected.headers.etag, 'a correction that changes nothing writes no version')
    t.equal((await call('GET', `${url}/versions`)).json().items.length, 2)

    const key = { 'if-match': corrected.headers.etag!, 'idempotency-key': '"decision-fix-1"' }
    const again = await call('PATCH', url, { stoettebehov: { begrundelse: 'Klarer økonomien helt selv' } }, key)
    t.equal(again.statusCode, 200, again.body)
    const replay = await call('PATCH', url, { stoettebehov: { begrundelse: 'Klarer økonomien helt selv' } }, key)
    t.equal(replay.headers['idempotent-replayed'], 'true', 'the retry is the stored answer')
    t.same(replay.json(), again.json())
    t.equal((await call('GET', `${url}/versions`)).json().items.length, 3, 'and writes nothing')

    const annulment = await call('POST', `${url}/annulment`, { reason: 'fejlregistrering' }, { 'if-match': again.headers.etag! })
    t.equal(annulment.statusCode, 200, annulment.body)
    const annulled = await call('PATCH', url, { afgoerelsesdato: '2023-01-03' }, { 'if-match': await etag(url) })
    t.match(annulled.json(), { status: 409, type: 'urn:ffb-api:problem:conflict' }, 'an annulled decision is not corrected')
    t.equal((await call('GET', `${url}/versions`)).statusCode, 200, 'its versions are still read')
  })

  t.test('corrects a closed decision, only its own støttebehov, and not its afgørelsesdato past its ending', async (t) => {
    const x = await recordCitizenX(app, headers, { cpr: '0202904321' })
    await followUpCitizenX(app, headers, x)
    const url = `/v1/decisions/${x.decisionId}`
    const closed = (await call('GET', url)).json()
    t.ok(closed.closedAt, 'the follow-up closed the decision')
    const late = await call('PATCH', url, { afgoerelsesdato: '2023-07-01' }, { 'if-match': await etag(url) })
    t.match(late.json(), { status: 422, type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/afgoerelsesdato', code: 'after-ending' }] })
    const fixed = await call('PATCH', url, { stoettebehov: { code: STOETTEBEHOV.intet } }, { 'if-match': await etag(url) })
    t.equal(fixed.statusCode, 200)
    t.same(fixed.json().stoettebehov.map((s: Json) => [s.code, s.begrundelse]), [
      [STOETTEBEHOV.intet, 'Behov for støtte til økonomi en gang imellem'],
      [STOETTEBEHOV.intet, 'Klarer sig uden støtte']
    ], 'the decision\'s own støttebehov is corrected; the follow-up\'s stays as it was')
    t.equal(fixed.json().closedAt, closed.closedAt, 'and it stays closed')
  })

  t.test('checks codes against the catalog in force on the day they were registered', async (t) => {
    const x = await recordCitizenX(app, headers, { cpr: '0404904321' })
    const url = `/v1/decisions/${x.decisionId}`
    // Made through the API, a decision's registrations fall within a catalog; moved to the day before the first one here.
    const early = new Date('2022-12-31T12:00:00Z')
    await app.database.db.updateTable('decisions').set({ maalgrupper_registered_at: early }).where('id', '=', x.decisionId).execute()
    await app.database.db.updateTable('stoettebehov').set({ registered_at: early }).where('decision_id', '=', x.decisionId).execute()
    t.match((await call('PATCH', url, { maalgrupper: { primaer: MAALGRUPPE.psykiskFunktionsnedsaettelse } }, { 'if-match': await etag(url) })).json(),
      { status: 422, type: 'urn:ffb-api:problem:catalog-code', errors: [{ pointer: '/maalgrupper/primaer', code: 'catalog' }] })
    t.match((await call('PATCH', url, { stoettebehov: { code: STOETTEBEHOV.intet } }, { 'if-match': await etag(url) })).json(),
      { status: 422, type: 'urn:ffb-api:problem:catalog-code', errors: [{ pointer: '/stoettebehov/code', code: 'catalog' }] })
    t.equal((await call('PATCH', url, { stoettebehov: { begrundelse: 'Rettet' } }, { 'if-match': await etag(url) })).statusCode, 200, 'a text is not a code')
  })

  t.test('corrects the decision\'s own opfoelgningsdato: kept in its versions, never before its afgørelsesdato', async (t) => {
    const x = await recordCitizenX(app, headers, { cpr: '0505904321' })
    const url = `/v1/decisions/${x.decisionId}`
    const early = await call('PATCH', url, { opfoelgningsdato: '2022-12-31' }, { 'if-match': await etag(url) })
    t.match(early.json(), { status: 422, type: 'urn:ffb-api:problem:domain-rule', errors: [{ in: 'body', pointer: '/opfoelgningsdato', code: 'before-afgoerelsesdato' }] })
    const set = await call('PATCH', url, { opfoelgningsdato: '2023-06-01', reason: 'aftalt ved mødet' }, { 'if-match': await etag(url) })
    t.equal(set.statusCode, 200, set.body)
    t.equal(set.json().opfoelgningsdato, '2023-06-01')
    t.equal((await call('GET', url)).json().opfoelgningsdato, '2023-06-01')
    const late = await call('PATCH', url, { afgoerelsesdato: '2023-06-02' }, { 'if-match': set.headers.etag! })
    t.match(late.json(), { status: 422, type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/afgoerelsesdato', code: 'after-opfoelgningsdato' }] },
      'nor may the afgørelsesdato move past it')
    const both = await call('PATCH', url, { afgoerelsesdato: '2023-06-02', opfoelgningsdato: '2023-06-01' }, { 'if-match': set.headers.etag! })
    t.match(both.json(), { status: 422, errors: [{ pointer: '/opfoelgningsdato' }] }, 'both sent: the opfoelgningsdato is named')
    const cleared = await call('PATCH', url, { opfoelgningsdato: null }, { 'if-match': set.headers.etag! })
    t.equal(cleared.statusCode, 200, cleared.body)
    t.equal(cleared.json().opfoelgningsdato, null)
    const versions = (await call('GET', `${url}/versions`)).json().items
    t.same(versions.map((v: Json) => [v.data.opfoelgningsdato, v.reason]), [[null, null], ['2023-06-01', 'aftalt ved mødet'], [null, null]],
      'every version names it')
  })

  t.test('an empty correction is refused', async (t) => {
    const x = await recordCitizenX(app, headers, { cpr: '0303904321' })
    const url = `/v1/decisions/${x.decisionId}`
    t.equal((await call('PATCH', url, {}, { 'if-match': await etag(url) })).statusCode, 400)
    t.equal((await call('PATCH', url, { maalgrupper: {} }, { 'if-match': await etag(url) })).statusCode, 400)
  })
})

t.test('migration 0012 backfills version 1 of decisions in the shape the API writes (with 0014, their opfoelgningsdato)', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const x = await recordCitizenX(app, headers)
  await followUpCitizenX(app, headers, x)
  const written = await backfillsAsTheApiWrites(t, app.database.db, '0012_decision_versions.sql', ['decision'], ['0014_decision_version_follow_up.sql'])
  t.same(written.map((v) => [v.resource_id, v.version]), [[x.decisionId, 1]], 'the decision\'s first version, written when it was made')
})
