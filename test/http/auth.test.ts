import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { AGGREGATES } from '../../src/analytics/aggregates.js'
import { createClient, hashToken, revokeClient, rotateToken, SCOPES, type Client } from '../../src/clients/clients.js'
import { TOKEN_TTL_MS } from '../../src/clients/token-cache.js'
import { THEMES } from '../../src/investigation/schemas.js'
import { AD, LEVEL, MAALGRUPPE, MAALTYPE, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { buildTestApp, createTestClient } from '../helper.js'

const PUBLIC = ['/health', '/ready', '/openapi.json', '/docs']
const isPublic = (url: string): boolean => PUBLIC.some((p) => url === p || url.startsWith(`${p}/`))

/** A concrete URL for a route pattern: every :param gets a well-formed id. */
const concrete = (url: string): string => url.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000').replace('*', 'x')

/**
 * How another municipality's data must stay hidden from each route. Every
 * authenticated route needs an entry (keyed "METHOD /url"): it seeds data in
 * municipality 101 and returns the request a client serving only 999 sends.
 * The answer must be a 404 (a resource by id), a 403 (a create naming 101),
 * or a 200 that does not contain the seeded marker (lists and searches).
 * A new route fails the matrix below until it gets an entry here.
 */
interface Probe { url: string, payload?: object, expect: 404 | 403 | 'hidden' | 'no citizen data', marker?: string }
const noCitizenData = (url: string) => async (): Promise<Probe> => ({ url, expect: 'no citizen data' })

interface Seeded {
  caseId: string
  registrations: Record<string, string>
  goalId: string
  decisionId: string
  sagsafgoerelsesId: string
  interventionId: string
  ydelseId: string
  delmaalId: string
  noteId: string
  followUpId: string
}

/** A case in municipality 101 with something of every kind on it, written straight to the database. */
async function seedCase (app: FastifyInstance): Promise<Seeded> {
  const db = app.database.db
  const at = new Date()
  const kommunekode = '101'
  const caseId = randomUUID()
  await db.insertInto('cases').values({ id: caseId, kommunekode, cpr: '0101904321', borgerens_oensker: null, opened_at: at }).execute()
  const registrations: Record<string, string> = {}
  for (const theme of THEMES) {
    registrations[theme.id] = randomUUID()
    await db.insertInto('theme_registrations').values({
      id: registrations[theme.id]!,
      case_id: caseId,
      kommunekode,
      theme: theme.id,
      undertema: theme.example.undertema as string,
      funktionsevneniveau: (theme.example.funktionsevneniveau as string | undefined) ?? null,
      registered_at: at,
      catalog_version: '20240530'
    }).execute()
  }
  await db.insertInto('assessments').values({ case_id: caseId, kommunekode, samlet_vurdering: 'seeded', indsatsformaal: null }).execute()
  const goalId = randomUUID()
  await db.insertInto('goals').values({
    id: goalId,
    case_id: caseId,
    kommunekode,
    maalformulering: 'seeded',
    maaltype: MAALTYPE.udvikle,
    primaert_undertema: AD.varetageOekonomi,
    aktuel_registration_id: registrations['aktivitet-og-deltagelse']!,
    forventet_funktionsevneniveau: LEVEL[1],
    opfoelgningsdato: '2030-01-01',
    ansvarlig_for_opfoelgning: 'x',
    registered_at: at,
    catalog_version: '20240530'
  }).execute()
  const decisionId = randomUUID()
  const sagsafgoerelsesId = `seeded-${decisionId}`
  await db.insertInto('decisions').values({
    id: decisionId,
    case_id: caseId,
    kommunekode,
    sagsafgoerelses_id: sagsafgoerelsesId,
    afgoerelsesdato: '2025-01-01',
    primaer_maalgruppe: MAALGRUPPE.angst,
    maalgrupper_registered_at: at,
    catalog_version: '20240530'
  }).execute()
  await db.insertInto('stoettebehov').values({ id: randomUUID(), decision_id: decisionId, kommunekode, code: STOETTEBEHOV.let, begrundelse: 'x', registered_at: at }).execute()
  const interventionId = randomUUID()
  await db.insertInto('interventions').values({
    id: interventionId,
    decision_id: decisionId,
    kommunekode,
    tilbud: TILBUD.mobiltTilbud,
    tilbud_registered_at: at,
    p_nummer: '1012345678',
    bevillingsdato: '2025-01-01',
    catalog_version: '20240530'
  }).execute()
  const ydelseId = randomUUID()
  await db.insertInto('intervention_ydelser').values({
    id: ydelseId, intervention_id: interventionId, kommunekode, code: YDELSE.stoetteTilTransport, startdato: '2025-01-01', registered_at: at
  }).execute()
  const delmaalId = randomUUID()
  await db.insertInto('delmaal').values({ id: delmaalId, case_id: caseId, goal_id: goalId, kommunekode, tekst: 'seeded', startdato: '2025-01-01', maaldato: null, status: 'aktiv' }).execute()
  const noteId = randomUUID()
  await db.insertInto('notes').values({ id: noteId, case_id: caseId, kommunekode, tekst: 'seeded', tidspunkt: at, forfatterrolle: 'udfoerer', delmaal_id: delmaalId }).execute()
  const followUpId = randomUUID()
  await db.insertInto('follow_ups').values({
    id: followUpId, decision_id: decisionId, case_id: caseId, kommunekode, opfoelgningsdato: '2025-06-01', registered_at: at, status_paa_indsats: STATUS.fortsaettelse
  }).execute()
  await db.insertInto('stoettebehov').values({
    id: randomUUID(), decision_id: decisionId, kommunekode, code: STOETTEBEHOV.let, begrundelse: 'x', registered_at: at, follow_up_id: followUpId
  }).execute()
  return { caseId, registrations, goalId, decisionId, sagsafgoerelsesId, interventionId, ydelseId, delmaalId, noteId, followUpId }
}

/** An annulment as every probe of one sends it (without If-Match: the record is not found first). */
const ANNULMENT = { reason: 'fejlregistrering' }

const byId = (path: (seeded: Seeded) => string, payload?: object) =>
  async (app: FastifyInstance): Promise<Probe> => ({ url: path(await seedCase(app)), payload, expect: 404 })

const themeProbes = Object.fromEntries(THEMES.flatMap((theme) => [
  [`POST /v1/cases/:id/investigation/${theme.id}`, byId((s) => `/v1/cases/${s.caseId}/investigation/${theme.id}`, theme.example)],
  [`GET /v1/cases/:id/investigation/${theme.id}`, byId((s) => `/v1/cases/${s.caseId}/investigation/${theme.id}`)],
  [`GET /v1/cases/:id/investigation/${theme.id}/:registrationId`,
    byId((s) => `/v1/cases/${s.caseId}/investigation/${theme.id}/${s.registrations[theme.id]!}`)],
  [`POST /v1/cases/:id/investigation/${theme.id}/:registrationId/annulment`,
    byId((s) => `/v1/cases/${s.caseId}/investigation/${theme.id}/${s.registrations[theme.id]!}/annulment`, ANNULMENT)],
  [`PATCH /v1/cases/:id/investigation/${theme.id}/:registrationId`,
    byId((s) => `/v1/cases/${s.caseId}/investigation/${theme.id}/${s.registrations[theme.id]!}`, { sagsbehandlersBemaerkninger: 'x' })],
  [`GET /v1/cases/:id/investigation/${theme.id}/:registrationId/versions`,
    byId((s) => `/v1/cases/${s.caseId}/investigation/${theme.id}/${s.registrations[theme.id]!}/versions`)]
]))
const probes: Record<string, (app: FastifyInstance, seeder: Client) => Promise<Probe>> = {
  'GET /v1/audit': async (app, seeder) => {
    await app.database.db.insertInto('audit_log').values({
      client_id: seeder.id,
      kommunekode: '101',
      action: 'read',
      resource_type: 'case',
      resource_id: 'seeded-in-101',
      request_id: 'seed',
      outcome: 'success',
      status: 200
    }).execute()
    return { url: '/v1/audit', expect: 'hidden', marker: 'seeded-in-101' }
  },
  // The FFB lists are the same for every municipality.
  'GET /v1/catalogs': noCitizenData('/v1/catalogs'),
  'GET /v1/catalogs/:list': noCitizenData('/v1/catalogs/maaltype'),
  'GET /v1/catalogs/:list/:code': noCitizenData('/v1/catalogs/maaltype/d41c8072-52f8-42b5-9375-ddbea454d27f'),
  // Operations data: counts per route pattern, never a municipality's data.
  'GET /metrics': noCitizenData('/metrics'),
  // The caller's own client: what its token may do.
  'GET /v1/me': noCitizenData('/v1/me'),
  'POST /v1/cases': async () => ({ url: '/v1/cases', payload: { kommunekode: '101', cpr: '0101904321' }, expect: 403 }),
  'GET /v1/cases/:id': byId((s) => `/v1/cases/${s.caseId}`),
  'PATCH /v1/cases/:id': byId((s) => `/v1/cases/${s.caseId}`, { diagnoser: [] }),
  'GET /v1/cases': async (app) => ({ url: '/v1/cases', expect: 'hidden', marker: (await seedCase(app)).caseId }),
  'POST /v1/cases/search': async (app) => ({
    url: '/v1/cases/search', payload: { cpr: '0101904321' }, expect: 'hidden', marker: (await seedCase(app)).caseId
  }),
  'POST /v1/insight': async (app) => ({ url: '/v1/insight', payload: { cpr: '0101904321' }, expect: 'hidden', marker: (await seedCase(app)).caseId }),
  'GET /v1/cases/:id/investigation': byId((s) => `/v1/cases/${s.caseId}/investigation`),
  'GET /v1/cases/:id/assessment': byId((s) => `/v1/cases/${s.caseId}/assessment`),
  'PUT /v1/cases/:id/assessment': byId((s) => `/v1/cases/${s.caseId}/assessment`, { samletVurdering: 'x', indsatsformaal: null }),
  'POST /v1/cases/:id/goals': byId((s) => `/v1/cases/${s.caseId}/goals`, {
    maalformulering: 'x',
    maaltype: MAALTYPE.udvikle,
    primaertUndertema: AD.varetageOekonomi,
    forventetFunktionsevneniveau: LEVEL[1],
    opfoelgningsdato: '2030-01-01',
    ansvarligForOpfoelgning: 'x'
  }),
  'GET /v1/cases/:id/goals': byId((s) => `/v1/cases/${s.caseId}/goals`),
  'GET /v1/cases/:id/goals/:goalId': byId((s) => `/v1/cases/${s.caseId}/goals/${s.goalId}`),
  'PATCH /v1/cases/:id/goals/:goalId': byId((s) => `/v1/cases/${s.caseId}/goals/${s.goalId}`, { ansvarligForOpfoelgning: 'x' }),
  'GET /v1/cases/:id/goals/:goalId/versions': byId((s) => `/v1/cases/${s.caseId}/goals/${s.goalId}/versions`),
  'POST /v1/cases/:id/decisions': byId((s) => `/v1/cases/${s.caseId}/decisions`, {
    afgoerelsesdato: '2025-01-01', stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' }, maalgrupper: { primaer: MAALGRUPPE.angst }
  }),
  'GET /v1/cases/:id/decisions': byId((s) => `/v1/cases/${s.caseId}/decisions`),
  'GET /v1/decisions': async (app) => ({ url: '/v1/decisions', expect: 'hidden', marker: (await seedCase(app)).sagsafgoerelsesId }),
  'GET /v1/decisions/:id': byId((s) => `/v1/decisions/${s.decisionId}`),
  'PATCH /v1/decisions/:id': byId((s) => `/v1/decisions/${s.decisionId}`, { afgoerelsesdato: '2025-01-02' }),
  'GET /v1/decisions/:id/versions': byId((s) => `/v1/decisions/${s.decisionId}/versions`),
  'POST /v1/decisions/:id/interventions': byId((s) => `/v1/decisions/${s.decisionId}/interventions`, {
    tilbud: { code: TILBUD.mobiltTilbud },
    ydelser: [{ code: YDELSE.stoetteTilTransport, startdato: '2025-01-01' }],
    leverandoer: { pNummer: '1012345678' },
    bevillingsdato: '2025-01-01'
  }),
  'GET /v1/decisions/:id/interventions/:interventionId': byId((s) => `/v1/decisions/${s.decisionId}/interventions/${s.interventionId}`),
  'POST /v1/decisions/:id/interventions/:interventionId/ydelser': byId((s) => `/v1/decisions/${s.decisionId}/interventions/${s.interventionId}/ydelser`, {
    code: YDELSE.stoetteTilUddannelse, startdato: '2025-02-01'
  }),
  'POST /v1/decisions/:id/interventions/:interventionId/ending': byId((s) => `/v1/decisions/${s.decisionId}/interventions/${s.interventionId}/ending`, {
    slutdato: '2025-06-30'
  }),
  'POST /v1/decisions/:id/interventions/:interventionId/provider-change': byId((s) => `/v1/decisions/${s.decisionId}/interventions/${s.interventionId}/provider-change`, {
    slutdato: '2025-06-30', leverandoer: { pNummer: '1023456789' }
  }),
  'GET /v1/decisions/:id/interventions': byId((s) => `/v1/decisions/${s.decisionId}/interventions`),
  'POST /v1/decisions/:id/ending': byId((s) => `/v1/decisions/${s.decisionId}/ending`, { slutdato: '2025-06-30', reason: 'x' }),
  'GET /v1/decisions/:id/follow-ups': byId((s) => `/v1/decisions/${s.decisionId}/follow-ups`),
  'GET /v1/ydelser/:id': byId((s) => `/v1/ydelser/${s.ydelseId}`),
  'PATCH /v1/ydelser/:id': byId((s) => `/v1/ydelser/${s.ydelseId}`, { slutdato: '2025-06-30' }),
  'GET /v1/ydelser/:id/versions': byId((s) => `/v1/ydelser/${s.ydelseId}/versions`),
  'POST /v1/cases/:id/delmaal': byId((s) => `/v1/cases/${s.caseId}/delmaal`, { goalId: randomUUID(), tekst: 'x', startdato: '2025-01-01' }),
  'GET /v1/cases/:id/delmaal': byId((s) => `/v1/cases/${s.caseId}/delmaal`),
  'GET /v1/cases/:id/delmaal/:delmaalId': byId((s) => `/v1/cases/${s.caseId}/delmaal/${s.delmaalId}`),
  'PATCH /v1/cases/:id/delmaal/:delmaalId': byId((s) => `/v1/cases/${s.caseId}/delmaal/${s.delmaalId}`, { status: 'opnaaet' }),
  'POST /v1/cases/:id/notes': byId((s) => `/v1/cases/${s.caseId}/notes`, { tekst: 'x', forfatterrolle: 'udfoerer' }),
  'GET /v1/cases/:id/notes': byId((s) => `/v1/cases/${s.caseId}/notes`),
  'GET /v1/cases/:id/notes/:noteId': byId((s) => `/v1/cases/${s.caseId}/notes/${s.noteId}`),
  'POST /v1/decisions/:id/follow-ups': byId((s) => `/v1/decisions/${s.decisionId}/follow-ups`, {
    maal: [{ goalId: randomUUID(), funktionsevneniveau: LEVEL[1], maalOpnaaet: false }],
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' },
    naesteOpfoelgningsdato: '2030-01-01',
    statusPaaIndsats: STATUS.fortsaettelse
  }),
  'GET /v1/decisions/:id/follow-ups/:followUpId': byId((s) => `/v1/decisions/${s.decisionId}/follow-ups/${s.followUpId}`),
  'PATCH /v1/decisions/:id/follow-ups/:followUpId': byId((s) => `/v1/decisions/${s.decisionId}/follow-ups/${s.followUpId}`, {
    naesteOpfoelgningsdato: '2030-01-01'
  }),
  'GET /v1/decisions/:id/follow-ups/:followUpId/versions': byId((s) => `/v1/decisions/${s.decisionId}/follow-ups/${s.followUpId}/versions`),
  'GET /v1/follow-ups/due': async (app) => ({ url: '/v1/follow-ups/due?date=2099-01-01', expect: 'hidden', marker: (await seedCase(app)).goalId }),
  'GET /v1/cases/:id/timeline': byId((s) => `/v1/cases/${s.caseId}/timeline`),
  'POST /v1/cases/:id/assessment/annulment': byId((s) => `/v1/cases/${s.caseId}/assessment/annulment`, ANNULMENT),
  'POST /v1/cases/:id/goals/:goalId/annulment': byId((s) => `/v1/cases/${s.caseId}/goals/${s.goalId}/annulment`, ANNULMENT),
  'POST /v1/decisions/:id/annulment': byId((s) => `/v1/decisions/${s.decisionId}/annulment`, ANNULMENT),
  'POST /v1/decisions/:id/interventions/:interventionId/annulment':
    byId((s) => `/v1/decisions/${s.decisionId}/interventions/${s.interventionId}/annulment`, ANNULMENT),
  'POST /v1/ydelser/:id/annulment': byId((s) => `/v1/ydelser/${s.ydelseId}/annulment`, ANNULMENT),
  'POST /v1/cases/:id/delmaal/:delmaalId/annulment': byId((s) => `/v1/cases/${s.caseId}/delmaal/${s.delmaalId}/annulment`, ANNULMENT),
  'POST /v1/cases/:id/notes/:noteId/annulment': byId((s) => `/v1/cases/${s.caseId}/notes/${s.noteId}/annulment`, ANNULMENT),
  'POST /v1/decisions/:id/follow-ups/:followUpId/annulment':
    byId((s) => `/v1/decisions/${s.decisionId}/follow-ups/${s.followUpId}/annulment`, ANNULMENT),
  'GET /v1/decisions/:id/uddata': byId((s) => `/v1/decisions/${s.sagsafgoerelsesId}/uddata`),
  'GET /v1/exports/uddata': async (app) => ({ url: '/v1/exports/uddata', expect: 'hidden', marker: (await seedCase(app)).sagsafgoerelsesId }),
  'GET /v1/cases/:id/fhir': byId((s) => `/v1/cases/${s.caseId}/fhir`),
  // The FHIR stream is per municipality: naming one the client does not serve is refused.
  'GET /v1/exports/fhir': async () => ({ url: '/v1/exports/fhir?kommunekode=101', expect: 403 }),
  // An aggregate counts only the caller's municipalities; naming another is refused.
  ...Object.fromEntries(AGGREGATES.map((a) => [`GET /v1/analytics/${a.path}`, async (): Promise<Probe> => ({ url: `/v1/analytics/${a.path}?kommunekode=101`, expect: 403 })])),
  'GET /v1/analytics/cases/:id/progression': byId((s) => `/v1/analytics/cases/${s.caseId}/progression`),
  ...themeProbes
}

t.test('authentication', async (t) => {
  const app = await buildTestApp(t)

  t.test('a request without a token is a 401 problem with WWW-Authenticate', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/v1/audit' })
    t.equal(res.statusCode, 401)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="ffb-api"')
    t.match(res.json(), { type: 'urn:ffb-api:problem:unauthorized', status: 401 })
  })

  t.test('an unknown, malformed or revoked token is a 401 problem naming invalid_token', async (t) => {
    const { client, headers } = await createTestClient(app)
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers })).statusCode, 200)
    await revokeClient(app.database.db, client.id)
    for (const authorization of [headers.authorization, 'Bearer ffb_nosuchtoken', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const res = await app.inject({ method: 'GET', url: '/v1/audit', headers: { authorization } })
      t.equal(res.statusCode, 401, authorization)
      t.equal(res.headers['www-authenticate'], 'Bearer realm="ffb-api", error="invalid_token"')
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    }
  })

  t.test('an expired token is a 401 problem saying it expired, not which token', async (t) => {
    const expired = async (expiresAt: Date) => {
      const { token } = await createClient(app.database.db, { name: 'expiring', municipalities: ['101'], scopes: SCOPES }, { expiresAt })
      return { authorization: `Bearer ${token}` }
    }
    const check = (res: Awaited<ReturnType<typeof app.inject>>, name: string) => {
      t.equal(res.statusCode, 401, name)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.equal(res.headers['www-authenticate'], 'Bearer realm="ffb-api", error="invalid_token", error_description="The token has expired"')
      t.match(res.json(), { type: 'urn:ffb-api:problem:unauthorized', status: 401, detail: 'The bearer token has expired; ask the operator for a new one' })
      t.notMatch(res.body, /ffb_/, 'the token is not named')
    }
    check(await app.inject({ method: 'GET', url: '/v1/me', headers: await expired(new Date(Date.now() - 1000)) }), 'expired before its first use')
    // Remembered by the token cache while valid: the expiry is still checked on every request.
    const soon = await expired(new Date(Date.now() + 1500))
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers: soon })).statusCode, 200, 'valid until it expires')
    await sleep(1600)
    check(await app.inject({ method: 'GET', url: '/v1/audit', headers: soon }), 'expired while cached')
  })

  t.test('a valid token without the route\'s scope is a 403 problem', async (t) => {
    const { headers } = await createTestClient(app, { scopes: ['cases:read'] })
    const res = await app.inject({ method: 'GET', url: '/v1/audit', headers })
    t.equal(res.statusCode, 403)
    t.match(res.json(), { type: 'urn:ffb-api:problem:forbidden', detail: 'This client lacks the scope audit:read' })
  })

  t.test('rotating a token revokes the old one, unless asked to keep it', async (t) => {
    const { client, headers } = await createTestClient(app)
    const kept = await rotateToken(app.database.db, client.id, { keepOld: true })
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers })).statusCode, 200, 'old token kept')
    const fresh = await rotateToken(app.database.db, client.id)
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers })).statusCode, 401, 'old token revoked')
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers: { authorization: `Bearer ${kept}` } })).statusCode, 401)
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers: { authorization: `Bearer ${fresh}` } })).statusCode, 200)
  })

  t.test('a token revoked by another process (npm run clients) stops working within TOKEN_TTL_MS', async (t) => {
    const { client, headers } = await createTestClient(app)
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers })).statusCode, 200)
    // What the command line does, on a connection this app does not know about.
    await app.database.withSession(async (s) => await s.query('UPDATE api_tokens SET revoked_at = now() WHERE client_id = $1', [client.id]))
    await sleep(TOKEN_TTL_MS + 100)
    t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers })).statusCode, 401)
  })

  t.test('tokens are stored only as hashes: the plain token is nowhere in the database', async (t) => {
    const { token } = await createTestClient(app)
    const everything = await app.database.withSession(async (s) => await s.query<{ dump: string }>(
      `SELECT (SELECT coalesce(json_agg(c)::text, '') FROM api_clients c) ||
              (SELECT coalesce(json_agg(k)::text, '') FROM api_tokens k) ||
              (SELECT coalesce(json_agg(a)::text, '') FROM audit_log a) AS dump`))
    const dump = everything[0]?.dump ?? ''
    t.ok(dump.includes(hashToken(token)), 'the hash is stored')
    t.notOk(dump.includes(token), 'the token is not')
    t.notOk(dump.includes(token.slice(12)), 'nor its secret part')
  })
})

t.test('every route of the app', async (t) => {
  const app = await buildTestApp(t)
  const seeder = await createTestClient(app, { municipalities: ['101'] })
  const other = await createTestClient(app, { municipalities: ['999'] })
  const routes = app.routeTable.filter((r) => r.method !== 'HEAD' && !isPublic(r.url))
  t.ok(routes.length > 0, 'the table lists authenticated routes')

  t.test('only /health, /ready, /openapi.json and /docs are public', async (t) => {
    t.same(app.routeTable.filter((r) => r.public && !isPublic(r.url)), [])
  })

  for (const route of routes) {
    t.test(`${route.method} ${route.url} rejects a request without a token`, async (t) => {
      const res = await app.inject({ method: route.method as 'GET', url: concrete(route.url) })
      t.equal(res.statusCode, 401)
      t.equal(res.headers['www-authenticate'], 'Bearer realm="ffb-api"')
    })

    t.test(`${route.method} ${route.url} does not reveal another municipality's data`, async (t) => {
      const probe = probes[`${route.method} ${route.url}`]
      if (probe === undefined) return t.fail(`add a probes entry for ${route.method} ${route.url}`)
      const { url, payload, expect, marker } = await probe(app, seeder.client)
      // An update names a version it read (If-Match, required): the probe is then answered by what it finds, not by the 428.
      const res = await app.inject({ method: route.method as 'GET', url, payload, headers: { ...other.headers, 'if-match': '"probe"' } })
      if (expect === 'no citizen data') return t.equal(res.statusCode, 200, res.body)
      if (expect !== 'hidden') return t.equal(res.statusCode, expect, res.body)
      t.equal(res.statusCode, 200, res.body)
      t.ok(marker !== undefined && !res.body.includes(marker), 'the seeded data is not in the answer')
      const own = await app.inject({ method: route.method as 'GET', url, payload, headers: seeder.headers })
      t.ok(marker !== undefined && own.body.includes(marker), 'while a client serving 101 sees it')
    })
  }
})

t.test('rate limiting answers a 429 problem with Retry-After per client', async (t) => {
  const app = await buildTestApp(t, { config: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } })
  const busy = await createTestClient(app)
  const calm = await createTestClient(app)
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers: busy.headers })).statusCode, 200)
  const limited = await app.inject({ method: 'GET', url: '/v1/audit', headers: busy.headers })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.equal(limited.json().type, 'urn:ffb-api:problem:too-many-requests')
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers: calm.headers })).statusCode, 200, 'another client is not limited')
})

t.test('security headers are set', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.match(res.headers['strict-transport-security'], /max-age=/)
  t.match(res.headers['content-security-policy'], /default-src 'self'/)
})
