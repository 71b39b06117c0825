import t, { type Test } from 'tap'
import { AD, LEVEL, STATUS } from '../support/codes.js'
import { aDelmaal, aFollowUp, aGoal, aNote, aRegistration, followUpPayload, type Json } from '../support/factories.js'
import { recordCitizenX } from '../support/flow.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * Annulment (entered in error) through HTTP: one shape for every recorded
 * thing, POST {record URL}/annulment with a reason and If-Match. The record
 * stays and says so on its own URL; it leaves the lists, the uddata, the
 * due list and the worklist; the delta carries a tombstone; it cannot
 * change any more; what relies on it is named, or annulled with it on
 * request.
 */

// One app for the file; each test records its citizen in a municipality of its own and reads with a client
// of that municipality only, so what one test wrote never shows in another's lists, exports or due lists.
const app = await buildTestApp(t)
const MUNICIPALITIES = ['101', '151', '153', '155', '157', '159', '161', '163', '165']

async function setUp (t: Test) {
  const kommunekode = MUNICIPALITIES.shift()!
  const { headers } = await createTestClient(app, { municipalities: [kommunekode] })
  const x = await recordCitizenX(app, headers, { kommunekode })
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) })
  const etag = async (url: string): Promise<string> => {
    const response = await call('GET', url)
    if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`)
    return response.headers.etag!
  }
  const annul = async (url: string, payload: object = { reason: 'fejlregistrering' }, extra: Record<string, string> = {}) =>
    await call('POST', `${url}/annulment`, payload, { 'if-match': await etag(url), ...extra })
  return { app, headers, kommunekode, x, call, etag, annul }
}

const lines = (body: string): Json[] => body.trim().split('\n').map((line) => JSON.parse(line) as Json)

t.test('a decision omgjort efter klage: gone from the uddata, a tombstone in the delta, in the audit trail with its reason', async (t) => {
  const { kommunekode, x, call, etag, annul } = await setUp(t)
  const decisionUrl = `/v1/decisions/${x.decisionId}`
  const before = new Date().toISOString()
  t.equal((await call('GET', `${decisionUrl}/uddata`)).statusCode, 200)

  const response = await annul(decisionUrl, { reason: 'omgjort-efter-klage', comment: 'Ankestyrelsen omgjorde afgørelsen' })
  t.equal(response.statusCode, 200, response.body)
  const body = response.json()
  t.equal(body.resourceType, 'decision')
  t.equal(body.annulment.reason, 'omgjort-efter-klage')
  t.equal(body.annulment.comment, 'Ankestyrelsen omgjorde afgørelsen')
  t.same(body.annulled.map((a: Json) => a.resourceType).sort(), ['decision', 'intervention', 'stoettebehov', 'ydelse'],
    'its intervention, ydelse and støttebehov are annulled with it')
  t.equal(response.headers.etag, await etag(decisionUrl), 'the answer carries the decision\'s new ETag')

  const read = (await call('GET', decisionUrl)).json()
  t.match(read.annulment, { reason: 'omgjort-efter-klage', annulledAt: body.annulment.annulledAt }, 'its own URL still answers, marked')
  t.same(read.interventions, [], 'its interventions have left it')
  const intervention = await call('GET', `${decisionUrl}/interventions/${x.interventionId}`)
  t.equal(intervention.json().annulment.reason, 'omgjort-efter-klage', 'the intervention says so too')

  const uddata = await call('GET', `${decisionUrl}/uddata`)
  t.equal(uddata.statusCode, 404, 'no uddata document any more')
  t.match(uddata.json().detail, /annulled/)

  const listed = (await call('GET', `${x.caseUrl}/decisions`)).json()
  t.same(listed.items, [], 'gone from the list of decisions')
  const history = (await call('GET', `${x.caseUrl}/decisions?includeAnnulled=true`)).json()
  t.same(history.items.map((d: Json) => [d.id, d.annulment.reason]), [[x.decisionId, 'omgjort-efter-klage']], 'unless the annulled are asked for')
  const interventions = (await call('GET', `${decisionUrl}/interventions?includeAnnulled=true`)).json()
  t.same(interventions.items.map((i: Json) => [i.id, i.annulment.reason, i.ydelser.length]), [[x.interventionId, 'omgjort-efter-klage', 1]])
  const changed = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(before)}`)).json()
  t.same(changed.items.map((d: Json) => [d.id, d.annulment?.reason]), [[x.decisionId, 'omgjort-efter-klage']], 'changedSince brings it once more, marked')
  const later = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(new Date().toISOString())}`)).json()
  t.same(later.items, [], 'and never after')

  const delta = lines((await call('GET', `/v1/exports/uddata?changedSince=${encodeURIComponent(before)}`)).body)
  t.equal(delta.length, 2, 'a tombstone and the trailer')
  t.match(delta[0], { sagsafgoerelsesId: x.decisionId, decisionId: x.decisionId, kommunekode, annulled: true, reason: 'omgjort-efter-klage' })
  t.equal(delta[0]!.annulledAt, body.annulment.annulledAt)
  t.notOk('stamdata' in delta[0]!, 'a tombstone carries no citizen data')
  const full = lines((await call('GET', '/v1/exports/uddata')).body)
  t.same(full.slice(0, -1), [], 'a full export has no annulled decision')
  const worklist = lines((await call('GET', `/v1/exports/uddata?changedSince=${encodeURIComponent(before)}&indberetningsklar=false`)).body)
  t.same(worklist.slice(0, -1), [], 'nor has the completeness worklist')

  const due = (await call('GET', '/v1/follow-ups/due?date=2030-01-01')).json()
  t.same(due.items.flatMap((item: Json) => item.decisions.map((d: Json) => d.id)), [], 'no due follow-up names the annulled decision')

  const audit = (await call('GET', `/v1/audit?resourceId=${x.decisionId}`)).json()
  const event = audit.items.find((e: Json) => e.action === 'annul')
  t.match(event, { resourceType: 'decision', outcome: 'success', status: 200 })
  t.match(event.details, { reason: 'omgjort-efter-klage' })
  t.ok(event.details.annulled.includes(`intervention ${x.interventionId}`), 'the audit event names what was annulled with it')

  const timeline = (await call('GET', `${x.caseUrl}/timeline`)).json()
  t.ok(timeline.items.some((e: Json) => e.type === 'annulled' && e.href === decisionUrl), 'the timeline shows the annulment')
  t.notOk(timeline.items.some((e: Json) => e.type === 'decision'), 'and no longer the decision as made')
})

t.test('after annulment nothing changes it: 409', async (t) => {
  const { x, call, etag, annul } = await setUp(t)
  const decisionUrl = `/v1/decisions/${x.decisionId}`
  const ydelseId = (await call('GET', `${decisionUrl}/interventions/${x.interventionId}`)).json().ydelser[0].id as string
  t.equal((await annul(decisionUrl)).statusCode, 200)

  const again = await annul(decisionUrl)
  t.equal(again.statusCode, 409, 'annulled twice')
  t.match(again.json().detail, /annulled/)
  const followUp = await call('POST', `${decisionUrl}/follow-ups`, followUpPayload(x.goalId))
  t.equal(followUp.statusCode, 409, 'no follow-up on an annulled decision')
  const ending = await call('POST', `${decisionUrl}/ending`, { slutdato: '2023-05-01', reason: 'Fraflyttet' }, { 'if-match': await etag(decisionUrl) })
  t.equal(ending.statusCode, 409, 'no ending of an annulled decision')
  const ydelseUrl = `/v1/ydelser/${ydelseId}`
  const ydelse = await call('GET', ydelseUrl)
  t.equal(ydelse.statusCode, 200, 'an annulled ydelse still answers on its own URL')
  t.equal(ydelse.json().annulment.reason, 'fejlregistrering')
  const extended = await call('PATCH', ydelseUrl, { slutdato: '2024-12-31' }, { 'if-match': ydelse.headers.etag! })
  t.equal(extended.statusCode, 409, 'an annulled ydelse is not extended')
})

t.test('the write rules: 428 without If-Match, 412 stale, idempotent replay, 404 across municipalities, 400 for an unknown reason', async (t) => {
  const { kommunekode, x, call, etag } = await setUp(t)
  const goalUrl = `${x.caseUrl}/goals/${x.goalId}`
  const noteUrl = (await aNote(app, (await createTestClient(app, { municipalities: [kommunekode] })).headers, x.caseUrl)).location
  t.equal((await call('POST', `${noteUrl}/annulment`, { reason: 'dublet' })).statusCode, 428)
  t.equal((await call('POST', `${noteUrl}/annulment`, { reason: 'dublet' }, { 'if-match': await etag(goalUrl) })).statusCode, 412)
  t.equal((await call('POST', `${noteUrl}/annulment`, { reason: 'forkert' }, { 'if-match': await etag(noteUrl) })).statusCode, 400)

  const key = { 'idempotency-key': '"annul-note-1"', 'if-match': await etag(noteUrl) }
  const first = await call('POST', `${noteUrl}/annulment`, { reason: 'dublet' }, key)
  t.equal(first.statusCode, 200, first.body)
  const replay = await call('POST', `${noteUrl}/annulment`, { reason: 'dublet' }, key)
  t.equal(replay.statusCode, 200)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.same(replay.json(), first.json())
  t.same((await call('GET', `${x.caseUrl}/notes`)).json().items, [], 'the annulled note left the list of notes')
  t.same((await call('GET', `${x.caseUrl}/notes?includeAnnulled=true`)).json().items.map((n: Json) => n.annulment.reason), ['dublet'], 'unless asked for')

  const other = await createTestClient(app, { municipalities: ['147'] })
  const elsewhere = await app.inject({ method: 'POST', url: `${goalUrl}/annulment`, payload: { reason: 'dublet' }, headers: { ...other.headers, 'if-match': await etag(goalUrl) } })
  t.equal(elsewhere.statusCode, 404, 'another municipality\'s goal does not exist for this client')
})

t.test('annulling what others rely on: 409 naming them, or the cascade when asked', async (t) => {
  const { x, call, annul } = await setUp(t)
  const goalUrl = `${x.caseUrl}/goals/${x.goalId}`
  const refused = await annul(goalUrl)
  t.equal(refused.statusCode, 409)
  t.match(refused.json().detail, new RegExp(`decision ${x.decisionId}`), 'names the decision covering the goal')
  t.match(refused.json().errors, [{ pointer: '/cascade', code: 'has-dependants' }])
  t.notOk((await call('GET', goalUrl)).json().annulment, 'nothing was annulled')

  const cascaded = await annul(goalUrl, { reason: 'fejlregistrering', cascade: true })
  t.equal(cascaded.statusCode, 200, cascaded.body)
  t.same(cascaded.json().annulled.map((a: Json) => a.resourceType).sort(), ['decision', 'goal', 'intervention', 'stoettebehov', 'ydelse'])
  t.same((await call('GET', `${x.caseUrl}/goals`)).json().items, [], 'the goal left the list of goals')
  t.ok((await call('GET', `/v1/decisions/${x.decisionId}`)).json().annulment, 'and the decision covering it was annulled')
})

t.test('a registration a goal relies on; its annulment leaves the investigation', async (t) => {
  const { app, headers, x, call, annul } = await setUp(t)
  const registration = await aRegistration(app, headers, x.caseUrl, 'aktivitet-og-deltagelse',
    { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[3], registeredAt: '2023-02-01T09:00:00+01:00' })
  const investigation = async () => (await call('GET', `${x.caseUrl}/investigation`)).json().aktivitetOgDeltagelse as Json[]
  t.equal((await investigation())[0]!.id, registration.id, 'the latest level is the current one')
  const goalOnIt = await aGoal(app, headers, x.caseUrl, { registeredAt: '2023-02-01T10:00:00+01:00' }, { investigated: true })
  t.equal(goalOnIt.body.aktueltFunktionsevneniveau.registrationId, registration.id)

  const refused = await annul(registration.location)
  t.equal(refused.statusCode, 409)
  t.match(refused.json().detail, new RegExp(`goal ${goalOnIt.id}`))

  t.equal((await annul(`${x.caseUrl}/goals/${goalOnIt.id}`)).statusCode, 200, 'the goal first')
  const annulled = await annul(registration.location)
  t.equal(annulled.statusCode, 200, annulled.body)
  const current = await investigation()
  t.equal(current.length, 1)
  t.not(current[0]!.id, registration.id, 'the investigation stands as before the annulled registration')
  const history = (await call('GET', `${x.caseUrl}/investigation/aktivitet-og-deltagelse`)).json().items as Json[]
  t.notOk(history.some((r) => r.id === registration.id), 'and it left the history')
  const all = (await call('GET', `${x.caseUrl}/investigation/aktivitet-og-deltagelse?includeAnnulled=true`)).json().items as Json[]
  t.equal(all.find((r) => r.id === registration.id)?.annulment.reason, 'fejlregistrering', 'unless the annulled are asked for')
  const goals = (await call('GET', `${x.caseUrl}/goals?includeAnnulled=true`)).json().items as Json[]
  t.equal(goals.find((g) => g.id === goalOnIt.id)?.annulment.reason, 'fejlregistrering')
  t.equal((await call('GET', registration.location)).json().annulment.reason, 'fejlregistrering')
  const since = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(annulled.json().annulment.annulledAt)}`)).json()
  t.same(since.items.map((d: Json) => d.id), [x.decisionId], 'changedSince catches it: the decision\'s uddata changed with its case')
})

t.test('follow-ups: one that continues the course is annulled with its levels; one that ended it is refused', async (t) => {
  const { app, headers, x, call, annul } = await setUp(t)
  const decisionUrl = `/v1/decisions/${x.decisionId}`
  const continuing = await aFollowUp(app, headers, x.decisionId, x.goalId, {
    registeredAt: '2023-03-01T10:00:00+01:00', statusPaaIndsats: STATUS.fortsaettelse, naesteOpfoelgningsdato: '2023-09-01'
  })
  const levelId = continuing.body.maal[0].registrationId as string
  const response = await annul(continuing.location)
  t.equal(response.statusCode, 200, response.body)
  t.same(response.json().annulled.map((a: Json) => a.resourceType).sort(), ['follow-up', 'registration', 'stoettebehov'])
  t.same((await call('GET', `${decisionUrl}/follow-ups`)).json().items, [], 'gone from the decision\'s follow-ups')
  t.same((await call('GET', `${decisionUrl}/follow-ups?includeAnnulled=true`)).json().items.map((f: Json) => f.id), [continuing.id])
  const own = await call('GET', continuing.location)
  t.equal(own.statusCode, 200, 'its own URL still answers')
  t.match(own.json(), { annulment: { reason: 'fejlregistrering' }, stoettebehov: { code: continuing.body.stoettebehov.code } })
  const corrected = await call('PATCH', continuing.location, { naesteOpfoelgningsdato: '2023-10-01' }, { 'if-match': own.headers.etag! })
  t.equal(corrected.statusCode, 409, 'an annulled follow-up is not corrected')
  const decision = (await call('GET', decisionUrl)).json()
  t.equal(decision.stoettebehov.length, 1, 'its støttebehov left the decision')
  t.notOk((await call('GET', `${x.caseUrl}/investigation`)).json().aktivitetOgDeltagelse.some((r: Json) => r.id === levelId), 'its level left the investigation')

  const ending = await aFollowUp(app, headers, x.decisionId, x.goalId)
  const refused = await annul(ending.location)
  t.equal(refused.statusCode, 409, 'a follow-up that ended the course is not annulled on its own')
  t.match(refused.json().errors, [{ code: 'ended-course' }])
})

t.test('delmål, notes and the assessment', async (t) => {
  const { app, headers, x, call, etag, annul } = await setUp(t)
  const delmaal = await aDelmaal(app, headers, x.caseUrl, x.goalId)
  await aNote(app, headers, x.caseUrl, { delmaalId: delmaal.id })
  const refused = await annul(delmaal.location)
  t.equal(refused.statusCode, 409)
  t.match(refused.json().detail, /note /, 'the note on the delmål is named')
  t.equal((await annul(delmaal.location, { reason: 'dublet', cascade: true })).statusCode, 200)
  t.same((await call('GET', `${x.caseUrl}/delmaal`)).json().items, [])
  t.same((await call('GET', `${x.caseUrl}/notes`)).json().items, [])
  const patched = await call('PATCH', delmaal.location, { tekst: 'Ny tekst' }, { 'if-match': await etag(delmaal.location) })
  t.equal(patched.statusCode, 409, 'an annulled delmål is not changed')

  const assessmentUrl = `${x.caseUrl}/assessment`
  t.equal((await call('PUT', assessmentUrl, { samletVurdering: 'Vurdering', indsatsformaal: null })).statusCode, 201)
  t.equal((await annul(assessmentUrl)).statusCode, 200)
  const assessment = await call('GET', assessmentUrl)
  t.equal(assessment.json().annulment.reason, 'fejlregistrering')
  const replaced = await call('PUT', assessmentUrl, { samletVurdering: 'Igen', indsatsformaal: null }, { 'if-match': assessment.headers.etag! })
  t.equal(replaced.statusCode, 409)
})

t.test('a ydelse annulled: gone from its intervention and the uddata; the decision changed', async (t) => {
  const { x, call, annul } = await setUp(t)
  const decisionUrl = `/v1/decisions/${x.decisionId}`
  const interventionUrl = `${decisionUrl}/interventions/${x.interventionId}`
  const ydelseId = (await call('GET', interventionUrl)).json().ydelser[0].id as string
  const before = (await call('GET', decisionUrl)).json().version as number
  const since = new Date().toISOString()
  t.equal((await annul(`/v1/ydelser/${ydelseId}`)).statusCode, 200)
  t.same((await call('GET', interventionUrl)).json().ydelser, [])
  const listed = (await call('GET', `${decisionUrl}/interventions?includeAnnulled=true`)).json().items[0]
  t.same(listed.ydelser.map((y: Json) => y.annulment.reason), ['fejlregistrering'], 'listed with includeAnnulled')
  t.equal(listed.dst.derivable, false, 'but counted for none of the intervention\'s DST codes')
  const doc = (await call('GET', `${decisionUrl}/uddata`)).json()
  t.same(doc.socialIndsats[0].ydelser, [], 'the uddata no longer reports it')
  t.ok((await call('GET', decisionUrl)).json().version > before, 'the decision has a new version')
  const changed = (await call('GET', `/v1/decisions?changedSince=${encodeURIComponent(since)}`)).json()
  t.same(changed.items.map((d: Json) => d.id), [x.decisionId], 'changedSince catches the annulment')
})

t.test('the timeline shows a correction and an annulment as events of their own', async (t) => {
  const { x, call, etag, annul } = await setUp(t)
  const goalUrl = `${x.caseUrl}/goals/${x.goalId}`
  const corrected = await call('PATCH', goalUrl, { ansvarligForOpfoelgning: 'Team 2', reason: 'Forkert team' }, { 'if-match': await etag(goalUrl) })
  t.equal(corrected.statusCode, 200, corrected.body)
  const interventionUrl = `/v1/decisions/${x.decisionId}/interventions/${x.interventionId}`
  t.equal((await annul(interventionUrl, { reason: 'dublet' })).statusCode, 200)
  const events = (await call('GET', `${x.caseUrl}/timeline`)).json().items as Json[]
  t.match(events.find((e) => e.type === 'corrected'), { id: x.goalId, href: `${goalUrl}/versions`, title: 'Rettet: goal (Forkert team)' })
  t.match(events.find((e) => e.type === 'annulled' && e.id === x.interventionId), { href: interventionUrl, title: 'Annulleret (dublet): intervention' })
  t.notOk(events.some((e) => e.type === 'intervention'), 'the annulled intervention\'s own event has gone')
})
