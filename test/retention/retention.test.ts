import t from 'tap'
import { AGGREGATES } from '../../src/analytics/aggregates.js'
import { sealPending, verifyChain } from '../../src/audit/chain.js'
import { retentionCommand } from '../../src/retention/command.js'
import { RETENTION_CLIENT_ID } from '../../src/retention/run.js'
import { buildTestApp, createTestClient } from '../helper.js'
import { FF } from '../support/codes.js'
import type { Json } from '../support/factories.js'
import { AS_OF, buildPopulation, CPR, dump } from './population.js'

/**
 * npm run retention (src/retention/): the dry run changes nothing; the real
 * run anonymises exactly the citizens past retention, and afterwards every
 * analytics answer is the same, no CPR number or free text of theirs is
 * anywhere in the database, the audit trail says what was anonymised
 * (without a CPR number) and is intact, and the API answers for their cases
 * without a CPR number and refuses to change or deliver them.
 */

const ORGANISATIONS = new Map([['101', 'd4e3f4fb-6761-4d6c-9086-74c49231f11e'], ['147', '2c0a5b8e-1f3d-4a6b-9c7e-5d8f0a1b2c3d']])
const app = await buildTestApp(t, { config: { analyticsMinCell: 1, kombitOrganisations: ORGANISATIONS } })
const { headers } = await createTestClient(app, { municipalities: ['101', '147'] })
const db = app.database.db
const courses = await buildPopulation(app, headers)
const GONE = ['Tekst-P1a', 'Tekst-P1b', 'Tekst-P2a', 'Tekst-P2b']
const KEPT = ['Tekst-P3a', 'Tekst-P3b', 'Tekst-P4a', 'Tekst-P5a', 'Tekst-P6a', 'Tekst-P6b']
const anonymisedCases = [courses['Tekst-P1a']!, courses['Tekst-P2a']!, courses['Tekst-P2b']!]

async function retention (...args: string[]): Promise<{ code: number, out: string, err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await retentionCommand(args, { db, defaultYears: 5, out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** Every aggregate's JSON answer over both municipalities (all history), and over 2023 in one. */
async function analytics (queries = ['', '?from=2023-01-01&to=2023-12-31&kommunekode=147']): Promise<Record<string, Json>> {
  const answers: Record<string, Json> = {}
  for (const { path } of AGGREGATES) {
    for (const query of queries) {
      const res = await app.inject({ method: 'GET', url: `/v1/analytics/${path}${query}`, headers })
      if (res.statusCode !== 200) throw new Error(`${path}${query}: ${res.statusCode} ${res.body}`)
      answers[`${path}${query}`] = res.json<Json>()
    }
  }
  return answers
}

// The audit trail and its chain move with every request (and the sealer): "nothing changed" is about the rest.
const CHANGING = ['audit_log', 'audit_chain', 'audit_pending']

// Setup, not assertions (tap's root test must not end before the subtests start).
const setPeriod = await retention('--set', '147=7')
if (setPeriod.code !== 0 || !setPeriod.out.includes('kommune 147: 7 years')) throw new Error(`--set: ${setPeriod.out} ${setPeriod.err}`)
const before = await analytics()
const dataBefore = await dump(db, CHANGING)

t.test('the dry run lists the cases past retention, by id and never by CPR, and changes nothing', async (t) => {
  const run = await retention('--dry-run', '--as-of', AS_OF)
  t.equal(run.code, 0, run.err)
  const listed = [...run.out.matchAll(/would anonymise case (\S+)\s+kommune (\d{3})\s+last day (\S+)/g)].map((m) => [m[2], m[3], m[1]])
  const p1b = await app.inject({ method: 'POST', url: '/v1/cases/search', headers, payload: { cpr: CPR.P1 } })
  const p1Second = p1b.json<Json>().items.find((c: Json) => c.id !== courses['Tekst-P1a']!.caseId).id
  t.same(listed.sort(), [
    ['101', '2023-06-01', courses['Tekst-P1a']!.caseId],
    ['101', '2024-02-01', p1Second],
    ['101', '2023-03-01', courses['Tekst-P2a']!.caseId],
    ['147', '2023-12-31', courses['Tekst-P2b']!.caseId]
  ].sort(), 'P1 (both cases), P2 (in both municipalities); not P3–P6')
  t.match(run.out, /kommune 101: 2 citizen\(s\), 3 case\(s\)/)
  t.match(run.out, /kommune 147: 1 citizen\(s\), 1 case\(s\)/)
  t.match(run.out, /period: kommune 147 7 years/)
  for (const cpr of Object.values(CPR)) t.notMatch(run.out, cpr)
  t.equal(await dump(db, CHANGING), dataBefore, 'no row changed')
  const events = await db.selectFrom('audit_log').select('id').where('action', '=', 'anonymise').execute()
  t.same(events, [], 'nothing to audit')
})

t.test('bad usage is refused with the usage, exit code 2', async (t) => {
  for (const args of [['--as-of', '2030-02-30'], ['--set', '101=0'], ['--set', '10=5'], ['--list', '--dry-run'], ['--bogus']]) {
    const run = await retention(...args)
    t.equal(run.code, 2, args.join(' '))
    t.match(run.err, /usage: npm run retention/)
  }
})

t.test('the real run', async (t) => {
  const run = await retention('--as-of', AS_OF)
  t.equal(run.code, 0, run.err)
  t.match(run.out, /total: 2 citizen\(s\), 4 case\(s\) anonymised/)
  const runId = /run (\S+) recorded in the audit trail/.exec(run.out)?.[1]
  for (const cpr of Object.values(CPR)) t.notMatch(run.out, cpr)

  t.test('every analytics answer is the same as before', async (t) => {
    // The anonymised are counted (P2 once, though in two municipalities), and still are.
    t.match(before['citizens-by-kommune'], { total: { value: 6 }, cells: [{ row: { code: '101' }, value: 5 }, { row: { code: '147' }, value: 3 }] })
    const after = await analytics()
    t.same(after, before)
    const totals = (answers: Record<string, Json>) => Object.entries(answers).map(([key, body]) => `${key} ${String(body.total?.value)}`).join('; ')
    t.comment(`${Object.keys(after).length} answers; totals before: ${totals(before)}`)
    t.comment(`totals after: ${totals(after)}`)
  })

  t.test('no CPR number or free text of the anonymised is left in the database; those of the kept are all there', async (t) => {
    const all = await dump(db)
    for (const cpr of [CPR.P1, CPR.P2]) t.notOk(all.includes(cpr), `CPR ${cpr.slice(0, 4)}… is gone`)
    for (const tag of GONE) t.notOk(all.includes(tag), `${tag} is gone`)
    for (const cpr of [CPR.P3, CPR.P4, CPR.P5, CPR.P6]) t.ok(all.includes(cpr), `CPR ${cpr.slice(0, 4)}… is kept`)
    for (const tag of KEPT) {
      // Every kind of text of a kept case is still there.
      for (const what of ['Ønske', 'Borgeren', 'Mål', 'Begrundelse', 'Delmål', 'Note', 'Diagnose', 'Sag']) t.ok(all.includes(`${what} ${tag}`), `${what} ${tag} is kept`)
    }
    for (const what of ['Årsag', 'Rettelse', 'Annulleret', 'Samlet vurdering', 'Idempotent note']) t.ok(all.includes(`${what} Tekst-P3b`), `${what} Tekst-P3b is kept`)
    const pseudonyms = await db.selectFrom('cases').select(['id', 'cpr']).where('anonymised_at', 'is not', null).execute()
    t.equal(pseudonyms.length, 4)
    t.equal(new Set(pseudonyms.map((p) => p.cpr)).size, 2, 'one pseudonym per citizen, shared by their cases in both municipalities')
    for (const p of pseudonyms) t.match(p.cpr, /^anon-[0-9a-f]{32}$/)
  })

  t.test('the audit trail names what was anonymised, and the run, without a CPR number; the chain is intact', async (t) => {
    const events = await db.selectFrom('audit_log').select(['client_id', 'kommunekode', 'resource_type', 'resource_id', 'request_id', 'status', 'details'])
      .where('action', '=', 'anonymise').orderBy('id').execute()
    const perCase = events.filter((e) => e.resource_type === 'case')
    t.equal(perCase.length, 4)
    t.same(perCase.map((e) => e.resource_id).sort(), [...run.out.matchAll(/anonymised case (\S+)/g)].map((m) => m[1]).sort(), 'one event per case the run lists')
    for (const c of anonymisedCases) t.ok(perCase.some((e) => e.resource_id === c.caseId && e.kommunekode === c.kommunekode), `${c.tag}'s case, under its kommunekode`)
    const p1 = JSON.parse(perCase.find((e) => e.resource_id === courses['Tekst-P1a']!.caseId)!.details!) as Json
    t.match(p1, { run: runId, asOf: AS_OF, years: 5, lastDay: '2023-06-01', anonymised: { registrations: 3, goals: 1, decisions: 1, notes: 2, delmaal: 1, followUps: 1 } })
    t.ok(p1.anonymised.versions > 0 && p1.anonymised.storedAnswers >= 2, 'versions scrubbed, stored answers forgotten')
    const summary = events.find((e) => e.resource_type === 'retention-run')!
    t.match(JSON.parse(summary.details!), { asOf: AS_OF, defaultYears: 5, policies: { 147: 7 }, citizens: 2, cases: 4, completed: true, perKommune: { 101: { citizens: 2, cases: 3 }, 147: { citizens: 1, cases: 1 } } })
    t.ok(events.every((e) => e.client_id === RETENTION_CLIENT_ID && e.request_id === runId))
    const trail = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute())
    for (const cpr of Object.values(CPR)) t.notOk(trail.includes(cpr), 'no CPR number anywhere in the audit trail')
    await sealPending(db)
    const chain = await verifyChain(db)
    t.same(chain.breaks, [], 'audit:verify: intact')
  })

  t.test('an anonymised case reads without its CPR number; a change to it is a 409 anonymised', async (t) => {
    const c = courses['Tekst-P1a']!
    const read = await app.inject({ method: 'GET', url: c.caseUrl, headers })
    t.equal(read.statusCode, 200)
    t.match(read.json(), { id: c.caseId, cpr: null, borgerensOensker: null, diagnoser: [], sagsnummer: null, anonymisedAt: String })
    const etag = read.headers.etag!
    const refused = [
      await app.inject({ method: 'PATCH', url: c.caseUrl, headers: { ...headers, 'if-match': etag }, payload: { borgerensOensker: 'igen' } }),
      await app.inject({ method: 'POST', url: `${c.caseUrl}/notes`, headers, payload: { tekst: 'ny', forfatterrolle: 'udfoerer' } }),
      await app.inject({ method: 'POST', url: `${c.caseUrl}/investigation/funktioner-og-forhold`, headers, payload: { undertema: FF.organiseringOgPlanlaegning } })
    ]
    t.match(refused[0]!.json(), { status: 409, type: 'urn:ffb-api:problem:anonymised', detail: /anonymised .* retention policy/ })
    t.match(refused[1]!.json(), { status: 409, type: 'urn:ffb-api:problem:anonymised' })
    t.match(refused[2]!.json(), { status: 409, type: 'urn:ffb-api:problem:anonymised' })
    const decision = await app.inject({ method: 'GET', url: `/v1/decisions/${c.decisionId}`, headers })
    t.equal(decision.statusCode, 200)
    t.match(decision.json(), { sagsafgoerelsesId: c.decisionId })
    const annul = await app.inject({
      method: 'POST', url: `/v1/decisions/${c.decisionId}/annulment`, headers: { ...headers, 'if-match': decision.headers.etag! }, payload: { reason: 'fejlregistrering' }
    })
    t.match(annul.json(), { status: 409, type: 'urn:ffb-api:problem:anonymised' })
  })

  t.test('nothing answers 500 for an anonymised case; the texts read as gone', async (t) => {
    const c = courses['Tekst-P1a']!
    for (const url of [`${c.caseUrl}/timeline`, `${c.caseUrl}/investigation`, `${c.caseUrl}/notes`, `${c.caseUrl}/delmaal`, `${c.caseUrl}/goals`,
      `${c.caseUrl}/assessment`, `${c.caseUrl}/decisions`, `/v1/decisions/${c.decisionId}/versions`, `/v1/analytics/cases/${c.caseId}/progression`,
      '/v1/cases?kommunekode=101', '/v1/decisions', '/v1/follow-ups/due']) {
      const res = await app.inject({ method: 'GET', url, headers })
      t.equal(res.statusCode, 200, url)
      for (const tag of GONE) t.notOk(res.body.includes(tag), `${url}: no ${tag}`)
    }
    const notes = (await app.inject({ method: 'GET', url: `${c.caseUrl}/notes`, headers })).json<Json>()
    t.ok(notes.items.every((n: Json) => n.tekst === '[anonymiseret]'))
    const search = await app.inject({ method: 'POST', url: '/v1/cases/search', headers, payload: { cpr: CPR.P1 } })
    t.same(search.json(), { items: [] }, 'the CPR number finds nothing')
    const insight = await app.inject({ method: 'POST', url: '/v1/insight', headers, payload: { cpr: CPR.P2 } })
    t.equal(insight.statusCode, 200)
    t.same(insight.json<Json>().cases, [])
  })

  t.test('an anonymised case is in no delivery', async (t) => {
    const c = courses['Tekst-P2b']!
    const uddata = await app.inject({ method: 'GET', url: `/v1/decisions/${c.decisionId}/uddata`, headers })
    t.match(uddata.json(), { status: 409, type: 'urn:ffb-api:problem:anonymised' })
    const fhir = await app.inject({ method: 'GET', url: `${c.caseUrl}/fhir`, headers })
    t.match(fhir.json(), { status: 409, type: 'urn:ffb-api:problem:anonymised' })
    const stream = await app.inject({ method: 'GET', url: '/v1/exports/uddata', headers })
    t.equal(stream.statusCode, 200)
    for (const gone of anonymisedCases) t.notOk(stream.body.includes(gone.decisionId), `${gone.tag}'s decision is not in the uddata`)
    t.ok(stream.body.includes(courses['Tekst-P3a']!.decisionId), 'a kept one is')
    for (const kommunekode of ['101', '147']) {
      const fhirStream = await app.inject({ method: 'GET', url: `/v1/exports/fhir?kommunekode=${kommunekode}&changedSince=2000-01-01T00:00:00Z`, headers })
      t.equal(fhirStream.statusCode, 200)
      for (const cpr of [CPR.P1, CPR.P2]) t.notOk(fhirStream.body.includes(cpr))
      t.notOk(fhirStream.body.includes('anon-'), 'no pseudonym goes out as a CPR number')
    }
  })

  t.test('a second run finds nothing more to do', async (t) => {
    const again = await retention('--as-of', AS_OF)
    t.match(again.out, /total: 0 citizen\(s\), 0 case\(s\) anonymised/)
    const [path] = Object.keys(before)
    t.same((await analytics(['']))[path!], before[path!])
  })
})
