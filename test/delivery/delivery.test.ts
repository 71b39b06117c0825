import t from 'tap'
import { AD, FF, LEVEL, OMG, STATUS, STOETTEBEHOV, MAALGRUPPE } from '../support/codes.js'
import { aCase, aDecision, aDelmaal, aRegistration, goalPayload } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

interface NoteBody { id: string, tags: Array<{ code: string, label: string, theme: string }> }

t.test('delivery: delmål and notes (VUM phase 6)', async (t) => {
  const app = await buildTestApp(t)
  const caseworker = await createTestClient(app, { scopes: ['cases:read', 'cases:write'] })
  const provider = await createTestClient(app, { scopes: ['cases:read', 'delivery:write'] })
  const inject = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, h: Record<string, string> = provider.headers) =>
    await app.inject({ method, url, headers: h, ...(payload === undefined ? {} : { payload }) })
  const setup = async (): Promise<{ caseUrl: string, goalId: string }> => {
    const caseUrl = (await aCase(app, caseworker.headers)).location
    await aRegistration(app, caseworker.headers, caseUrl)
    const goal = await inject('POST', `${caseUrl}/goals`, goalPayload({ opfoelgningsdato: '2099-01-01' }), caseworker.headers)
    t.equal(goal.statusCode, 201, goal.body)
    return { caseUrl, goalId: goal.json().id }
  }

  t.test('scopes: the provider delivers, the authority follows up', async (t) => {
    const { caseUrl, goalId } = await setup()
    const delmaal = { goalId, tekst: 'Åbne post sammen', startdato: '2024-01-01' }
    t.equal((await inject('POST', `${caseUrl}/delmaal`, delmaal, caseworker.headers)).statusCode, 403, 'cases:write is not delivery:write')
    t.equal((await inject('POST', `${caseUrl}/notes`, { tekst: 'x', forfatterrolle: 'udfoerer' }, caseworker.headers)).statusCode, 403)
    t.equal((await inject('POST', `${caseUrl}/delmaal`, delmaal)).statusCode, 201)
    const decision = await inject('POST', `${caseUrl}/decisions`, {
      afgoerelsesdato: '2024-01-01', stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' }, maalgrupper: { primaer: MAALGRUPPE.socialtProblem }
    })
    t.equal(decision.statusCode, 403, 'the provider cannot decide')
    const made = await aDecision(app, caseworker.headers, caseUrl, { goals: [goalId] })
    const followUp = await inject('POST', `/v1/decisions/${made.id}/follow-ups`, {
      maal: [{ goalId, funktionsevneniveau: LEVEL[1], maalOpnaaet: false }], stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' }, statusPaaIndsats: STATUS.fortsaettelse
    })
    t.equal(followUp.statusCode, 403, 'nor follow up')
  })

  t.test('delmål: on one of the case\'s goals, several per goal, changed with If-Match', async (t) => {
    const { caseUrl, goalId } = await setup()
    const other = await setup()
    const first = await inject('POST', `${caseUrl}/delmaal`, { goalId, tekst: 'Åbne post hver mandag', startdato: '2024-01-01', maaldato: '2024-03-01' })
    t.equal(first.statusCode, 201)
    t.match(first.json(), { goalId, tekst: 'Åbne post hver mandag', startdato: '2024-01-01', maaldato: '2024-03-01', status: 'aktiv', version: 1 })
    t.equal(first.headers.location, `${caseUrl}/delmaal/${first.json().id as string}`)
    const second = await inject('POST', `${caseUrl}/delmaal`, { goalId, tekst: 'Betale husleje selv', startdato: '2024-02-01', status: 'aktiv' })
    t.equal(second.statusCode, 201)
    const foreign = await inject('POST', `${caseUrl}/delmaal`, { goalId: other.goalId, tekst: 'x', startdato: '2024-01-01' })
    t.equal(foreign.statusCode, 422)
    t.match(foreign.json().errors, [{ pointer: '/goalId', code: 'not-on-case' }])
    const backwards = await inject('POST', `${caseUrl}/delmaal`, { goalId, tekst: 'x', startdato: '2024-02-01', maaldato: '2024-01-31' })
    t.match(backwards.json().errors, [{ pointer: '/maaldato', code: 'before-start' }])
    t.equal(backwards.statusCode, 422, 'a rule of FFB, not of the schema')
    t.equal((await inject('POST', `${caseUrl}/delmaal`, { goalId, tekst: 'x', startdato: '2024-01-01', status: 'done' })).statusCode, 400)
    const list = (await inject('GET', `${caseUrl}/delmaal?goalId=${goalId}`)).json()
    t.same(list.items.map((d: { id: string }) => d.id), [first.json().id, second.json().id])

    const url = first.headers.location!
    t.equal((await inject('PATCH', url, { status: 'opnaaet' })).statusCode, 428)
    const done = await app.inject({ method: 'PATCH', url, headers: { ...provider.headers, 'if-match': first.headers.etag! }, payload: { status: 'opnaaet', maaldato: null } })
    t.equal(done.statusCode, 200)
    t.match(done.json(), { status: 'opnaaet', maaldato: null, version: 2 })
    const stale = await app.inject({ method: 'PATCH', url, headers: { ...provider.headers, 'if-match': first.headers.etag! }, payload: { status: 'opgivet' } })
    t.equal(stale.statusCode, 412)
    const early = await app.inject({ method: 'PATCH', url, headers: { ...provider.headers, 'if-match': done.headers.etag! }, payload: { maaldato: '2023-12-31' } })
    t.match(early.json().errors, [{ pointer: '/maaldato', code: 'before-start' }])
    t.equal(early.statusCode, 422)
    t.equal((await inject('GET', url)).json().status, 'opnaaet')
  })

  t.test('notes: tagged with F&F or A&D sub-themes, optionally on a delmål, filtered', async (t) => {
    const { caseUrl, goalId } = await setup()
    const other = await setup()
    const delmaal = await aDelmaal(app, provider.headers, caseUrl, goalId, { tekst: 'Åbne post' })
    const otherDelmaal = await aDelmaal(app, provider.headers, other.caseUrl, other.goalId)
    const note = async (payload: object) => await inject('POST', `${caseUrl}/notes`, { forfatterrolle: 'udfoerer', ...payload })
    const a = await note({ tekst: 'Åbnede posten selv', tidspunkt: '2024-01-08T09:00:00Z', delmaalId: delmaal.id, tags: [AD.varetageOekonomi] })
    t.equal(a.statusCode, 201, a.body)
    t.same(a.json().tags, [{ code: AD.varetageOekonomi, label: 'Varetage økonomi', theme: 'aktivitet-og-deltagelse' }])
    const b = await note({ tekst: 'Sov dårligt, virkede urolig', tidspunkt: '2024-01-09T09:00:00Z', tags: [FF.organiseringOgPlanlaegning, AD.indgaaISamspilOgKontakt] })
    t.same(b.json<NoteBody>().tags.map((tag) => tag.theme), ['funktioner-og-forhold', 'aktivitet-og-deltagelse'])
    const c = await note({ tekst: 'Hverdag', tidspunkt: '2024-01-10T09:00:00Z' })
    t.equal(c.statusCode, 201)

    const ids = async (query: string) => (await inject('GET', `${caseUrl}/notes?${query}`)).json().items.map((n: NoteBody) => n.id)
    t.same(await ids(''), [a.json().id, b.json().id, c.json().id], 'in time order')
    t.same(await ids(`tag=${FF.organiseringOgPlanlaegning}`), [b.json().id], 'observations on another theme than the goal\'s')
    t.same(await ids(`tag=${AD.varetageOekonomi}`), [a.json().id])
    t.same(await ids(`delmaalId=${delmaal.id}`), [a.json().id])
    t.same(await ids('from=2024-01-09T00:00:00Z&to=2024-01-10T00:00:00Z'), [b.json().id])
    const page = (await inject('GET', `${caseUrl}/notes?limit=2`)).json()
    t.same((await inject('GET', `${caseUrl}/notes?limit=2&cursor=${page.nextCursor as string}`)).json().items.map((n: NoteBody) => n.id), [c.json().id])
    t.same((await inject('GET', `${caseUrl}/notes/${b.json().id as string}`)).json(), b.json())

    const omg = await note({ tekst: 'x', tags: [OMG.personerINetvaerk] })
    t.equal(omg.statusCode, 400, 'Omgivelser sub-themes are not tags')
    t.match(omg.json().errors, [{ pointer: '/tags/0' }])
    t.match((await note({ tekst: 'x', tags: [AD.varetageOekonomi, AD.varetageOekonomi] })).json().errors, [{ pointer: '/tags', code: 'uniqueItems' }])
    const foreign = await note({ tekst: 'x', delmaalId: otherDelmaal.id })
    t.equal(foreign.statusCode, 422)
    t.match(foreign.json().errors, [{ pointer: '/delmaalId', code: 'not-on-case' }])
    t.equal((await note({ tekst: 'x', tidspunkt: new Date(Date.now() + 86_400_000).toISOString() })).statusCode, 400)
    t.equal((await note({ tekst: 'x', forfatterrolle: 'robot' })).statusCode, 400)
    t.equal((await inject('GET', `${caseUrl}/notes?from=soon`)).statusCode, 400)
  })

  t.test('another municipality\'s case is a 404 for delivery too', async (t) => {
    const { caseUrl, goalId } = await setup()
    const stranger = await createTestClient(app, { municipalities: ['102'] })
    t.equal((await inject('POST', `${caseUrl}/delmaal`, { goalId, tekst: 'x', startdato: '2024-01-01' }, stranger.headers)).statusCode, 404)
    t.equal((await inject('POST', `${caseUrl}/notes`, { tekst: 'x', forfatterrolle: 'udfoerer' }, stranger.headers)).statusCode, 404)
    t.equal((await inject('GET', `${caseUrl}/notes`, undefined, stranger.headers)).statusCode, 404)
  })
})
