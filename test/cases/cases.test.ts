import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { forgetTokens } from '../../src/clients/token-cache.js'
import { cprBirthDate } from '../../src/cases/cpr.js'
import { purgeExpiredKeys } from '../../src/db/unit-of-work.js'
import { AD, LEVEL, MAALGRUPPE, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { buildTestApp, createTestClient, SERVER_URL } from '../helper.js'

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

t.test('idempotency keys', async (t) => {
  const app = await buildTestApp(t, { config: { idempotencyTtlSeconds: 1 } })
  const { client, headers } = await createTestClient(app)
  const countCases = async (): Promise<number> =>
    (await app.database.db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n
  const post = async (key: string, payload: object = CITIZEN_X) =>
    await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, 'idempotency-key': key }, payload })

  t.test('a retry with the same key and body returns the original response and writes one row', async (t) => {
    const before = await countCases()
    const first = await post('"retry-1"')
    const again = await post('"retry-1"', { diagnoser: ['ADHD'], borgerensOensker: 'Styre min økonomi selv', cpr: '010190-4321', kommunekode: '101' })
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.body, first.body, 'the same body, whatever the key order of the request')
    t.equal(again.headers.location, first.headers.location)
    t.equal(again.headers.etag, first.headers.etag)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.notOk(first.headers['idempotent-replayed'])
    t.equal(await countCases(), before + 1, 'one row')
    const unquoted = await post('retry-1')
    t.equal(unquoted.json().id, first.json().id, 'a bare key is the same key as its quoted form')
  })

  t.test('a retried update with its key is answered from the first, not refused as stale', async (t) => {
    const created = await post('"open-for-patch"')
    const patch = async () => await app.inject({
      method: 'PATCH',
      url: created.headers.location!,
      payload: { diagnoser: ['Angst'] },
      headers: { ...headers, 'if-match': created.headers.etag!, 'idempotency-key': '"patch-1"' }
    })
    const first = await patch()
    const retry = await patch()
    t.equal(first.statusCode, 200)
    t.equal(retry.statusCode, 200, 'not 412: the retry is the same request')
    t.equal(retry.body, first.body)
    t.equal(retry.headers['idempotent-replayed'], 'true')
    t.equal(retry.json().version, 2, 'applied once')
  })

  t.test('the same key with a different body is a 422 problem', async (t) => {
    await post('"retry-2"')
    const before = await countCases()
    const res = await post('"retry-2"', { ...CITIZEN_X, diagnoser: ['Angst'] })
    t.equal(res.statusCode, 422)
    t.equal(res.json().type, 'urn:ffb-api:problem:idempotency-key-reused')
    t.match(res.json().errors, [{ in: 'header', pointer: '/idempotency-key' }])
    t.equal(await countCases(), before)
  })

  t.test('keys are per client, and a failed request stores nothing', async (t) => {
    const other = await createTestClient(app)
    const mine = await post('"shared"')
    const theirs = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...other.headers, 'idempotency-key': '"shared"' }, payload: CITIZEN_X })
    t.not(theirs.json().id, mine.json().id)
    const refused = await post('"after-400"', { ...CITIZEN_X, cpr: '3202904321' })
    t.equal(refused.statusCode, 400)
    t.equal((await post('"after-400"')).statusCode, 201, 'the corrected retry is processed')
  })

  t.test('a stored answer is not replayed to a client that no longer serves its municipality', async (t) => {
    const first = await post('"before-removal"')
    t.equal(first.statusCode, 201)
    await app.database.db.updateTable('api_clients').set({ municipalities: ['999'] }).where('id', '=', client.id).execute()
    // As revokeClient does; a change made by another process takes effect within TOKEN_TTL_MS.
    forgetTokens(app.database.db)
    const replay = await post('"before-removal"')
    t.equal(replay.statusCode, 403)
    t.notOk(replay.body.includes('0101904321'), 'no citizen data in the refusal')
    await app.database.db.updateTable('api_clients').set({ municipalities: ['101'] }).where('id', '=', client.id).execute()
    forgetTokens(app.database.db)
  })

  t.test('malformed keys are a 400 problem', async (t) => {
    for (const key of ['""', '"a"b"', 'with space', `"${'k'.repeat(256)}"`, '"æøå"']) {
      const res = await post(key)
      t.equal(res.statusCode, 400, key)
      t.match(res.json().errors, [{ in: 'header', pointer: '/idempotency-key' }])
    }
  })

  t.test('concurrent retries write once', async (t) => {
    const before = await countCases()
    const results = await Promise.all(Array.from({ length: 5 }, async () => await post('"burst"')))
    const created = results.filter((r) => r.statusCode === 201)
    t.ok(created.length >= 1)
    t.ok(results.every((r) => r.statusCode === 201 || r.statusCode === 409), results.map((r) => r.statusCode).join())
    t.equal(new Set(created.map((r) => r.body)).size, 1, 'every 201 carries the same case')
    t.equal(await countCases(), before + 1)
  })

  t.test('a retry while the first attempt still runs is a 409 with Retry-After', { skip: SERVER_URL === undefined && 'PGlite runs one transaction at a time: nothing is ever in flight' }, async (t) => {
    // Holds the key's lock from another session, as a first attempt still running would.
    await app.database.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', [client.id, 'in-flight'])
      const res = await post('"in-flight"')
      t.equal(res.statusCode, 409)
      t.equal(res.json().type, 'urn:ffb-api:problem:idempotency-in-progress')
      t.equal(res.headers['retry-after'], '1')
      await session.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [client.id, 'in-flight'])
    })
    t.equal((await post('"in-flight"')).statusCode, 201, 'once the first is done, the key works')
  })

  t.test('keys expire after IDEMPOTENCY_TTL_SECONDS', async (t) => {
    const first = await post('"expiring"')
    await post('"purged"')
    const [row] = await app.database.db.selectFrom('idempotency_keys').select(['created_at', 'expires_at']).where('key', '=', 'expiring').execute()
    t.equal(row!.expires_at.getTime() - row!.created_at.getTime(), 1000, 'expires after the configured second')
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const later = await post('"expiring"')
    t.equal(later.statusCode, 201)
    t.not(later.json().id, first.json().id, 'an expired key is a new request')
    // The app's own purge timer (every TTL, here 1 s) may have removed it already; either way it goes.
    await purgeExpiredKeys(app.database.db)
    t.same((await app.database.db.selectFrom('idempotency_keys').select('key').where('key', 'in', ['expiring', 'purged']).execute()).map((r) => r.key), ['expiring'],
      'the purge removed the expired key; the renewed one stays')
  })
})

t.test('a failing step inside a request leaves the database unchanged', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101', '777'] })
  const opened = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { ...CITIZEN_X, kommunekode: '777' } })
  const decision = {
    afgoerelsesdato: '2023-01-15',
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' },
    maalgrupper: { primaer: MAALGRUPPE.angst }
  }
  const decided = await app.inject({ method: 'POST', url: `${opened.headers.location!}/decisions`, headers, payload: decision })
  t.equal(decided.statusCode, 201, decided.body)
  // The audit record is each write's last statement; make it fail for municipality 777.
  await sql.raw(`CREATE FUNCTION fail_777() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.kommunekode = '777' AND NEW.outcome = 'success' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`)
    .execute(app.database.db)
  await sql.raw('CREATE TRIGGER fail_777 BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_777()').execute(app.database.db)
  const snapshot = async () => await sql<{ dump: string }>`SELECT
      (SELECT coalesce(json_agg(c ORDER BY seq)::text, '') FROM cases c) ||
      (SELECT coalesce(json_agg(r ORDER BY seq)::text, '') FROM theme_registrations r) ||
      (SELECT coalesce(json_agg(k ORDER BY key)::text, '') FROM idempotency_keys k) ||
      (SELECT coalesce(json_agg(d ORDER BY seq)::text, '') FROM decisions d) ||
      (SELECT coalesce(json_agg(s ORDER BY seq)::text, '') FROM stoettebehov s) ||
      (SELECT coalesce(json_agg(i ORDER BY seq)::text, '') FROM interventions i) ||
      (SELECT coalesce(json_agg(y ORDER BY seq)::text, '') FROM intervention_ydelser y) ||
      (SELECT coalesce(json_agg(a ORDER BY case_id)::text, '') FROM assessments a) AS dump`.execute(app.database.db)
  const before = (await snapshot()).rows[0]?.dump

  const create = await app.inject({
    method: 'POST', url: '/v1/cases', headers: { ...headers, 'idempotency-key': '"k1"' }, payload: { ...CITIZEN_X, kommunekode: '777' }
  })
  t.equal(create.statusCode, 500)
  t.equal(create.json().type, 'urn:ffb-api:problem:internal')
  const register = await app.inject({
    method: 'POST',
    url: `${opened.headers.location!}/investigation/aktivitet-og-deltagelse`,
    headers: { ...headers, 'idempotency-key': '"k2"' },
    payload: { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2] }
  })
  t.equal(register.statusCode, 500)
  const patch = await app.inject({
    method: 'PATCH', url: opened.headers.location!, headers: { ...headers, 'if-match': opened.headers.etag! }, payload: { diagnoser: [] }
  })
  t.equal(patch.statusCode, 500)
  const decide = await app.inject({ method: 'POST', url: `${opened.headers.location!}/decisions`, headers, payload: decision })
  t.equal(decide.statusCode, 500)
  const order = await app.inject({
    method: 'POST',
    url: `${decided.headers.location!}/interventions`,
    headers,
    payload: {
      tilbud: { code: TILBUD.mobiltTilbud },
      ydelser: [{ code: YDELSE.stoetteTilTransport, startdato: '2023-02-01' }, { code: YDELSE.stoetteTilBeskaeftigelse, startdato: '2023-02-01' }],
      leverandoer: { pNummer: '1012345678' },
      bevillingsdato: '2023-01-15'
    }
  })
  t.equal(order.statusCode, 500)
  const assess = await app.inject({ method: 'PUT', url: `${opened.headers.location!}/assessment`, headers, payload: { samletVurdering: 'x', indsatsformaal: null } })
  t.equal(assess.statusCode, 500)
  t.equal((await snapshot()).rows[0]?.dump, before, 'no case, registration, decision, støttebehov, intervention, ydelse, assessment, case change or idempotency key was stored')
  const failed = await app.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('outcome', '=', 'failed').execute()
  t.same(failed.map((r) => r.action).sort(), ['create', 'create', 'create', 'create', 'update', 'update'], 'the failures themselves are audited')
})

t.test('listing and searching cases', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101', '102'] })
  const stranger = await createTestClient(app, { municipalities: ['103'] })
  const open = async (kommunekode: string, cpr: string, openedAt: string, h = headers) =>
    (await app.inject({ method: 'POST', url: '/v1/cases', headers: h, payload: { kommunekode, cpr, openedAt } })).json<{ id: string }>()
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
    await app.inject({
      method: 'POST', url: `/v1/cases/${a.id}/investigation/funktioner-og-forhold`, headers, payload: { undertema: '08aa68ce-acd6-4e03-b6b5-091811324345' }
    })
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
