import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AD, FF, LEVEL, MAALGRUPPE, MAALTYPE, OMG, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { appWithOrganisation, code, conditionOf, one, ofProfile, ORG, PROFILE, recordEverything, resolve, X, type Bundle, type Headers } from '../support/fhir.js'
import { violations } from '../support/fhir-validation.js'
import { followUpCitizenX, recordCitizenX } from '../support/flow.js'
import { buildTestApp, createTestClient } from '../helper.js'

t.test('the seeds\' worked example as two daily FHIR bundles', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  const x = await recordCitizenX(app, headers, X)
  const bundleOn = async (date: string) => await app.inject({ method: 'GET', url: `${x.caseUrl}/fhir?date=${date}`, headers })
  const janBefore = await bundleOn('2023-01-01')
  t.equal(janBefore.statusCode, 200, janBefore.body)
  t.equal(janBefore.headers['content-type'], 'application/fhir+json; charset=utf-8')
  await followUpCitizenX(app, headers, x)
  const janRes = await bundleOn('2023-01-01')
  t.equal(janRes.body, janBefore.body, 'the 1 January bundle is byte-identical after the June follow-up: each day keeps its own state')
  t.equal((await bundleOn('2023-01-01')).body, janRes.body, 'and again')
  const jan = janRes.json<Bundle>()
  const jun = (await bundleOn('2023-06-01')).json<Bundle>()
  t.same(violations(jan), [], '1 January passes the validator')
  t.same(violations(jun), [], '1 June passes the validator')
  t.equal((await bundleOn('2023-03-01')).statusCode, 404, 'nothing to report on a quiet day')

  t.test('1 January: udredning, goal, decision and the § 85 intervention', async (t) => {
    const patient = one(jan, 'citizen')
    t.same(patient.identifier, [{ use: 'official', system: 'urn:oid:1.2.208.176.1.2', value: '0101904321' }])
    t.same(patient.managingOrganization, { identifier: { use: 'official', system: 'https://www.kombit.dk/organisation', value: ORG } })
    t.same(ofProfile(jan, 'condition').map((c) => [code(c.code), c.severity === undefined ? null : code(c.severity), c.recordedDate.slice(0, 10)]).sort(), [
      [FF.oekonomiskSituation, null, '2023-01-01'],
      [AD.varetageOekonomi, LEVEL[2], '2023-01-01'],
      [FF.organiseringOgPlanlaegning, null, '2023-01-01'],
      [OMG.personerINetvaerk, null, '2023-01-01']
    ].sort(), 'F&F and Omgivelser without severity, Varetage økonomi at level 2')
    const udredning = one(jan, 'informationGathering')
    t.equal(resolve(jan, udredning.extension[0].valueReference).resourceType, 'ServiceRequest')
    t.equal(udredning.finding.length, 4)
    t.equal(code(resolve(jan, udredning.investigation[0].item[0]).valueCodeableConcept), STOETTEBEHOV.let, 'støttebehov Let')
    const goal = one(jan, 'interventionGoal')
    t.same(goal.target.map((target: { detailCodeableConcept: never }) => code(target.detailCodeableConcept)), [LEVEL[1], MAALTYPE.udvikle])
    t.equal(resolve(jan, goal.addresses[0]), conditionOf(jan, AD.varetageOekonomi), 'the goal addresses Varetage økonomi with rank 1')
    t.equal(goal.addresses[0].extension[0].valuePositiveInt, 1)
    const plan = one(jan, 'carePlan')
    t.match(plan, { status: 'active', intent: 'order', period: { start: '2023-01-01' } })
    t.notOk('end' in plan.period)
    const { sagsnummer } = (await app.inject({ method: 'GET', url: x.caseUrl, headers })).json()
    const caseNumber = plan.extension.find((e: { url: string }) => e.url.endsWith('municipalityCaseNumber'))
    t.same(caseNumber.extension[0].valueIdentifier, { use: 'usual', system: 'urn:ffb-api:kommune:101:sagsnummer', value: sagsnummer },
      'the CarePlan carries the case\'s sagsnummer, as the ServiceRequest does')
    const followUp = resolve(jan, plan.extension.find((e: { url: string }) => e.url.endsWith('follow-up-date-extension')).valueReference)
    t.same(followUp.period, { start: '2023-06-01' }, 'the planned follow-up is the goal\'s opfølgningsdato')
    t.equal(code(resolve(jan, plan.careTeam[0]).category[0]), TILBUD.mobiltTilbud)
    t.equal(code(resolve(jan, plan.addresses[0]).code), MAALGRUPPE.multipelFunktionsnedsaettelse)
    const ydelse = one(jan, 'intervention')
    t.match(ydelse, { status: 'active', period: { start: '2023-01-01' }, basedOn: [{ reference: `urn:uuid:${plan.id}` }] })
    t.equal(code(ydelse.activity[0].detail.code), YDELSE.stoetteTilAdministration)
    t.equal(ofProfile(jan, 'followUp').length, 0)
  })

  t.test('1 June: the same Conditions reassessed, a new støttebehov, the follow-up ending § 85', async (t) => {
    const janAd = conditionOf(jan, AD.varetageOekonomi)
    const junAd = conditionOf(jun, AD.varetageOekonomi)
    t.equal(junAd.id, janAd.id, 'a reassessed sub-theme keeps its id')
    t.equal(code(junAd.severity), LEVEL[0], 'Varetage økonomi level 0')
    t.equal(junAd.recordedDate, janAd.recordedDate, 'recorded on 1 January')
    t.same(junAd.extension, [{ url: 'http://fhir.kl.dk/core/StructureDefinition/ConditionLastAssertedDate', valueDateTime: '2023-06-01T08:00:00.000Z' }])
    t.ok(conditionOf(jun, FF.oekonomiskSituation).extension !== undefined, 'the F&F themes stamped again on 1 June')
    t.notOk(conditionOf(jun, OMG.personerINetvaerk).extension, 'Personer i netværk was not')
    t.not(one(jun, 'informationGathering').id, one(jan, 'informationGathering').id, 'a new udredning, a new id')
    t.equal(code(one(jun, 'careEvaluation').valueCodeableConcept), STOETTEBEHOV.intet, 'støttebehov Intet')
    t.not(one(jun, 'careEvaluation').id, one(jan, 'careEvaluation').id)
    const plan = one(jun, 'carePlan')
    t.equal(plan.id, one(jan, 'carePlan').id)
    t.match(plan, { status: 'completed', period: { start: '2023-01-01', end: '2023-06-01' } })
    t.equal(code(resolve(jun, plan.activity[0].outcomeReference[0]).valueCodeableConcept), STOETTEBEHOV.intet, 'the plan points to the new støttebehov')
    t.match(one(jun, 'intervention'), { status: 'completed', period: { start: '2023-01-01', end: '2023-06-01' } }, '§ 85 ended on 1 June')
    const followUp = one(jun, 'followUp')
    t.match(followUp, { status: 'final', effectiveDateTime: '2023-06-01', focus: [{ reference: `urn:uuid:${plan.id}` }] })
    t.equal(code(followUp.valueCodeableConcept), STATUS.afslutning)
    t.equal(one(jun, 'interventionGoal').lifecycleStatus, 'completed')
    t.equal(one(jun, 'citizen').id, one(jan, 'citizen').id)
  })

  t.test('the stream delivers the same bytes, one line per citizen, and a trailer', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/v1/exports/fhir?kommunekode=101&date=2023-01-01', headers })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/fhir+ndjson')
    const [line, trailer, ...rest] = res.body.trim().split('\n')
    t.equal(line, janRes.body, 'the stream\'s line is the single bundle, byte for byte')
    t.same(rest, [])
    t.match(JSON.parse(trailer!), { resourceType: 'Parameters', parameter: [{ name: 'cursor' }, { name: 'count', valueInteger: 1 }, { name: 'complete', valueBoolean: true }] })
  })

  t.test('without a date, everything reported so far as it stands', async (t) => {
    const res = await app.inject({ method: 'GET', url: `${x.caseUrl}/fhir`, headers })
    const now = res.json<Bundle>()
    t.same(violations(now), [])
    t.equal(one(now, 'carePlan').status, 'completed')
    t.equal(ofProfile(now, 'careEvaluation').length, 1, 'the current støttebehov only')
    t.equal(ofProfile(now, 'informationGathering').length, 1, 'the latest udredning')
  })
})

t.test('a citizen with every kind of data', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  const everything = await recordEverything(app, headers)
  const bundleOn = async (query: string) => (await app.inject({ method: 'GET', url: `${everything.caseUrl}/fhir${query}`, headers })).json<Bundle>()
  const march = await bundleOn('?date=2024-03-01')
  const april = await bundleOn('?date=2024-04-01')
  const may = await bundleOn('?date=2024-05-31')
  const september = await bundleOn('?date=2024-09-01')
  const now = await bundleOn('')
  for (const [name, bundle] of Object.entries({ march, april, may, september, now })) t.same(violations(bundle), [], `${name} passes the validator`)

  const profiles = new Set(march.entry.map((e) => e.resource.meta.profile[0]!.replace(PROFILE, '')))
  t.same([...profiles].sort(), ['carePlan', 'careEvaluation', 'citizen', 'condition', 'followUpEncounter', 'informationGathering', 'intervention',
    'interventionGoal', 'serviceRequest', 'servicePerformer', 'targetGroup'].sort(), 'every profile but the follow-up result on the first day')
  t.ok(ofProfile(september, 'followUp').length === 1, 'and the follow-up result in September')
  t.same(ofProfile(march, 'carePlan').map((p) => code(resolve(march, p.careTeam[0]).category[0])).sort(),
    [TILBUD.midlertidigtBotilbud, TILBUD.aktivitetsOgSamvaerstilbud].sort(), 'one CarePlan per tilbud')
  const ranks = ofProfile(march, 'carePlan')[0]!.addresses.map((a: { extension: Array<{ valuePositiveInt: number }>, reference: string }) =>
    [code(resolve(march, a).code), a.extension[0]!.valuePositiveInt])
  t.same(ranks, [[MAALGRUPPE.angst, 1], [MAALGRUPPE.depression, 2], [MAALGRUPPE.stofmisbrug, 2]], 'the primary målgruppe rank 1, the others rank 2')
  const first = ofProfile(march, 'interventionGoal').find((g) => g.addresses.length > 1)!
  t.same(first.addresses.map((a: { reference: string }) => code(resolve(march, a).code)), [AD.varetageOekonomi, AD.indgaaISamspilOgKontakt],
    'related sub-themes are addressed once investigated (Varetage relationer til netværk was not)')
  t.equal(code(conditionOf(march, AD.indgaaISamspilOgKontakt).severity), LEVEL.ikkeVurderet)

  const ydelse = (bundle: Bundle, code_: string) => ofProfile(bundle, 'intervention').find((i) => code(i.activity[0].detail.code) === code_)
  t.match(ydelse(april, YDELSE.stoetteTilTransport), { status: 'active', period: { start: '2024-04-01' } }, 'a ydelse starting on a day is delivered that day')
  t.equal(ofProfile(april, 'intervention').length, 3, 'with the state of the decision\'s other ydelser')
  t.match(ydelse(may, YDELSE.service), { status: 'completed', period: { start: '2024-03-01', end: '2024-05-31' } }, 'and one ending on it')
  t.match(ydelse(march, YDELSE.service), { status: 'active', period: { end: '2024-05-31' } }, 'a planned end is known from the start')
  const encounter = resolve(september, ofProfile(september, 'carePlan')[0]!.extension[1].valueReference)
  t.same(encounter.period, { start: '2025-03-01' }, 'after a continued follow-up, its next date is planned')
  t.equal(ofProfile(september, 'carePlan').every((p) => p.status === 'active'), true)
  t.same(ofProfile(september, 'followUp')[0]!.focus.length, 2, 'the follow-up result concerns both CarePlans')
})

t.test('a municipality without a KOMBIT organisation cannot be delivered', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101'] })
  const x = await recordCitizenX(app, headers)
  for (const url of [`${x.caseUrl}/fhir`, '/v1/exports/fhir?kommunekode=101']) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 409, url)
    t.equal(res.json().type, 'urn:ffb-api:problem:not-configured')
    t.match(res.json().detail, 'KOMBIT_ORGANISATIONS')
  }
})

t.test('stable ids: name-based, the same for the same record in another database', async (t) => {
  const a = await appWithOrganisation(t)
  const b = await appWithOrganisation(t)
  const ids = async ({ app, headers }: { app: FastifyInstance, headers: Headers }) => {
    const x = await recordCitizenX(app, headers, X)
    const bundle = (await app.inject({ method: 'GET', url: `${x.caseUrl}/fhir?date=2023-01-01`, headers })).json<Bundle>()
    return bundle.entry.map((e) => e.fullUrl)
  }
  const [idsA, idsB] = [await ids(a), await ids(b)]
  t.equal(idsA.length, idsB.length)
  t.ok(idsA.every((id) => !idsB.includes(id)), 'different records (other case ids) get other ids')
  t.ok(idsA.every((id) => /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), 'version-5 UUIDs')
})

t.test('a top-level målgruppe outside KL\'s value set goes out as recorded, and the validator names it', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  const x = await recordCitizenX(app, headers, { maalgruppe: MAALGRUPPE.socialtProblem })
  const bundle = (await app.inject({ method: 'GET', url: `${x.caseUrl}/fhir?date=2023-01-01`, headers })).json<Bundle>()
  t.equal(code(one(bundle, 'targetGroup').code), MAALGRUPPE.socialtProblem, 'never replaced by a guess')
  t.match(violations(bundle), [/KLTargetGroupsFFB/])
})
