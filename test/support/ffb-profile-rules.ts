import type { Issue } from './fhir-validation.js'
import { VALUE_SETS, valueSetCodes } from './value-sets.js'

/**
 * KL's profiles of kl.dk.fhir.ffbreporting 1.0.0 (hl7dk/kl-ffb-reporting
 * input/fsh, read by us and written out here): what each profile lets a
 * resource send (everything else is 0..0, nested 0..0 elements included),
 * cardinalities, fixed values, required bindings against the committed
 * value-set fixture, the dk-core CPR identifier, and that references point
 * at the profile the guide names and resolve inside the bundle (aggregation
 * #bundled). It is the part of validateDeliveryBundle (fhir-validation.ts)
 * no independent validator can do: medplum knows base R4 only, and the
 * guide's invariants are evaluated from FHIRPath (ffb-invariants.ts). It
 * also covers what medplum leaves out of base R4: required code bindings of
 * status elements, a time without a zone, and empty JSON arrays.
 * Each issue names the entry (its fullUrl), `profile:<element path>` as its
 * rule, and the path with indexes in its message.
 */
export function profileIssues (bundle: unknown): Issue[] {
  const out: Issue[] = []
  if (!isObj(bundle)) return [{ severity: 'error', rule: 'profile:Bundle', resource: 'Bundle', message: 'is not a JSON object' }]
  const c = new Ctx(bundle, 'Bundle', '', out, new Map())
  c.fixed('resourceType', 'Bundle')
  c.only(BUNDLE_ELEMENTS, 'kl-reporting-ffb-deliveryReport')
  checkProfileList(c, [url('deliveryReport')])
  c.fixed('type', 'collection')
  c.dateTime('timestamp', 'instant')
  const entries = indexEntries(c)
  const patients = entries.filter((e) => e.type === 'Patient').length
  if (patients !== 1) c.add('entry', `must hold exactly one Patient (one bundle per citizen), found ${patients}`)
  for (const entry of entries) checkResource(c.root(entry.resource, entry.label), entry)
  return out
}

// ---------------------------------------------------------------- JSON access

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined
/** FHIR JSON repeats elements as arrays; a missing element is an empty list. */
const list = (v: unknown): unknown[] => v === undefined ? [] : Array.isArray(v) ? v : [v]
const at = (v: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => isObj(o) ? o[k] : undefined, v)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// ---------------------------------------------------------- systems and URLs

const FFB_SYSTEM = 'urn:oid:1.2.208.176.2.22'
const CSC = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes'
const SNOMED = 'http://snomed.info/sct'
const CPR_SYSTEM = 'urn:oid:1.2.208.176.1.2'
const KOMBIT_SYSTEM = 'https://www.kombit.dk/organisation'
const P = 'http://fhir.kl.dk/ffbreporting/StructureDefinition/'
const CORE = 'http://fhir.kl.dk/core/StructureDefinition/'
const EXT = {
  caseNumber: `${P}kl-reporting-ffb-municipalityCaseNumber`,
  followUpDate: `${P}kl-reporting-ffb-follow-up-date-extension`,
  rank: `${CORE}ConditionRank`,
  lastAsserted: `${CORE}ConditionLastAssertedDate`,
  basedOn: `${CORE}BasedOnServiceRequest`
}
const url = (profile: string): string => `${P}kl-reporting-ffb-${profile}`

// ------------------------------------------------------------------- codes

const STATUS = {
  conditionClinical: ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'],
  conditionVerification: ['unconfirmed', 'provisional', 'differential', 'confirmed', 'refuted', 'entered-in-error'],
  request: ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'],
  carePlanIntent: ['proposal', 'plan', 'order', 'option'],
  goal: ['proposed', 'planned', 'accepted', 'active', 'on-hold', 'completed', 'cancelled', 'entered-in-error', 'rejected'],
  activity: ['not-started', 'scheduled', 'in-progress', 'on-hold', 'completed', 'cancelled', 'stopped', 'unknown', 'entered-in-error'],
  observation: ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown']
}

interface Binding { system: string, codes: ReadonlySet<string>, name: string, noDisplay?: boolean }
const fixedCode = (system: string, code: string, noDisplay = false): Binding =>
  ({ system, codes: new Set([code]), name: `${system}|${code}`, noDisplay })
const hl7 = (codeSystem: string, codes: readonly string[]): Binding =>
  ({ system: `http://terminology.hl7.org/CodeSystem/${codeSystem}`, codes: new Set(codes), name: codeSystem })

/**
 * KL's expansions (the committed codes of test/value-sets.ts).
 * KLConditionCodesFFB is the union of the F&F, A&D and Omgivelser sets.
 */
let expansions: Map<string, ReadonlySet<string>> | undefined
function loadValueSets (): Map<string, ReadonlySet<string>> {
  if (expansions !== undefined) return expansions
  const sets = new Map([...VALUE_SETS].map(([name, codes]): [string, ReadonlySet<string>] => [name, new Set(codes)]))
  const union = (names: string[]): Set<string> => new Set(names.flatMap((name) => [...valueSetCodes(name)]))
  sets.set('KLConditionCodesFFB', union(['KLConditionFFCodesFFB', 'KLConditionADCodesFFB', 'KLConditionOCodesFFB']))
  sets.set('KLConditionsAndTargetGroupsFFB', new Set([...union(['KLConditionFFCodesFFB', 'KLConditionADCodesFFB', 'KLConditionOCodesFFB']), ...valueSetCodes('KLTargetGroupsFFB')]))
  sets.set(ALL_FFB, union([...VALUE_SETS.keys()]))
  expansions = sets
  return sets
}
const ALL_FFB = 'any FFB value set'

/** Whether `code` is in one of KL's value sets (by name, as in the fixture; KLConditionCodesFFB is the union). */
export function inValueSet (name: string, code: string): boolean {
  return valueSet(name).codes.has(code)
}

function valueSet (name: string): Binding {
  const codes = loadValueSets().get(name)
  if (codes === undefined) throw new Error(`value set ${name} is not in the committed fixture`)
  return { system: FFB_SYSTEM, codes, name }
}

// ------------------------------------------------------------- the checker

interface Entry { label: string, type: string, profile: Profile | undefined, resource: Obj }
type Index = Map<string, Entry>

/** One object being checked: reports carry the entry's label and the path from the resource root. */
class Ctx {
  constructor (readonly r: Obj, readonly label: string, private readonly prefix: string,
    private readonly out: Issue[], readonly index: Index) {}

  /** Another resource, reported under its own label. */
  root (r: Obj, label: string): Ctx { return new Ctx(r, label, '', this.out, this.index) }
  /** An object below this one, at `path`. */
  within (path: string, r: Obj): Ctx { return new Ctx(r, this.label, `${this.prefix}${path}.`, this.out, this.index) }
  /** The same object, reported under another label. */
  relabel (label: string): Ctx { return new Ctx(this.r, label, this.prefix, this.out, this.index) }
  get (path: string): unknown { return at(this.r, path) }
  has (path: string): boolean { return this.get(path) !== undefined }
  add (path: string, message: string): void {
    const full = `${this.prefix}${path}`.replace(/\.$/, '')
    this.out.push({ severity: 'error', rule: `profile:${full.replace(/\[\d+\]/g, '')}`, resource: this.label, message: `${full} ${message}` })
  }

  /** The objects at `path`, each as its own context (a non-object is reported). */
  each (path: string): Ctx[] {
    const value = this.get(path)
    const repeated = Array.isArray(value)
    return list(value).flatMap((item, i) => {
      const p = repeated ? `${path}[${i}]` : path
      if (isObj(item)) return [this.within(p, item)]
      this.add(p, 'must be an object')
      return []
    })
  }

  card (path: string, min: number, max: number): void {
    const n = list(this.get(path)).length
    if (n < min || n > max) this.add(path, n === 0 ? 'is required' : `occurs ${n} times, allowed ${min}..${max === Infinity ? '*' : max}`)
  }

  /** Top-level elements: only those the profile lists, with their cardinality and JSON shape. */
  only (elements: Elements, where: string, skip: ReadonlySet<string> = ALWAYS): void {
    for (const key of Object.keys(this.r)) {
      if (!(key in elements) && !skip.has(key)) this.add(key, `is not allowed in ${where}`)
    }
    for (const [key, card] of Object.entries(elements)) {
      this.card(key, Number(card[0]), card[3] === '*' ? Infinity : 1)
      const value = this.get(key)
      if (value !== undefined && card.endsWith('[]') !== Array.isArray(value)) this.add(key, card.endsWith('[]') ? 'must be a JSON array' : 'must not be a JSON array')
    }
  }

  absent (paths: readonly string[]): void {
    for (const path of paths) if (this.has(path)) this.add(path, 'is not allowed (0..0)')
  }

  fixed (path: string, value: string): void {
    const actual = this.get(path)
    if (actual !== undefined && actual !== value) this.add(path, `must be "${value}", is ${JSON.stringify(actual)}`)
  }

  /** A code with a required binding (base R4's status codes, which medplum does not check). */
  code (path: string, allowed: readonly string[]): void {
    const actual = this.get(path)
    if (actual === undefined || allowed.includes(str(actual) ?? '')) return
    this.add(path, `${JSON.stringify(actual)} is not one of ${allowed.join('|')}`)
  }

  dateTime (path: string, kind: 'instant' | 'dateTime'): void {
    const actual = this.get(path)
    if (actual !== undefined && !isDateTime(str(actual) ?? '', kind)) {
      this.add(path, `${JSON.stringify(actual)} is not a FHIR ${kind} (${kind === 'instant' ? 'YYYY-MM-DDThh:mm:ss[.s]Z|±hh:mm' : 'YYYY, YYYY-MM, YYYY-MM-DD or a full date-time with zone'})`)
    }
  }

  /** Every CodeableConcept at `path`: its number of codings and each coding's code. */
  concept (path: string, binding: Binding, min = 1, max = Infinity): void {
    for (const cc of this.each(path)) {
      cc.card('coding', min, max)
      for (const coding of cc.each('coding')) {
        const code = str(coding.get('code')) ?? ''
        // The FFB system itself is checked once for every coding, by checkFfbSystem.
        if (binding.system !== FFB_SYSTEM) coding.fixed('system', binding.system)
        if (!binding.codes.has(code)) coding.add('code', `${JSON.stringify(code)} is not in ${binding.name}`)
        if (binding.noDisplay === true) coding.absent(['display', 'version', 'userSelected'])
      }
    }
  }

  /** The References at `path` must point at one of `targets` (that they resolve is checked by `walk`). */
  refs (path: string, targets: readonly Profile[]): Entry[] {
    return this.each(path).flatMap((ref) => ref.pointsAt(targets))
  }

  /** This object as a Reference: its target, which must claim one of `targets`. */
  pointsAt (targets: readonly Profile[]): Entry[] {
    this.card('reference', 1, 1)
    const target = this.index.get(str(this.get('reference')) ?? '')
    if (target === undefined) return []
    if (target.profile === undefined || !targets.includes(target.profile)) {
      this.add('reference', `must point at ${targets.map((p) => `kl-reporting-ffb-${p}`).join(' or ')}, points at ${target.label} (${target.profile ?? 'unknown profile'})`)
    }
    return [target]
  }

  /** Extensions by URL, with cardinalities; a closed slicing rejects other URLs. */
  extensions (allowed: Record<string, [number, number]>, closed: boolean): Map<string, Ctx[]> {
    const found = new Map<string, Ctx[]>(Object.keys(allowed).map((u) => [u, []]))
    for (const ext of this.each('extension')) {
      const u = str(ext.get('url')) ?? ''
      const slot = found.get(u)
      if (slot !== undefined) slot.push(ext)
      else if (closed) ext.add('url', `${JSON.stringify(u)} is not allowed here (closed extension slicing)`)
    }
    for (const [u, [min, max]] of Object.entries(allowed)) {
      const n = found.get(u)?.length ?? 0
      if (n < min || n > max) this.add('extension', `${u} occurs ${n} times, allowed ${min}..${max}`)
    }
    return found
  }
}

// ------------------------------------------------------------ the envelope

type Card = `${0 | 1}..${1 | '*'}` | `${0 | 1}..${1 | '*'}[]`
type Elements = Record<string, Card>
const ALWAYS = new Set(['resourceType', 'id', 'meta'])
const BUNDLE_ELEMENTS: Elements = { type: '1..1', timestamp: '1..1', entry: '1..*[]' }
/**
 * Resource types a delivery may hold (entry.resource only …) and the profiles
 * each may claim; that a Condition, CarePlan or Observation claims one of its
 * two is also invariant delivery-report-1/2/3 (ffb-invariants.ts).
 */
const CHOICES: Record<string, { profiles: Profile[] }> = {
  Patient: { profiles: ['citizen'] },
  ServiceRequest: { profiles: ['serviceRequest'] },
  ClinicalImpression: { profiles: ['informationGathering'] },
  Goal: { profiles: ['interventionGoal'] },
  CareTeam: { profiles: ['servicePerformer'] },
  Encounter: { profiles: ['followUpEncounter'] },
  Condition: { profiles: ['condition', 'targetGroup'] },
  CarePlan: { profiles: ['carePlan', 'intervention'] },
  Observation: { profiles: ['careEvaluation', 'followUp'] }
}

function checkProfileList (c: Ctx, urls: readonly string[]): string | undefined {
  const profiles = list(c.get('meta.profile'))
  const claimed = str(profiles[0])
  if (profiles.length !== 1 || claimed === undefined || !urls.includes(claimed)) {
    c.add('meta.profile', `must be exactly one of ${urls.join(', ')}, is ${JSON.stringify(profiles)}`)
    return undefined
  }
  return claimed
}

/**
 * Entries: unique UUID ids, allowed types, a known profile; fullUrl
 * "<Type>/<id>" (relative, as in KL's examples) or "urn:uuid:<id>" (an
 * absolute URI, as base R4 asks), one form in all the bundle, and each
 * entry indexed by its fullUrl: a reference resolves when it is one.
 */
function indexEntries (c: Ctx): Entry[] {
  const entries: Entry[] = []
  const ids = new Set<string>()
  const [first] = list(c.get('entry'))
  const form = isObj(first) && str(first.fullUrl)?.startsWith('urn:uuid:') === true ? (_: string, id: string) => `urn:uuid:${id}` : (type: string, id: string) => `${type}/${id}`
  for (const [i, item] of list(c.get('entry')).entries()) {
    if (!isObj(item)) { c.add(`entry[${i}]`, 'must be an object'); continue }
    const e = c.within(`entry[${i}]`, item)
    const fullUrl = str(e.get('fullUrl'))
    const type = str(e.get('resource.resourceType')) ?? ''
    const id = str(e.get('resource.id')) ?? ''
    const label = fullUrl ?? `entry[${i}]`
    const where = e.relabel(label)
    for (const key of Object.keys(e.r)) if (key !== 'fullUrl' && key !== 'resource') where.add(key, 'is not allowed (0..0)')
    const resource = e.get('resource')
    if (!isObj(resource)) { where.add('resource', 'is required'); continue }
    const choice = CHOICES[type]
    if (choice === undefined) where.add('resource', `${JSON.stringify(type)} is not a resource type a delivery may hold`)
    if (!UUID.test(id)) where.add('resource.id', `${JSON.stringify(id)} is not a UUID`)
    if (fullUrl !== form(type, id)) where.add('fullUrl', `${JSON.stringify(fullUrl)} must be "${form(type, id)}", as the bundle's first entry`)
    if (ids.has(`${type}/${id}`)) where.add('resource.id', `${type}/${id} occurs more than once`)
    ids.add(`${type}/${id}`)
    const claimed = choice === undefined ? undefined : checkProfileList(c.root(resource, label), choice.profiles.map(url))
    const profile = choice?.profiles.find((p) => url(p) === claimed)
    const entry: Entry = { label, type, profile, resource }
    c.index.set(form(type, id), entry)
    entries.push(entry)
  }
  return entries
}

// ----------------------------------------------------- rules for every resource

/** identifier, text and note are checked for every resource by checkResource and walk. */
const RESOURCE_SKIP = new Set([...ALWAYS, 'identifier', 'text', 'note'])
const REFERENCE = /^([A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}|urn:uuid:[0-9a-f-]{36})$/

function checkResource (c: Ctx, entry: Entry): void {
  c.card('meta.lastUpdated', 1, 1)
  c.dateTime('meta.lastUpdated', 'instant')
  if (entry.type !== 'Patient' && c.has('identifier')) c.add('identifier', 'is only allowed on Patient (0..0 elsewhere)')
  walk(c, c.r, '')
  if (entry.profile === undefined) return
  const spec = SPECS[entry.profile]
  c.only(spec.elements, `kl-reporting-ffb-${entry.profile}`, RESOURCE_SKIP)
  spec.check(c)
}

/**
 * Every object in a resource: no empty arrays (FHIR JSON, which medplum lets
 * pass), no free text, references to the fullUrl of an entry of the bundle
 * (the guide's aggregation #bundled; we hold every reference to it), FFB
 * codes on the FFB system.
 */
function walk (c: Ctx, value: unknown, path: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) c.add(path, 'is an empty array: FHIR JSON leaves an element without values out')
    value.forEach((item, i) => { walk(c, item, `${path}[${i}]`) })
    return
  }
  if (!isObj(value)) return
  const p = path === '' ? '' : `${path}.`
  for (const key of ['text', 'note']) if (key in value) c.add(`${p}${key}`, 'is free text, not allowed (0..0)')
  if ('reference' in value) {
    const ref = str(value.reference)
    if (ref === undefined || !REFERENCE.test(ref)) c.add(`${p}reference`, `${JSON.stringify(value.reference)} must be "<Type>/<id>" or "urn:uuid:<id>"`)
    else if (!c.index.has(ref)) c.add(`${p}reference`, `${ref} does not resolve to an entry in the bundle (by its fullUrl)`)
  }
  if (typeof value.code === 'string') checkFfbSystem(c, value, p)
  for (const [key, child] of Object.entries(value)) walk(c, child, `${p}${key}`)
}

/** A coding carrying an FFB code, or naming an FFB-like system, must use the FFB OID. */
function checkFfbSystem (c: Ctx, coding: Obj, p: string): void {
  const system = str(coding.system)
  const ffbCode = loadValueSets().get(ALL_FFB)?.has(str(coding.code) ?? '') === true
  if ((ffbCode || /ffb|1\.2\.208\.176\.2\.22/i.test(system ?? '')) && system !== FFB_SYSTEM) {
    c.add(`${p}system`, `${JSON.stringify(system)}: FFB codes must use system ${FFB_SYSTEM}`)
  }
}

// ------------------------------------------------------------ the profiles

type Profile = 'citizen' | 'serviceRequest' | 'informationGathering' | 'condition' | 'targetGroup' | 'interventionGoal' |
  'carePlan' | 'intervention' | 'servicePerformer' | 'careEvaluation' | 'followUp' | 'followUpEncounter'
interface Spec { elements: Elements, check: (c: Ctx) => void }

/** What each profile lets a resource send (everything else is 0..0), and its further rules. */
const SPECS: Record<Profile, Spec> = {
  citizen: { elements: { identifier: '1..1[]', managingOrganization: '1..1' }, check: checkCitizen },
  serviceRequest: { elements: { extension: '0..*[]', status: '1..1', intent: '1..1', subject: '1..1' }, check: checkServiceRequest },
  informationGathering: {
    elements: { extension: '0..*[]', status: '1..1', subject: '1..1', effectiveDateTime: '1..1', investigation: '0..1[]', finding: '0..*[]' },
    check: checkInformationGathering
  },
  condition: {
    elements: { extension: '0..*[]', clinicalStatus: '1..1', verificationStatus: '0..1', code: '1..1', severity: '0..1', subject: '1..1', recordedDate: '1..1' },
    check: checkCondition
  },
  targetGroup: {
    elements: { clinicalStatus: '0..1', verificationStatus: '0..1', code: '1..1', subject: '1..1', recordedDate: '1..1' },
    check: checkTargetGroup
  },
  interventionGoal: {
    elements: { extension: '0..*[]', lifecycleStatus: '1..1', category: '1..1[]', description: '1..1', subject: '1..1', target: '0..*[]', addresses: '0..*[]' },
    check: checkInterventionGoal
  },
  carePlan: {
    elements: { extension: '0..*[]', status: '1..1', intent: '1..1', subject: '1..1', period: '1..1', careTeam: '0..*[]', goal: '0..*[]', addresses: '0..*[]', activity: '0..1[]' },
    check: checkCarePlan
  },
  intervention: {
    elements: { basedOn: '1..*[]', status: '1..1', intent: '1..1', subject: '1..1', created: '1..1', period: '1..1', activity: '1..*[]' },
    check: checkIntervention
  },
  servicePerformer: { elements: { category: '1..1[]', subject: '1..1' }, check: checkServicePerformer },
  careEvaluation: {
    elements: { status: '1..1', code: '1..1', subject: '1..1', effectiveDateTime: '1..1', valueCodeableConcept: '1..1' },
    check: checkCareEvaluation
  },
  followUp: {
    elements: { status: '1..1', code: '1..1', subject: '1..1', focus: '1..*[]', effectiveDateTime: '1..1', valueCodeableConcept: '1..1' },
    check: checkFollowUp
  },
  followUpEncounter: { elements: { status: '1..1', class: '1..1', type: '1..1[]', subject: '1..1', period: '1..1' }, check: checkFollowUpEncounter }
}

const slot = (found: Map<string, Ctx[]>, extension: string): Ctx[] => found.get(extension) ?? []
const codesOf = (cc: unknown): string[] => list(at(cc, 'coding')).map((coding) => str(at(coding, 'code')) ?? '')

/** Citizen: the CPR (dk-core-cpr-identifier) and the municipality as a KOMBIT STS organisation UUID. */
function checkCitizen (c: Ctx): void {
  for (const id of c.each('identifier')) {
    id.fixed('use', 'official')
    id.card('system', 1, 1)
    id.fixed('system', CPR_SYSTEM)
    id.card('value', 1, 1)
    const value = str(id.get('value'))
    if (value !== undefined && !isCpr(value)) id.add('value', 'breaks dk-core invariant cpr: 10 digits whose first six are a valid DDMMYY date')
  }
  for (const org of c.each('managingOrganization')) {
    org.absent(['reference', 'type', 'display'])
    org.card('identifier', 1, 1)
    for (const id of org.each('identifier')) {
      id.fixed('use', 'official')
      id.card('system', 1, 1)
      id.fixed('system', KOMBIT_SYSTEM)
      if (!UUID.test(str(id.get('value')) ?? '')) id.add('value', 'must be the municipality\'s KOMBIT STS organisation UUID')
    }
  }
}

/** kl-reporting-ffb-municipalityCaseNumber: a municipality-specific (use=usual) and/or official case number. */
function checkCaseNumber (ext: Ctx): void {
  const parts = ext.extensions({ municipalitySpecific: [0, 1], official: [0, 1] }, true)
  if ([...parts.values()].every((found) => found.length === 0)) ext.add('extension', 'must hold municipalitySpecific or official')
  for (const part of slot(parts, 'municipalitySpecific')) {
    part.card('valueIdentifier', 1, 1)
    part.fixed('valueIdentifier.use', 'usual')
    part.card('valueIdentifier.value', 1, 1)
    part.absent(['valueIdentifier.assigner'])
  }
  for (const part of slot(parts, 'official')) {
    part.fixed('valueIdentifier.use', 'official')
    part.fixed('valueIdentifier.system', 'https://data.gov.dk/id/organization')
  }
}

function checkServiceRequest (c: Ctx): void {
  slot(c.extensions({ [EXT.caseNumber]: [0, 1] }, true), EXT.caseNumber).forEach(checkCaseNumber)
  c.code('status', STATUS.request)
  c.fixed('intent', 'proposal')
  c.refs('subject', ['citizen'])
}

function checkInformationGathering (c: Ctx): void {
  for (const ext of slot(c.extensions({ [EXT.basedOn]: [1, 1] }, true), EXT.basedOn)) {
    ext.card('valueReference', 1, 1)
    ext.refs('valueReference', ['serviceRequest'])
  }
  c.code('status', ['in-progress', 'completed', 'entered-in-error'])
  c.refs('subject', ['citizen'])
  c.dateTime('effectiveDateTime', 'dateTime')
  for (const finding of c.each('finding')) {
    finding.card('itemReference', 1, 1)
    finding.absent(['itemCodeableConcept', 'basis', 'extension', 'modifierExtension'])
    finding.refs('itemReference', ['condition'])
  }
  for (const investigation of c.each('investigation')) {
    investigation.card('code', 1, 1)
    investigation.refs('item', ['careEvaluation'])
  }
}

function checkConditionBase (c: Ctx): void {
  c.concept('clinicalStatus', hl7('condition-clinical', STATUS.conditionClinical))
  c.concept('verificationStatus', hl7('condition-ver-status', STATUS.conditionVerification))
  c.refs('subject', ['citizen'])
  c.dateTime('recordedDate', 'dateTime')
}

/** A sub-theme (that severity comes iff it is an A&D sub-theme is invariant kl-reporting-ffb-condition-1). */
function checkCondition (c: Ctx): void {
  checkConditionBase(c)
  for (const ext of slot(c.extensions({ [EXT.lastAsserted]: [0, 1] }, true), EXT.lastAsserted)) {
    ext.card('valueDateTime', 1, 1)
    ext.dateTime('valueDateTime', 'dateTime')
  }
  c.concept('code', valueSet('KLConditionCodesFFB'))
  c.concept('severity', valueSet('KLSeveritiesFFB'))
  c.absent(['code.id', 'code.extension', 'severity.id', 'severity.extension'])
}

/**
 * A målgruppe. The guide binds code.coding (required) to
 * KLConditionsAndTargetGroupsFFB, which kl-term defines as the codes of
 * KLConditionCodesFFB (F&F, A&D, Omgivelser) and of KLTargetGroupsFFB; a
 * top-level målgruppe such as "Socialt problem" is in neither. kl-term says
 * only the most detailed målgrupper are reported, so we also hold the code to
 * KLTargetGroupsFFB (a sub-theme as målgruppe passes the guide's binding, §6.5).
 */
function checkTargetGroup (c: Ctx): void {
  checkConditionBase(c)
  const binding = valueSet('KLConditionsAndTargetGroupsFFB')
  if (codesOf(c.get('code')).some((code) => !binding.codes.has(code))) {
    c.concept('code', { ...binding, name: 'KLConditionsAndTargetGroupsFFB (= KLConditionCodesFFB + KLTargetGroupsFFB)' })
    return
  }
  c.concept('code', { ...valueSet('KLTargetGroupsFFB'), name: 'KLTargetGroupsFFB (target-group leaves only)' })
}

const GOAL_TARGETS = [
  { slice: 'severitySlice', measure: '66959f77-6e2a-4574-8423-3ff097f8b9fa', detail: 'KLSeveritiesFFB' },
  { slice: 'changeValueSlice', measure: '90c48f03-f194-4b2f-ad7d-6cba1069ae48', detail: 'KLChangeValueCodesFFB' }
]

/** An indsatsmål: both target slices once (A&D sub-themes only and exactly one primary are invariants intervention-goal-1/-2). */
function checkInterventionGoal (c: Ctx): void {
  c.code('lifecycleStatus', STATUS.goal)
  c.concept('category', fixedCode(CSC, '0bb3daef-538d-45dc-b444-abdbcb63f6bc'), 1, 1)
  c.concept('description', fixedCode(SNOMED, '410518001'), 1, 1)
  c.refs('subject', ['citizen'])
  const seen = new Map(GOAL_TARGETS.map(({ slice }) => [slice, 0]))
  for (const target of c.each('target')) {
    const slice = GOAL_TARGETS.find(({ measure }) => codesOf(target.get('measure')).includes(measure))
    if (slice === undefined) {
      target.add('measure', `matches neither severitySlice (${CSC}|${GOAL_TARGETS[0]?.measure}) nor changeValueSlice`)
      continue
    }
    seen.set(slice.slice, (seen.get(slice.slice) ?? 0) + 1)
    target.concept('measure', fixedCode(CSC, slice.measure), 1, 1)
    target.card('detailCodeableConcept', 1, 1)
    target.concept('detailCodeableConcept', valueSet(slice.detail))
  }
  for (const [slice, n] of seen) if (n !== 1) c.add('target', `${slice} occurs ${n} times, must occur exactly once`)
  for (const address of c.each('addresses')) {
    address.pointsAt(['condition'])
    conditionRank(address, 0)
  }
}

/**
 * ConditionRank on an `addresses` reference (0..1 on a Goal, 1..1 on a
 * CarePlan): 1 primary, 2 secondary (maxValuePositiveInt 2). Always KL core's
 * URL — the Goal invariant reads a /term/ URL that no extension has (§6.1).
 */
function conditionRank (address: Ctx, min: 0 | 1): void {
  const [rank] = slot(address.extensions({ [EXT.rank]: [min, 1] }, false), EXT.rank)
  for (const ext of address.each('extension')) {
    const u = str(ext.get('url')) ?? ''
    if (u.endsWith('/ConditionRank') && u !== EXT.rank) ext.add('url', `must be ${EXT.rank}`)
  }
  const value = rank?.get('valuePositiveInt')
  if (rank !== undefined && value !== 1 && value !== 2) rank.add('valuePositiveInt', 'ConditionRank must be 1 (primary) or 2 (secondary)')
}

function checkPeriod (c: Ctx): void {
  c.card('period.start', 1, 1)
  c.dateTime('period.start', 'dateTime')
  c.dateTime('period.end', 'dateTime')
}

/**
 * A social indsats (at most one primary target group, and while ordered and
 * not completed a follow-up date, a støttebehov and target groups, are
 * invariants care-plan-2 and -1/-4/-5).
 */
function checkCarePlan (c: Ctx): void {
  const exts = c.extensions({ [EXT.caseNumber]: [1, 1], [EXT.followUpDate]: [0, 1] }, true)
  slot(exts, EXT.caseNumber).forEach(checkCaseNumber)
  for (const ext of slot(exts, EXT.followUpDate)) {
    ext.card('valueReference', 1, 1)
    ext.refs('valueReference', ['followUpEncounter'])
  }
  c.code('status', STATUS.request)
  c.code('intent', STATUS.carePlanIntent)
  c.refs('subject', ['citizen'])
  checkPeriod(c)
  c.refs('careTeam', ['servicePerformer'])
  c.refs('goal', ['interventionGoal'])
  for (const address of c.each('addresses')) {
    address.pointsAt(['targetGroup'])
    address.absent(['type', 'identifier', 'display'])
    conditionRank(address, 1)
  }
  for (const activity of c.each('activity')) {
    activity.only({ outcomeReference: '1..1[]' }, 'CarePlan.activity of kl-reporting-ffb-carePlan')
    activity.refs('outcomeReference', ['careEvaluation'])
  }
}

const DETAIL_SKIP = new Set(['extension', 'modifierExtension'])

/** A ydelse: one KLInterventionsFFB code per activity, based on its social indsats. */
function checkIntervention (c: Ctx): void {
  c.refs('basedOn', ['carePlan'])
  c.code('status', STATUS.request)
  c.code('intent', STATUS.carePlanIntent)
  c.refs('subject', ['citizen'])
  c.dateTime('created', 'dateTime')
  checkPeriod(c)
  for (const activity of c.each('activity')) {
    activity.only({ detail: '1..1' }, 'CarePlan.activity of kl-reporting-ffb-intervention')
    for (const detail of activity.each('detail')) {
      // Of activity.detail the profile leaves code and status (everything else ..0); no ids on the way down.
      detail.only({ code: '1..1', status: '1..1' }, 'CarePlan.activity.detail of kl-reporting-ffb-intervention', DETAIL_SKIP)
      activity.absent(['id', 'detail.code.id'])
      detail.concept('code', valueSet('KLInterventionsFFB'), 1, 1)
      detail.code('status', STATUS.activity)
    }
  }
}

/** A tilbudstype: one leaf of KLServiceCodesFFB (group codes are rejected). */
function checkServicePerformer (c: Ctx): void {
  c.concept('category', valueSet('KLServiceCodesFFB'))
  c.refs('subject', ['citizen'])
}

function checkCareEvaluation (c: Ctx): void {
  c.code('status', STATUS.observation)
  c.concept('code', fixedCode(CSC, 'effe55c7-572c-4a99-8fb4-2a9dda2f6572'), 1, 1)
  c.refs('subject', ['citizen'])
  c.dateTime('effectiveDateTime', 'dateTime')
  c.concept('valueCodeableConcept', valueSet('KLNeedsAssessmentCodesFFB'))
}

function checkFollowUp (c: Ctx): void {
  c.code('status', STATUS.observation)
  c.concept('code', fixedCode(SNOMED, '712744002'), 1, 1)
  c.refs('subject', ['citizen'])
  c.refs('focus', ['carePlan'])
  c.dateTime('effectiveDateTime', 'dateTime')
  c.concept('valueCodeableConcept', valueSet('KLFollowUpCodesFFB'))
}

/** An opfølgningsdato: a planned home visit with no display on class or type, and no end. */
function checkFollowUpEncounter (c: Ctx): void {
  c.fixed('status', 'planned')
  for (const cls of c.each('class')) {
    cls.card('system', 1, 1)
    cls.fixed('system', 'http://terminology.hl7.org/CodeSystem/v3-ActCode')
    cls.card('code', 1, 1)
    cls.fixed('code', 'HH')
    cls.absent(['display', 'version', 'userSelected'])
  }
  c.concept('type', fixedCode(CSC, '9f03dfbb-7a97-45a5-94db-d4c3501714a9', true), 1, 1)
  c.refs('subject', ['citizen'])
  c.card('period.start', 1, 1)
  c.dateTime('period.start', 'dateTime')
  c.absent(['period.end'])
}

// ---------------------------------------------------------------- formats

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/

/** FHIR R4 dateTime (YYYY, YYYY-MM, YYYY-MM-DD, or a full date-time with zone) or instant (always the latter). */
function isDateTime (value: string, kind: 'instant' | 'dateTime'): boolean {
  const [date = '', time, ...rest] = value.split('T')
  const match = DATE.exec(date)
  if (match === null || rest.length > 0) return false
  const [, year, month, day] = match.map(Number)
  if (month !== undefined && !Number.isNaN(month) && (month < 1 || month > 12)) return false
  if (day !== undefined && !Number.isNaN(day) && (day < 1 || day > daysInMonth(year ?? 0, month ?? 0))) return false
  if (time === undefined) return kind === 'dateTime'
  return match[3] !== undefined && TIME.test(time)
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/** dk-core 1.1.0 invariant `cpr`: 10 digits, DDMM a valid day of the month (29 February in any year). No modulus 11. */
function isCpr (value: string): boolean {
  const match = /^(\d{2})(\d{2})\d{6}$/.exec(value)
  if (match === null) return false
  const [day, month] = [Number(match[1]), Number(match[2])]
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(2000, month)
}
