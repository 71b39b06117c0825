import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { chromium } from 'playwright-core'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { loggerOptions } from '../../src/logger.js'
import { buildTestApp, createTestClient, ROOT } from '../helper.js'
import { findChromium, NO_CHROMIUM } from '../support/chromium.js'
import { aCase, aDelmaal, annulled, aNote, corrected, made, type Headers, type Json } from '../support/factories.js'
import { followUpCitizenX, recordCitizenX } from '../support/flow.js'

/**
 * POST /v1/insight: a citizen's request for insight (GDPR art. 15). The
 * same CPR number has cases in municipalities 101 and 147; the caller
 * serves 101 only. Another citizen has a case in 101 too.
 */

const CPR = '0101904321'
const MARKERS = {
  /** On the citizen's case in 147: must never reach a client serving 101 only. */
  otherMunicipality: 'Kun-i-kommune-147',
  /** On another citizen's case in 101. */
  otherCitizen: 'Anden-borger-i-101',
  /** A note of the citizen's that is a script, to be shown as text. */
  script: '<script>window.__xss = 1</script>'
}

interface Population {
  app: FastifyInstance
  headers: Headers
  clientName: string
  caseUrl: string
  goalId: string
  decisionId: string
  correctedRegistrationId: string
  annulledNoteId: string
  logLines: string[]
}

/** The citizen's whole course in 101 (corrected, annulled, followed up), her case in 147, another citizen in 101. */
async function population (t: Test): Promise<Population> {
  const logLines: string[] = []
  const stream = new Writable({ write (chunk, _encoding, done) { logLines.push(String(chunk)); done() } })
  const app = await buildTestApp(t, { logger: loggerOptions('info', stream) })
  const clientName = 'Acme Omsorg'
  const { headers } = await createTestClient(app, { name: clientName, municipalities: ['101'] })
  const { headers: in147 } = await createTestClient(app, { name: 'Kommune 147s system', municipalities: ['147'] })

  const x = await recordCitizenX(app, headers, { cpr: CPR })
  await followUpCitizenX(app, headers, x)
  const registrations = (await app.inject({ method: 'GET', url: `${x.caseUrl}/investigation/funktioner-og-forhold`, headers })).json<Json>().items
  const registrationUrl = `${x.caseUrl}/investigation/funktioner-og-forhold/${registrations[0].id as string}`
  await corrected(app, headers, registrationUrl, { sagsbehandlersBemaerkninger: 'Rettet bemærkning', reason: 'Skrevet på forkert tema' })
  await made(app, headers, `${x.caseUrl}/assessment`, { samletVurdering: 'Har brug for støtte til økonomien', indsatsformaal: 'Klare økonomien selv' }, 'PUT')
  await aDelmaal(app, headers, x.caseUrl, x.goalId)
  await aNote(app, headers, x.caseUrl, { tekst: MARKERS.script })
  const wrongNote = await aNote(app, headers, x.caseUrl, { tekst: 'Notat på forkert borger' })
  await annulled(app, headers, wrongNote.location, { reason: 'fejlregistrering', comment: 'Hørte til en anden sag' })

  await aCase(app, in147, { kommunekode: '147', cpr: CPR, borgerensOensker: MARKERS.otherMunicipality })
  await aCase(app, headers, { cpr: '0202904321', borgerensOensker: MARKERS.otherCitizen })
  return {
    app,
    headers,
    clientName,
    caseUrl: x.caseUrl,
    goalId: x.goalId,
    decisionId: x.decisionId,
    correctedRegistrationId: registrations[0].id,
    annulledNoteId: wrongNote.id,
    logLines
  }
}

const CHROMIUM = findChromium()
const DOCUMENT_URL = 'http://ffb-insight.test/indsigt'

const insight = async (app: FastifyInstance, headers: Headers, cpr: string, accept?: string) =>
  await app.inject({ method: 'POST', url: '/v1/insight', headers: { ...headers, ...(accept === undefined ? {} : { accept }) }, payload: { cpr } })

const insightEvents = async (app: FastifyInstance) =>
  await app.database.db.selectFrom('audit_log').select(['client_id', 'kommunekode', 'resource_id', 'details', 'status'])
    .where('resource_type', '=', 'insight').orderBy('id').execute()

t.test('POST /v1/insight', async (t) => {
  const p = await population(t)
  const { app, headers } = p

  t.test('answers everything stored about the citizen in the caller\'s municipalities, as JSON', async (t) => {
    const res = await insight(app, headers, '010190-4321')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/json/)
    t.equal(res.headers['cache-control'], 'no-store')
    const body = res.json<Json>()
    t.equal(body.cpr, CPR)
    t.same(body.municipalities, ['101'])
    t.same(body.cases.map((c: Json) => c.kommunekode), ['101'], 'the case in 101 only')
    t.equal(body.cases[0].id, p.caseUrl.split('/').at(-1))
    t.equal(body.registrations.length, 7, 'every registration: four on 1 January, two on 1 June, the follow-up\'s level')
    const correctedOne = body.registrations.find((r: Json) => r.registration.id === p.correctedRegistrationId)
    t.same(correctedOne.versions.map((v: Json) => [v.version, v.reason, v.data.sagsbehandlersBemaerkninger]),
      [[1, null, null], [2, 'Skrevet på forkert tema', 'Rettet bemærkning']], 'a corrected registration with both its versions')
    t.equal(body.goals.length, 1)
    t.equal(body.goals[0].goal.id, p.goalId)
    t.ok(body.goals[0].versions.length >= 1, 'the goal with its versions')
    t.equal(body.decisions.length, 1)
    t.equal(body.decisions[0].decision.id, p.decisionId)
    t.ok(body.decisions[0].decision.maalgrupper.primaer.label, 'målgrupper with their labels')
    t.ok(body.decisions[0].versions.length >= 1, 'the decision with its versions')
    t.equal(body.stoettebehov.length, 2, 'the decision\'s støttebehov and the follow-up\'s')
    t.equal(body.interventions.length, 1)
    t.equal(body.interventions[0].intervention.ydelser.length, 1)
    t.equal(body.interventions[0].ydelseVersions[0].versions.length, 2, 'the ydelse as ordered, and as the follow-up ended it')
    t.equal(body.assessments.length, 1)
    t.equal(body.delmaal.length, 1)
    t.equal(body.followUps.length, 1)
    t.equal(body.notes.length, 2, 'the notes, the annulled one too')
    t.match(body.notes.find((n: Json) => n.id === p.annulledNoteId), { annulment: { reason: 'fejlregistrering', comment: 'Hørte til en anden sag' } },
      'an annulled note, marked with when and why')
    t.notOk(res.body.includes(MARKERS.otherMunicipality), 'nothing of the citizen\'s case in another municipality')
    t.notOk(res.body.includes(MARKERS.otherCitizen), 'nothing of another citizen')
  })

  t.test('the access log names who read or changed the records, and when', async (t) => {
    const { headers: reader } = await createTestClient(app, { name: 'Læsende system', municipalities: ['101'] })
    await app.inject({ method: 'GET', url: p.caseUrl, headers: reader })
    const body = (await insight(app, headers, CPR)).json<Json>()
    const log: Json[] = body.accessLog
    t.ok(log.length > 10, `${log.length} accesses`)
    t.ok(log.some((a) => a.clientName === p.clientName && a.action === 'create' && a.resourceType === 'case'), 'the case was opened by Acme Omsorg')
    t.ok(log.some((a) => a.clientName === p.clientName && a.action === 'annul' && a.resourceType === 'note'), 'the annulment of the note')
    t.ok(log.some((a) => a.clientName === 'Læsende system' && a.action === 'read' && a.resourceType === 'case'), 'another client\'s read')
    t.ok(log.some((a) => a.resourceType === 'insight' && a.action === 'read'), 'an earlier insight request too')
    t.ok(log.every((a) => a.kommunekode === null || a.kommunekode === '101'), 'no access in another municipality')
    t.same([...log].sort((a, b) => a.at.localeCompare(b.at)).map((a) => a.at), log.map((a) => a.at), 'oldest first')
  })

  t.test('is one audit event naming what was returned, without the CPR number anywhere in the trail or the log', async (t) => {
    const before = (await insightEvents(app)).length
    const res = await insight(app, headers, CPR)
    const events = await insightEvents(app)
    t.equal(events.length, before + 1, 'one event')
    const event = events.at(-1)!
    const details = JSON.parse(event.details!) as Json
    t.match(event, { kommunekode: '101', resource_id: null, status: 200 })
    t.same(details.caseIds, [p.caseUrl.split('/').at(-1)])
    t.match(details.returned, { cases: 1, registrations: 7, goals: 1, decisions: 1, notes: 2, followUps: 1 })
    t.equal(details.returned.accessLog, res.json<Json>().accessLog.length)
    const trail = JSON.stringify(await app.database.db.selectFrom('audit_log').selectAll().execute())
    t.notOk(trail.includes(CPR) || trail.includes('010190-4321'), 'no CPR number in the audit trail')
    t.ok(p.logLines.some((line) => line.includes('/v1/insight')), 'the requests were logged')
    t.notOk(p.logLines.join('').includes(CPR), 'no CPR number in the log')
  })

  t.test('a CPR number with nothing stored in the caller\'s municipalities: 200 with every list empty', async (t) => {
    const { headers: in147Only } = await createTestClient(app, { municipalities: ['851'] })
    for (const [who, cpr] of [[headers, '0303904321'], [in147Only, CPR]] as const) {
      const res = await insight(app, who, cpr)
      t.equal(res.statusCode, 200)
      const body = res.json<Json>()
      for (const list of ['cases', 'assessments', 'registrations', 'goals', 'decisions', 'stoettebehov', 'interventions', 'delmaal', 'notes', 'followUps', 'accessLog']) {
        t.same(body[list], [], `${list} empty`)
      }
    }
    t.same(JSON.parse((await insightEvents(app)).at(-1)!.details!).caseIds, [], 'audited all the same')
  })

  t.test('a client serving the other municipality sees only its case there', async (t) => {
    const { headers: in147 } = await createTestClient(app, { municipalities: ['147'] })
    const res = await insight(app, in147, CPR)
    const body = res.json<Json>()
    t.same(body.cases.map((c: Json) => c.kommunekode), ['147'])
    t.equal(body.cases[0].borgerensOensker, MARKERS.otherMunicipality)
    t.same(body.registrations, [])
    t.notOk(res.body.includes(p.caseUrl.split('/').at(-1)!), 'not even the id of the case in 101')
  })

  t.test('refuses a CPR number that is not one, naming /cpr, and a client without insight:read', async (t) => {
    for (const cpr of ['3213904321', '01019043', '0101904321x']) {
      const res = await insight(app, headers, cpr)
      t.equal(res.statusCode, 400, cpr)
      t.match(res.headers['content-type'], /application\/problem\+json/)
      t.match(res.json(), { errors: [{ pointer: '/cpr' }] })
      t.equal(res.headers['cache-control'], 'no-store')
    }
    const missing = await app.inject({ method: 'POST', url: '/v1/insight', headers, payload: {} })
    t.equal(missing.statusCode, 400)
    const { headers: reader } = await createTestClient(app, { scopes: ['cases:read', 'audit:read'] })
    const forbidden = await insight(app, reader, CPR)
    t.equal(forbidden.statusCode, 403)
    t.match(forbidden.json(), { detail: 'This client lacks the scope insight:read' })
  })

  t.test('Accept: text/html gives a readable Danish document of the same, every text escaped', async (t) => {
    const res = await insight(app, headers, CPR, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.headers.vary, /accept/i)
    const html = res.body
    for (const heading of ['Sager', 'Udredning', 'Indsatsmål', 'Afgørelser', 'Støttebehov', 'Indsatser og ydelser', 'Delmål', 'Notater', 'Opfølgninger']) {
      t.ok(html.includes(`<h2>${heading}</h2>`), heading)
    }
    t.notOk(html.includes(MARKERS.script), 'the script is not in the document as markup')
    t.ok(html.includes('&lt;script&gt;window.__xss = 1&lt;/script&gt;'), 'but as text')
    t.ok(html.includes('1. januar 2023'), 'dates in Danish')
    t.notOk(html.includes(MARKERS.otherMunicipality) || html.includes(MARKERS.otherCitizen), 'no one else\'s data')
    const json = (await insight(app, headers, CPR, 'application/json, text/html;q=0.5')).headers['content-type']
    t.match(json, /^application\/json/, 'JSON when the client prefers it')
  })

  t.test('the HTML document in headless Chromium: it renders its sections with the citizen\'s data, and no one else\'s', {
    skip: CHROMIUM === undefined && NO_CHROMIUM
  }, async (t) => {
    // Over real HTTP; the browser gets the answer with its own headers (Content-Security-Policy and all) under a name of its own.
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const answer = await fetch(`${address}/v1/insight`, {
      method: 'POST', headers: { ...headers, accept: 'text/html', 'content-type': 'application/json' }, body: JSON.stringify({ cpr: CPR })
    })
    t.equal(answer.status, 200)
    const html = await answer.text()
    const browser = await chromium.launch({ executablePath: CHROMIUM })
    t.teardown(async () => { await browser.close() })
    const page = await browser.newPage()
    page.setDefaultTimeout(60_000)
    const errors: string[] = []
    page.on('pageerror', (error) => { errors.push(error.message) })
    await page.route(DOCUMENT_URL, async (route) => {
      await route.fulfill({ status: answer.status, headers: Object.fromEntries(answer.headers), body: html })
    })
    await page.goto(DOCUMENT_URL)
    t.equal(await page.title(), 'Indsigt i oplysninger om dig')
    t.same(await page.locator('h2').allInnerTexts(), ['Sager', 'Vurdering', 'Udredning', 'Indsatsmål', 'Afgørelser', 'Støttebehov',
      'Indsatser og ydelser', 'Delmål', 'Notater', 'Opfølgninger', 'Hvem har set eller ændret oplysningerne'], 'one section per kind of record')
    const text = await page.locator('body').innerText()
    t.ok(text.includes('010190-4321'), 'the citizen\'s CPR number, for the citizen')
    t.ok(text.includes('Jeg vil selv kunne betale mine regninger'), 'her goal')
    t.ok(text.includes('Varetage økonomi'), 'codes with their catalog labels')
    t.ok(text.includes('Rettet bemærkning') && text.includes('Skrevet på forkert tema'), 'a correction, with its reason')
    t.match(await page.locator('#notater .is-annulled').innerText(), /Annulleret.*Fejlregistrering.*Hørte til en anden sag/s, 'the annulled note, marked')
    t.ok((await page.locator('#notater').innerText()).includes(MARKERS.script), 'the script in a note shows as text')
    t.equal(await page.evaluate('typeof window.__xss'), 'undefined', 'and never ran')
    t.ok(await page.locator('#adgangslog table tbody tr').count() > 10, 'the access log as a table')
    t.ok((await page.locator('#adgangslog').innerText()).includes(p.clientName), 'naming the client')
    t.notOk(text.includes(MARKERS.otherMunicipality) || text.includes(MARKERS.otherCitizen), 'no one else\'s data')
    t.same(errors, [], 'no script error')
    await mkdir(join(ROOT, '.tap'), { recursive: true })
    await page.screenshot({ path: join(ROOT, '.tap', 'insight.png'), fullPage: true })
  })
})
