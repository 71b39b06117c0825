import t from 'tap'
import { dayInDenmark } from '../../src/catalogs/catalogs.js'
import { plannedFollowUpDate } from '../../src/fhir/readiness.js'
import { appWithOrganisation, lines, one, ofProfile, resolve, X, type Bundle, type Resource } from '../support/fhir.js'
import { violations } from '../support/fhir-validation.js'
import { aCase, aDecision, aGoal, aRegistration, anIntervention } from '../support/factories.js'
import { recordCitizenX } from '../support/flow.js'
import { MAALGRUPPE } from '../support/codes.js'

/**
 * The municipality's sagsnummer is KL's municipalityCaseNumber, on the
 * ServiceRequest and on every CarePlan of the case; a decision's own
 * opfoelgningsdato plans the follow-up of a course without goals; and no
 * resource carries an empty list.
 */

const caseNumberOf = (resource: Resource) =>
  (resource.extension ?? []).find((e: { url: string }) => e.url.endsWith('municipalityCaseNumber'))?.extension[0].valueIdentifier
const followUpDateOf = (bundle: Bundle, plan: Resource): string | undefined => {
  const extension = (plan.extension ?? []).find((e: { url: string }) => e.url.endsWith('follow-up-date-extension'))
  return extension === undefined ? undefined : resolve(bundle, extension.valueReference).period.start
}
/** Every empty array in a JSON value, by path. */
const emptyLists = (value: unknown, path = ''): string[] => Array.isArray(value)
  ? value.length === 0 ? [path] : value.flatMap((item, i) => emptyLists(item, `${path}/${i}`))
  : typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([key, item]) => emptyLists(item, `${path}/${key}`)) : []

t.test('the municipality\'s sagsnummer in the FHIR delivery', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  const bundleOf = async (caseUrl: string, query = '?date=2023-01-01') =>
    (await app.inject({ method: 'GET', url: `${caseUrl}/fhir${query}`, headers })).json<Bundle>()

  t.test('is the municipalityCaseNumber of the ServiceRequest and of every CarePlan', async (t) => {
    const x = await recordCitizenX(app, headers, X)
    const { sagsnummer } = (await app.inject({ method: 'GET', url: x.caseUrl, headers })).json()
    const bundle = await bundleOf(x.caseUrl)
    const expected = { use: 'usual', system: 'urn:ffb-api:kommune:101:sagsnummer', value: sagsnummer }
    t.same(caseNumberOf(one(bundle, 'serviceRequest')), expected, 'not our case id')
    t.same(caseNumberOf(one(bundle, 'carePlan')), expected, 'not the sagsafgørelsesID')
    t.notOk(JSON.stringify(bundle).includes(x.caseUrl.split('/').at(-1)!), 'our case id is in no element')
    t.same(violations(bundle), [])
  })

  t.test('a case without one has no municipalityCaseNumber, and no empty extension list', async (t) => {
    const x = await recordCitizenX(app, headers, { ...X, cpr: '0202904321', sagsnummer: null })
    const bundle = await bundleOf(x.caseUrl)
    const request = one(bundle, 'serviceRequest')
    t.notOk('extension' in request, 'the ServiceRequest has no extension at all')
    t.equal(caseNumberOf(one(bundle, 'carePlan')), undefined, 'the CarePlan none (KL requires one: it cannot be delivered)')
    t.ok(followUpDateOf(bundle, one(bundle, 'carePlan')), 'its follow-up date stays')
  })

  t.test('a sagsnummer given later sends the ServiceRequest and CarePlans again, with it', async (t) => {
    const x = await recordCitizenX(app, headers, { ...X, cpr: '0303904321', sagsnummer: null })
    const before = await bundleOf(x.caseUrl)
    const since = new Date().toISOString()
    const read = await app.inject({ method: 'GET', url: x.caseUrl, headers })
    const patched = await app.inject({ method: 'PATCH', url: x.caseUrl, headers: { ...headers, 'if-match': read.headers.etag! }, payload: { sagsnummer: 'Sag154689' } })
    t.equal(patched.statusCode, 200, patched.body)
    const res = await app.inject({ method: 'GET', url: `/v1/exports/fhir?kommunekode=101&changedSince=${encodeURIComponent(since)}`, headers })
    t.equal(res.statusCode, 200, res.body)
    const [bundle, ...rest] = lines(res.body) as [Bundle, ...unknown[]]
    t.equal(rest.length, 1, 'one citizen, and the trailer')
    const request = one(bundle, 'serviceRequest')
    const plan = one(bundle, 'carePlan')
    t.equal(caseNumberOf(request).value, 'Sag154689')
    t.equal(caseNumberOf(plan).value, 'Sag154689')
    t.equal(request.id, one(before, 'serviceRequest').id, 'the same resources')
    t.equal(plan.id, one(before, 'carePlan').id)
    t.ok(request.meta.lastUpdated >= since && plan.meta.lastUpdated >= since, 'each a new version')
    t.same(violations(bundle), [])
    const today = await bundleOf(x.caseUrl, `?date=${dayInDenmark(new Date())}`)
    t.equal(caseNumberOf(one(today, 'carePlan')).value, 'Sag154689', 'and in the day\'s delivery')
  })
})

t.test('a decision without goals', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  /** A case investigated as citizen X's, a decision with the given goals and fields, and its § 85 intervention; the 1 January bundle. */
  const decided = async (cpr: string, overrides: object, goals: object[] = []) => {
    const caseUrl = (await aCase(app, headers, { cpr })).location
    await aRegistration(app, headers, caseUrl, 'funktioner-og-forhold')
    await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse')
    const goalIds = []
    for (const goal of goals) goalIds.push((await aGoal(app, headers, caseUrl, goal, { investigated: true })).id)
    const decision = await aDecision(app, headers, caseUrl, {
      goals: goalIds, maalgrupper: { primaer: MAALGRUPPE.multipelFunktionsnedsaettelse, registeredAt: '2023-01-01T12:00:00+01:00' }, ...overrides
    })
    await anIntervention(app, headers, decision.id)
    const bundle = (await app.inject({ method: 'GET', url: `${caseUrl}/fhir?date=2023-01-01`, headers })).json<Bundle>()
    return { bundle, plan: one(bundle, 'carePlan'), decisionId: decision.id }
  }
  const warnings = async (decisionId: string): Promise<string[]> =>
    (await app.inject({ method: 'GET', url: `/v1/decisions/${decisionId}`, headers })).json().warnings.map((w: { code: string }) => w.code)

  t.test('has no goal element, and its own opfoelgningsdato as the planned follow-up', async (t) => {
    const { bundle, plan } = await decided('0404904321', { opfoelgningsdato: '2023-06-01' })
    t.notOk('goal' in plan, 'no "goal": []')
    t.equal(ofProfile(bundle, 'interventionGoal').length, 0)
    t.equal(followUpDateOf(bundle, plan), '2023-06-01', 'De aftaler opfølgning d. 1.6.2023')
    t.same(emptyLists(bundle), [], 'no empty list anywhere in the bundle')
    t.same(violations(bundle), [])
  })

  t.test('with its own opfoelgningsdato it is deliverable; without, the decision warns and the stream holds it back', async (t) => {
    const dated = await decided('0808904321', { opfoelgningsdato: '2023-06-01' })
    const undated = await decided('0909904321', {})
    t.same(await warnings(dated.decisionId), [], 'a planned follow-up: nothing to warn about')
    t.same(await warnings(undated.decisionId), ['fhir-no-follow-up-date'])
    const delivered = lines((await app.inject({ method: 'GET', url: '/v1/exports/fhir?kommunekode=101&date=2023-01-01', headers })).body)
    const plans = delivered.flatMap((line) => line.resourceType === 'Bundle' ? ofProfile(line as Bundle, 'carePlan').map((p) => p.id) : [])
    t.ok(plans.includes(dated.plan.id), 'the dated course is delivered')
    t.notOk(plans.includes(undated.plan.id), 'the undated one is held back')
  })

  t.test('without any agreed date it has no follow-up date (KL\'s care-plan-1 names it)', async (t) => {
    const { bundle, plan } = await decided('0505904321', {})
    t.equal(followUpDateOf(bundle, plan), undefined)
    t.notOk('goal' in plan)
    t.match(violations(bundle), [/care-plan-1/])
  })

  t.test('with goals too, the earliest agreed date is the planned follow-up', async (t) => {
    const own = await decided('0606904321', { opfoelgningsdato: '2023-03-01' }, [{ opfoelgningsdato: '2023-06-01' }])
    t.equal(followUpDateOf(own.bundle, own.plan), '2023-03-01', 'the decision\'s, before its goal\'s')
    t.equal(own.plan.goal.length, 1)
    const goals = await decided('0707904321', { opfoelgningsdato: '2023-09-01' }, [{ opfoelgningsdato: '2023-06-01' }])
    t.equal(followUpDateOf(goals.bundle, goals.plan), '2023-06-01', 'the goal\'s, before the decision\'s')
  })
})

t.test('the planned follow-up date: a follow-up\'s next date, else the earliest agreed date still ahead', async (t) => {
  const agreedDates = ['2023-09-01', null, '2023-03-01', '2023-06-01']
  t.equal(plannedFollowUpDate({ closed: false, lastFollowUp: undefined, agreedDates }), '2023-03-01', 'before any follow-up: the earliest')
  t.equal(plannedFollowUpDate({ closed: false, lastFollowUp: { date: '2023-03-01', next: '2023-04-01' }, agreedDates }), '2023-04-01',
    'a follow-up\'s next date supersedes the dates agreed before it')
  t.equal(plannedFollowUpDate({ closed: false, lastFollowUp: { date: '2023-03-01', next: null }, agreedDates }), '2023-06-01',
    'without one, the earliest still ahead of the last follow-up')
  t.equal(plannedFollowUpDate({ closed: false, lastFollowUp: { date: '2023-09-01', next: null }, agreedDates }), undefined, 'none ahead')
  t.equal(plannedFollowUpDate({ closed: true, lastFollowUp: undefined, agreedDates }), undefined, 'none once closed')
  t.equal(plannedFollowUpDate({ closed: false, lastFollowUp: undefined, agreedDates: [null] }), undefined)
})
