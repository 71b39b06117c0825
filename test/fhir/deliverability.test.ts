import t from 'tap'
import { appWithOrganisation, lines, one, X, type Bundle } from '../support/fhir.js'
import { aCase, aDecision, aFollowUp, anIntervention, type Json } from '../support/factories.js'
import { MAALGRUPPE, STATUS } from '../support/codes.js'
import { violations } from '../support/fhir-validation.js'
import { recordCitizenX } from '../support/flow.js'

/**
 * KL's FHIR gateway rejects some courses the API accepts (the seeds ask for
 * them): the export holds such a citizen's bundle back and lists it in a
 * worklist, and the decision says why at the desk, as warnings.
 */

const warningCodes = (decision: Json): string[] => (decision.warnings as Array<{ code: string }>).map((w) => w.code)

t.test('deliverable or held back, per citizen', async (t) => {
  const { app, headers } = await appWithOrganisation(t)
  const stream = async (query: string) => lines((await app.inject({
    method: 'GET', url: `/v1/exports/fhir?kommunekode=101&date=2023-01-01${query}`, headers
  })).body)

  // Deliverable: a specific målgruppe, a goal with its follow-up date.
  const ready = await recordCitizenX(app, headers, { ...X, cpr: '0101904321' })
  // The seeds' citizen X without a diagnosis: the top-level målgruppe Socialt problem, which KL's value set does not hold.
  const topLevel = await recordCitizenX(app, headers, { cpr: '0202904321', maalgruppe: MAALGRUPPE.socialtProblem })
  // A decision without goals: an active course with no planned follow-up.
  const noGoalsCase = (await aCase(app, headers, { cpr: '0303904321' })).location
  const noGoals = await aDecision(app, headers, noGoalsCase, { goals: [], maalgrupper: { primaer: X.maalgruppe, registeredAt: '2023-01-01T12:00:00+01:00' } })
  await anIntervention(app, headers, noGoals.id)

  t.test('the decision warns at once, naming the field', async (t) => {
    const decision = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/decisions/${id}`, headers })).json<Json>()
    t.same((await decision(ready.decisionId)).warnings, [], 'nothing to say of a deliverable course')
    const top = await decision(topLevel.decisionId)
    t.match(top.warnings, [{ code: 'fhir-maalgruppe-not-in-value-set', pointer: '/maalgrupper/primaer', message: /Socialt problem.*specific målgruppe/ }])
    t.same(warningCodes(noGoals.body), ['fhir-no-follow-up-date'], 'POST answered with it: heard when the decision is made')
    t.match(noGoals.body.warnings[0], { pointer: '/goals', message: /no planned follow-up.*kl-reporting-ffb-care-plan-1/ })
  })

  t.test('the default stream holds only deliverable bundles, and each passes the validator', async (t) => {
    const all = await stream('')
    const trailer = all.pop()!
    t.same(all.map((b) => one(b as Bundle, 'citizen').identifier[0].value), ['0101904321'])
    t.same(violations(all[0]), [])
    t.same(trailer.parameter[1], { name: 'count', valueInteger: 1 })
    t.same(await stream('&deliverable=true'), [...all, trailer], 'deliverable=true is the default')
  })

  t.test('deliverable=false: the worklist, an OperationOutcome per held-back citizen with every reason', async (t) => {
    const all = await stream('&deliverable=false')
    const trailer = all.pop()!
    t.same(trailer.parameter[1], { name: 'count', valueInteger: 2 })
    t.same(all.map((o) => o.resourceType), ['OperationOutcome', 'OperationOutcome'])
    const [top, none] = all as [Json, Json]
    t.match(top.issue, [{
      severity: 'error',
      code: 'business-rule',
      details: { coding: [{ system: 'urn:ffb-api:fhir-undeliverable', code: 'fhir-maalgruppe-not-in-value-set' }], text: /Socialt problem/ },
      diagnostics: new RegExp(`case ${topLevel.caseUrl.split('/').at(-1)!}, decision .*/v1/decisions/${topLevel.decisionId}.*/maalgrupper/primaer`),
      expression: [/^Bundle\.entry\.where\(fullUrl = 'urn:uuid:[0-9a-f-]+'\)\.resource$/]
    }])
    t.same(none.issue.map((i: Json) => i.details.coding[0].code), ['fhir-no-follow-up-date'])
    t.notMatch(JSON.stringify(all), /0202904321|0303904321/, 'no CPR number in the worklist')

    // The worklist names the bundle it holds back, and that bundle fails the validator for the reason given.
    const held = (await app.inject({ method: 'GET', url: `${topLevel.caseUrl}/fhir?date=2023-01-01`, headers })).json<Bundle>()
    t.equal(top.id, held.id)
    t.match(violations(held), [/KLTargetGroupsFFB/])
  })

  t.test('a course closed by its follow-up needs no planned follow-up: deliverable once ended', async (t) => {
    const closedCase = (await aCase(app, headers, { cpr: '0404904321' })).location
    const goal = await aDecision(app, headers, closedCase, { maalgrupper: { primaer: X.maalgruppe, registeredAt: '2023-01-01T12:00:00+01:00' } })
    await anIntervention(app, headers, goal.id)
    await aFollowUp(app, headers, goal.id, goal.body.goals[0].id, { statusPaaIndsats: STATUS.afslutning })
    const closed = (await app.inject({ method: 'GET', url: `/v1/decisions/${goal.id}`, headers })).json<Json>()
    t.same(closed.warnings, [], 'closed: the gateway asks no follow-up date of a completed course')
    const june = lines((await app.inject({ method: 'GET', url: '/v1/exports/fhir?kommunekode=101&date=2023-06-01', headers })).body)
    t.ok(june.some((b) => b.resourceType === 'Bundle' && JSON.stringify(b).includes('0404904321')), 'its June bundle is delivered')
  })

  t.test('a case without the municipality\'s sagsnummer: held back until PATCH sets it', async (t) => {
    const bare = await aCase(app, headers, { cpr: '0505904321', sagsnummer: undefined })
    const decision = await aDecision(app, headers, bare.location, { maalgrupper: { primaer: X.maalgruppe, registeredAt: '2023-01-01T12:00:00+01:00' } })
    await anIntervention(app, headers, decision.id)
    t.match(decision.body.warnings, [{ code: 'fhir-no-sagsnummer', pointer: '/caseId', message: /no sagsnummer.*PATCH \/v1\/cases/ }])
    const held = (await stream('&deliverable=false')).filter((o) => JSON.stringify(o).includes(bare.id))
    t.same(held.flatMap((o) => o.issue.map((i: Json) => i.details.coding[0].code)), ['fhir-no-sagsnummer'])
    const bundle = (await app.inject({ method: 'GET', url: `${bare.location}/fhir?date=2023-01-01`, headers })).json<Bundle>()
    t.match(violations(bundle), [/municipalityCaseNumber/], 'the bundle held back is one KL\'s profile refuses')

    const patched = await app.inject({ method: 'PATCH', url: bare.location, headers: { ...headers, 'if-match': bare.etag! }, payload: { sagsnummer: 'SAG-2023-0505' } })
    t.equal(patched.statusCode, 200, patched.body)
    t.same((await app.inject({ method: 'GET', url: `/v1/decisions/${decision.id}`, headers })).json<Json>().warnings, [], 'the warning is gone')
    const delivered = (await stream('')).find((b) => b.resourceType === 'Bundle' && JSON.stringify(b).includes('0505904321')) as Bundle | undefined
    t.ok(delivered, 'the citizen is delivered')
    t.same(violations(delivered), [])
  })
})
