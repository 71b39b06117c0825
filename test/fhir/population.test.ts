import t from 'tap'
import { appWithOrganisation, code, lines, type Bundle, type Resource } from '../support/fhir.js'
import { counts, describe, validateDeliveryBundle, validateR4, type Issue } from '../support/fhir-validation.js'
import { PROFILE } from '../support/ffb-invariants.js'
import { readLists, recordPopulation, withoutSagsnummer, type Citizen, type Lists } from '../support/population.js'
import { valueSetCodes } from '../support/value-sets.js'

/**
 * The acceptance test of the FHIR delivery: a population of citizens made
 * through the API (support/population.ts: every catalog code, every edge
 * case), streamed from GET /v1/exports/fhir, each bundle validated by medplum
 * (base R4), fhirpath (KL's invariants) and KL's profiles (fhir-validation.ts).
 */
const N = Number(process.env.POPULATION ?? 200)

/**
 * Why a bundle may not go to KL's gateway, each with the issues that show it
 * and the code the export's worklist (GET /v1/exports/fhir?deliverable=false,
 * an OperationOutcome per held-back citizen) names it by. Every issue of
 * every bundle must be one of these.
 */
interface Reason { worklist: string, matches: (issue: Issue, resource: Resource | undefined) => boolean }
const KNOWN_REASONS: Record<string, Reason> = {
  // A citizen without a diagnosis gets a top-level målgruppe (the seeds' rule); KL's value set has
  // only the most detailed ones, and of the top level only Multipel and Sjældent forekommende.
  'top-level målgruppe': {
    worklist: 'fhir-maalgruppe-not-in-value-set',
    matches: (issue, resource) => resource?.meta.profile[0] === `${PROFILE}targetGroup` &&
      issue.rule === 'profile:code.coding.code' && /KLConditionsAndTargetGroupsFFB/.test(issue.message)
  },
  // A decision without goals: "goal": [] and, with no goal's follow-up date, no FollowUpEncounter.
  'decision without goals': {
    worklist: 'fhir-no-follow-up-date',
    matches: (issue, resource) => resource?.meta.profile[0] === `${PROFILE}carePlan` &&
      ((issue.rule === 'profile:goal' && /empty array/.test(issue.message)) || issue.rule === 'kl-reporting-ffb-care-plan-1')
  },
  // A case without the municipality's sagsnummer: the CarePlan's municipalityCaseNumber (1..1) is missing.
  'no sagsnummer': {
    worklist: 'fhir-no-sagsnummer',
    matches: (issue, resource) => resource?.meta.profile[0] === `${PROFILE}carePlan` && /municipalityCaseNumber/.test(issue.message)
  }
}

/** The known reasons a citizen's data gives. */
function expectedReasons (c: Citizen): string[] {
  const annulledDecision = c.kind === 'annulled' && c.i % 20 === 5
  return [
    ...(c.kind === 'no-goals' ? ['decision without goals'] : []),
    ...(withoutSagsnummer(c.i) ? ['no sagsnummer'] : []),
    ...(!annulledDecision && c.maalgrupper.some((m) => !valueSetCodes('KLTargetGroupsFFB').includes(m)) ? ['top-level målgruppe'] : [])
  ].sort()
}

const cprIn = (bundle: Bundle): string => bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource.identifier[0].value as string
const issuesOf = (bundle: Bundle): Issue[] => validateDeliveryBundle(bundle)
const reasonOf = (bundle: Bundle, issue: Issue): string | undefined => {
  const resource = bundle.entry.find((e) => e.fullUrl === issue.resource)?.resource
  return Object.entries(KNOWN_REASONS).find(([, reason]) => reason.matches(issue, resource))?.[0]
}

/** Every code of each catalog list that the exported bundles carry (to show the population covers them). */
function codesSent (bundles: Bundle[]) {
  const sent = new Map<string, Set<string>>()
  const add = (profile: string, concept: unknown) => {
    if (concept === undefined) return
    if (!sent.has(profile)) sent.set(profile, new Set())
    sent.get(profile)!.add(code(concept as { coding: Array<{ system: string, code: string }> }))
  }
  for (const r of bundles.flatMap((b) => b.entry.map((e) => e.resource))) {
    const profile = r.meta.profile[0]!.slice(PROFILE.length)
    if (profile === 'condition') { add('condition', r.code); add('level', r.severity) }
    if (profile === 'targetGroup') add('targetGroup', r.code)
    if (profile === 'intervention') add('intervention', r.activity[0].detail.code)
    if (profile === 'servicePerformer') add('servicePerformer', r.category[0])
    if (profile === 'careEvaluation') add('careEvaluation', r.valueCodeableConcept)
    if (profile === 'followUp') add('followUp', r.valueCodeableConcept)
    if (profile === 'interventionGoal') for (const target of r.target) add(target === r.target[0] ? 'level' : 'maaltype', target.detailCodeableConcept)
  }
  return sent
}

t.test(`${N} citizens through the API: every bundle of the FHIR export passes medplum, fhirpath and KL's profiles, ` +
  'and every citizen held back is on the worklist for the reasons its bundle fails', async (t) => {
  const started = Date.now()
  // A vendor's batch load: far more requests a minute than the default rate limit lets one client send.
  const { app, headers } = await appWithOrganisation(t, { exportBatchSize: 50, rateLimitMax: 1_000_000 })
  const lists: Lists = await readLists(app, headers)
  const citizens = await recordPopulation(app, headers, lists, N)
  const generated = Date.now()

  const stream = async (query: string) => {
    const all = lines((await app.inject({ method: 'GET', url: `/v1/exports/fhir?kommunekode=101&changedSince=2000-01-01T00:00:00Z${query}`, headers })).body)
    const trailer = all.pop()!
    t.match(trailer, { resourceType: 'Parameters', parameter: [{ name: 'cursor' }, { name: 'count', valueInteger: all.length }, { name: 'complete', valueBoolean: true }] })
    const after = lines((await app.inject({
      method: 'GET', url: `/v1/exports/fhir?kommunekode=101&changedSince=2000-01-01T00:00:00Z${query}&cursor=${String(trailer.parameter[0].valueString)}`, headers
    })).body)
    t.same(after.map((l) => l.resourceType), ['Parameters'], 'the cursor continues with nothing: the stream held every citizen')
    return all
  }
  const delivered = await stream('') as Bundle[]
  const worklist = await stream('&deliverable=false')
  // The held-back citizens' bundles, everything reported so far as it stands (GET /v1/cases/{id}/fhir).
  const byCase = async (c: Citizen) => (await app.inject({ method: 'GET', url: `${c.caseUrl}/fhir`, headers })).json<Bundle>()
  const deliveredCprs = new Set(delivered.map(cprIn))
  const heldBack = await Promise.all(citizens.filter((c) => !deliveredCprs.has(c.cpr)).map(byCase))

  const before = counts.invariantsEvaluated
  const check = (bundle: Bundle) => ({ bundle, issues: issuesOf(bundle) })
  const [deliveredChecked, heldChecked] = [delivered.map(check), heldBack.map(check)]
  const validated = Date.now()
  const all = [...deliveredChecked, ...heldChecked]
  const reasons = new Map<string, number>()
  for (const { bundle, issues } of all) {
    for (const reason of new Set(issues.map((issue) => reasonOf(bundle, issue) ?? 'unknown'))) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  }
  const resources = all.reduce((n, { bundle }) => n + bundle.entry.length, 0)
  t.comment(`${delivered.length} bundles delivered, ${worklist.length} citizens on the worklist; ${all.length} bundles, ${resources} resources ` +
    `validated, ${counts.invariantsEvaluated - before} invariants evaluated; generated in ${generated - started} ms, validated in ${validated - generated} ms`)
  t.comment(`bundles failing, by reason: ${JSON.stringify(Object.fromEntries(reasons))}`)

  t.same(all.flatMap(({ bundle, issues }) => issues.filter((issue) => reasonOf(bundle, issue) === undefined).map(describe)), [],
    'every issue of every bundle is one of the known reasons')
  t.same(deliveredChecked.flatMap(({ issues }) => issues.map(describe)), [], 'every delivered bundle passes')

  const byCpr = new Map(all.map((c) => [cprIn(c.bundle), c]))
  t.equal(delivered.length + worklist.length, N, 'every citizen is delivered or on the worklist')
  t.same(worklist.flatMap((o) => validateR4(o).map(describe)), [], 'every worklist line is a valid R4 OperationOutcome (medplum)')
  t.same([...byCpr.keys()].sort(), citizens.map((c) => c.cpr).sort(), 'every citizen, once')
  // A citizen's bundle fails for exactly the reasons its data gives, and the worklist names each of them.
  const found = citizens.map((c) => {
    const { bundle, issues } = byCpr.get(c.cpr)!
    // A worklist line names no CPR: it is the citizen's by the case its issues name.
    const caseId = c.caseUrl.split('/').at(-1)!
    const line = worklist.find((o) => o.issue.some((i: { diagnostics?: string }) => i.diagnostics?.includes(`case ${caseId}`) === true))
    const named = line?.issue.map((i: { details: { coding: Array<{ code: string }> } }) => i.details.coding[0]!.code) ?? []
    return {
      i: c.i,
      kind: c.kind,
      reasons: [...new Set(issues.map((issue) => reasonOf(bundle, issue)))].sort(),
      worklist: [...new Set(named)].sort()
    }
  })
  const worklistCode = (reason: string) => KNOWN_REASONS[reason]!.worklist
  t.same(found, citizens.map((c) => ({ i: c.i, kind: c.kind, reasons: expectedReasons(c), worklist: expectedReasons(c).map(worklistCode).sort() })),
    'each citizen\'s bundle fails for its known reasons only, and the worklist names them')

  const sent = codesSent(all.map((c) => c.bundle))
  const expected: Array<[string, string[]]> = [
    ['condition', [...lists.ff, ...lists.omg, ...lists.ad]],
    ['level', lists.levels],
    ['maaltype', lists.maaltype],
    ['careEvaluation', lists.stoettebehov],
    ['followUp', Object.values(lists.status)],
    ['servicePerformer', lists.tilbud],
    ['intervention', lists.ydelser],
    ['targetGroup', [...new Set([...lists.maalgrupper.detailed, ...lists.maalgrupper.topLevel])]]
  ]
  for (const [profile, codes] of expected) {
    t.same(codes.filter((c) => sent.get(profile)?.has(c) !== true), [], `every code of its list reaches a ${profile}`)
  }
})
