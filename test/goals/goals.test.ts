import t from 'tap'
import { AD, FF, LEVEL, MAALTYPE } from '../support/codes.js'
import { aCase } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

t.test('goals (VUM phase 3)', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const post = async (url: string, payload: object, extra: Record<string, string> = {}) =>
    await app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload })
  const get = async (url: string, h = headers) => await app.inject({ method: 'GET', url, headers: h })
  const openCase = async (): Promise<string> => (await aCase(app, headers)).location
  const investigate = async (caseUrl: string, undertema: string, level: string, registeredAt: string) => {
    const res = await post(`${caseUrl}/investigation/aktivitet-og-deltagelse`, { undertema, funktionsevneniveau: level, registeredAt })
    t.equal(res.statusCode, 201, res.body)
  }
  const goal = (overrides: object = {}) => ({
    maalformulering: 'Jeg vil gerne kunne møde min familie uden at blive overvældet.',
    maaltype: MAALTYPE.udvikle,
    primaertUndertema: AD.indgaaISamspilOgKontakt,
    forventetFunktionsevneniveau: LEVEL[1],
    opfoelgningsdato: '2023-06-20',
    ansvarligForOpfoelgning: 'Social service i XX kommune',
    relateredeUndertemaer: [AD.varetageRelationerTilNetvaerk],
    registeredAt: '2023-01-01T11:00:00+01:00',
    ...overrides
  })

  t.test('the brief\'s example goal round-trips, its current level taken from the investigation', async (t) => {
    const caseUrl = await openCase()
    await investigate(caseUrl, AD.indgaaISamspilOgKontakt, LEVEL[2], '2023-01-01T10:00:00+01:00')
    const res = await post(`${caseUrl}/goals`, goal())
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json(), {
      maalformulering: 'Jeg vil gerne kunne møde min familie uden at blive overvældet.',
      maaltype: { code: MAALTYPE.udvikle, label: 'Udvikle funktionsevne' },
      primaertUndertema: { code: AD.indgaaISamspilOgKontakt, label: 'Indgå i samspil og kontakt' },
      aktueltFunktionsevneniveau: { code: LEVEL[2], level: 2, label: 'Moderat nedsat funktionsevne', registeredAt: '2023-01-01T09:00:00.000Z' },
      forventetFunktionsevneniveau: { code: LEVEL[1], level: 1 },
      opfoelgningsdato: '2023-06-20',
      ansvarligForOpfoelgning: 'Social service i XX kommune',
      relateredeUndertemaer: [{ code: AD.varetageRelationerTilNetvaerk, label: 'Varetage relationer til netværk' }],
      registeredAt: '2023-01-01T10:00:00.000Z'
    })
    t.equal(res.headers.location, `${caseUrl}/goals/${res.json().id as string}`)
    t.same((await get(res.headers.location!)).json(), res.json(), 'Location leads to the goal')
    const list = (await get(`${caseUrl}/goals`)).json()
    t.same(list.items.map((g: { id: string }) => g.id), [res.json().id])
  })

  t.test('the current level is the latest at the goal\'s registration time, and is never typed in', async (t) => {
    const caseUrl = await openCase()
    await investigate(caseUrl, AD.indgaaISamspilOgKontakt, LEVEL[2], '2023-01-01T10:00:00Z')
    await investigate(caseUrl, AD.indgaaISamspilOgKontakt, LEVEL[3], '2023-03-01T10:00:00Z')
    const between = await post(`${caseUrl}/goals`, goal({ registeredAt: '2023-02-01T10:00:00Z' }))
    t.equal(between.json().aktueltFunktionsevneniveau.level, 2)
    const after = await post(`${caseUrl}/goals`, goal({ registeredAt: '2023-03-02T10:00:00Z' }))
    t.equal(after.json().aktueltFunktionsevneniveau.level, 3)
    const typed = await post(`${caseUrl}/goals`, goal({ aktueltFunktionsevneniveau: LEVEL[1] }))
    t.equal(typed.statusCode, 400)
    t.match(typed.json().errors, [{ pointer: '/aktueltFunktionsevneniveau', code: 'additionalProperties' }])
  })

  t.test('the primary sub-theme must be an A&D sub-theme investigated on this case', async (t) => {
    const caseUrl = await openCase()
    const other = await openCase()
    await investigate(other, AD.indgaaISamspilOgKontakt, LEVEL[2], '2023-01-01T10:00:00Z')
    const count = async () => (await app.database.db.selectFrom('goals').select('id').execute()).length
    const before = await count()
    const notHere = await post(`${caseUrl}/goals`, goal())
    t.equal(notHere.statusCode, 422)
    t.match(notHere.json(), { type: 'urn:ffb-api:problem:domain-rule', errors: [{ pointer: '/primaertUndertema', code: 'not-investigated' }] })
    await investigate(caseUrl, AD.indgaaISamspilOgKontakt, LEVEL[2], '2023-02-01T10:00:00Z')
    const tooEarly = await post(`${caseUrl}/goals`, goal({ registeredAt: '2023-01-15T10:00:00Z' }))
    t.equal(tooEarly.statusCode, 422, 'investigated only after the goal\'s time')
    const ff = await post(`${caseUrl}/goals`, goal({ primaertUndertema: FF.organiseringOgPlanlaegning }))
    t.equal(ff.statusCode, 400)
    t.match(ff.json().errors, [{ pointer: '/primaertUndertema', message: /it is a code of Funktioner og forhold/ }])
    t.equal(await count(), before)
  })

  t.test('related sub-themes are A&D, distinct, and not the primary one', async (t) => {
    const caseUrl = await openCase()
    await investigate(caseUrl, AD.indgaaISamspilOgKontakt, LEVEL[2], '2023-01-01T10:00:00Z')
    const cases: Array<[string[], string, string]> = [
      [[FF.oekonomiskSituation], '/relateredeUndertemaer/0', 'enum'],
      [[AD.varetageOekonomi, AD.varetageOekonomi], '/relateredeUndertemaer', 'uniqueItems'],
      [[AD.varetageOekonomi, AD.indgaaISamspilOgKontakt], '/relateredeUndertemaer/1', 'primary']
    ]
    for (const [related, pointer, code] of cases) {
      const res = await post(`${caseUrl}/goals`, goal({ relateredeUndertemaer: related }))
      t.equal(res.statusCode, 400, code)
      t.match(res.json().errors, [{ pointer, code }], code)
    }
    t.equal((await post(`${caseUrl}/goals`, goal({ relateredeUndertemaer: [] }))).statusCode, 201, 'none is fine')
  })

  t.test('the follow-up date is not before the registration day', async (t) => {
    const caseUrl = await openCase()
    await investigate(caseUrl, AD.indgaaISamspilOgKontakt, LEVEL[2], '2023-01-01T10:00:00Z')
    const before = await post(`${caseUrl}/goals`, goal({ opfoelgningsdato: '2022-12-31' }))
    t.equal(before.statusCode, 400)
    t.match(before.json().errors, [{ pointer: '/opfoelgningsdato', code: 'before-registration' }])
    t.equal((await post(`${caseUrl}/goals`, goal({ opfoelgningsdato: '2023-01-01' }))).statusCode, 201, 'the same day is fine')
    t.equal((await post(`${caseUrl}/goals`, goal({ opfoelgningsdato: '2023-02-30' }))).statusCode, 400, 'a real date')
    t.equal((await post(`${caseUrl}/goals`, goal({ opfoelgningsdato: '0000-01-01' }))).statusCode, 400, 'a year the database can hold')
    const unassessed = await post(`${caseUrl}/goals`, goal({ forventetFunktionsevneniveau: LEVEL.ikkeVurderet }))
    t.equal(unassessed.statusCode, 400)
    t.match(unassessed.json().errors, [{ pointer: '/forventetFunktionsevneniveau', code: 'not-a-level' }], '"ikke vurderet" is no expected level')
  })

  t.test('goals are scoped, paged and idempotent', async (t) => {
    const caseUrl = await openCase()
    await investigate(caseUrl, AD.indgaaISamspilOgKontakt, LEVEL[2], '2023-01-01T10:00:00Z')
    const first = await post(`${caseUrl}/goals`, goal(), { 'idempotency-key': '"goal-1"' })
    const retry = await post(`${caseUrl}/goals`, goal(), { 'idempotency-key': '"goal-1"' })
    t.equal(retry.body, first.body)
    await post(`${caseUrl}/goals`, goal())
    const page1 = (await get(`${caseUrl}/goals?limit=1`)).json()
    const page2 = (await get(`${caseUrl}/goals?limit=1&cursor=${page1.nextCursor as string}`)).json()
    t.equal(page1.items.length + page2.items.length, 2)
    t.equal(page2.nextCursor, null)
    const stranger = await createTestClient(app, { municipalities: ['102'] })
    t.equal((await get(`${caseUrl}/goals`, stranger.headers)).statusCode, 404)
    t.equal((await get(first.headers.location!, stranger.headers)).statusCode, 404)
    const foreign = await app.inject({ method: 'POST', url: `${caseUrl}/goals`, headers: stranger.headers, payload: goal() })
    t.equal(foreign.statusCode, 404)
  })
})
