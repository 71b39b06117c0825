import t from 'tap'
import { LEVEL, STATUS, STOETTEBEHOV } from '../support/codes.js'
import { aCase, aDecision, aFollowUp, aGoal, followUpPayload, type Json } from '../support/factories.js'
import { followUpCitizenX, recordCitizenX } from '../support/flow.js'
import { backfillsAsTheApiWrites, refusesUnguardedCorrections } from '../support/corrections.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * A follow-up recorded wrong is corrected on its own URL, with If-Match:
 * per goal the vurderinger, mål opnået and the new level (a new version of
 * the registration the follow-up made), and the next follow-up date. Its
 * status på indsats is not corrected: it ended the course or did not.
 */

t.test('PATCH /v1/decisions/:id/follow-ups/:followUpId', async (t) => {
  const app = await buildTestApp(t)
  const { client, headers } = await createTestClient(app)
  const call = async (method: 'GET' | 'PATCH', url: string, payload?: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) })
  const etag = async (url: string): Promise<string> => (await call('GET', url)).headers.etag!

  t.test('corrects a follow-up: visible in GET, its versions, its registration\'s, the uddata document and the delta', async (t) => {
    const x = await recordCitizenX(app, headers)
    const made = await followUpCitizenX(app, headers, x) as Json
    const url = `/v1/decisions/${x.decisionId}/follow-ups/${made.id as string}`
    const correction = { maal: [{ goalId: x.goalId, funktionsevneniveau: LEVEL[1], maalOpnaaet: false, udfoerersVurdering: 'Stabil i to måneder' }], reason: 'fejlregistrering' }
    await refusesUnguardedCorrections(t, app, headers, url, correction)
    const bad = await call('PATCH', url, { maal: [{ goalId: x.goalId, funktionsevneniveau: STOETTEBEHOV.let }] }, { 'if-match': await etag(url) })
    t.match(bad.json(), { status: 400, errors: [{ pointer: '/maal/0/funktionsevneniveau' }] }, 'a code of another list names the field')
    const foreign = await call('PATCH', url, { maal: [{ goalId: made.decisionId, maalOpnaaet: false }] }, { 'if-match': await etag(url) })
    t.match(foreign.json(), { status: 422, type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/maal/0/goalId', code: 'not-on-follow-up' }] })
    const status = await call('PATCH', url, { statusPaaIndsats: STATUS.fortsaettelse }, { 'if-match': await etag(url) })
    t.match(status.json(), { status: 422, type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/statusPaaIndsats', code: 'status-not-correctable' }] },
      'an afslutning is not undone by a correction')
    const next = await call('PATCH', url, { naesteOpfoelgningsdato: '2023-12-01' }, { 'if-match': await etag(url) })
    t.match(next.json(), { status: 400, errors: [{ pointer: '/naesteOpfoelgningsdato', code: 'not-continued' }] })

    const since = new Date(Date.now() + 1).toISOString()
    const corrected = await call('PATCH', url, { ...correction, statusPaaIndsats: STATUS.afslutning }, { 'if-match': await etag(url) })
    t.equal(corrected.statusCode, 200, corrected.body)
    t.match(corrected.json(), {
      id: made.id,
      version: 2,
      maal: [{
        goalId: x.goalId,
        registrationId: made.maal[0].registrationId,
        funktionsevneniveau: { level: 1 },
        maalOpnaaet: false,
        udfoerersVurdering: 'Stabil i to måneder',
        borgerensVurdering: 'Jeg klarer det selv nu'
      }],
      statusPaaIndsats: { code: STATUS.afslutning }
    })
    t.equal(corrected.headers.etag, await etag(url), 'the ETag of the new version')
    t.same((await call('GET', url)).json(), corrected.json(), 'GET gives the corrected follow-up')
    const uddata = (await call('GET', `/v1/decisions/${x.decisionId}/uddata`)).json()
    t.same(uddata.aktivitetOgDeltagelse.map((r: Json) => [r.funktionsevneniveau.level, r.datostempel]), [
      [2, '2023-01-01T09:00:00.000Z'], [1, '2023-06-01T08:00:00.000Z']
    ], 'uddata delivers the corrected level at the follow-up\'s date')
    const changed = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(since)}`)).json().items.map((d: Json) => d.id)
    t.same(changed, [x.decisionId], 'the decision is in the delta')

    const versions = (await call('GET', `${url}/versions`)).json().items
    t.same(versions.map((v: Json) => [v.version, v.data.maal[0].funktionsevneniveau, v.data.maal[0].maalOpnaaet, v.data.maal[0].udfoerersVurdering,
      v.clientId, v.reason]), [
      [1, LEVEL[0], true, 'Stabil i tre måneder', client.id, null], [2, LEVEL[1], false, 'Stabil i to måneder', client.id, 'fejlregistrering']
    ], 'both versions, who wrote them, the correction with its reason')
    const registration = `${x.caseUrl}/investigation/aktivitet-og-deltagelse/${made.maal[0].registrationId as string}`
    t.same((await call('GET', `${registration}/versions`)).json().items.map((v: Json) => [v.version, v.data.funktionsevneniveau, v.reason]), [
      [1, LEVEL[0], null], [2, LEVEL[1], 'fejlregistrering']
    ], 'the level is a new version of the registration the follow-up made')

    const same = await call('PATCH', url, { maal: [{ goalId: x.goalId, maalOpnaaet: false }] }, { 'if-match': corrected.headers.etag! })
    t.equal(same.statusCode, 200)
    t.equal(same.headers.etag, corrected.headers.etag, 'a correction that changes nothing writes no version')
    t.equal((await call('GET', `${url}/versions`)).json().items.length, 2)

    const key = { 'if-match': corrected.headers.etag!, 'idempotency-key': '"fu-clear-1"' }
    const cleared = await call('PATCH', url, { maal: [{ goalId: x.goalId, borgerensVurdering: null }] }, key)
    t.equal(cleared.statusCode, 200, cleared.body)
    t.equal(cleared.json().maal[0].borgerensVurdering, null, 'a text is cleared with null')
    const replay = await call('PATCH', url, { maal: [{ goalId: x.goalId, borgerensVurdering: null }] }, key)
    t.equal(replay.headers['idempotent-replayed'], 'true', 'the retry is the stored answer')
    t.same(replay.json(), cleared.json())
    t.equal((await call('GET', `${url}/versions`)).json().items.length, 3, 'and writes nothing')

    await app.database.db.updateTable('follow_ups').set({ annulled_at: new Date(), annulled_reason: 'fejl' }).where('id', '=', made.id).execute()
    const annulled = await call('PATCH', url, { maal: [{ goalId: x.goalId, maalOpnaaet: true }] }, { 'if-match': cleared.headers.etag! })
    t.match(annulled.json(), { status: 409, type: 'urn:ffb-api:problem:conflict' }, 'an annulled follow-up is not corrected')
  })

  t.test('corrects the next follow-up date of a follow-up that continued the course', async (t) => {
    const x = await recordCitizenX(app, headers, { cpr: '0202904321' })
    const made = await aFollowUp(app, headers, x.decisionId, x.goalId, { statusPaaIndsats: STATUS.fortsaettelse, naesteOpfoelgningsdato: '2023-12-01' })
    const url = made.location
    t.ok(made.etag, 'the created follow-up has an ETag')
    const due = async (): Promise<string[]> => (await call('GET', '/v1/follow-ups/due?date=2023-12-31&kommunekode=101')).json().items.map((g: Json) => g.goalId)
    t.ok((await due()).includes(x.goalId), 'due on 1 December')
    const early = await call('PATCH', url, { naesteOpfoelgningsdato: '2023-06-01' }, { 'if-match': made.etag! })
    t.match(early.json(), { status: 400, errors: [{ pointer: '/naesteOpfoelgningsdato', code: 'not-after' }] })
    const later = await call('PATCH', url, { naesteOpfoelgningsdato: '2024-01-15', reason: 'forkert dato' }, { 'if-match': made.etag! })
    t.equal(later.statusCode, 200, later.body)
    t.match(later.json(), { naesteOpfoelgningsdato: '2024-01-15', version: 2 })
    t.notOk((await due()).includes(x.goalId), 'no longer due in 2023')
    t.same((await call('GET', `${url}/versions`)).json().items.map((v: Json) => v.data.naesteOpfoelgningsdato), ['2023-12-01', '2024-01-15'])
  })
})

t.test('goals sharing a sub-theme share the level their follow-up registered: one correction moves both', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const caseUrl = (await aCase(app, headers)).location
  const first = await aGoal(app, headers, caseUrl)
  const second = await aGoal(app, headers, caseUrl, { maalformulering: 'Jeg vil selv åbne min post' }, { investigated: true })
  const decision = await aDecision(app, headers, caseUrl, { goals: [first.id, second.id] })
  const entry = followUpPayload(first.id).maal[0]!
  const made = await aFollowUp(app, headers, decision.id, first.id, { maal: [entry, { ...entry, goalId: second.id }] })
  t.equal(made.body.maal[0].registrationId, made.body.maal[1].registrationId, 'one registration for the sub-theme')
  const patch = async (maal: object[]) => await app.inject({ method: 'PATCH', url: made.location, headers: { ...headers, 'if-match': made.etag! }, payload: { maal } })
  const split = await patch([{ goalId: first.id, funktionsevneniveau: LEVEL[1] }, { goalId: second.id, funktionsevneniveau: LEVEL[3] }])
  t.match(split.json(), { status: 400, errors: [{ pointer: '/maal/1/funktionsevneniveau', code: 'same-subtheme' }] })
  const twice = await patch([{ goalId: first.id, maalOpnaaet: false }, { goalId: first.id.toUpperCase(), maalOpnaaet: false }])
  t.match(twice.json(), { status: 400, errors: [{ pointer: '/maal/1/goalId', code: 'duplicate' }] })
  const one = await patch([{ goalId: second.id, funktionsevneniveau: LEVEL[1] }])
  t.equal(one.statusCode, 200, one.body)
  t.same(one.json().maal.map((m: Json) => m.funktionsevneniveau.level), [1, 1], 'both goals show the corrected level')
})

t.test('migration 0010 backfills version 1 of registrations and follow-ups in the shape the API writes', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const x = await recordCitizenX(app, headers)
  await followUpCitizenX(app, headers, x)
  const written = await backfillsAsTheApiWrites(t, app.database.db, '0010_correction_versions.sql', ['registration', 'follow-up'])
  const registrations = await app.database.db.selectFrom('theme_registrations').select('id').execute()
  t.equal(registrations.length, 7, 'citizen X\'s four of 1 January, two F&F and the follow-up\'s level of 1 June')
  t.equal(written.filter((v) => v.resource_type === 'registration').length, 7, 'each with its first version')
  t.equal(written.filter((v) => v.resource_type === 'follow-up').length, 1)
})
