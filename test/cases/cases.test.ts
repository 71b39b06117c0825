import { randomUUID } from 'node:crypto'
import t from 'tap'
import { cprBirthDate } from '../../src/cases/cpr.js'
import { FF } from '../support/codes.js'
import { aCase, aRegistration } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

const CITIZEN_X = { kommunekode: '101', cpr: '010190-4321', borgerensOensker: 'Styre min økonomi selv', diagnoser: ['ADHD'] }

t.test('CPR numbers', async (t) => {
  t.test('the date part must be a real day in the century the 7th digit gives', async (t) => {
    t.equal(cprBirthDate('0101904321'), '1990-01-01')
    t.equal(cprBirthDate('010190-4321'), '1990-01-01')
    t.equal(cprBirthDate('2902004321'), '2000-02-29', '7th digit 4, year 00: 2000, a leap year')
    t.equal(cprBirthDate('2902001321'), undefined, '7th digit 1, year 00: 1900, not a leap year')
    t.equal(cprBirthDate('0101585321'), '1858-01-01', '7th digit 5, year 58: 1858')
    t.equal(cprBirthDate('0101575321'), '2057-01-01', '7th digit 5, year 57: 2057')
    t.equal(cprBirthDate('0101379321'), '1937-01-01', '7th digit 9, year 37: 1937')
    for (const bad of ['3201904321', '0013904321', '0000904321', '3104904321', '2902011321']) t.equal(cprBirthDate(bad), undefined, bad)
  })

  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)

  t.test('both formats are accepted and stored without the hyphen', async (t) => {
    for (const cpr of ['0101904321', '010190-4321']) {
      const res = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { kommunekode: '101', cpr } })
      t.equal(res.statusCode, 201, cpr)
      t.equal(res.json().cpr, '0101904321')
      const [row] = await app.database.db.selectFrom('cases').select('cpr').where('id', '=', res.json().id).execute()
      t.equal(row?.cpr, '0101904321', 'stored without hyphen')
    }
  })

  t.test('anything else is a 400 problem pointing at /cpr', async (t) => {
    for (const cpr of ['010190 4321', '01019-04321', '0101904321x', '010190--4321', '01019043210', '3202904321', '2902001321', '']) {
      const res = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { kommunekode: '101', cpr } })
      t.equal(res.statusCode, 400, cpr)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.match(res.json().errors, [{ in: 'body', pointer: '/cpr' }], cpr)
      t.notOk(cpr.length >= 10 && res.body.includes(cpr), 'the answer does not repeat the CPR number')
    }
    t.equal((await app.database.db.selectFrom('cases').select('id').where('cpr', '=', '3202904321').execute()).length, 0)
  })
})

t.test('cases', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101', '102'] })
  const create = async (payload: object = CITIZEN_X, extra: Record<string, string> = {}) =>
    await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, ...extra }, payload })

  t.test('opening a case answers 201 with Location, a strong ETag and the case', async (t) => {
    const res = await create({ ...CITIZEN_X, openedAt: '2023-01-01T09:00:00+01:00' })
    t.equal(res.statusCode, 201)
    const body = res.json()
    t.match(body, { kommunekode: '101', cpr: '0101904321', borgerensOensker: 'Styre min økonomi selv', diagnoser: ['ADHD'], version: 1 })
    t.equal(body.openedAt, '2023-01-01T08:00:00.000Z')
    t.equal(res.headers.location, `/v1/cases/${body.id as string}`)
    t.match(res.headers.etag, /^"[\w-]+"$/, 'a strong ETag')
    const read = await app.inject({ method: 'GET', url: res.headers.location!, headers })
    t.equal(read.statusCode, 200)
    t.same(read.json(), body, 'Location leads to the case')
    t.equal(read.headers.etag, res.headers.etag)
  })

  t.test('a case is opened now by default; a future openedAt is refused', async (t) => {
    const before = Date.now()
    const res = await create({ kommunekode: '101', cpr: '0101904321' })
    t.ok(Date.parse(res.json().openedAt) >= before - 1)
    t.same(res.json().diagnoser, [])
    t.equal(res.json().borgerensOensker, null)
    for (const openedAt of ['0000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00', '1899-12-31T23:59:59Z']) {
      const ancient = await create({ ...CITIZEN_X, openedAt })
      t.equal(ancient.statusCode, 400, openedAt)
      t.match(ancient.json().errors, [{ pointer: '/openedAt', code: 'format' }])
    }
    const future = await create({ ...CITIZEN_X, openedAt: new Date(Date.now() + 86_400_000).toISOString() })
    t.equal(future.statusCode, 400)
    t.match(future.json().errors, [{ pointer: '/openedAt', code: 'future' }])
  })

  t.test('a case in a municipality the client does not serve is refused with 403', async (t) => {
    const res = await create({ ...CITIZEN_X, kommunekode: '999' })
    t.equal(res.statusCode, 403)
    t.equal((await app.database.db.selectFrom('cases').select('id').where('kommunekode', '=', '999').execute()).length, 0)
  })

  t.test('updates require If-Match: 428 without, 412 when stale, 200 with the current ETag', async (t) => {
    const created = await create()
    const url = created.headers.location!
    const etag = created.headers.etag!
    const patch = async (payload: object, ifMatch?: string) => await app.inject({
      method: 'PATCH', url, payload, headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }
    })
    for (const ifMatch of [undefined, '*', '']) {
      const res = await patch({ diagnoser: ['Angst'] }, ifMatch)
      t.equal(res.statusCode, 428, `If-Match: ${ifMatch ?? 'absent'}`)
      t.equal(res.json().type, 'urn:ffb-api:problem:precondition-required')
    }
    const weak = await patch({ diagnoser: ['Angst'] }, `W/${etag}`)
    t.equal(weak.statusCode, 412, 'a weak tag never matches')

    const updated = await patch({ diagnoser: ['ADHD', 'Angst'], borgerensOensker: null }, etag)
    t.equal(updated.statusCode, 200)
    t.match(updated.json(), { version: 2, diagnoser: ['ADHD', 'Angst'], borgerensOensker: null, cpr: '0101904321' })
    t.not(updated.headers.etag, etag, 'a new version has a new ETag')
    t.ok(Date.parse(updated.json().updatedAt) >= Date.parse(created.json().updatedAt))

    const stale = await patch({ borgerensOensker: 'overskriver' }, etag)
    t.equal(stale.statusCode, 412)
    t.equal(stale.json().type, 'urn:ffb-api:problem:precondition-failed')
    t.equal(stale.headers.etag, updated.headers.etag, 'the 412 names the current ETag')
    const read = await app.inject({ method: 'GET', url, headers })
    t.equal(read.json().borgerensOensker, null, 'the stale update changed nothing')
    t.equal(read.json().version, 2)

    const either = await patch({ diagnoser: ['x'] }, `"nope", ${updated.headers.etag as string}`)
    t.equal(either.statusCode, 200, 'a list of tags matches when one is current')
  })

  t.test('two caseworkers updating from the same read: one wins, the other gets 412', async (t) => {
    const created = await create()
    const url = created.headers.location!
    const results = await Promise.all(['Caseworker A', 'Caseworker B'].map(async (text) => await app.inject({
      method: 'PATCH', url, payload: { borgerensOensker: text }, headers: { ...headers, 'if-match': created.headers.etag! }
    })))
    t.same(results.map((r) => r.statusCode).sort(), [200, 412])
    const winner = results.find((r) => r.statusCode === 200)!.json().borgerensOensker as string
    t.equal((await app.inject({ method: 'GET', url, headers })).json().borgerensOensker, winner)
  })

  t.test('a patch names only what it changes; other fields are refused', async (t) => {
    const created = await create()
    const h = { ...headers, 'if-match': created.headers.etag! }
    for (const payload of [{}, { kommunekode: '102' }, { cpr: '0101904321' }, { diagnoser: [''] }, { diagnoser: 'ADHD' }]) {
      const res = await app.inject({ method: 'PATCH', url: created.headers.location!, headers: h, payload })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
    }
  })

  t.test('an unknown or foreign case is a 404', async (t) => {
    const stranger = await createTestClient(app, { municipalities: ['102'] })
    const created = await create()
    for (const h of [stranger.headers]) {
      t.equal((await app.inject({ method: 'GET', url: created.headers.location!, headers: h })).statusCode, 404)
      const patch = await app.inject({ method: 'PATCH', url: created.headers.location!, headers: { ...h, 'if-match': created.headers.etag! }, payload: { diagnoser: [] } })
      t.equal(patch.statusCode, 404)
    }
    t.equal((await app.inject({ method: 'GET', url: '/v1/cases/00000000-0000-4000-8000-000000000000', headers })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: '/v1/cases/not-a-uuid', headers })).statusCode, 400)
  })
})

t.test('listing and searching cases', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101', '102'] })
  const stranger = await createTestClient(app, { municipalities: ['103'] })
  const open = async (kommunekode: string, cpr: string, openedAt: string, h = headers) => await aCase(app, h, { kommunekode, cpr, openedAt })
  const a = await open('101', '0101904321', '2023-01-01T09:00:00Z')
  const b = await open('101', '0202804321', '2024-01-01T09:00:00Z')
  const c = await open('102', '010190-4321', '2025-01-01T09:00:00Z')
  const foreign = await open('103', '0101904321', '2025-01-01T09:00:00Z', stranger.headers)
  const list = async (query: string, h = headers) => (await app.inject({ method: 'GET', url: `/v1/cases?${query}`, headers: h }))

  t.test('cursor paging walks every case once, oldest first', async (t) => {
    const first = (await list('limit=2')).json()
    t.same(first.items.map((i: { id: string }) => i.id), [a.id, b.id])
    t.type(first.nextCursor, 'string')
    const second = (await list(`limit=2&cursor=${first.nextCursor as string}`)).json()
    t.same(second.items.map((i: { id: string }) => i.id), [c.id])
    t.equal(second.nextCursor, null)
    t.equal((await list('cursor=bm9wZQ')).statusCode, 400)
  })

  t.test('filters: kommunekode, openedSince, changedSince', async (t) => {
    const ids = async (query: string): Promise<string[]> => (await list(query)).json().items.map((i: { id: string }) => i.id)
    t.same(await ids('kommunekode=102'), [c.id])
    t.same(await ids('kommunekode=103'), [], 'not another client\'s municipality')
    t.same(await ids('openedSince=2024-01-01T09:00:00Z'), [b.id, c.id])
    const since = new Date().toISOString()
    await aRegistration(app, headers, a.location, 'funktioner-og-forhold', { undertema: FF.oekonomiskSituation })
    t.same(await ids(`changedSince=${since}`), [a.id], 'a registration changes its case')
    t.equal((await list('openedSince=yesterday')).statusCode, 400)
    for (const since of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59']) t.equal((await list(`changedSince=${since}`)).statusCode, 400, since)
  })

  t.test('search by CPR in the body, with or without hyphen, within the client\'s municipalities', async (t) => {
    for (const cpr of ['0101904321', '010190-4321']) {
      const res = await app.inject({ method: 'POST', url: '/v1/cases/search', headers, payload: { cpr } })
      t.equal(res.statusCode, 200)
      t.same(res.json().items.map((i: { id: string }) => i.id), [a.id, c.id], cpr)
    }
    const narrowed = await app.inject({ method: 'POST', url: '/v1/cases/search', headers, payload: { cpr: '0101904321', kommunekode: '102' } })
    t.same(narrowed.json().items.map((i: { id: string }) => i.id), [c.id])
    const theirs = await app.inject({ method: 'POST', url: '/v1/cases/search', headers: stranger.headers, payload: { cpr: '0101904321' } })
    t.same(theirs.json().items.map((i: { id: string }) => i.id), [foreign.id])
    const bad = await app.inject({ method: 'POST', url: '/v1/cases/search', headers, payload: { cpr: '3101904321x' } })
    t.equal(bad.statusCode, 400)
    const audited = await app.database.db.selectFrom('audit_log').select(['resource_id']).where('action', '=', 'search').where('outcome', '=', 'success').execute()
    t.ok(audited.some((r) => r.resource_id === a.id) && audited.some((r) => r.resource_id === c.id), 'each case found is audited')
  })

  t.test('reads and writes are audited with the case and its kommunekode', async (t) => {
    await app.inject({ method: 'GET', url: `/v1/cases/${b.id}`, headers })
    const rows = await app.database.db.selectFrom('audit_log').select(['action', 'kommunekode', 'outcome'])
      .where('resource_type', '=', 'case').where('resource_id', '=', b.id).orderBy('id').execute()
    t.same(rows, [
      { action: 'create', kommunekode: '101', outcome: 'success' },
      { action: 'read', kommunekode: '101', outcome: 'success' }
    ])
    const unknown = randomUUID()
    t.equal((await app.inject({ method: 'GET', url: `/v1/cases/${unknown}`, headers })).statusCode, 404)
    t.same(await app.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('resource_id', '=', unknown).execute(),
      [{ action: 'read', outcome: 'not-found' }], 'a read of no case is recorded once, as not found')
  })
})

t.test('the municipality\'s sagsnummer', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101', '102'] })
  const stranger = await createTestClient(app, { municipalities: ['103'] })
  const open = async (payload: object, h = headers) => await app.inject({ method: 'POST', url: '/v1/cases', headers: h, payload: { kommunekode: '101', cpr: '0101904321', ...payload } })
  const patch = async (url: string, etag: string, payload: object) =>
    await app.inject({ method: 'PATCH', url, headers: { ...headers, 'if-match': etag }, payload })

  t.test('is given when the case is opened, trimmed, and is on every case response', async (t) => {
    const res = await open({ sagsnummer: '  Sag-1001  ' })
    t.equal(res.statusCode, 201)
    t.equal(res.json().sagsnummer, 'Sag-1001')
    const read = await app.inject({ method: 'GET', url: res.headers.location!, headers })
    t.equal(read.json().sagsnummer, 'Sag-1001')
    t.equal((await open({})).json().sagsnummer, null, 'none until it is given')
  })

  t.test('is 1–64 printable characters', async (t) => {
    for (const sagsnummer of ['', '   ', 'x'.repeat(65), 'Sag\n1', 'Sag\u00001', 42]) {
      const res = await open({ sagsnummer })
      t.equal(res.statusCode, 400, JSON.stringify(sagsnummer))
      t.match(res.json().errors, [{ in: 'body', pointer: '/sagsnummer' }])
    }
    t.equal((await open({ sagsnummer: 'Æ/2023 nr. 7 — ø'.padEnd(64, 'x') })).statusCode, 201, '64 characters, not only ASCII')
  })

  t.test('is set, changed and cleared by PATCH with If-Match', async (t) => {
    const created = await open({})
    const set = await patch(created.headers.location!, created.headers.etag!, { sagsnummer: 'Sag-2001' })
    t.equal(set.statusCode, 200)
    t.match(set.json(), { sagsnummer: 'Sag-2001', version: 2 })
    const changed = await patch(created.headers.location!, set.headers.etag!, { sagsnummer: ' Sag-2002 ' })
    t.equal(changed.json().sagsnummer, 'Sag-2002')
    t.equal((await patch(created.headers.location!, set.headers.etag!, { sagsnummer: 'Sag-2003' })).statusCode, 412, 'a stale ETag')
    const cleared = await patch(created.headers.location!, changed.headers.etag!, { sagsnummer: null })
    t.equal(cleared.statusCode, 200)
    t.equal(cleared.json().sagsnummer, null)
    const [row] = await app.database.db.selectFrom('cases').select(['sagsnummer', 'sagsnummer_changed_at']).where('id', '=', created.json().id).execute()
    t.equal(row?.sagsnummer, null)
    t.ok(row?.sagsnummer_changed_at instanceof Date, 'the change is stamped for the FHIR delivery')
  })

  t.test('is unique within a municipality: a duplicate is a 409 naming /sagsnummer; another municipality may use it', async (t) => {
    t.equal((await open({ sagsnummer: 'Sag-3001' })).statusCode, 201)
    const again = await open({ sagsnummer: ' Sag-3001', cpr: '0202804321' })
    t.equal(again.statusCode, 409)
    t.match(again.json(), { type: 'urn:ffb-api:problem:conflict', errors: [{ in: 'body', pointer: '/sagsnummer', code: 'unique' }] })
    t.equal((await open({ sagsnummer: 'Sag-3001', kommunekode: '102' })).statusCode, 201, 'another municipality')
    t.equal((await open({ sagsnummer: 'Sag-3001', kommunekode: '103' }, stranger.headers)).statusCode, 201, 'another client\'s municipality')
    const other = await open({ sagsnummer: 'Sag-3002' })
    const taken = await patch(other.headers.location!, other.headers.etag!, { sagsnummer: 'Sag-3001' })
    t.equal(taken.statusCode, 409)
    t.match(taken.json().errors, [{ pointer: '/sagsnummer', code: 'unique' }])
    t.equal((await app.inject({ method: 'GET', url: other.headers.location!, headers })).json().sagsnummer, 'Sag-3002', 'unchanged')
    const same = await patch(other.headers.location!, other.headers.etag!, { sagsnummer: 'Sag-3002' })
    t.equal(same.statusCode, 200, 'its own sagsnummer again is no conflict')
    const cleared = await open({})
    t.equal((await open({})).statusCode, 201, 'any number of cases have none')
    t.equal(cleared.statusCode, 201)
  })

  t.test('GET /v1/cases?sagsnummer= finds the case by exact match, in the client\'s municipalities only', async (t) => {
    const mine = (await open({ sagsnummer: 'Sag-4001' })).json()
    const inOther = (await open({ sagsnummer: 'Sag-4001', kommunekode: '102' })).json()
    const foreign = (await open({ sagsnummer: 'Sag-4002', kommunekode: '103' }, stranger.headers)).json()
    const ids = async (query: string, h = headers) => {
      const res = await app.inject({ method: 'GET', url: `/v1/cases?${query}`, headers: h })
      t.equal(res.statusCode, 200, query)
      return res.json().items.map((i: { id: string }) => i.id)
    }
    t.same(await ids('sagsnummer=Sag-4001'), [mine.id, inOther.id])
    t.same(await ids('sagsnummer=Sag-4001&kommunekode=102'), [inOther.id])
    t.same(await ids('sagsnummer=%20Sag-4001%20'), [mine.id, inOther.id], 'surrounding whitespace ignored')
    t.same(await ids('sagsnummer=sag-4001'), [], 'exact: case matters')
    t.same(await ids('sagsnummer=Sag-400'), [], 'exact: no prefix match')
    t.same(await ids('sagsnummer=Sag-4002'), [], 'another municipality\'s case is not found')
    t.same(await ids('sagsnummer=Sag-4002', stranger.headers), [foreign.id])
    t.equal((await app.inject({ method: 'GET', url: `/v1/cases?sagsnummer=${'x'.repeat(65)}`, headers })).statusCode, 400)
  })
})
