import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { registrationWriter, type RegistrationItem } from '../../src/investigation/queries.js'
import { AD, FF, LEVEL, OMG, STOETTEBEHOV } from '../support/codes.js'
import { aCase } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

const ORGANISERING_OG_PLANLAEGNING = FF.organiseringOgPlanlaegning
const OEKONOMISK_SITUATION = FF.oekonomiskSituation
const PERSONER_I_NETVAERK = OMG.personerINetvaerk
const VARETAGE_OEKONOMI = AD.varetageOekonomi
const MENTALE_FUNKTIONER = FF.mentaleFunktioner
const LET_STOETTEBEHOV = STOETTEBEHOV.let

interface Reg { id: string, undertema: { code: string, label: string }, registeredAt: string, funktionsevneniveau: { level: number | null } | null }

t.test('investigation', async (t) => {
  const app = await buildTestApp(t)
  const { client, headers } = await createTestClient(app)
  const openCase = async (): Promise<string> => (await aCase(app, headers)).location
  const register = async (caseUrl: string, theme: string, payload: object, extra: Record<string, string> = {}) =>
    await app.inject({ method: 'POST', url: `${caseUrl}/investigation/${theme}`, headers: { ...headers, ...extra }, payload })
  const count = async (): Promise<number> => (await app.database.db.selectFrom('theme_registrations').select('id').execute()).length

  t.test('citizen X on 1 January 2023: the seeds\' worked example', async (t) => {
    const caseUrl = await openCase()
    const at = '2023-01-01T10:00:00+01:00'
    const ff1 = await register(caseUrl, 'funktioner-og-forhold', {
      undertema: ORGANISERING_OG_PLANLAEGNING, oplysningerFraBorgeren: 'Glemmer aftaler', oplysningerFraAndre: 'Søsteren hjælper', sagsbehandlersBemaerkninger: 'Relevant', registeredAt: at
    })
    t.equal(ff1.statusCode, 201, ff1.body)
    t.match(ff1.json(), {
      theme: 'funktioner-og-forhold',
      undertema: { code: ORGANISERING_OG_PLANLAEGNING, label: 'Organisering og planlægning' },
      overtema: { code: MENTALE_FUNKTIONER, label: 'Mentale funktioner' },
      funktionsevneniveau: null,
      oplysningerFraBorgeren: 'Glemmer aftaler',
      oplysningerFraAndre: 'Søsteren hjælper',
      sagsbehandlersBemaerkninger: 'Relevant',
      registeredAt: '2023-01-01T09:00:00.000Z',
      catalogVersion: '20240530'
    })
    t.equal((await register(caseUrl, 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION, registeredAt: at })).statusCode, 201)
    const omg = await register(caseUrl, 'omgivelsesfaktorer', { undertema: PERSONER_I_NETVAERK, registeredAt: at })
    t.match(omg.json(), { theme: 'omgivelsesfaktorer', undertema: { label: 'Personer i netværk' }, funktionsevneniveau: null })
    const ad = await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[2], registeredAt: at })
    t.match(ad.json(), {
      theme: 'aktivitet-og-deltagelse',
      undertema: { label: 'Varetage økonomi' },
      overtema: { label: 'Samfundsliv' },
      funktionsevneniveau: { code: LEVEL[2], label: 'Moderat nedsat funktionsevne', level: 2 }
    })
    t.equal(ad.headers.location, `${caseUrl}/investigation/aktivitet-og-deltagelse/${ad.json().id as string}`)
    const one = await app.inject({ method: 'GET', url: ad.headers.location!, headers })
    t.same(one.json(), ad.json(), 'Location leads to the registration')
    t.equal((await app.inject({ method: 'GET', url: ad.headers.location!.replace('aktivitet-og-deltagelse', 'funktioner-og-forhold'), headers })).statusCode, 404,
      'under another theme it is not found')

    const current = (await app.inject({ method: 'GET', url: `${caseUrl}/investigation`, headers })).json()
    t.same(current.funktionerOgForhold.map((r: Reg) => r.undertema.label).sort(), ['Organisering og planlægning', 'Økonomisk situation'])
    t.same(current.omgivelsesfaktorer.map((r: Reg) => r.undertema.label), ['Personer i netværk'])
    t.same(current.aktivitetOgDeltagelse.map((r: Reg) => [r.undertema.label, r.funktionsevneniveau?.level]), [['Varetage økonomi', 2]])
  })

  t.test('a level on an F&F or Omgivelser sub-theme is a 400 naming the field', async (t) => {
    const caseUrl = await openCase()
    const before = await count()
    for (const [theme, undertema] of [['funktioner-og-forhold', ORGANISERING_OG_PLANLAEGNING], ['omgivelsesfaktorer', PERSONER_I_NETVAERK]] as const) {
      const res = await register(caseUrl, theme, { undertema, funktionsevneniveau: LEVEL[2] })
      t.equal(res.statusCode, 400, theme)
      t.match(res.json().errors, [{ in: 'body', pointer: '/funktionsevneniveau', code: 'additionalProperties' }])
    }
    t.equal(await count(), before)
  })

  t.test('a code of the wrong list is a 400 naming the field', async (t) => {
    const caseUrl = await openCase()
    const before = await count()
    const cases: Array<[string, object, string, string]> = [
      ['funktioner-og-forhold', { undertema: VARETAGE_OEKONOMI }, '/undertema',
        'is not a registrable code of Funktioner og forhold (GET /v1/catalogs/funktioner-og-forhold); it is a code of Aktivitet og deltagelse'],
      ['omgivelsesfaktorer', { undertema: OEKONOMISK_SITUATION }, '/undertema',
        'is not a registrable code of Omgivelsesfaktorer (GET /v1/catalogs/omgivelsesfaktorer); it is a code of Funktioner og forhold'],
      ['aktivitet-og-deltagelse', { undertema: ORGANISERING_OG_PLANLAEGNING, funktionsevneniveau: LEVEL[1] }, '/undertema',
        'is not a registrable code of Aktivitet og deltagelse (GET /v1/catalogs/aktivitet-og-deltagelse); it is a code of Funktioner og forhold'],
      ['aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LET_STOETTEBEHOV }, '/funktionsevneniveau',
        'is not a registrable code of Funktionsevneniveau (GET /v1/catalogs/funktionsevneniveau); it is a code of Støttebehov'],
      ['funktioner-og-forhold', { undertema: MENTALE_FUNKTIONER }, '/undertema',
        'is not a registrable code of Funktioner og forhold (GET /v1/catalogs/funktioner-og-forhold); it is a grouping (overtema), not a registrable code'],
      ['funktioner-og-forhold', { undertema: 'Organisering og planlægning' }, '/undertema',
        'is not a registrable code of Funktioner og forhold (GET /v1/catalogs/funktioner-og-forhold)']
    ]
    for (const [theme, payload, pointer, message] of cases) {
      const res = await register(caseUrl, theme, payload)
      t.equal(res.statusCode, 400, `${theme} ${JSON.stringify(payload)}`)
      t.same(res.json().errors, [{ in: 'body', pointer, code: 'enum', message }])
    }
    t.equal(await count(), before)
  })

  t.test('an A&D registration needs a funktionsevneniveau, which may be "ikke vurderet"', async (t) => {
    const caseUrl = await openCase()
    const missing = await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI })
    t.equal(missing.statusCode, 400)
    t.match(missing.json().errors, [{ pointer: '/funktionsevneniveau', code: 'required' }])
    const unassessed = await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL.ikkeVurderet })
    t.equal(unassessed.statusCode, 201)
    t.same(unassessed.json().funktionsevneniveau, { code: LEVEL.ikkeVurderet, label: 'Ikke vurderet', level: null })
  })

  t.test('registration time: now by default, earlier allowed, future refused, checked against the catalog of its day', async (t) => {
    const caseUrl = await openCase()
    const before = Date.now()
    const now = await register(caseUrl, 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION })
    t.ok(Date.parse(now.json().registeredAt) >= before - 1, 'defaults to now')
    const past = await register(caseUrl, 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION, registeredAt: '2023-05-01T12:00:00Z' })
    t.equal(past.statusCode, 201, 'history may be migrated')
    const rows = await count()
    const future = await register(caseUrl, 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION, registeredAt: new Date(Date.now() + 3_600_000).toISOString() })
    t.equal(future.statusCode, 400)
    t.match(future.json().errors, [{ in: 'body', pointer: '/registeredAt', code: 'future' }])
    // 31 Dec 2022 23:30 in Denmark is before the first catalog version (in force from 1 Jan 2023).
    const early = await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[1], registeredAt: '2022-12-31T22:30:00Z' })
    t.equal(early.statusCode, 422)
    t.match(early.json(), { type: 'urn:ffb-api:problem:catalog-code', errors: [{ pointer: '/undertema', code: 'catalog' }] })
    t.match(early.json().detail, /2022-12-31/)
    const midnight = await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[1], registeredAt: '2022-12-31T23:30:00Z' })
    t.equal(midnight.statusCode, 201, '00:30 on 1 Jan 2023 in Denmark is in force')
    const odd = await register(caseUrl, 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION, registeredAt: 'yesterday' })
    t.equal(odd.statusCode, 400)
    t.equal(await count(), rows + 1)
  })

  t.test('registrations are history: three of one sub-theme, the full history and the current view', async (t) => {
    const caseUrl = await openCase()
    await register(caseUrl, 'funktioner-og-forhold', { undertema: ORGANISERING_OG_PLANLAEGNING, registeredAt: '2023-01-01T10:00:00Z' })
    // Sent out of order, as a vendor migrating history may.
    for (const [level, registeredAt] of [[2, '2023-01-01T10:00:00Z'], [0, '2023-06-01T10:00:00Z'], [1, '2023-03-01T10:00:00Z']] as const) {
      const res = await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[level], registeredAt })
      t.equal(res.statusCode, 201)
    }
    const history = await app.inject({ method: 'GET', url: `${caseUrl}/investigation/aktivitet-og-deltagelse`, headers })
    t.same(history.json().items.map((r: Reg) => [r.registeredAt, r.funktionsevneniveau?.level]), [
      ['2023-01-01T10:00:00.000Z', 2], ['2023-03-01T10:00:00.000Z', 1], ['2023-06-01T10:00:00.000Z', 0]
    ], 'every registration, oldest first')

    const page1 = (await app.inject({ method: 'GET', url: `${caseUrl}/investigation/aktivitet-og-deltagelse?limit=2`, headers })).json()
    const page2 = (await app.inject({ method: 'GET', url: `${caseUrl}/investigation/aktivitet-og-deltagelse?limit=2&cursor=${page1.nextCursor as string}`, headers })).json()
    t.same([...page1.items, ...page2.items].map((r: Reg) => r.id), history.json().items.map((r: Reg) => r.id), 'paging walks the same history')
    t.equal(page2.nextCursor, null)

    const current = (await app.inject({ method: 'GET', url: `${caseUrl}/investigation`, headers })).json()
    t.same(current.aktivitetOgDeltagelse.map((r: Reg) => r.funktionsevneniveau?.level), [0], 'the latest per sub-theme')
    t.equal(current.funktionerOgForhold.length, 1)
    const march = (await app.inject({ method: 'GET', url: `${caseUrl}/investigation?at=2023-04-01T00:00:00Z`, headers })).json()
    t.same(march.aktivitetOgDeltagelse.map((r: Reg) => r.funktionsevneniveau?.level), [1], 'as it stood on 1 April')

    const filtered = await app.inject({ method: 'GET', url: `${caseUrl}/investigation/funktioner-og-forhold?undertema=${OEKONOMISK_SITUATION}`, headers })
    t.same(filtered.json().items, [])
  })

  t.test('two registrations at the same instant: the later one is current', async (t) => {
    const caseUrl = await openCase()
    const at = '2023-02-01T10:00:00Z'
    await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[2], registeredAt: at })
    const second = await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[1], registeredAt: at })
    const current = (await app.inject({ method: 'GET', url: `${caseUrl}/investigation`, headers })).json()
    t.same(current.aktivitetOgDeltagelse.map((r: Reg) => r.id), [second.json().id])
  })

  t.test('a retried registration with its Idempotency-Key is stored once', async (t) => {
    const caseUrl = await openCase()
    const before = await count()
    const payload = { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[2], registeredAt: '2023-01-01T10:00:00Z' }
    const first = await register(caseUrl, 'aktivitet-og-deltagelse', payload, { 'idempotency-key': '"reg-1"' })
    const retry = await register(caseUrl, 'aktivitet-og-deltagelse', payload, { 'idempotency-key': '"reg-1"' })
    t.equal(retry.body, first.body)
    t.equal(retry.headers.location, first.headers.location)
    t.equal(await count(), before + 1)
  })

  t.test('another municipality\'s case, or none, is a 404 and nothing is stored', async (t) => {
    const caseUrl = await openCase()
    const stranger = await createTestClient(app, { municipalities: ['102'] })
    const before = await count()
    const res = await app.inject({
      method: 'POST', url: `${caseUrl}/investigation/funktioner-og-forhold`, headers: stranger.headers, payload: { undertema: OEKONOMISK_SITUATION }
    })
    t.equal(res.statusCode, 404)
    t.equal((await register('/v1/cases/00000000-0000-4000-8000-000000000000', 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION })).statusCode, 404)
    t.equal(await count(), before)
    for (const url of [`${caseUrl}/investigation`, `${caseUrl}/investigation/omgivelsesfaktorer`]) {
      t.equal((await app.inject({ method: 'GET', url, headers: stranger.headers })).statusCode, 404, url)
    }
  })

  t.test('registrations are audited under the case', async (t) => {
    const caseUrl = await openCase()
    const caseId = caseUrl.split('/').at(-1)!
    await register(caseUrl, 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION })
    await app.inject({ method: 'GET', url: `${caseUrl}/investigation`, headers })
    const rows = await app.database.db.selectFrom('audit_log').select(['action', 'kommunekode']).where('resource_type', '=', 'investigation')
      .where('resource_id', '=', caseId).orderBy('id').execute()
    t.same(rows, [{ action: 'create', kommunekode: '101' }, { action: 'read', kommunekode: '101' }])
  })

  t.test('concurrent registrations: each answered with its own row, audited under its own request', async (t) => {
    const caseUrl = await openCase()
    const caseId = caseUrl.split('/').at(-1)!
    const responses = await Promise.all(Array.from({ length: 12 }, async (_, i) => i % 2 === 0
      ? await register(caseUrl, 'funktioner-og-forhold', { undertema: OEKONOMISK_SITUATION, oplysningerFraBorgeren: `nr. ${i}` })
      : await register(caseUrl, 'aktivitet-og-deltagelse', { undertema: VARETAGE_OEKONOMI, funktionsevneniveau: LEVEL[i % 4 === 1 ? 1 : 3], oplysningerFraBorgeren: `nr. ${i}` })))
    t.same(responses.map((res) => res.statusCode), Array(12).fill(201))
    t.same(responses.map((res) => res.json().oplysningerFraBorgeren), Array.from({ length: 12 }, (_, i) => `nr. ${i}`))
    for (const res of responses) {
      t.same((await app.inject({ method: 'GET', url: res.headers.location!, headers })).json(), res.json(), 'stored as answered')
    }
    const audited = await app.database.db.selectFrom('audit_log').select(['request_id', 'outcome', 'status'])
      .where('resource_type', '=', 'investigation').where('resource_id', '=', caseId).where('action', '=', 'create').orderBy('id').execute()
    t.same(audited.map((row) => row.request_id).sort(), responses.map((res) => res.headers['x-request-id']).sort(), 'one record per request')
    t.ok(audited.every((row) => row.outcome === 'success' && row.status === 201))
  })

  t.test('registrations made in the same moment share one statement, and each gets the outcome it would have alone', async (t) => {
    const write = registrationWriter(app.database.db)
    const [first, second] = [(await openCase()).split('/').at(-1)!, (await openCase()).split('/').at(-1)!]
    const stranger = await createTestClient(app, { municipalities: ['102'] })
    const hidden = (await app.inject({
      method: 'POST', url: '/v1/cases', headers: stranger.headers, payload: { kommunekode: '102', cpr: '0101904321', openedAt: '2023-01-01T08:00:00Z' }
    })).json().id as string
    const item = (caseId: string, requestId: string, oplysninger: string | null = null): RegistrationItem => ({
      caseId,
      registration: {
        id: randomUUID(),
        theme: 'funktioner-og-forhold',
        undertema: OEKONOMISK_SITUATION,
        funktionsevneniveau: null,
        oplysninger_fra_borgeren: oplysninger,
        oplysninger_fra_andre: null,
        sagsbehandlers_bemaerkninger: 'Bemærkning med "citationstegn", \\ og {klammer}',
        registered_at: new Date('2023-01-01T09:00:00Z'),
        catalog_version: '20240530'
      },
      audit: { clientId: client.id, action: 'create', resourceType: 'investigation', requestId }
    })
    const auditedRequests = async (prefix: string): Promise<Array<[string, string | null]>> =>
      (await app.database.db.selectFrom('audit_log').select(['request_id', 'resource_id']).where('request_id', 'like', `${prefix}%`).orderBy('id').execute())
        .map((row) => [row.request_id, row.resource_id])
    const changedAt = async (id: string): Promise<number> =>
      (await app.database.db.selectFrom('cases').select('changed_at').where('id', '=', id).executeTakeFirstOrThrow()).changed_at.getTime()
    const before = [await changedAt(first), await changedAt(second), await changedAt(hidden)]

    const rows = (await Promise.all([write(app.database.db, client, item(first, 'shared-1')), write(app.database.db, client, item(hidden, 'shared-2')),
      write(app.database.db, client, item(first, 'shared-3')), write(app.database.db, client, item(second, 'shared-4'))])).map((stored) => stored.row)
    t.same(rows.map((row) => row?.case_id), [first, undefined, first, second], 'a case the caller may not see gets nothing')
    t.equal(new Set(rows.map((row) => row?.created_at.getTime()).filter((at) => at !== undefined)).size, 1, 'one statement')
    t.ok(rows[0]!.seq < rows[2]!.seq && rows[2]!.seq < rows[3]!.seq, 'stored in the order they came')
    t.equal(rows[0]!.sagsbehandlers_bemaerkninger, 'Bemærkning med "citationstegn", \\ og {klammer}', 'text survives the array parameters')
    t.same(await auditedRequests('shared-'), [['shared-1', first], ['shared-3', first], ['shared-4', second]], 'each stored registration audited under its request')
    t.ok(await changedAt(first) > before[0]! && await changedAt(second) > before[1]!, 'both cases marked changed')
    t.equal(await changedAt(hidden), before[2], 'the hidden case untouched')

    await sql.raw(`CREATE FUNCTION fail_registration() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.oplysninger_fra_borgeren = 'fail' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`).execute(app.database.db)
    await sql.raw('CREATE TRIGGER fail_registration BEFORE INSERT ON theme_registrations FOR EACH ROW EXECUTE FUNCTION fail_registration()')
      .execute(app.database.db)
    t.teardown(async () => { await sql.raw('DROP TRIGGER fail_registration ON theme_registrations').execute(app.database.db) })
    const outcomes = await Promise.allSettled([write(app.database.db, client, item(first, 'alone-1')),
      write(app.database.db, client, item(first, 'alone-2', 'fail')), write(app.database.db, client, item(second, 'alone-3'))])
    t.same(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled'], 'only the failing registration fails')
    t.match(outcomes[1], { reason: { message: /injected failure/ } })
    t.same(await auditedRequests('alone-'), [['alone-1', first], ['alone-3', second]], 'the others are stored, with their audit records')
    t.equal((await app.database.db.selectFrom('theme_registrations').select('id').where('oplysninger_fra_borgeren', '=', 'fail').execute()).length, 0)
  })
})
