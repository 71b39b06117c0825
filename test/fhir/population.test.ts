import t from 'tap'
import { appWithOrganisation, code, lines, type Bundle, type Resource } from '../support/fhir.js'
import { counts, describe, validateDeliveryBundle, type Issue } from '../support/fhir-validation.js'
import { PROFILE } from '../support/ffb-invariants.js'
import { readLists, recordPopulation, type Citizen, type Lists } from '../support/population.js'
import { valueSetCodes } from '../support/value-sets.js'

/**
 * The acceptance test of the FHIR delivery: a population of citizens made
 * through the API (support/population.ts: every catalog code, every edge
 * case), streamed from GET /v1/exports/fhir, each bundle validated by medplum
 * (base R4), fhirpath (KL's invariants) and KL's profiles (fhir-validation.ts).
 */
const N = Number(process.env.POPULATION ?? 200)

/**
 * Why main still sends bundles KL's gateway would reject, each with the
 * issues that show it. Every issue of the export must be one of these.
 * When GET /v1/exports/fhir?deliverable=false exists (the export then streams
 * only deliverable bundles, and these citizens as a worklist of
 * OperationOutcome lines), the test switches to checking that every streamed
 * bundle passes and that every worklist line names its reasons: see `split`.
 */
const KNOWN_REASONS: Record<string, (issue: Issue, resource: Resource | undefined) => boolean> = {
  // A citizen without a diagnosis gets a top-level målgruppe (the seeds' rule); KL's value set has
  // only the most detailed ones, and of the top level only Multipel and Sjældent forekommende.
  'top-level målgruppe': (issue, resource) => resource?.meta.profile[0] === `${PROFILE}targetGroup` &&
    issue.rule === 'profile:code.coding.code' && /KLConditionsAndTargetGroupsFFB/.test(issue.message),
  // A decision without goals: "goal": [] and, with no goal's follow-up date, no FollowUpEncounter.
  'decision without goals': (issue, resource) => resource?.meta.profile[0] === `${PROFILE}carePlan` &&
    ((issue.rule === 'profile:goal' && /empty array/.test(issue.message)) || issue.rule === 'kl-reporting-ffb-care-plan-1'),
  // The case number is our own id under our own system, not the municipality's sagsnummer.
  'no sagsnummer': (issue) => issue.rule === 'ffb-api:sagsnummer'
}

/** A municipalityCaseNumber the API made up (system urn:ffb-api:…) is no sagsnummer the gateway can use. */
function sagsnummerIssues (bundle: Bundle): Issue[] {
  return bundle.entry.flatMap(({ fullUrl, resource }) => (resource.extension ?? [])
    .filter((e: { url: string }) => e.url === `${PROFILE}municipalityCaseNumber`)
    .flatMap((e: { extension: Array<{ valueIdentifier?: { system?: string } }> }) => e.extension)
    .filter((part: { valueIdentifier?: { system?: string } }) => part.valueIdentifier?.system?.startsWith('urn:ffb-api:') === true)
    .map((): Issue => ({ severity: 'error', rule: 'ffb-api:sagsnummer', resource: fullUrl, message: 'municipalityCaseNumber is an id of ours, not the municipality\'s sagsnummer' })))
}

/** The known reasons a citizen's data gives on main (besides "no sagsnummer"). */
function expectedReasons (c: Citizen): string[] {
  const annulledDecision = c.kind === 'annulled' && c.i % 20 === 5
  return [
    ...(c.kind === 'no-goals' ? ['decision without goals'] : []),
    ...(!annulledDecision && c.maalgrupper.some((m) => !valueSetCodes('KLTargetGroupsFFB').includes(m)) ? ['top-level målgruppe'] : [])
  ].sort()
}

const cprIn = (bundle: Bundle): string => bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource.identifier[0].value as string
const issuesOf = (bundle: Bundle): Issue[] => [...validateDeliveryBundle(bundle), ...sagsnummerIssues(bundle)]
const reasonOf = (bundle: Bundle, issue: Issue): string | undefined => {
  const resource = bundle.entry.find((e) => e.fullUrl === issue.resource)?.resource
  return Object.entries(KNOWN_REASONS).find(([, matches]) => matches(issue, resource))?.[0]
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

t.test(`${N} citizens through the API, every bundle of the FHIR export validated by medplum, fhirpath and KL's profiles`, async (t) => {
  const started = Date.now()
  // A vendor's batch load: far more requests a minute than the default rate limit lets one client send.
  const { app, headers } = await appWithOrganisation(t, { exportBatchSize: 50, rateLimitMax: 1_000_000 })
  const lists: Lists = await readLists(app, headers)
  const citizens = await recordPopulation(app, headers, lists, N)
  const generated = Date.now()

  const stream = async (query: string) => await app.inject({ method: 'GET', url: `/v1/exports/fhir?kommunekode=101&changedSince=2000-01-01T00:00:00Z${query}`, headers })
  const split = (await stream('&deliverable=false')).statusCode === 200
  const all = lines((await stream('')).body)
  const trailer = all.pop()!
  t.match(trailer, { resourceType: 'Parameters', parameter: [{ name: 'cursor' }, { name: 'count', valueInteger: all.length }, { name: 'complete', valueBoolean: true }] })
  const after = lines((await stream(`&cursor=${String(trailer.parameter[0].valueString)}`)).body)
  t.same(after.map((l) => l.resourceType), ['Parameters'], 'the cursor continues with nothing: the stream held every citizen')
  const bundles = all as Bundle[]
  const before = { ...counts }
  const checked = bundles.map((bundle) => ({ bundle, issues: issuesOf(bundle) }))
  const validated = Date.now()

  const reasons = new Map<string, number>()
  const unknown: string[] = []
  for (const { bundle, issues } of checked) {
    for (const reason of new Set(issues.map((issue) => reasonOf(bundle, issue) ?? 'unknown'))) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
    unknown.push(...issues.filter((issue) => reasonOf(bundle, issue) === undefined).map(describe))
  }
  const resources = bundles.reduce((n, b) => n + b.entry.length, 0)
  t.comment(`${bundles.length} bundles, ${resources} resources, ${counts.invariantsEvaluated - before.invariantsEvaluated} invariants evaluated; ` +
    `generated in ${generated - started} ms, validated in ${validated - generated} ms`)
  t.comment(`bundles failing, by reason: ${JSON.stringify(Object.fromEntries(reasons))}; ${checked.filter((c) => c.issues.length === 0).length} pass`)

  if (!split) {
    t.same(unknown, [], 'every issue of every bundle is one of the known reasons')
    t.equal(bundles.length, N, 'a bundle per citizen')
    const byCpr = new Map(checked.map((c) => [cprIn(c.bundle), c]))
    t.same([...byCpr.keys()].sort(), citizens.map((c) => c.cpr).sort(), 'every citizen, once')
    // Beside "no sagsnummer" (every bundle today), a citizen's bundle fails for exactly the reasons its data gives.
    const named = citizens.map((c) => {
      const { bundle, issues } = byCpr.get(c.cpr)!
      return { i: c.i, kind: c.kind, reasons: [...new Set(issues.map((issue) => reasonOf(bundle, issue)))].filter((r) => r !== 'no sagsnummer').sort() }
    })
    t.same(named, citizens.map((c) => ({ i: c.i, kind: c.kind, reasons: expectedReasons(c) })), 'each citizen\'s bundle fails for its known reasons only')
  } else {
    t.same(checked.filter((c) => c.issues.length > 0).map((c) => c.issues.map(describe)), [], 'every deliverable bundle passes')
    const worklist = lines((await stream('&deliverable=false')).body).filter((l) => l.resourceType !== 'Parameters')
    t.ok(worklist.every((l) => l.resourceType === 'OperationOutcome' && l.issue.length > 0), 'the worklist is OperationOutcome lines, each with its reasons')
    t.equal(bundles.length + worklist.length, N, 'every citizen is delivered or on the worklist')
  }

  const sent = codesSent(bundles)
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
  if (!split) {
    for (const [profile, codes] of expected) {
      t.same(codes.filter((c) => sent.get(profile)?.has(c) !== true), [], `every code of its list reaches a ${profile}`)
    }
  }
})
