import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import t from 'tap'
import { FF, LEVEL, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { aCase, aDecision, aGoal, aRegistration, anIntervention } from '../support/factories.js'
import { followUpCitizenX, recordCitizenX } from '../support/flow.js'
import { buildTestApp, createTestClient } from '../helper.js'

interface Line {
  trailer?: true
  decisionId: string
  cursor: string
  count?: number
  complete?: boolean
  indberetningsklar: boolean
  mangler: Array<{ rule: string }>
  stamdata: { kommunekode: string }
  indsatsmaal: Array<{ opfoelgningsdato: string }>
}
const linesOf = (body: string): Line[] => body.trim().split('\n').map((line) => JSON.parse(line) as Line)
const labelsAndDates = (items: Array<Record<string, unknown>>, key: string) =>
  items.map((item) => [(item[key] as { label: string }).label, (item.datostempel as string).slice(0, 10)])

t.test('the uddata document of a decision', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const uddata = async (id: string) => await app.inject({ method: 'GET', url: `/v1/decisions/${id}/uddata`, headers })

  t.test('the seeds\' example 1 and 2 yield the seed\'s blocks, dates and history included', async (t) => {
    const x = await recordCitizenX(app, headers)
    const jan = (await uddata(x.decisionId)).json()
    t.same(jan.stamdata, { cprNr: '0101904321', kommunekode: '101' }, 'the seed\'s Sag: CPR and Kommune')
    t.same(labelsAndDates(jan.funktionerOgForhold, 'undertemaFunktionerEllerForhold'), [['Organisering og planlægning', '2023-01-01'], ['Økonomisk situation', '2023-01-01']])
    t.same(labelsAndDates(jan.omgivelser, 'undertemaOmgivelser'), [['Personer i netværk', '2023-01-01']])
    t.same(jan.aktivitetOgDeltagelse.map((r: { undertemaAktivitetOgDeltagelse: { label: string }, funktionsevneniveau: { level: number } }) =>
      [r.undertemaAktivitetOgDeltagelse.label, r.funktionsevneniveau.level]), [['Varetage økonomi', 2]])
    t.match(jan.stoettebehov, [{ stoettebehovsvurdering: { label: 'Let støttebehov' }, sagsafgoerelsesId: jan.sagsafgoerelsesId }])
    t.match(jan.indsatsmaal, [{
      primaertUndertemaPaaAktivitetOgDeltagelse: { label: 'Varetage økonomi' },
      maaltype: { label: 'Udvikle funktionsevne' },
      forventetFunktionsevneniveau: { level: 1 },
      datostempelForRegistreringAfIndsatsmaal: '2023-01-01T10:00:00.000Z',
      opfoelgningsdato: '2023-06-01'
    }], 'Varetage økonomi, Udvikle, expected level 1, opfølgning 1.6.2023')
    t.match(jan.maalgruppe, { primaerMaalgruppe: { label: 'Socialt problem' }, oevrigeMaalgrupper: [], sagsafgoerelsesId: jan.sagsafgoerelsesId })
    t.match(jan.socialIndsats, [{
      ydelser: [{ ydelse: { label: 'Støtte til administration' }, legalBasis: 'SEL § 85', startDatoForYdelse: '2023-01-01', slutDatoForYdelse: null }],
      udfoerendeTilbudstype: { label: 'Mobilt tilbud' },
      produktionsenhedsnummer: '1012345678',
      datostempelForBevillingsdato: '2023-01-01',
      dst: { derivable: true, ydelseskode: '1.12.0.2', kontoplan: { function: '5.38.39' } }
    }])
    t.equal(jan.indberetningsklar, true)
    t.same(jan.mangler, [])

    await followUpCitizenX(app, headers, x)
    const jun = (await uddata(jan.sagsafgoerelsesId as string)).json()
    t.same(labelsAndDates(jun.funktionerOgForhold, 'undertemaFunktionerEllerForhold'), [
      ['Organisering og planlægning', '2023-01-01'], ['Økonomisk situation', '2023-01-01'],
      ['Organisering og planlægning', '2023-06-01'], ['Økonomisk situation', '2023-06-01']
    ], 'the F&F themes on both dates')
    t.same(labelsAndDates(jun.omgivelser, 'undertemaOmgivelser'), [['Personer i netværk', '2023-01-01']])
    t.same(jun.aktivitetOgDeltagelse.map((r: { funktionsevneniveau: { level: number }, datostempel: string }) => [r.funktionsevneniveau.level, r.datostempel.slice(0, 10)]),
      [[2, '2023-01-01'], [0, '2023-06-01']], 'Varetage økonomi 2 on 1 Jan and 0 on 1 Jun')
    t.same(jun.stoettebehov.map((s: { stoettebehovsvurdering: { label: string }, datostempelForStoettebehovsvurdering: string }) =>
      [s.stoettebehovsvurdering.label, s.datostempelForStoettebehovsvurdering.slice(0, 10)]), [['Let støttebehov', '2023-01-01'], ['Intet støttebehov', '2023-06-01']])
    t.equal(jun.socialIndsats[0].ydelser[0].slutDatoForYdelse, '2023-06-01', '§ 85 ends on 1 June')
  })

  t.test('the derived reporting codes of the seeds\' three examples, and "not derivable" otherwise', async (t) => {
    const x = await recordCitizenX(app, headers)
    const decide = async () => (await aDecision(app, headers, x.caseUrl, { afgoerelsesdato: '2023-02-01', goals: [x.goalId] })).id
    const cases: Array<[string, string[], unknown]> = [
      [TILBUD.mobiltTilbud, [YDELSE.stoetteTilTransport, YDELSE.stoetteTilBeskaeftigelse], { derivable: true, ydelseskode: '1.12.0.2', kontoplan: { function: '5.38.39' } }],
      [TILBUD.midlertidigtBotilbud, [YDELSE.stoetteTilUddannelse, YDELSE.stoetteTilBehandling, YDELSE.paedagogiskUdredning, YDELSE.midlertidigtOphold],
        { derivable: true, ydelseskode: '1.8.2', kontoplan: { function: '5.38.52' } }],
      [TILBUD.beskyttetBeskaeftigelsestilbud, [YDELSE.service, YDELSE.produktionOgVaerksted], { derivable: true, ydelseskode: '1.4', kontoplan: { function: '5.38.58' } }],
      [TILBUD.aktivitetsOgSamvaerstilbud, [YDELSE.stoetteTilTransport], { derivable: false, reason: /no mapping/ }],
      [TILBUD.beskyttetBeskaeftigelsestilbud, [YDELSE.stoetteTilTransport], { derivable: false }]
    ]
    for (const [tilbud, ydelser, dst] of cases) {
      const decisionId = await decide()
      const res = await app.inject({
        method: 'POST',
        url: `/v1/decisions/${decisionId}/interventions`,
        headers,
        payload: { tilbud: { code: tilbud }, ydelser: ydelser.map((code) => ({ code, startdato: '2023-02-01' })), leverandoer: { pNummer: '1012345678' }, bevillingsdato: '2023-02-01' }
      })
      t.equal(res.statusCode, 201, res.body)
      t.match((await uddata(decisionId)).json().socialIndsats[0].dst, dst, JSON.stringify(dst))
    }
  })

  t.test('indberetningsklar: each reporting rule, one by one', async (t) => {
    const rules = async (id: string): Promise<string[]> => (await uddata(id)).json<{ mangler: Array<{ rule: string }> }>().mangler.map((m) => m.rule)
    const caseUrl = (await aCase(app, headers)).location
    const decision = async (goals: string[] = []) => await aDecision(app, headers, caseUrl, { afgoerelsesdato: '2024-01-01', goals })
    const bare = await decision()
    t.same(await rules(bare.id), ['funktioner-og-forhold', 'aktivitet-og-deltagelse', 'maaltype', 'social-indsats'])
    await aRegistration(app, headers, caseUrl, 'funktioner-og-forhold', { undertema: FF.oekonomiskSituation })
    t.same(await rules(bare.id), ['aktivitet-og-deltagelse', 'maaltype', 'social-indsats'], 'an F&F sub-theme')
    await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', { funktionsevneniveau: LEVEL.ikkeVurderet })
    t.same(await rules(bare.id), ['aktivitet-og-deltagelse', 'maaltype', 'social-indsats'], '"ikke vurderet" is no level')
    await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', { funktionsevneniveau: LEVEL[2] })
    t.same(await rules(bare.id), ['maaltype', 'social-indsats'], 'an A&D sub-theme with a level')
    const goal = await aGoal(app, headers, caseUrl, {}, { investigated: true })
    const withGoal = await decision([goal.id])
    t.same(await rules(withGoal.id), ['social-indsats'], 'a måltype on an A&D sub-theme worked on')
    const intervention = await anIntervention(app, headers, withGoal.id)
    t.same(await rules(withGoal.id), [], 'a granted intervention')
    t.equal((await uddata(withGoal.id)).json().indberetningsklar, true)

    // The rules the API itself never lets break, broken behind its back.
    const db = app.database.db
    await db.updateTable('stoettebehov').set({ decision_id: bare.id }).where('decision_id', '=', withGoal.id).execute()
    t.same(await rules(withGoal.id), ['stoettebehov'])
    await db.updateTable('stoettebehov').set({ decision_id: withGoal.id }).where('decision_id', '=', bare.id).where('registered_at', '>', new Date(0)).execute()
    await sql`ALTER TABLE interventions DROP CONSTRAINT interventions_provider_check`.execute(db)
    await db.updateTable('interventions').set({ p_nummer: null }).where('id', '=', intervention.id).execute()
    t.match(await rules(withGoal.id), ['leverandoer'])
    await db.updateTable('cases').set({ cpr: '3202904321' }).where('id', '=', caseUrl.split('/').at(-1)!).execute()
    t.match(await rules(withGoal.id), ['cpr', 'leverandoer'])
    t.equal((await uddata(withGoal.id)).json().indberetningsklar, false)
    await db.updateTable('cases').set({ cpr: '0101904321' }).where('id', '=', caseUrl.split('/').at(-1)!).execute()
    await db.updateTable('interventions').set({ p_nummer: '1012345678' }).where('id', '=', intervention.id).execute()
    t.same(await rules(withGoal.id), [])
    await db.updateTable('stoettebehov').set({ code: STOETTEBEHOV.ikkeVurderet }).where('decision_id', '=', withGoal.id).execute()
    t.same(await rules(withGoal.id), ['stoettebehov'], 'a støttebehov "ikke vurderet" is no assessment')
    await db.updateTable('stoettebehov').set({ code: STOETTEBEHOV.let }).where('decision_id', '=', withGoal.id).execute()
    // A diagnosis recorded after the decision: its top-level målgruppe is no longer reportable.
    const current = await app.inject({ method: 'GET', url: caseUrl, headers })
    await app.inject({ method: 'PATCH', url: caseUrl, headers: { ...headers, 'if-match': current.headers.etag! }, payload: { diagnoser: ['F32 Depression'] } })
    t.match((await uddata(withGoal.id)).json().mangler, [{ rule: 'maalgruppe', message: /Socialt problem is a top-level målgruppe/ }])
  })

  t.test('unknown, foreign or ambiguous decisions', async (t) => {
    const stranger = await createTestClient(app, { municipalities: ['102'] })
    const x = await recordCitizenX(app, headers)
    t.equal((await app.inject({ method: 'GET', url: `/v1/decisions/${x.decisionId}/uddata`, headers: stranger.headers })).statusCode, 404)
    t.equal((await uddata('no-such-decision')).statusCode, 404)
    t.equal((await uddata(x.decisionId.toUpperCase())).statusCode, 200, 'our id in upper case')
    const all = await createTestClient(app, { municipalities: 'all' })
    for (const kommunekode of ['101', '102']) {
      const y = await recordCitizenX(app, all.headers, { kommunekode })
      await app.database.db.updateTable('decisions').set({ sagsafgoerelses_id: 'SHARED-1' }).where('id', '=', y.decisionId).execute()
    }
    t.equal((await app.inject({ method: 'GET', url: '/v1/decisions/SHARED-1/uddata', headers: all.headers })).statusCode, 409)
    t.equal((await app.inject({ method: 'GET', url: '/v1/decisions/SHARED-1/uddata?kommunekode=102', headers: all.headers })).json().kommunekode, '102')
  })
})

t.test('the uddata stream', async (t) => {
  const app = await buildTestApp(t, { config: { exportBatchSize: 2 } })
  const { headers } = await createTestClient(app, { municipalities: ['101', '102'] })
  const stranger = await createTestClient(app, { municipalities: ['103'] })
  const stream = async (query = '', h: Record<string, string> = headers) => await app.inject({ method: 'GET', url: `/v1/exports/uddata?${query}`, headers: h })
  const decisions: string[] = []
  for (let i = 0; i < 5; i++) decisions.push((await recordCitizenX(app, headers, { kommunekode: i === 4 ? '102' : '101' })).decisionId)

  t.test('one line per decision in the order they were made, then a trailer', async (t) => {
    const res = await stream()
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/x-ndjson')
    const lines = linesOf(res.body)
    t.same(lines.slice(0, -1).map((l) => l.decisionId), decisions)
    t.same(lines.slice(0, -1).map((l) => [l.stamdata.kommunekode, l.indsatsmaal[0]?.opfoelgningsdato]),
      [...decisions.map((_, i) => [i === 4 ? '102' : '101', '2023-06-01'])], 'each line with the Sag\'s kommune and each goal\'s opfølgningsdato')
    t.match(lines.at(-1), { trailer: true, count: 5, complete: true })
    t.equal((await stream('kommunekode=102')).body.split('\n').length - 1, 2, 'one decision and the trailer')
    t.equal((await stream('kommunekode=103')).statusCode, 403)
    t.same(linesOf((await stream('', stranger.headers)).body), [{ trailer: true, count: 0, cursor: linesOf((await stream('', stranger.headers)).body)[0]!.cursor, complete: true }],
      'nothing of another municipality')
  })

  t.test('resumable: the trailer\'s or a line\'s cursor continues after it, with decisions added meanwhile', async (t) => {
    const first = linesOf((await stream()).body)
    const added = [(await recordCitizenX(app, headers)).decisionId, (await recordCitizenX(app, headers)).decisionId]
    decisions.push(...added)
    const next = linesOf((await stream(`cursor=${first.at(-1)!.cursor}`)).body)
    t.same(next.slice(0, -1).map((l) => l.decisionId), added, 'exactly the new ones')
    const fromSecond = linesOf((await stream(`cursor=${first[1]!.cursor}`)).body)
    t.same(fromSecond.slice(0, -1).map((l) => l.decisionId), decisions.slice(2), 'after the second line: everything else, once')
    t.equal((await stream('cursor=garbage')).statusCode, 400)
  })

  t.test('filters: changedSince and indberetningsklar=false', async (t) => {
    const since = new Date().toISOString()
    const changed = decisions[1]!
    const x = await app.inject({ method: 'GET', url: `/v1/decisions/${changed}`, headers })
    await aRegistration(app, headers, `/v1/cases/${x.json().caseId as string}`, 'funktioner-og-forhold', { undertema: FF.oekonomiskSituation })
    t.same(linesOf((await stream(`changedSince=${since}`)).body).slice(0, -1).map((l) => l.decisionId), [changed], 'a registration on its case changes it')
    await app.database.db.updateTable('cases').set({ cpr: '3202904321' }).where('id', '=', x.json().caseId).execute()
    const worklist = linesOf((await stream('indberetningsklar=false')).body)
    t.same(worklist.slice(0, -1).map((l) => l.decisionId), [changed])
    t.match(worklist[0]!.mangler, [{ rule: 'cpr' }])
  })

  t.test('gzip on request', async (t) => {
    const plain = await stream()
    const zipped = await app.inject({ method: 'GET', url: '/v1/exports/uddata', headers: { ...headers, 'accept-encoding': 'gzip, deflate' } })
    t.equal(zipped.headers['content-encoding'], 'gzip')
    t.equal(gunzipSync(zipped.rawPayload).toString(), plain.body)
  })

  t.test('one audit record per stream, with filters and count', async (t) => {
    await app.database.db.deleteFrom('audit_log').where('id', '<', 0).execute()
    await stream('kommunekode=101')
    const [record] = await app.database.db.selectFrom('audit_log').select(['action', 'resource_type', 'kommunekode', 'details', 'outcome'])
      .where('resource_type', '=', 'uddata').orderBy('id', 'desc').limit(1).execute()
    t.match(record, { action: 'export', kommunekode: '101', outcome: 'success' })
    t.match(JSON.parse(record!.details!), { kommunekode: '101', count: 6, complete: true })
  })

  t.test('a client that goes away stops the stream', async (t) => {
    // Enough decisions that the stream cannot sit whole in socket buffers: copies of one, made in SQL.
    await sql`INSERT INTO decisions (id, case_id, kommunekode, sagsafgoerelses_id, afgoerelsesdato, primaer_maalgruppe, maalgrupper_registered_at, catalog_version)
      SELECT gen_random_uuid(), case_id, kommunekode, 'bulk-' || g, afgoerelsesdato, primaer_maalgruppe, maalgrupper_registered_at, catalog_version
      FROM decisions, generate_series(1, 6000) AS g WHERE id = ${decisions[0]!}`.execute(app.database.db)
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const before = (await app.database.db.selectFrom('audit_log').select('id').where('resource_type', '=', 'uddata').execute()).length
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${address}/v1/exports/uddata`, { headers }, (res) => {
        res.once('data', () => { req.destroy(); resolve() })
      })
      req.on('error', () => {})
      req.on('close', resolve)
      req.once('error', reject)
      req.end()
    })
    const records = async () => await app.database.db.selectFrom('audit_log').select('details').where('resource_type', '=', 'uddata').orderBy('id').execute()
    let after = await records()
    for (let i = 0; i < 50 && after.length === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      after = await records()
    }
    const details = JSON.parse(after.at(-1)!.details!) as { count: number, complete: boolean }
    t.equal(details.complete, false, 'the stream did not finish')
    t.ok(details.count < 6000, `it stopped early (${details.count} of 6007 sent)`)
  })

  t.test('other requests are answered while a stream runs (also on the embedded database)', async (t) => {
    // The 6007 decisions of the test before, two per batch: a stream of several seconds.
    const address = app.server.address() as AddressInfo
    const base = `http://127.0.0.1:${address.port}`
    let received = 0
    let atHealth = -1
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${base}/v1/exports/uddata`, { headers }, (res) => {
        res.on('data', (chunk: Buffer) => { received += chunk.toString().split('\n').length - 1 })
        res.once('data', () => {
          fetch(`${base}/health`).then((health) => {
            t.equal(health.status, 200)
            atHealth = received
            req.destroy()
            resolve()
          }, reject)
        })
      })
      req.on('error', () => {})
      req.end()
    })
    t.ok(atHealth >= 0 && atHealth < 500, `/health answered after ${atHealth} of 6007 lines`)
  })
})
