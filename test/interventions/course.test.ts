import t, { type Test } from 'tap'
import { TILBUD, YDELSE } from '../support/codes.js'
import { aCase, aDecision, anIntervention, type Json } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'
import { code, ofProfile, ORG, X } from '../support/fhir.js'
import { violations } from '../support/fhir-validation.js'

/**
 * A social intervention over time, through HTTP: Mikkel's journey (seed 002)
 * — a § 107 midlertidigt botilbud with midlertidigt ophold and § 85 støtte —
 * extended, added to, moved to another provider and ended early; with the
 * uddata document checked after each step and the status of each period
 * checked on an injected clock.
 */

const DAGLIGE_OPGAVER = '638f44df-6bf2-47f8-9935-b8fdc83e5bf5'

// One app for the file, on one clock each test sets back to its start; each test records its citizen in a
// municipality of its own and reads with a client of that municipality only (scoping keeps them apart).
const MUNICIPALITIES = ['101', '151', '153', '155', '157', '159', '161', '163', '165', '167', '169', '173', '175']
const START = '2026-12-15T12:00:00Z'
let now = new Date(START)
const app = await buildTestApp(t, { clock: () => now, config: { kombitOrganisations: new Map(MUNICIPALITIES.map((k) => [k, ORG])) } })

async function setUp (t: Test) {
  now = new Date(START)
  const kommunekode = MUNICIPALITIES.shift()!
  const { headers, client } = await createTestClient(app, { municipalities: [kommunekode] })
  const caseUrl = (await aCase(app, headers, { kommunekode })).location
  // A målgruppe of KL's value set (X), so the FHIR bundle is one the receiver accepts.
  const decision = await aDecision(app, headers, caseUrl, { afgoerelsesdato: '2026-12-10', maalgrupper: { primaer: X.maalgruppe, registeredAt: '2023-01-01T12:00:00+01:00' } })
  const stay = await anIntervention(app, headers, decision.id, {
    tilbud: { code: TILBUD.midlertidigtBotilbud },
    ydelser: [{ code: YDELSE.midlertidigtOphold, startdato: '2027-01-01', slutdato: '2027-06-30' }],
    leverandoer: { pNummer: '1012345678' },
    bevillingsdato: '2026-12-10'
  })
  const support = await anIntervention(app, headers, decision.id, {
    tilbud: { code: TILBUD.mobiltTilbud },
    ydelser: [
      { code: YDELSE.stoetteTilAdministration, startdato: '2027-01-01' },
      { code: DAGLIGE_OPGAVER, startdato: '2027-01-01' }
    ],
    bevillingsdato: '2026-12-10'
  })
  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) })
  const etag = async (url: string): Promise<string> => (await call('GET', url)).headers.etag!
  const uddata = async (): Promise<Json> => (await call('GET', `/v1/decisions/${decision.id}/uddata`)).json()
  /** The FHIR delivery as it stands: valid, and each ydelse's CarePlan as [id, code, start, end, status, versionId], by start and code. */
  const fhir = async (): Promise<Array<[string, string, string, string | null, string, string]>> => {
    const bundle = (await call('GET', `${caseUrl}/fhir`)).json()
    t.same(violations(bundle), [], 'the FHIR bundle is valid')
    return ofProfile(bundle, 'intervention')
      .map((r): [string, string, string, string | null, string, string] =>
        [r.id, code(r.activity[0].detail.code), r.period.start, r.period.end ?? null, r.status, r.meta.versionId])
      .sort((a, b) => a[2].localeCompare(b[2]) || a[1].localeCompare(b[1]))
  }
  return {
    app,
    headers,
    client,
    decision,
    stay,
    support,
    call,
    etag,
    uddata,
    fhir,
    setNow: (instant: string) => { now = new Date(instant) }
  }
}

/** A ydelse's FHIR CarePlan without its id and version: code, start, end, status. */
const fields = (plans: Array<[string, string, string, string | null, string, string]>) => plans.map(([, c, start, end, status]) => [c, start, end, status])

const ydelseBlocks = (doc: Json) => doc.socialIndsats.map((i: Json) => ({
  tilbud: i.udfoerendeTilbudstype.code,
  p: i.produktionsenhedsnummer,
  ydelser: i.ydelser.map((y: Json) => [y.ydelse.code, y.startDatoForYdelse, y.slutDatoForYdelse]),
  dst: i.dst.derivable === true ? i.dst.ydelseskode : null
}))

t.test("Mikkel's journey: extended, added to, moved, ended early — the uddata document and the FHIR bundle follow each step", async (t) => {
  const { stay, support, call, etag, uddata, fhir, setNow, decision } = await setUp(t)
  const ordered = await fhir()
  t.same(fields(ordered), [
    [DAGLIGE_OPGAVER, '2027-01-01', null, 'active'], [YDELSE.midlertidigtOphold, '2027-01-01', '2027-06-30', 'active'],
    [YDELSE.stoetteTilAdministration, '2027-01-01', null, 'active']
  ], 'FHIR: a CarePlan per ydelse, as ordered')
  const ophold = stay.body.ydelser[0].id as string
  t.same(ydelseBlocks(await uddata()), [
    { tilbud: TILBUD.midlertidigtBotilbud, p: '1012345678', ydelser: [[YDELSE.midlertidigtOphold, '2027-01-01', '2027-06-30']], dst: '1.8.2' },
    {
      tilbud: TILBUD.mobiltTilbud,
      p: '1012345678',
      ydelser: [[YDELSE.stoetteTilAdministration, '2027-01-01', null], [DAGLIGE_OPGAVER, '2027-01-01', null]],
      dst: '1.12.0.2'
    }
  ], 'as ordered')
  t.same(stay.body.ydelser.map((y: Json) => y.status), ['planned'], 'before the stay starts it is planned')
  t.equal(stay.body.status, 'planned')
  t.same(stay.body.dst.ydelseskode, '1.8.2', 'the intervention answers its DST code')

  // 1. The § 107 stay is extended by six months.
  const extended = await call('PATCH', `/v1/ydelser/${ophold}`, { slutdato: '2027-12-31', reason: 'Forlænget med seks måneder' },
    { 'if-match': await etag(`/v1/ydelser/${ophold}`) })
  t.equal(extended.statusCode, 200, extended.body)
  t.equal(extended.json().slutdato, '2027-12-31')
  t.equal(extended.json().version, 2)
  t.same(extended.json().intervention.warnings, [], 'a botilbud with its opholdsydelse: no warning')
  t.equal(extended.json().intervention.dst.ydelseskode, '1.8.2', 'the DST code, recomputed')
  t.equal(extended.headers.etag, await etag(`/v1/ydelser/${ophold}`), 'the answer carries the new ETag')
  t.same(ydelseBlocks(await uddata())[0].ydelser, [[YDELSE.midlertidigtOphold, '2027-01-01', '2027-12-31']], 'uddata: the new slutdato')
  const extendedPlan = (await fhir()).find((p) => p[1] === YDELSE.midlertidigtOphold)!
  const orderedPlan = ordered.find((p) => p[1] === YDELSE.midlertidigtOphold)!
  t.same(extendedPlan.slice(0, 5), [orderedPlan[0], YDELSE.midlertidigtOphold, '2027-01-01', '2027-12-31', 'active'], 'FHIR: the same CarePlan, its new end')
  t.not(extendedPlan[5], orderedPlan[5], 'with a new versionId')
  const versions = (await call('GET', `/v1/ydelser/${ophold}/versions`)).json().items
  t.same(versions.map((v: Json) => [v.version, v.data.slutdato, v.reason]), [[1, '2027-06-30', null], [2, '2027-12-31', 'Forlænget med seks måneder']],
    'both versions are kept, with the reason')

  // 2. "Støtte til uddannelse" is added later to the same § 85 support.
  const added = await call('POST', `${support.location}/ydelser`, { code: YDELSE.stoetteTilUddannelse, startdato: '2027-03-01' },
    { 'if-match': await etag(support.location) })
  t.equal(added.statusCode, 201, added.body)
  t.equal(added.headers.location, `/v1/ydelser/${added.json().id}`)
  t.equal((await call('GET', added.headers.location!)).json().code, YDELSE.stoetteTilUddannelse, 'the new ydelse has its own URL')
  t.same(ydelseBlocks(await uddata())[1].ydelser.at(-1), [YDELSE.stoetteTilUddannelse, '2027-03-01', null], 'uddata: the added ydelse')
  t.same(fields(await fhir()).at(-1), [YDELSE.stoetteTilUddannelse, '2027-03-01', null, 'active'], 'FHIR: its CarePlan')

  // 3. The stay moves to another provider on 1 October 2027.
  const moved = await call('POST', `${stay.location}/provider-change`, { slutdato: '2027-09-30', leverandoer: { pNummer: '1023456789' }, reason: 'Flytter' },
    { 'if-match': await etag(stay.location) })
  t.equal(moved.statusCode, 201, moved.body)
  t.equal(moved.json().continuesInterventionId, stay.id)
  t.match(moved.headers.location, new RegExp(`^/v1/decisions/${decision.id}/interventions/`))
  const old = (await call('GET', stay.location)).json()
  t.equal(old.slutdato, '2027-09-30', 'the old intervention ended the day before')
  t.same(ydelseBlocks(await uddata()).map((b: Json) => [b.p, b.ydelser]), [
    ['1012345678', [[YDELSE.midlertidigtOphold, '2027-01-01', '2027-09-30']]],
    ['1012345678', [[YDELSE.stoetteTilAdministration, '2027-01-01', null], [DAGLIGE_OPGAVER, '2027-01-01', null], [YDELSE.stoetteTilUddannelse, '2027-03-01', null]]],
    ['1023456789', [[YDELSE.midlertidigtOphold, '2027-10-01', '2027-12-31']]]
  ], 'uddata: a new period with the new provider, to the old end')
  t.same(fields(await fhir()).filter(([c]) => c === YDELSE.midlertidigtOphold), [
    [YDELSE.midlertidigtOphold, '2027-01-01', '2027-09-30', 'active'], [YDELSE.midlertidigtOphold, '2027-10-01', '2027-12-31', 'active']
  ], 'FHIR: the stay cut at the move, and continued with the new provider')

  // 4. The § 85 support ends early, on 30 April 2027.
  const ended = await call('POST', `${support.location}/ending`, { slutdato: '2027-04-30', reason: 'Klarer sig selv' }, { 'if-match': await etag(support.location) })
  t.equal(ended.statusCode, 200, ended.body)
  t.same(ended.json().ydelser.map((y: Json) => y.slutdato), ['2027-04-30', '2027-04-30', '2027-04-30'], 'every open ydelse ends that day')
  t.same(ydelseBlocks(await uddata())[1].ydelser.map((y: string[]) => y[2]), ['2027-04-30', '2027-04-30', '2027-04-30'])
  t.same(fields(await fhir()).filter(([c]) => c !== YDELSE.midlertidigtOphold).map(([c, , end]) => [c, end]), [
    [DAGLIGE_OPGAVER, '2027-04-30'], [YDELSE.stoetteTilAdministration, '2027-04-30'], [YDELSE.stoetteTilUddannelse, '2027-04-30']
  ], 'FHIR: the § 85 CarePlans end that day')

  // The case timeline shows each change as its own event.
  const caseId = (await call('GET', `/v1/decisions/${decision.id}`)).json().caseId as string
  const events = (await call('GET', `/v1/cases/${caseId}/timeline?limit=500`)).json().items as Json[]
  const course = events.filter((e) => ['ydelse-added', 'ydelse-changed', 'intervention-ended', 'provider-changed'].includes(e.type))
  t.same(course.map((e) => e.type), [
    'ydelse-changed', 'ydelse-added', 'intervention-ended', 'provider-changed', 'ydelse-changed',
    'intervention-ended', 'ydelse-changed', 'ydelse-changed', 'ydelse-changed'
  ], 'extension, addition, the move (end, new provider, the stay cut short), the early end (the intervention and its three ydelser)')
  t.match(course[0]!.title, /^Ydelse ændret: Midlertidigt ophold, version 2: 2027-01-01 – 2027-12-31 · Forlænget med seks måneder$/)
  t.match(course[3]!.title, /Skift af leverandør \(1023456789\)/)
  t.equal(course[0]!.href, `/v1/ydelser/${ophold}/versions`)

  // Status på indsats follows the dates, on the injected clock.
  const statuses = async () => {
    const d = (await call('GET', `/v1/decisions/${decision.id}`)).json()
    return d.interventions.map((i: Json) => [i.status, i.ydelser.map((y: Json) => y.status)])
  }
  setNow('2027-02-01T12:00:00Z')
  t.same(await statuses(), [['active', ['active']], ['active', ['active', 'active', 'planned']], ['planned', ['planned']]], '1 February 2027')
  setNow('2027-05-15T12:00:00Z')
  t.same(await statuses(), [['active', ['active']], ['ended', ['ended', 'ended', 'ended']], ['planned', ['planned']]], '15 May 2027: § 85 ended')
  setNow('2027-10-15T12:00:00Z')
  t.same(await statuses(), [['ended', ['ended']], ['ended', ['ended', 'ended', 'ended']], ['active', ['active']]], '15 October 2027: the new provider')
  setNow('2028-01-01T12:00:00Z')
  t.same((await statuses())[2], ['ended', ['ended']], '1 January 2028: the stay is over')
  t.same((await fhir()).map((p) => p[4]), ['completed', 'completed', 'completed', 'completed', 'completed'], 'FHIR: every CarePlan completed')
})

t.test('a botilbud whose opholdsydelse is corrected away gets its warning back', async (t) => {
  const { stay, call, etag } = await setUp(t)
  const ophold = stay.body.ydelser[0].id as string
  const corrected = await call('PATCH', `/v1/ydelser/${ophold}`, { code: YDELSE.stoetteTilAdministration, reason: 'fejlregistrering' },
    { 'if-match': await etag(`/v1/ydelser/${ophold}`) })
  t.equal(corrected.statusCode, 200, corrected.body)
  t.same(corrected.json().intervention.warnings.map((w: Json) => w.code), ['botilbud-uden-opholdsydelse'])
})

t.test('every change needs If-Match, honours Idempotency-Key and stays in its municipality', async (t) => {
  const { app, stay, support, call, etag } = await setUp(t)
  const ophold = `/v1/ydelser/${stay.body.ydelser[0].id as string}`
  const changes: Array<[string, 'PATCH' | 'POST', object]> = [
    [ophold, 'PATCH', { slutdato: '2027-07-31' }],
    [`${support.location}/ydelser`, 'POST', { code: YDELSE.stoetteTilUddannelse, startdato: '2027-03-01' }],
    [`${support.location}/ending`, 'POST', { slutdato: '2027-04-30' }],
    [`${stay.location}/provider-change`, 'POST', { slutdato: '2027-03-31', leverandoer: { pNummer: '1023456789' } }]
  ]
  for (const [url, method, payload] of changes) {
    t.equal((await call(method, url, payload)).statusCode, 428, `${method} ${url} without If-Match`)
    t.equal((await call(method, url, payload, { 'if-match': '"stale"' })).statusCode, 412, `${method} ${url} with a stale ETag`)
  }
  const other = await createTestClient(app, { municipalities: ['102'] })
  for (const [url, method, payload] of changes) {
    const res = await app.inject({ method, url, headers: { ...other.headers, 'if-match': await etag(url.replace(/\/(ending|provider-change|ydelser)$/, '')) }, payload })
    t.equal(res.statusCode, 404, `${method} ${url} from another municipality`)
  }
  t.equal((await app.inject({ method: 'GET', url: ophold, headers: other.headers })).statusCode, 404, 'nor can it read the ydelse')
  t.equal((await app.inject({ method: 'GET', url: `${ophold}/versions`, headers: other.headers })).statusCode, 404, 'nor its versions')

  const key = { 'idempotency-key': '"extend-1"', 'if-match': await etag(ophold) }
  const first = await call('PATCH', ophold, { slutdato: '2027-07-31' }, key)
  const replay = await call('PATCH', ophold, { slutdato: '2027-07-31' }, key)
  t.equal(first.statusCode, 200)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.same(replay.json(), first.json(), 'the retry answers the original')
  t.equal((await call('GET', `${ophold}/versions`)).json().items.length, 2, 'and wrote no third version')
})

t.test('impossible dates and changes to what has ended are refused, naming field and rule', async (t) => {
  const { stay, support, call, etag } = await setUp(t)
  const ophold = `/v1/ydelser/${stay.body.ydelser[0].id as string}`
  const refused = async (method: 'PATCH' | 'POST', url: string, payload: object, ifMatchOf = url) => {
    const res = await call(method, url, payload, { 'if-match': await etag(ifMatchOf) })
    return { status: res.statusCode, errors: (res.json().errors ?? []).map((e: Json) => `${e.pointer as string} ${e.code as string}`) }
  }
  t.same(await refused('PATCH', ophold, { slutdato: '2026-12-31' }), { status: 422, errors: ['/slutdato before-start'] }, 'slutdato before startdato')
  t.same(await refused('PATCH', ophold, { startdato: '2027-07-01' }), { status: 422, errors: ['/startdato before-start'] }, 'startdato after slutdato')
  t.same(await refused('POST', `${support.location}/ydelser`, { code: YDELSE.stoetteTilUddannelse, startdato: '2027-03-01', slutdato: '2027-02-01' }, support.location),
    { status: 422, errors: ['/slutdato before-start'] }, 'a new ydelse ending before it starts')
  t.same(await refused('POST', `${support.location}/ending`, { slutdato: '2026-12-31' }, support.location),
    { status: 422, errors: ['/slutdato before-start'] }, 'an intervention ended before it began')
  t.same(await refused('POST', `${stay.location}/provider-change`, { slutdato: '2027-03-31', leverandoer: { pNummer: '1012345678' } }, stay.location),
    { status: 422, errors: ['/leverandoer same-provider'] }, 'a provider change to the same provider')
  t.same(await refused('POST', `${stay.location}/provider-change`, { slutdato: '2027-06-30', leverandoer: { pNummer: '1023456789' } }, stay.location),
    { status: 422, errors: ['/slutdato nothing-continues'] }, 'a provider change after everything has ended')
  t.equal((await call('GET', ophold)).json().version, 1, 'nothing refused was written')
  t.match((await call('GET', stay.location)).json(), { version: 1, slutdato: null }, 'not even the end of the intervention a refused move would have ended')
  t.same(await refused('POST', `${stay.location}/provider-change`, { slutdato: '2027-03-31', leverandoer: { pNummer: '1012345678', navn: 'Nyt navn' } }, stay.location),
    { status: 422, errors: ['/leverandoer same-provider'] }, 'a new name for the same P-nummer is no change of provider')

  t.equal((await refused('POST', `${support.location}/ending`, { slutdato: '2027-04-30' }, support.location)).status, 200)
  t.equal((await refused('POST', `${support.location}/ending`, { slutdato: '2027-05-31' }, support.location)).status, 409, 'an intervention ends once')
  t.equal((await refused('POST', `${support.location}/ydelser`, { code: YDELSE.stoetteTilUddannelse, startdato: '2027-03-01' }, support.location)).status, 409,
    'an ended intervention takes no new ydelse')
  const adm = `/v1/ydelser/${support.body.ydelser[0].id as string}`
  t.same(await refused('PATCH', adm, { slutdato: '2027-05-31' }), { status: 422, errors: ['/slutdato after-intervention-end'] }, 'a ydelse extended past its intervention\'s end')
  t.same(await refused('PATCH', adm, { slutdato: null }), { status: 422, errors: ['/slutdato after-intervention-end'] }, 'nor made open-ended')
  t.equal((await refused('PATCH', adm, { slutdato: '2027-04-15' })).status, 200, 'but it may end earlier')
})

t.test('a change reaches the changedSince delta of the uddata stream', async (t) => {
  const { stay, call, etag, decision } = await setUp(t)
  const ophold = `/v1/ydelser/${stay.body.ydelser[0].id as string}`
  // A millisecond on: the set-up's writes may share the current one.
  const before = new Date(Date.now() + 1).toISOString()
  const idsSince = async (since: string): Promise<string[]> => (await call('GET', `/v1/exports/uddata?changedSince=${encodeURIComponent(since)}`)).body
    .trim().split('\n').map((line) => JSON.parse(line) as Json).filter((line) => line.decisionId !== undefined).map((line) => line.decisionId as string)
  t.same(await idsSince(before), [], 'nothing changed since')
  await call('PATCH', ophold, { slutdato: '2027-12-31' }, { 'if-match': await etag(ophold) })
  t.same(await idsSince(before), [decision.id], 'the extension is in the delta')
})

t.test('a decision lists its interventions, and /v1/decisions?changedSince finds a decision whose ydelse changed', async (t) => {
  const { stay, support, call, etag, decision } = await setUp(t)
  const moved = await call('POST', `${stay.location}/provider-change`, { slutdato: '2027-03-31', leverandoer: { pNummer: '1023456789' } },
    { 'if-match': await etag(stay.location) })
  const listed = (await call('GET', `/v1/decisions/${decision.id}/interventions`)).json().items
  t.same(listed.map((i: Json) => [i.id, i.slutdato, i.continuesInterventionId]), [
    [stay.id, '2027-03-31', null], [support.id, null, null], [moved.json().id, null, stay.id]
  ], 'ended ones included, in order, the continuation naming the old one')

  const changedSince = async (since: string): Promise<string[]> =>
    (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(since)}`)).json().items.map((d: Json) => d.id)
  const before = new Date(Date.now() + 1).toISOString()
  t.same(await changedSince(before), [], 'nothing changed since')
  const adm = `/v1/ydelser/${support.body.ydelser[0].id as string}`
  t.equal((await call('PATCH', adm, { startdato: '2027-01-15', reason: 'fejlregistrering' }, { 'if-match': await etag(adm) })).statusCode, 200)
  t.same(await changedSince(before), [decision.id], 'a correction of a ydelse changes its decision')
  t.equal((await call('GET', '/v1/decisions?changedSince=yesterday')).statusCode, 400, 'an instant it cannot read is a 400')
})

t.test('a decision ends (ophør) on a day: its interventions and their running ydelser end with it', async (t) => {
  const { app, stay, support, call, etag, decision, uddata } = await setUp(t)
  const url = `/v1/decisions/${decision.id}`
  const ending = { slutdato: '2027-05-31', reason: 'Borgeren er fraflyttet kommunen' }
  const stale = await etag(url)
  const adm = `/v1/ydelser/${support.body.ydelser[0].id as string}`
  await call('PATCH', adm, { startdato: '2027-01-02' }, { 'if-match': await etag(adm) })
  t.not(await etag(url), stale, 'a change to a ydelse is a new version of its decision')
  t.equal((await call('POST', `${url}/ending`, ending)).statusCode, 428, 'without If-Match')
  t.equal((await call('POST', `${url}/ending`, ending, { 'if-match': stale })).statusCode, 412, 'with an ETag from before the ydelse changed')
  const other = await createTestClient(app, { municipalities: ['102'] })
  t.equal((await app.inject({ method: 'POST', url: `${url}/ending`, headers: { ...other.headers, 'if-match': await etag(url) }, payload: ending })).statusCode, 404,
    'from another municipality')
  const early = await call('POST', `${url}/ending`, { ...ending, slutdato: '2026-12-09' }, { 'if-match': await etag(url) })
  t.equal(early.statusCode, 422, 'not before the decision was made')
  t.match(early.json().errors[0], { pointer: '/slutdato', code: 'before-decision' })

  const ended = await call('POST', `${url}/ending`, ending, { 'if-match': await etag(url), 'idempotency-key': '"end-1"' })
  t.equal(ended.statusCode, 200, ended.body)
  t.equal(ended.headers.etag, await etag(url))
  t.match(ended.json(), { closedAt: '2027-05-31', closedReason: ending.reason })
  t.same(ended.json().interventions.map((i: Json) => [i.id, i.slutdato, i.ydelser.map((y: Json) => y.slutdato)]), [
    [stay.id, '2027-05-31', ['2027-05-31']], [support.id, '2027-05-31', ['2027-05-31', '2027-05-31']]
  ], 'every intervention and its running ydelser end that day')
  t.same(ydelseBlocks(await uddata()).map((b: Json) => b.ydelser.map((y: string[]) => y[2])), [['2027-05-31'], ['2027-05-31', '2027-05-31']], 'uddata too')
  const again = await call('POST', `${url}/ending`, ending, { 'if-match': stale, 'idempotency-key': '"end-1"' })
  t.equal(again.headers['idempotent-replayed'], 'true', 'a retry answers the original')
  t.equal((await call('POST', `${url}/ending`, ending, { 'if-match': await etag(url) })).statusCode, 409, 'a decision ends once')
  t.equal((await call('PATCH', `/v1/ydelser/${stay.body.ydelser[0].id as string}`, { slutdato: '2027-05-15' }, { 'if-match': await etag(`/v1/ydelser/${stay.body.ydelser[0].id as string}`) })).statusCode,
    409, 'and its ydelser no longer change')
})

t.test('a ydelse that has not started when its decision ends ends on its startdato', async (t) => {
  const { support, call, etag, decision } = await setUp(t)
  await call('POST', `${support.location}/ydelser`, { code: YDELSE.stoetteTilUddannelse, startdato: '2027-08-01' }, { 'if-match': await etag(support.location) })
  const res = await call('POST', `/v1/decisions/${decision.id}/ending`, { slutdato: '2027-05-31', reason: 'x' }, { 'if-match': await etag(`/v1/decisions/${decision.id}`) })
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json().interventions[1].ydelser.map((y: Json) => [y.startdato, y.slutdato]), [
    ['2027-01-01', '2027-05-31'], ['2027-01-01', '2027-05-31'], ['2027-08-01', '2027-08-01']
  ])
})

t.test('a ydelse not started by a change of provider moves to the new provider whole', async (t) => {
  const { support, call, etag } = await setUp(t)
  const later = (await call('POST', `${support.location}/ydelser`, { code: YDELSE.stoetteTilUddannelse, startdato: '2027-08-01', slutdato: '2027-12-31' },
    { 'if-match': await etag(support.location) })).json()
  const moved = await call('POST', `${support.location}/provider-change`, { slutdato: '2027-05-31', leverandoer: { pNummer: '1023456789' } },
    { 'if-match': await etag(support.location) })
  t.equal(moved.statusCode, 201, moved.body)
  t.same(moved.json().ydelser.map((y: Json) => [y.code, y.startdato, y.slutdato]), [
    [YDELSE.stoetteTilAdministration, '2027-06-01', null], [DAGLIGE_OPGAVER, '2027-06-01', null], [YDELSE.stoetteTilUddannelse, '2027-08-01', '2027-12-31']
  ], 'the running ones continue from the next day; the later one keeps its dates')
  const old = (await call('GET', support.location)).json()
  t.same(old.ydelser.map((y: Json) => y.slutdato), ['2027-05-31', '2027-05-31'], 'and is gone from the old intervention')
  t.equal(old.endedReason, 'skift af leverandør')
  t.equal((await call('GET', `/v1/ydelser/${later.id as string}`)).json().interventionId, moved.json().id, 'under its own URL still')
})

t.test('a PATCH that changes nothing writes no version and keeps the ETags', async (t) => {
  const { stay, call, etag, decision } = await setUp(t)
  const ophold = `/v1/ydelser/${stay.body.ydelser[0].id as string}`
  const before = { ydelse: await etag(ophold), decision: await etag(`/v1/decisions/${decision.id}`) }
  const res = await call('PATCH', ophold, { slutdato: '2027-06-30', reason: 'samme' }, { 'if-match': before.ydelse })
  t.equal(res.statusCode, 200)
  t.equal(res.headers.etag, before.ydelse)
  t.same({ ydelse: await etag(ophold), decision: await etag(`/v1/decisions/${decision.id}`) }, before)
  t.equal((await call('GET', `${ophold}/versions`)).json().items.length, 1)
})

t.test('a decision ending earlier than an intervention already ended moves that end too', async (t) => {
  const { support, call, etag, decision } = await setUp(t)
  await call('POST', `${support.location}/ending`, { slutdato: '2027-09-30' }, { 'if-match': await etag(support.location) })
  const ended = await call('POST', `/v1/decisions/${decision.id}/ending`, { slutdato: '2027-05-31', reason: 'Fraflyttet' }, { 'if-match': await etag(`/v1/decisions/${decision.id}`) })
  t.equal(ended.statusCode, 200, ended.body)
  t.same(ended.json().interventions.map((i: Json) => [i.slutdato, i.endedReason, i.ydelser.map((y: Json) => y.slutdato)]), [
    ['2027-05-31', 'Fraflyttet', ['2027-05-31']], ['2027-05-31', 'Fraflyttet', ['2027-05-31', '2027-05-31']]
  ], 'no ydelse runs past the end of its decision')
})

t.test('a time-driven change (a ydelse starting or ending) reaches changedSince at the start of its Danish day', async (t) => {
  const { call, decision, setNow } = await setUp(t)
  const since = async (instant: string) => ({
    decisions: (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(instant)}`)).json().items.map((d: Json) => d.id),
    uddata: (await call('GET', `/v1/exports/uddata?changedSince=${encodeURIComponent(instant)}`)).body.trim().split('\n')
      .map((line) => JSON.parse(line) as Json).flatMap((line) => line.decisionId ?? [])
  })
  setNow('2027-01-01T10:00:00Z')
  t.same(await since('2026-12-31T23:00:00Z'), { decisions: [decision.id], uddata: [decision.id] },
    'the ydelser started on 1 January: a change at its Danish midnight')
  t.same(await since('2027-01-01T00:30:00+01:00'), { decisions: [], uddata: [] }, 'and not after it')
  setNow('2027-07-01T08:00:00Z')
  t.same(await since('2027-06-30T22:00:00Z'), { decisions: [decision.id], uddata: [decision.id] },
    'the stay ended on 30 June: the change is at the start of 1 July')
  t.same(await since('2027-06-30T12:00:00Z'), { decisions: [decision.id], uddata: [decision.id] })
  setNow('2027-06-30T20:00:00Z')
  t.same(await since('2027-06-30T12:00:00Z'), { decisions: [], uddata: [] }, 'not before that day has begun')
})
