import t from 'tap'
import { AD, LEVEL, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { aCase, decisionPayload, followUpPayload, goalPayload, interventionPayload } from '../support/factories.js'
import { followUpCitizenX, recordCitizenX } from '../support/flow.js'
import { buildTestApp, createTestClient } from '../helper.js'

interface Reg { registeredAt: string, funktionsevneniveau: { level: number | null } | null, undertema: { label: string }, followUpId: string | null }

t.test('follow-ups, due follow-ups and the case timeline (VUM phase 7)', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101'] })
  const stranger = await createTestClient(app, { municipalities: ['102'] })
  const post = async (url: string, payload: object, h: Record<string, string> = headers) => {
    const res = await app.inject({ method: 'POST', url, headers: h, payload })
    return res
  }
  const created = async (url: string, payload: object) => {
    const res = await post(url, payload)
    t.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json()
  }
  const get = async (url: string, h = headers) => (await app.inject({ method: 'GET', url, headers: h }))

  const citizenX = async () => await recordCitizenX(app, headers)
  const followUp = followUpPayload

  t.test('the seeds\' worked example, 1 January → 1 June 2023, end to end', async (t) => {
    const x = await citizenX()
    const due = (await get('/v1/follow-ups/due?date=2023-06-01&kommunekode=101')).json()
    t.match(due.items, [{ goalId: x.goalId, opfoelgningsdato: '2023-06-01', primaertUndertema: { label: 'Varetage økonomi' }, decisions: [{ id: x.decisionId }] }])
    t.same((await get('/v1/follow-ups/due?date=2023-05-31')).json().items, [], 'not due the day before')

    // 1 June: the F&F themes are stamped again, and the follow-up is made.
    const made = await followUpCitizenX(app, headers, x) as Record<string, unknown> & { id: string }
    const res = { headers: { location: `/v1/decisions/${x.decisionId}/follow-ups/${made.id}` } }
    t.match(made, {
      opfoelgningsdato: '2023-06-01',
      maal: [{ goalId: x.goalId, funktionsevneniveau: { level: 0, label: 'Ingen nedsat funktionsevne' }, maalOpnaaet: true, borgerensVurdering: 'Jeg klarer det selv nu' }],
      stoettebehov: { code: STOETTEBEHOV.intet, label: 'Intet støttebehov', level: 0 },
      statusPaaIndsats: { code: STATUS.afslutning, label: 'Træf afgørelse om afslutning af indsats' }
    })
    t.equal(res.headers.location, `/v1/decisions/${x.decisionId}/follow-ups/${made.id}`)
    t.same((await get(res.headers.location)).json(), made)

    const decision = (await get(`/v1/decisions/${x.decisionId}`)).json()
    t.equal(decision.closedAt, '2023-06-01')
    t.equal(decision.nyAfgoerelseForventet, false)
    t.equal(decision.closedReason, 'Opfølgning: Træf afgørelse om afslutning af indsats', 'ended by the follow-up, which says so')
    t.same(decision.stoettebehov.map((s: { label: string, registeredAt: string }) => [s.label, s.registeredAt]), [
      ['Let støttebehov', '2023-01-01T11:00:00.000Z'], ['Intet støttebehov', '2023-06-01T08:00:00.000Z']
    ], 'both støttebehov, each with its date')
    t.same(decision.interventions[0].ydelser.map((y: { slutdato: string }) => y.slutdato), ['2023-06-01'], 'the § 85 intervention ended on 1 June')
    t.equal(decision.interventions[0].ydelser[0].legalBasis, 'SEL § 85')
    t.same(decision.followUps.map((f: { id: string }) => f.id), [made.id])
    t.same((await get(`/v1/decisions/${x.decisionId}/follow-ups`)).json(), { items: [made] }, 'the decision lists its follow-up')

    const ad = (await get(`${x.caseUrl}/investigation/aktivitet-og-deltagelse`)).json().items as Reg[]
    t.same(ad.map((r) => [r.registeredAt, r.funktionsevneniveau?.level, r.followUpId]), [
      ['2023-01-01T09:00:00.000Z', 2, null], ['2023-06-01T08:00:00.000Z', 0, made.id]
    ], 'Varetage økonomi: level 2 on 1 Jan and level 0 on 1 Jun, both kept')
    const ff = (await get(`${x.caseUrl}/investigation/funktioner-og-forhold`)).json().items as Reg[]
    t.equal(ff.length, 4, 'the F&F themes on both dates')
    const current = (await get(`${x.caseUrl}/investigation`)).json()
    t.same(current.aktivitetOgDeltagelse.map((r: Reg) => r.funktionsevneniveau?.level), [0])

    t.same((await get('/v1/follow-ups/due?date=2023-12-31')).json().items, [], 'followed up: no longer due')
    const again = await post(`/v1/decisions/${x.decisionId}/follow-ups`, followUp(x.goalId))
    t.equal(again.statusCode, 409, 'a closed decision takes no follow-up')
    const more = await post(`/v1/decisions/${x.decisionId}/interventions`, {
      tilbud: { code: TILBUD.mobiltTilbud }, ydelser: [{ code: YDELSE.stoetteTilAdministration, startdato: '2023-07-01' }], leverandoer: { pNummer: '1012345678' }, bevillingsdato: '2023-07-01'
    })
    t.equal(more.statusCode, 409, 'nor a new intervention')

    const timeline = (await get(`${x.caseUrl}/timeline`)).json()
    const types = timeline.items.map((e: { type: string }) => e.type)
    t.same(types, [
      'case-opened', 'registration', 'registration', 'registration', 'registration', 'goal', 'decision', 'intervention',
      'decision-ended', 'follow-up', 'intervention-ended', 'registration', 'registration', 'registration', 'ydelse-changed'
    ], 'the follow-up ended the decision, its intervention and its ydelse, at its own instant')
    t.ok(timeline.items.some((e: { title: string }) => e.title === 'Aktivitet og deltagelse: Varetage økonomi, Moderat nedsat funktionsevne'))
    t.match(timeline.items.find((e: { type: string }) => e.type === 'follow-up'), {
      href: `/v1/decisions/${x.decisionId}/follow-ups/${made.id}`, title: 'Opfølgning: Træf afgørelse om afslutning af indsats'
    })
    const ats = timeline.items.map((e: { at: string }) => e.at)
    t.same(ats, [...ats].sort(), 'in time order')
    const page1 = (await get(`${x.caseUrl}/timeline?limit=5`)).json()
    const page2 = (await get(`${x.caseUrl}/timeline?limit=5&cursor=${page1.nextCursor as string}`)).json()
    const page3 = (await get(`${x.caseUrl}/timeline?limit=5&cursor=${page2.nextCursor as string}`)).json()
    t.same([...page1.items, ...page2.items, ...page3.items], timeline.items, 'paging walks the same timeline')
    t.equal(page3.nextCursor, null)
    for (const event of timeline.items as Array<{ href: string }>) t.equal((await get(event.href)).statusCode, 200, event.href)
  })

  t.test('a follow-up covers every goal of the decision, once', async (t) => {
    const x = await citizenX()
    const other = await citizenX()
    const url = `/v1/decisions/${x.decisionId}/follow-ups`
    const count = async () => (await app.database.db.selectFrom('follow_ups').select('id').execute()).length +
      (await app.database.db.selectFrom('theme_registrations').select('id').execute()).length
    const before = await count()
    const none = await post(url, followUp(x.goalId, { maal: [] }))
    t.equal(none.statusCode, 400)
    t.match(none.json().errors, [{ pointer: '/maal', code: 'missing-goal', message: new RegExp(x.goalId) }])
    const entry = followUp(x.goalId).maal[0]!
    const twice = await post(url, followUp(x.goalId, { maal: [entry, entry] }))
    t.match(twice.json().errors, [{ pointer: '/maal/1/goalId', code: 'duplicate' }])
    const foreign = await post(url, followUp(x.goalId, { maal: [entry, { ...entry, goalId: other.goalId }] }))
    t.equal(foreign.statusCode, 422)
    t.match(foreign.json().errors, [{ pointer: '/maal/1/goalId', code: 'not-on-decision' }])
    const noNeed = await post(url, followUp(x.goalId, { stoettebehov: undefined }))
    t.match(noNeed.json().errors, [{ pointer: '/stoettebehov', code: 'required' }], 'a new støttebehov is required even when unchanged')
    const noStatus = await post(url, followUp(x.goalId, { statusPaaIndsats: STOETTEBEHOV.let }))
    t.match(noStatus.json().errors, [{ pointer: '/statusPaaIndsats', message: /it is a code of Støttebehov/ }])
    const beforeDecision = await post(url, followUp(x.goalId, { registeredAt: '2023-01-01T10:00:00Z' }))
    t.equal(beforeDecision.statusCode, 422, 'not before the decision was made')
    t.equal((await post(url, followUp(x.goalId.toUpperCase()))).statusCode, 201, 'ids in upper case are the same ids')
    t.equal((await post(url, followUp(x.goalId))).statusCode, 409, 'and that one closed the decision')
    const future = await post(url, followUp(x.goalId, { registeredAt: new Date(Date.now() + 86_400_000).toISOString() }))
    t.equal(future.statusCode, 400)
    t.equal(await count(), before + 2, 'the refused follow-ups stored nothing: only the accepted one (a follow-up and a registration)')
  })

  t.test('fortsættelse keeps the decision open; afslutning og visitér til ny closes it and expects a new one', async (t) => {
    const x = await citizenX()
    const url = `/v1/decisions/${x.decisionId}/follow-ups`
    const continued = { statusPaaIndsats: STATUS.fortsaettelse, registeredAt: '2023-06-01T10:00:00Z' }
    const noDate = await post(url, followUp(x.goalId, continued))
    t.match(noDate.json().errors, [{ pointer: '/naesteOpfoelgningsdato', code: 'required' }], 'continuing needs the next follow-up date')
    t.match((await post(url, followUp(x.goalId, { ...continued, naesteOpfoelgningsdato: '2023-06-01' }))).json().errors,
      [{ pointer: '/naesteOpfoelgningsdato', code: 'not-after' }])
    t.match((await post(url, followUp(x.goalId, { naesteOpfoelgningsdato: '2023-12-01' }))).json().errors,
      [{ pointer: '/naesteOpfoelgningsdato', code: 'not-continued' }], 'closing sets no next date')
    const cont = await post(url, followUp(x.goalId, { ...continued, naesteOpfoelgningsdato: '2023-09-01' }))
    t.equal(cont.statusCode, 201)
    t.equal(cont.json().naesteOpfoelgningsdato, '2023-09-01')
    let decision = (await get(`/v1/decisions/${x.decisionId}`)).json()
    t.equal(decision.closedAt, null)
    t.same(decision.interventions[0].ydelser[0].slutdato, null, 'ydelser untouched')
    const due = async (date: string) => (await get(`/v1/follow-ups/due?date=${date}`)).json().items.filter((d: { goalId: string }) => d.goalId === x.goalId)
    t.same(await due('2023-08-31'), [], 'not due before the next date')
    t.match(await due('2023-09-01'), [{ opfoelgningsdato: '2023-09-01', decisions: [{ id: x.decisionId }] }], 'due again on the next date')
    const early = await post(url, followUp(x.goalId, { statusPaaIndsats: STATUS.afslutningOgVisiterTilNy, registeredAt: '2023-05-01T10:00:00Z' }))
    t.equal(early.statusCode, 422, 'not before the last follow-up')
    t.match(early.json().errors, [{ pointer: '/registeredAt', code: 'before-decision' }])
    const end = await post(url, followUp(x.goalId, { statusPaaIndsats: STATUS.afslutningOgVisiterTilNy, registeredAt: '2023-09-02T10:00:00Z' }))
    t.equal(end.statusCode, 201)
    decision = (await get(`/v1/decisions/${x.decisionId}`)).json()
    t.equal(decision.closedAt, '2023-09-02')
    t.equal(decision.nyAfgoerelseForventet, true)
    t.same(await due('2030-01-01'), [], 'closed: never due again')
    t.equal(decision.followUps.length, 2)
    t.equal(decision.stoettebehov.length, 3, 'one støttebehov per follow-up, after the decision\'s own')
  })

  t.test('goals on the same sub-theme get one new level', async (t) => {
    const x = await citizenX()
    const second = await created(`${x.caseUrl}/goals`, goalPayload({ maalformulering: 'Åbne min post', registeredAt: '2023-01-01T11:30:00+01:00' }))
    const decision = await created(`${x.caseUrl}/decisions`, decisionPayload({ afgoerelsesdato: '2023-01-02', goals: [x.goalId, second.id] }))
    const entry = followUp(x.goalId).maal[0]!
    const url = `/v1/decisions/${decision.id as string}/follow-ups`
    const differ = await post(url, followUp(x.goalId, { maal: [entry, { ...entry, goalId: second.id, funktionsevneniveau: LEVEL[1] }] }))
    t.equal(differ.statusCode, 400)
    t.match(differ.json().errors, [{ pointer: '/maal/1/funktionsevneniveau', code: 'same-subtheme' }])
    const same = await post(url, followUp(x.goalId, { maal: [entry, { ...entry, goalId: second.id }] }))
    t.equal(same.statusCode, 201)
    const [a, b] = same.json().maal as Array<{ registrationId: string }>
    t.equal(a!.registrationId, b!.registrationId, 'one registration for both goals')
  })

  t.test('closing ends only open ydelser, and none before it starts', async (t) => {
    const x = await citizenX()
    const extra = await created(`/v1/decisions/${x.decisionId}/interventions`, interventionPayload({
      tilbud: { code: TILBUD.aktivitetsOgSamvaerstilbud },
      ydelser: [
        { code: YDELSE.stoetteTilTransport, startdato: '2023-01-01', slutdato: '2023-03-31' },
        { code: YDELSE.stoetteTilBeskaeftigelse, startdato: '2023-01-01', slutdato: '2023-12-31' },
        { code: YDELSE.stoetteTilUddannelse, startdato: '2023-08-01' }
      ]
    }))
    t.equal((await post(`/v1/decisions/${x.decisionId}/follow-ups`, followUp(x.goalId))).statusCode, 201)
    const read = (await get(`/v1/decisions/${x.decisionId}/interventions/${extra.id as string}`)).json()
    t.same(read.ydelser.map((y: { slutdato: string }) => y.slutdato), ['2023-03-31', '2023-06-01', '2023-08-01'])
  })

  t.test('goals without a decision are due too; decisions closed otherwise are not', async (t) => {
    const caseUrl = (await aCase(app, headers, { cpr: '0202804321', openedAt: '2024-01-01T09:00:00Z' })).location
    await created(`${caseUrl}/investigation/aktivitet-og-deltagelse`, { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2], registeredAt: '2024-01-01T10:00:00Z' })
    const goal = await created(`${caseUrl}/goals`, goalPayload({ opfoelgningsdato: '2024-02-01', registeredAt: '2024-01-01T11:00:00Z' }))
    const due = (await get('/v1/follow-ups/due?date=2024-02-01')).json().items
    t.match(due.find((d: { goalId: string }) => d.goalId === goal.id), { decisions: [] })
    t.notOk((await get('/v1/follow-ups/due?date=2024-02-01', stranger.headers)).json().items.some((d: { goalId: string }) => d.goalId === goal.id),
      'not for another municipality')
    const all = (await get('/v1/follow-ups/due?date=2030-01-01&limit=1')).json()
    t.equal(all.items.length, 1)
    t.type(all.nextCursor, 'string')
  })

  t.test('cursors this API never issued are a 400, however they are made', async (t) => {
    const x = await citizenX()
    const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url')
    for (const key of [['0000-01-01T00:00:00Z', 1], ['+200000-01-01T00:00:00Z', 1], ['-010000-01-01T00:00:00Z', 1]]) {
      t.equal((await get(`${x.caseUrl}/investigation/aktivitet-og-deltagelse?cursor=${cursor(key)}`)).statusCode, 400, JSON.stringify(key))
      t.equal((await get(`${x.caseUrl}/notes?cursor=${cursor(key)}`)).statusCode, 400, JSON.stringify(key))
      t.equal((await get(`${x.caseUrl}/timeline?cursor=${cursor([key[0], 'note', 'x'])}`)).statusCode, 400, JSON.stringify(key))
    }
    for (const key of [['2023-13-45', 1], ['0000-01-01', 1], ['2023-02-30', 1]]) {
      t.equal((await get(`/v1/follow-ups/due?cursor=${cursor(key)}`)).statusCode, 400, JSON.stringify(key))
    }
  })

  t.test('another municipality\'s decision or case is a 404', async (t) => {
    const x = await citizenX()
    t.equal((await post(`/v1/decisions/${x.decisionId}/follow-ups`, followUp(x.goalId), stranger.headers)).statusCode, 404)
    t.equal((await get(`${x.caseUrl}/timeline`, stranger.headers)).statusCode, 404)
  })
})
