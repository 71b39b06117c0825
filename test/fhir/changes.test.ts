import t, { type Test } from 'tap'
import { AD, LEVEL, OMG } from '../support/codes.js'
import { aRegistration, annulled } from '../support/factories.js'
import { code, conditionOf, lines, ofProfile, ORG, X, type Bundle, type Resource } from '../support/fhir.js'
import { buildTestApp, createTestClient } from '../helper.js'
import { violations } from '../support/fhir-validation.js'
import { recordCitizenX } from '../support/flow.js'

/**
 * The FHIR delivery follows a course that changes: a correction is the same
 * resource again with a new meta.versionId and lastUpdated; an annulled
 * decision's resources come once more, under the same ids, as
 * entered-in-error (KL's guide); an annulled registration sends its case's
 * udredning again without it; a ydelse ending moves its CarePlan's meta on
 * its last day, by time alone.
 */

// One app for the file; each test records its citizen in a municipality of its own and reads with a client of
// that municipality only, so one test's changes never show in another's deltas.
const MUNICIPALITIES = ['101', '151', '153', '155', '157']
const app = await buildTestApp(t, { config: { kombitOrganisations: new Map(MUNICIPALITIES.map((k) => [k, ORG])) } })

async function setUp (t: Test) {
  let now = new Date()
  const kommunekode = MUNICIPALITIES.shift()!
  const { headers } = await createTestClient(app, { municipalities: [kommunekode] })
  const x = await recordCitizenX(app, headers, { ...X, kommunekode })
  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) })
  const delta = async (since: string): Promise<Bundle[]> =>
    lines((await call('GET', `/v1/exports/fhir?kommunekode=${kommunekode}&changedSince=${encodeURIComponent(since)}`)).body).slice(0, -1) as Bundle[]
  const asItStands = async (): Promise<Bundle> => (await call('GET', `${x.caseUrl}/fhir`)).json()
  return { app, headers, kommunekode, x, call, delta, asItStands, setNow: (instant: string) => { now = new Date(instant) }, now: () => now }
}

t.test('an A&D level corrected: the same Condition with a new versionId and lastUpdated, in the changedSince delta', async (t) => {
  const { x, call, delta, asItStands } = await setUp(t)
  const before = conditionOf(await asItStands(), AD.varetageOekonomi)
  t.equal(code(before.severity), LEVEL[2])
  const registration = (await call('GET', `${x.caseUrl}/investigation/aktivitet-og-deltagelse`)).json().items[0]
  const url = `${x.caseUrl}/investigation/aktivitet-og-deltagelse/${registration.id as string}`
  const since = new Date().toISOString()
  t.same(await delta(since), [], 'nothing changed yet')

  const corrected = await call('PATCH', url, { funktionsevneniveau: LEVEL[3], reason: 'Fejl i niveau' }, { 'if-match': (await call('GET', url)).headers.etag! })
  t.equal(corrected.statusCode, 200, corrected.body)
  const [bundle, ...others] = await delta(since)
  t.same(others, [], 'one citizen changed')
  t.same(violations(bundle), [])
  const after = conditionOf(bundle!, AD.varetageOekonomi)
  t.equal(after.id, before.id, 'the same resource')
  t.equal(code(after.severity), LEVEL[3], 'with the corrected level')
  t.not(after.meta.versionId, before.meta.versionId, 'a new versionId')
  t.ok(after.meta.lastUpdated > before.meta.lastUpdated && after.meta.lastUpdated >= since, 'lastUpdated is the correction\'s instant')
  t.same(conditionOf(await asItStands(), AD.varetageOekonomi).meta, after.meta, 'and so it stands')
})

t.test('a decision omgjort efter klage: its resources once more, same ids, entered-in-error', async (t) => {
  const { x, call, delta, asItStands } = await setUp(t)
  const plans = (bundle: Bundle): Resource[] => [...ofProfile(bundle, 'carePlan'), ...ofProfile(bundle, 'intervention')]
  const before = plans(await asItStands())
  t.equal(before.length, 2, 'a CarePlan for the intervention and one for its ydelse')
  const since = new Date().toISOString()
  const decisionUrl = `/v1/decisions/${x.decisionId}`
  const annulled = await call('POST', `${decisionUrl}/annulment`, { reason: 'omgjort-efter-klage' }, { 'if-match': (await call('GET', decisionUrl)).headers.etag! })
  t.equal(annulled.statusCode, 200, annulled.body)

  const [bundle] = await delta(since)
  t.ok(bundle, 'the citizen is in the delta')
  t.same(violations(bundle), [], 'a valid delivery')
  const after = plans(bundle!)
  t.same(after.map((r) => r.id).sort(), before.map((r) => r.id).sort(), 'under the same ids')
  t.same(after.map((r) => r.status), ['entered-in-error', 'entered-in-error'])
  t.ok(after.every((r) => r.meta.lastUpdated >= since), 'last updated at the annulment')
  t.same(plans(await asItStands()).map((r) => r.status), ['entered-in-error', 'entered-in-error'], 'everything reported so far says so too')
  t.same(await delta(new Date().toISOString()), [], 'and a later delta does not send it again')
})

t.test('a registration annulled: the Condition of its sub-theme and the udredning are sent again without it', async (t) => {
  const { app, headers, x, delta } = await setUp(t)
  const reassessed = await aRegistration(app, headers, x.caseUrl, 'aktivitet-og-deltagelse',
    { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[3], registeredAt: '2023-02-01T10:00:00+01:00' })
  const since = new Date().toISOString()
  await annulled(app, headers, reassessed.location)

  const [bundle, ...others] = await delta(since)
  t.same(others, [], 'the citizen is in the delta')
  t.same(violations(bundle), [], 'a valid delivery')
  const condition = conditionOf(bundle!, AD.varetageOekonomi)
  t.equal(code(condition.severity), LEVEL[2], 'the level stands as it was before the annulled reassessment')
  t.match(condition, { clinicalStatus: { coding: [{ code: 'active' }] }, verificationStatus: { coding: [{ code: 'confirmed' }] } })
  t.ok(condition.meta.lastUpdated >= since, 'last updated at the annulment')
  const [gathering] = ofProfile(bundle!, 'informationGathering')
  t.ok(gathering, 'the udredning is sent again')
  t.ok(gathering!.effectiveDateTime >= since, 'as it stands from the annulment')
  t.equal(gathering!.finding.length, 4, 'with the four sub-themes that stand')
  t.same(await delta(new Date().toISOString()), [], 'and a later delta does not send it again')
})

t.test('the only registration of a sub-theme annulled: its Condition comes once more, refuted, and leaves the udredning', async (t) => {
  const { x, call, delta, asItStands } = await setUp(t)
  const before = conditionOf(await asItStands(), OMG.personerINetvaerk)
  const registration = (await call('GET', `${x.caseUrl}/investigation/omgivelsesfaktorer`)).json().items[0]
  const since = new Date().toISOString()
  const url = `${x.caseUrl}/investigation/omgivelsesfaktorer/${registration.id as string}`
  const annulment = await call('POST', `${url}/annulment`, { reason: 'fejlregistrering' }, { 'if-match': (await call('GET', url)).headers.etag! })
  t.equal(annulment.statusCode, 200, annulment.body)

  const [bundle] = await delta(since)
  t.ok(bundle, 'the citizen is in the delta')
  t.same(violations(bundle), [], 'a valid delivery')
  const refuted = conditionOf(bundle!, OMG.personerINetvaerk)
  t.equal(refuted.id, before.id, 'the same Condition')
  t.match(refuted, { clinicalStatus: { coding: [{ code: 'inactive' }] }, verificationStatus: { coding: [{ code: 'refuted' }] } })
  t.ok(refuted.meta.lastUpdated >= since && refuted.meta.versionId !== before.meta.versionId, 'a new version, at the annulment')
  const findings = ofProfile(bundle!, 'informationGathering')[0]!.finding.map((f: { itemReference: { reference: string } }) => f.itemReference.reference)
  t.equal(findings.length, 3, 'the udredning has the three sub-themes left')
  t.notOk(findings.some((reference: string) => reference.endsWith(refuted.id)), 'and not the annulled one')
  t.same(conditionOf(await asItStands(), OMG.personerINetvaerk).verificationStatus, refuted.verificationStatus,
    'everything reported so far says so too')
})

t.test('a ydelse ending by time alone: its CarePlan completes on its last day, meta moved', async (t) => {
  const { kommunekode, x, call } = await setUp(t)
  const interventionUrl = `/v1/decisions/${x.decisionId}/interventions/${x.interventionId}`
  const ydelse = (await call('GET', interventionUrl)).json().ydelser[0]
  const url = `/v1/ydelser/${ydelse.id as string}`
  t.equal((await call('PATCH', url, { slutdato: '2023-04-30', reason: 'Ophører' }, { 'if-match': (await call('GET', url)).headers.etag! })).statusCode, 200)
  const day = async (date: string): Promise<Resource | undefined> => {
    const [bundle] = lines((await call('GET', `/v1/exports/fhir?kommunekode=${kommunekode}&date=${date}`)).body).slice(0, -1) as Bundle[]
    return bundle === undefined ? undefined : ofProfile(bundle, 'intervention')[0]
  }
  t.equal(await day('2023-04-29'), undefined, 'nothing to report the day before')
  const ended = await day('2023-04-30')
  t.equal(ended?.status, 'completed', 'reported on its last day, completed')
  t.equal(ended?.period.end, '2023-04-30')
  t.equal(ended?.meta.lastUpdated, '2023-04-29T22:00:00.000Z', 'changed at the start of that Danish day')
  t.equal(ended?.meta.versionId, String(Date.parse('2023-04-29T22:00:00.000Z')))
})
