import t from 'tap'
import { validCvr } from '../../src/decisions/rules.js'
import { LEVEL, MAALGRUPPE, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { aCase, aRegistration, goalPayload } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

interface Coded { code: string, label: string | null }

t.test('CVR numbers are modulus-11 checked', async (t) => {
  for (const cvr of ['10150817', '25313763', '29403473', '12345674']) t.ok(validCvr(cvr), cvr)
  for (const cvr of ['10150818', '12345678', '1015081', 'abcdefgh']) t.notOk(validCvr(cvr), cvr)
})

t.test('decisions and interventions (VUM phases 4–5)', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101', '102'] })
  const stranger = await createTestClient(app, { municipalities: ['103'] })
  const post = async (url: string, payload: object, h: Record<string, string> = headers) => await app.inject({ method: 'POST', url, headers: h, payload })
  const get = async (url: string, h = headers) => await app.inject({ method: 'GET', url, headers: h })
  const openCase = async ({ kommunekode = '101', diagnoser = ['ADHD'] } = {}): Promise<string> =>
    (await aCase(app, headers, { kommunekode, diagnoser })).location
  /** A case with Varetage økonomi investigated (level 2) and a goal on it; returns the case URL and the goal id. */
  const caseWithGoal = async (options: { kommunekode?: string, diagnoser?: string[] } = {}): Promise<{ caseUrl: string, goalId: string }> => {
    const caseUrl = await openCase(options)
    await aRegistration(app, headers, caseUrl)
    const goal = await post(`${caseUrl}/goals`, goalPayload())
    t.equal(goal.statusCode, 201, goal.body)
    return { caseUrl, goalId: goal.json().id }
  }
  const decision = (overrides: object = {}) => ({
    afgoerelsesdato: '2023-01-15',
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'Behov for støtte en gang imellem', registeredAt: '2023-01-15T10:00:00+01:00' },
    maalgrupper: { primaer: MAALGRUPPE.opmaerksomhedsforstyrrelse, oevrige: [MAALGRUPPE.angst], registeredAt: '2023-01-15T10:00:00+01:00' },
    ...overrides
  })
  const intervention = (overrides: object = {}) => ({
    tilbud: { code: TILBUD.mobiltTilbud, registeredAt: '2023-01-15T10:00:00+01:00' },
    ydelser: [{ code: YDELSE.stoetteTilTransport, startdato: '2023-02-01', registeredAt: '2023-01-15T10:00:00+01:00' }],
    leverandoer: { pNummer: '1012345678' },
    bevillingsdato: '2023-01-15',
    ...overrides
  })
  const decide = async (caseUrl: string, body: object = decision()) => {
    const res = await post(`${caseUrl}/decisions`, body)
    t.equal(res.statusCode, 201, res.body)
    return res.json<{ id: string, sagsafgoerelsesId: string }>()
  }

  t.test('a decision with its goal, støttebehov and målgrupper, read back with labels', async (t) => {
    const { caseUrl, goalId } = await caseWithGoal()
    const res = await post(`${caseUrl}/decisions`, decision({ sagsafgoerelsesId: 'Y-2023-0001', goals: [goalId] }))
    t.equal(res.statusCode, 201, res.body)
    const body = res.json()
    t.match(body, {
      sagsafgoerelsesId: 'Y-2023-0001',
      kommunekode: '101',
      afgoerelsesdato: '2023-01-15',
      goals: [{ id: goalId, primaertUndertema: { label: 'Varetage økonomi' }, aktueltFunktionsevneniveau: { level: 2 } }],
      stoettebehov: [{ code: STOETTEBEHOV.let, label: 'Let støttebehov', level: 1, begrundelse: 'Behov for støtte en gang imellem', registeredAt: '2023-01-15T09:00:00.000Z' }],
      maalgrupper: {
        primaer: { code: MAALGRUPPE.opmaerksomhedsforstyrrelse, label: 'Opmærksomhedsforstyrrelse' },
        oevrige: [{ code: MAALGRUPPE.angst, label: 'Angst' }],
        registeredAt: '2023-01-15T09:00:00.000Z'
      },
      interventions: [],
      closedAt: null
    })
    t.equal(body.opfoelgningsdato, null, 'no opfoelgningsdato of its own unless one is agreed')
    t.equal(res.headers.location, `/v1/decisions/${body.id as string}`)
    t.same((await get(res.headers.location!)).json(), body, 'Location leads to the decision')
    const found = (await get('/v1/decisions?sagsafgoerelsesId=Y-2023-0001')).json()
    t.same(found.items.map((d: { id: string }) => d.id), [body.id], 'found by its sagsafgoerelsesId')
  })

  t.test('sagsafgoerelsesId: ours when omitted; a supplied one is unique per municipality', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const generated = await decide(caseUrl)
    t.equal(generated.sagsafgoerelsesId, generated.id)
    await decide(caseUrl, decision({ sagsafgoerelsesId: 'SAG-7' }))
    const again = await post(`${caseUrl}/decisions`, decision({ sagsafgoerelsesId: 'SAG-7' }))
    t.equal(again.statusCode, 409)
    t.match(again.json(), { type: 'urn:ffb-api:problem:conflict', errors: [{ pointer: '/sagsafgoerelsesId', code: 'unique' }] })
    const elsewhere = await caseWithGoal({ kommunekode: '102' })
    await decide(elsewhere.caseUrl, decision({ sagsafgoerelsesId: 'SAG-7' }))
    t.pass('the same id in another municipality is fine')
    t.equal((await post(`${caseUrl}/decisions`, decision({ sagsafgoerelsesId: 'has space' }))).statusCode, 400)
  })

  t.test('the decision\'s own opfoelgningsdato: agreed for the course, goals or not; not before the afgørelsesdato', async (t) => {
    const caseUrl = await openCase()
    const made = await post(`${caseUrl}/decisions`, decision({ opfoelgningsdato: '2023-06-01' }))
    t.equal(made.statusCode, 201, made.body)
    t.match(made.json(), { goals: [], opfoelgningsdato: '2023-06-01' })
    t.equal((await get(made.headers.location!)).json().opfoelgningsdato, '2023-06-01')
    const versions = (await get(`${made.headers.location!}/versions`)).json().items
    t.equal(versions[0].data.opfoelgningsdato, '2023-06-01', 'in its first version')
    t.equal((await post(`${caseUrl}/decisions`, decision({ opfoelgningsdato: '2023-01-15' }))).statusCode, 201, 'the afgørelsesdato itself is fine')
    const early = await post(`${caseUrl}/decisions`, decision({ opfoelgningsdato: '2023-01-14' }))
    t.equal(early.statusCode, 422)
    t.match(early.json(), { type: 'urn:ffb-api:problem:domain-rule', errors: [{ in: 'body', pointer: '/opfoelgningsdato', code: 'before-afgoerelsesdato' }] })
    t.equal((await post(`${caseUrl}/decisions`, decision({ opfoelgningsdato: '1.6.2023' }))).statusCode, 400, 'a day, YYYY-MM-DD')
  })

  t.test('one primary målgruppe; the others distinct and without the primary', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const repeats = await post(`${caseUrl}/decisions`, decision({ maalgrupper: { primaer: MAALGRUPPE.angst, oevrige: [MAALGRUPPE.depression, MAALGRUPPE.angst] } }))
    t.equal(repeats.statusCode, 400)
    t.match(repeats.json().errors, [{ pointer: '/maalgrupper/oevrige/1', code: 'primary' }])
    const twice = await post(`${caseUrl}/decisions`, decision({ maalgrupper: { primaer: MAALGRUPPE.angst, oevrige: [MAALGRUPPE.depression, MAALGRUPPE.depression] } }))
    t.equal(twice.statusCode, 400)
    t.match(twice.json().errors, [{ pointer: '/maalgrupper/oevrige', code: 'uniqueItems' }])
    const none = await post(`${caseUrl}/decisions`, decision({ maalgrupper: { oevrige: [MAALGRUPPE.angst] } }))
    t.match(none.json().errors, [{ pointer: '/maalgrupper/primaer', code: 'required' }])
    const wrongList = await post(`${caseUrl}/decisions`, decision({ stoettebehov: { code: LEVEL[1], begrundelse: 'x' } }))
    t.match(wrongList.json().errors, [{ pointer: '/stoettebehov/code', message: /it is a code of Funktionsevneniveau/ }])
    const noReason = await post(`${caseUrl}/decisions`, decision({ stoettebehov: { code: STOETTEBEHOV.let } }))
    t.match(noReason.json().errors, [{ pointer: '/stoettebehov/begrundelse', code: 'required' }])
  })

  t.test('without a diagnosis only top-level målgrupper; with one, the detailed ones', async (t) => {
    const plain = await openCase({ diagnoser: [] })
    const detailed = await post(`${plain}/decisions`, decision({ maalgrupper: { primaer: MAALGRUPPE.angst } }))
    t.equal(detailed.statusCode, 422)
    t.match(detailed.json().errors, [{ pointer: '/maalgrupper/primaer', code: 'maalgruppe-level', message: /here Psykisk funktionsnedsættelse/ }])
    const otherDetailed = await post(`${plain}/decisions`, decision({ maalgrupper: { primaer: MAALGRUPPE.socialtProblem, oevrige: [MAALGRUPPE.socialIsolation] } }))
    t.match(otherDetailed.json().errors, [{ pointer: '/maalgrupper/oevrige/0', message: /here Socialt problem/ }])
    const top = await post(`${plain}/decisions`, decision({
      maalgrupper: { primaer: MAALGRUPPE.psykiskFunktionsnedsaettelse, oevrige: [MAALGRUPPE.socialtProblem, MAALGRUPPE.multipelFunktionsnedsaettelse] }
    }))
    t.equal(top.statusCode, 201, top.body)
    t.same(top.json().maalgrupper.oevrige.map((m: Coded) => m.label), ['Socialt problem', 'Multipel funktionsnedsættelse'])

    const diagnosed = await openCase({ diagnoser: ['F90.0 ADHD'] })
    const grouping = await post(`${diagnosed}/decisions`, decision({ maalgrupper: { primaer: MAALGRUPPE.psykiskFunktionsnedsaettelse } }))
    t.equal(grouping.statusCode, 422)
    t.match(grouping.json().errors, [{ pointer: '/maalgrupper/primaer', code: 'maalgruppe-level' }])
    t.equal((await post(`${diagnosed}/decisions`, decision({ maalgrupper: { primaer: MAALGRUPPE.multipelFunktionsnedsaettelse } }))).statusCode, 201,
      'a top-level målgruppe that is also detailed is fine either way')
    const psykiske = await post(`${diagnosed}/decisions`, decision({ maalgrupper: { primaer: MAALGRUPPE.psykiskeVanskeligheder } }))
    t.equal(psykiske.statusCode, 400, 'Psykiske vanskeligheder is a grouping in the official list')
  })

  t.test('the goals must be the case\'s own', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const other = await caseWithGoal()
    const foreign = await post(`${caseUrl}/decisions`, decision({ goals: [other.goalId] }))
    t.equal(foreign.statusCode, 422)
    t.match(foreign.json().errors, [{ pointer: '/goals/0', code: 'not-on-case' }])
    const unknown = await post(`${caseUrl}/decisions`, decision({ goals: ['00000000-0000-4000-8000-000000000000'] }))
    t.equal(unknown.statusCode, 422)
    t.equal((await post(`${caseUrl}/decisions`, decision({ goals: [other.goalId, other.goalId] }))).statusCode, 400, 'distinct')
  })

  t.test('the three intervention examples of the derived-codes table can be registered as given', async (t) => {
    const examples = [
      { tilbud: TILBUD.mobiltTilbud, ydelser: [YDELSE.stoetteTilTransport, YDELSE.stoetteTilBeskaeftigelse], maalgrupper: [MAALGRUPPE.ikkePersonfarligKriminalitet, MAALGRUPPE.selvskadendeAdfaerd] },
      {
        tilbud: TILBUD.midlertidigtBotilbud,
        ydelser: [YDELSE.stoetteTilUddannelse, YDELSE.stoetteTilBehandling, YDELSE.paedagogiskUdredning, YDELSE.midlertidigtOphold],
        maalgrupper: [MAALGRUPPE.stofmisbrug, MAALGRUPPE.udviklingsforstyrrelseAfSkolefaerdigheder, MAALGRUPPE.depression, MAALGRUPPE.selvskadendeAdfaerd]
      },
      { tilbud: TILBUD.beskyttetBeskaeftigelsestilbud, ydelser: [YDELSE.service, YDELSE.produktionOgVaerksted], maalgrupper: [MAALGRUPPE.socialIsolation, MAALGRUPPE.angst] }
    ]
    const { caseUrl } = await caseWithGoal()
    for (const example of examples) {
      const [primaer, ...oevrige] = example.maalgrupper
      const made = await decide(caseUrl, decision({ maalgrupper: { primaer, oevrige } }))
      const res = await post(`/v1/decisions/${made.id}/interventions`, intervention({
        tilbud: { code: example.tilbud },
        ydelser: example.ydelser.map((code, i) => ({ code, startdato: `2023-02-0${i + 1}` }))
      }))
      t.equal(res.statusCode, 201, res.body)
      t.same(res.json().ydelser.map((y: Coded) => y.code), example.ydelser)
      t.same(res.json().warnings, [], 'nothing to warn about')
      t.equal(res.headers.location, `/v1/decisions/${made.id}/interventions/${res.json().id as string}`)
      t.same((await get(res.headers.location!)).json(), res.json())
    }
  })

  t.test('a botilbud without an opholdsydelse is accepted with a warning', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const made = await decide(caseUrl)
    const res = await post(`/v1/decisions/${made.id}/interventions`, intervention({ tilbud: { code: TILBUD.almindeligtLaengerevarendeBotilbud } }))
    t.equal(res.statusCode, 201)
    t.match(res.json(), {
      tilbud: { label: 'Almindeligt længerevarende botilbud til voksne', legalBasis: 'SEL § 108', botilbud: true },
      warnings: [{ code: 'botilbud-uden-opholdsydelse', pointer: '/ydelser' }]
    })
    t.same((await get(res.headers.location!)).json().warnings, res.json().warnings, 'and on every read')
    const withOphold = await post(`/v1/decisions/${made.id}/interventions`, intervention({
      tilbud: { code: TILBUD.midlertidigtBotilbud },
      ydelser: [{ code: YDELSE.midlertidigtOphold, startdato: '2023-02-01' }]
    }))
    t.same(withOphold.json().warnings, [])
  })

  t.test('a decision may have several interventions, with ydelser of their own periods', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const made = await decide(caseUrl)
    const bo = await post(`/v1/decisions/${made.id}/interventions`, intervention({
      tilbud: { code: TILBUD.midlertidigtBotilbud },
      ydelser: [
        { code: YDELSE.midlertidigtOphold, startdato: '2023-02-01', slutdato: '2023-12-31' },
        { code: YDELSE.stoetteTilBehandling, startdato: '2023-03-01', slutdato: '2023-06-30' },
        { code: YDELSE.stoetteTilUddannelse, startdato: '2023-02-01' }
      ]
    }))
    t.equal(bo.statusCode, 201)
    const dag = await post(`/v1/decisions/${made.id}/interventions`, intervention({
      tilbud: { code: TILBUD.aktivitetsOgSamvaerstilbud },
      ydelser: [{ code: YDELSE.stoetteTilTransport, startdato: '2023-02-01', slutdato: '2023-02-01' }]
    }))
    t.equal(dag.statusCode, 201)
    const read = (await get(`/v1/decisions/${made.id}`)).json()
    t.same(read.interventions.map((i: { id: string }) => i.id), [bo.json().id, dag.json().id])
    t.same(read.interventions[0].ydelser.map((y: { slutdato: string | null }) => y.slutdato), ['2023-12-31', '2023-06-30', null])
  })

  t.test('ydelser: at least one, and none ends before it starts', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const made = await decide(caseUrl)
    const url = `/v1/decisions/${made.id}/interventions`
    const backwards = await post(url, intervention({ ydelser: [{ code: YDELSE.stoetteTilTransport, startdato: '2023-02-01', slutdato: '2023-01-31' }] }))
    t.equal(backwards.statusCode, 422, 'a rule of the course, as on the endpoints that change it')
    t.match(backwards.json(), { type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/ydelser/0/slutdato', code: 'before-start' }] })
    t.match((await post(url, intervention({ ydelser: [] }))).json().errors, [{ pointer: '/ydelser', code: 'minItems' }])
    const tilbudAsYdelse = await post(url, intervention({ ydelser: [{ code: TILBUD.mobiltTilbud, startdato: '2023-02-01' }] }))
    t.match(tilbudAsYdelse.json().errors, [{ pointer: '/ydelser/0/code', message: /it is a code of Sociale tilbud/ }])
  })

  t.test('the provider: a P-nummer, or else a CVR (modulus-11) with name, address and postnummer', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const made = await decide(caseUrl)
    const url = `/v1/decisions/${made.id}/interventions`
    const byCvr = await post(url, intervention({ leverandoer: { cvr: '10150817', navn: 'Bostøtten ApS', adresse: 'Vestergade 1, 8000 Aarhus C', postnummer: '8000' } }))
    t.equal(byCvr.statusCode, 201, byCvr.body)
    t.same(byCvr.json().leverandoer, { pNummer: null, cvr: '10150817', navn: 'Bostøtten ApS', adresse: 'Vestergade 1, 8000 Aarhus C', postnummer: '8000' })
    const incomplete = await post(url, intervention({ leverandoer: { cvr: '10150817', navn: 'Bostøtten ApS' } }))
    t.equal(incomplete.statusCode, 400)
    t.same(incomplete.json().errors.map((e: { pointer: string }) => e.pointer), ['/leverandoer/adresse', '/leverandoer/postnummer'])
    const nothing = await post(url, intervention({ leverandoer: {} }))
    t.equal(nothing.json().errors.length, 4)
    const badCvr = await post(url, intervention({ leverandoer: { cvr: '10150818', navn: 'X', adresse: 'Y', postnummer: '8000' } }))
    t.match(badCvr.json().errors, [{ pointer: '/leverandoer/cvr', code: 'modulus-11' }])
    for (const leverandoer of [{ pNummer: '101234567' }, { cvr: '1015081', navn: 'X', adresse: 'Y', postnummer: '8000' }, { cvr: '10150817', navn: 'X', adresse: 'Y', postnummer: '800' }]) {
      t.equal((await post(url, intervention({ leverandoer }))).statusCode, 400, JSON.stringify(leverandoer))
    }
  })

  t.test('a closed decision takes no new intervention (409)', async (t) => {
    const { caseUrl } = await caseWithGoal()
    const made = await decide(caseUrl)
    await app.database.db.updateTable('decisions').set({ closed_at: '2023-06-01' }).where('id', '=', made.id).execute()
    const res = await post(`/v1/decisions/${made.id}/interventions`, intervention())
    t.equal(res.statusCode, 409)
    t.equal(res.json().type, 'urn:ffb-api:problem:conflict')
  })

  t.test('lists by case and by municipality, paged and scoped', async (t) => {
    const a = await caseWithGoal({ kommunekode: '102' })
    const first = await decide(a.caseUrl)
    const second = await decide(a.caseUrl)
    await post(`/v1/decisions/${second.id}/interventions`, intervention())
    const page1 = (await get(`${a.caseUrl}/decisions?limit=1`)).json()
    const page2 = (await get(`${a.caseUrl}/decisions?limit=1&cursor=${page1.nextCursor as string}`)).json()
    t.same([...page1.items, ...page2.items].map((d: { id: string }) => d.id), [first.id, second.id])
    t.equal(page2.items[0].interventions.length, 1, 'list items are whole decisions')
    const all = (await get('/v1/decisions?kommunekode=102&limit=500')).json()
    t.same(all.items.map((d: { id: string }) => d.id).slice(-2), [first.id, second.id])
    t.ok(all.items.every((d: { kommunekode: string }) => d.kommunekode === '102'))

    t.same((await get('/v1/decisions', stranger.headers)).json().items, [], 'nothing of 101 or 102 for a client of 103')
    for (const url of [`/v1/decisions/${first.id}`, `${a.caseUrl}/decisions`]) t.equal((await get(url, stranger.headers)).statusCode, 404, url)
    t.equal((await post(`/v1/decisions/${first.id}/interventions`, intervention(), stranger.headers)).statusCode, 404)
    t.equal((await post(`${a.caseUrl}/decisions`, decision(), stranger.headers)).statusCode, 404)
  })
})
