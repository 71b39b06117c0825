import { deepStrictEqual } from 'node:assert/strict'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { AD, FF, LEVEL, MAALGRUPPE, MAALTYPE, OMG, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from './codes.js'
import {
  addDays, annulmentOf, applyAnnulment, decisionsOfCase, endCourse, latestLevel, live, pick, predictDocument, readDocument,
  type Item, type Kind, type MDecision, type MIntervention, type Model, type Theme
} from './model.js'
import { auditRows, type Api, type Json } from './model-http.js'

/**
 * The commands of model-based fuzzing: each sends what a vendor would over
 * HTTP, checks the answer against what the model predicts, and updates the
 * model. After every step (checkStep): no 5xx and the OpenAPI contract
 * (model-http.ts, per answer); the run's uddata equals the model, annulled
 * decisions absent; the step's changes are all in the delta since it began;
 * exactly one audit row per acknowledged write.
 */

export interface Real {
  app: FastifyInstance
  api: Api
  /** When the run began: the uddata changed since then is every decision of the run. */
  runStart: string
  /** Each step's start and the decisions it changed, for deltas since an earlier step. */
  steps: Array<{ at: string, touched: string[] }>
}

type Cmd = fc.AsyncCommand<Model, Real>

const THEMES: Record<Theme, readonly string[]> = {
  'funktioner-og-forhold': [FF.organiseringOgPlanlaegning, FF.oekonomiskSituation],
  omgivelsesfaktorer: Object.values(OMG),
  'aktivitet-og-deltagelse': Object.values(AD)
}
const LEVELS = [LEVEL[0], LEVEL[1], LEVEL[2], LEVEL[3]]
const TOP_MAALGRUPPER = [MAALGRUPPE.socialtProblem, MAALGRUPPE.psykiskFunktionsnedsaettelse, MAALGRUPPE.multipelFunktionsnedsaettelse]
const NEEDS = [STOETTEBEHOV.let, STOETTEBEHOV.intet, STOETTEBEHOV.ikkeVurderet]
const TILBUDS = [TILBUD.mobiltTilbud, TILBUD.aktivitetsOgSamvaerstilbud]
const YDELSER = [YDELSE.stoetteTilAdministration, YDELSE.stoetteTilTransport, YDELSE.stoetteTilUddannelse]

const isWrite = (method: string, url: string) => method !== 'GET' && !url.endsWith('/search')
const caseOf = (m: Model, decisionId: string) => m.decisions.find((d) => d.id === decisionId)!.caseId

/** Runs one step: its requests, then every check. `body` returns the decisions the step changed. */
async function step (m: Model, r: Real, body: () => Promise<string[]>): Promise<void> {
  r.api.sent = []
  const at = new Date().toISOString()
  const touched = await body()
  r.steps.push({ at, touched })
  await checkUddata(m, r, r.runStart, m.decisions.map((d) => d.id), true)
  await checkUddata(m, r, at, touched, false)
  const audited = await auditRows(r.app, r.api.sent.map((s) => s.requestId))
  for (const sent of r.api.sent) {
    const rows = audited.get(sent.requestId) ?? 0
    const acknowledged = isWrite(sent.method, sent.url) && sent.status < 300
    if (acknowledged ? rows !== 1 : rows > 1) throw new Error(`${sent.method} ${sent.url} answered ${sent.status} and left ${rows} audit rows`)
  }
}

/**
 * The uddata changed since `since`: every decision of `expected` there, a
 * standing one as a document equal to the model's, an annulled one as a
 * tombstone and never as a document. With `exact`, no other decision of the
 * run's cases either.
 */
export async function checkUddata (m: Model, r: Real, since: string, expected: string[], exact: boolean): Promise<void> {
  const res = await r.api.call('GET', `/v1/exports/uddata?changedSince=${encodeURIComponent(since)}`)
  if (res.status !== 200) throw new Error(`uddata export answered ${res.status}`)
  const lines = res.text.trim().split('\n').map((line) => JSON.parse(line) as Json)
  const documents = new Map(lines.filter((l) => l.stamdata !== undefined).map((l) => [l.decisionId as string, l]))
  const tombstones = new Set(lines.filter((l) => l.annulled === true).map((l) => l.decisionId as string))
  for (const id of new Set(expected)) {
    const decision = m.decisions.find((d) => d.id === id)!
    if (decision.annulled) {
      if (documents.has(id)) throw new Error(`annulled decision ${id} has an uddata document (changedSince ${since})`)
      if (!tombstones.has(id)) throw new Error(`annulled decision ${id} has no tombstone in the delta since ${since}`)
      continue
    }
    const document = documents.get(id)
    if (document === undefined) throw new Error(`decision ${id} changed and is missing from the delta since ${since}`)
    deepStrictEqual(readDocument(document), predictDocument(m, decision), `the uddata of decision ${id} differs from the model`)
  }
  if (exact) {
    const ours = new Set(m.cases.map((c) => c.id))
    const unknown = [...documents.values()].filter((d) => ours.has(d.caseId) && !m.decisions.some((x) => x.id === d.decisionId))
    if (unknown.length > 0) throw new Error(`uddata documents the model does not know: ${unknown.map((d) => d.decisionId).join(', ')}`)
  }
}

const command = (name: string, args: unknown, check: (m: Readonly<Model>) => boolean, run: (m: Model, r: Real) => Promise<string[]>): Cmd => ({
  check,
  run: async (m, r) => { await step(m, r, async () => await run(m, r)) },
  toString: () => `${name}(${JSON.stringify(args)})`
})

let citizens = 0

/** A CPR number no other case on this server has, so a FHIR bundle (one per citizen) speaks of one case of the model. */
function newCpr (): string {
  const n = citizens++
  const day = n % 33_600
  const date = `${String(1 + (day % 28)).padStart(2, '0')}${String(1 + (Math.floor(day / 28) % 12)).padStart(2, '0')}${String(Math.floor(day / 336)).padStart(2, '0')}`
  return `${date}${String(Math.floor(n / 33_600) + 1000 + (process.pid % 8000)).padStart(4, '0')}`
}

export const openCase = fc.constant({}).map((a) => command('openCase', a, () => true, async (m, r) => {
  const cpr = newCpr()
  const body = await r.api.expect(201, 'POST', '/v1/cases', { kommunekode: '101', cpr })
  m.cases.push({ id: body.id, cpr, kommunekode: '101' })
  return []
}))

const THEME_NAMES = Object.keys(THEMES) as Theme[]
const register = fc.record({ kase: fc.nat(), theme: fc.nat(2), code: fc.nat(), level: fc.nat(3) }).map((a) =>
  command('register', a, (m) => m.cases.length > 0, async (m, r) => {
    const kase = pick(m.cases, a.kase)!
    const theme = THEME_NAMES[a.theme]!
    const undertema = pick([...THEMES[theme]], a.code)!
    const level = theme === 'aktivitet-og-deltagelse' ? LEVELS[a.level]! : null
    const body = await r.api.expect(201, 'POST', `/v1/cases/${kase.id}/investigation/${theme}`, { undertema, ...(level === null ? {} : { funktionsevneniveau: level }) })
    m.registrations.push({ id: body.id, caseId: kase.id, theme, undertema, level, followUpId: null, annulled: false })
    return decisionsOfCase(m, kase.id)
  }))

/** A registration recorded wrong: F&F and Omgivelser get another sub-theme, A&D another level (its sub-theme may carry goals). */
const correctRegistration = fc.record({ reg: fc.nat(), code: fc.nat(), level: fc.nat(3) }).map((a) =>
  command('correctRegistration', a, (m) => m.registrations.some((x) => x.followUpId === null), async (m, r) => {
    const reg = pick(m.registrations.filter((x) => x.followUpId === null), a.reg)!
    const url = `/v1/cases/${reg.caseId}/investigation/${reg.theme}/${reg.id}`
    const change = reg.level === null ? { undertema: pick([...THEMES[reg.theme]], a.code)! } : { funktionsevneniveau: LEVELS[a.level]! }
    await r.api.change(reg.annulled ? 409 : 200, 'PATCH', url, url, { ...change, reason: 'fejlregistrering' })
    const same = 'undertema' in change ? change.undertema === reg.undertema : change.funktionsevneniveau === reg.level
    if (reg.annulled || same) return []
    Object.assign(reg, 'undertema' in change ? change : { level: change.funktionsevneniveau })
    return decisionsOfCase(m, reg.caseId)
  }))

const addGoal = fc.record({ kase: fc.nat(), sub: fc.nat(), level: fc.nat(3) }).map((a) =>
  command('addGoal', a, (m) => live(m.registrations).some((x) => x.theme === 'aktivitet-og-deltagelse'), async (m, r) => {
    const reg = pick(live(m.registrations).filter((x) => x.theme === 'aktivitet-og-deltagelse'), a.sub)!
    const body = await r.api.expect(201, 'POST', `/v1/cases/${reg.caseId}/goals`, {
      maalformulering: 'Jeg vil selv kunne betale mine regninger',
      maaltype: MAALTYPE.udvikle,
      primaertUndertema: reg.undertema,
      forventetFunktionsevneniveau: LEVELS[a.level]!,
      opfoelgningsdato: addDays(m.today, 90),
      ansvarligForOpfoelgning: 'Socialafdelingen'
    })
    const from = latestLevel(m, reg.caseId, reg.undertema)!
    if (body.registrationId !== undefined && body.registrationId !== from.id) throw new Error(`goal ${body.id} takes its level from ${body.registrationId}, the model from ${from.id}`)
    m.goals.push({ id: body.id, caseId: reg.caseId, undertema: reg.undertema, registrationId: from.id, annulled: false })
    return decisionsOfCase(m, reg.caseId)
  }))

/** Goals of a case that no decision standing covers yet. */
const freeGoals = (m: Readonly<Model>, caseId: string) =>
  live(m.goals).filter((g) => g.caseId === caseId && !live(m.decisions).some((d) => d.goalIds.includes(g.id)))

const decide = fc.record({ kase: fc.nat(), goals: fc.nat(7), maalgruppe: fc.nat(2), need: fc.nat(2) }).map((a) =>
  command('decide', a, (m) => m.cases.length > 0, async (m, r) => {
    const kase = pick(m.cases, a.kase)!
    const goalIds = freeGoals(m, kase.id).slice(0, 3).filter((_, i) => (a.goals & (1 << i)) !== 0).map((g) => g.id)
    const primaer = TOP_MAALGRUPPER[a.maalgruppe]!
    const stoettebehov = NEEDS[a.need]!
    const body = await r.api.expect(201, 'POST', `/v1/cases/${kase.id}/decisions`, {
      afgoerelsesdato: m.today, goals: goalIds, stoettebehov: { code: stoettebehov, begrundelse: 'Behov for støtte' }, maalgrupper: { primaer }
    })
    m.decisions.push({ id: body.id, caseId: kase.id, goalIds, primaer, stoettebehov, closed: false, annulled: false, madeAt: r.steps.length })
    return [body.id]
  }))

const correctDecision = fc.record({ decision: fc.nat(), maalgruppe: fc.nat(2) }).map((a) =>
  command('correctDecision', a, (m) => m.decisions.length > 0, async (m, r) => {
    const decision = pick(m.decisions, a.decision)!
    const primaer = TOP_MAALGRUPPER[a.maalgruppe]!
    const url = `/v1/decisions/${decision.id}`
    await r.api.change(decision.annulled ? 409 : 200, 'PATCH', url, url, { maalgrupper: { primaer }, reason: 'fejlregistrering' })
    if (decision.annulled || decision.primaer === primaer) return []
    decision.primaer = primaer
    return [decision.id]
  }))

const ydelseSpec = fc.record({ code: fc.nat(2), start: fc.integer({ min: -60, max: 20 }), days: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }) })
const orderIntervention = fc.record({ decision: fc.nat(), tilbud: fc.nat(1), ydelser: fc.array(ydelseSpec, { minLength: 1, maxLength: 3 }), p: fc.integer({ min: 0, max: 99 }) }).map((a) =>
  command('orderIntervention', a, (m) => live(m.decisions).length > 0, async (m, r) => {
    const decision = pick(live(m.decisions), a.decision)!
    const ydelser = a.ydelser.map((y) => ({ code: YDELSER[y.code]!, startdato: addDays(m.today, y.start), slutdato: y.days === undefined ? null : addDays(m.today, y.start + y.days) }))
    const pNummer = `10${String(a.p).padStart(8, '0')}`
    const body = await r.api.expect(decision.closed ? 409 : 201, 'POST', `/v1/decisions/${decision.id}/interventions`, {
      tilbud: { code: TILBUDS[a.tilbud]! },
      ydelser: ydelser.map(({ slutdato, ...y }) => slutdato === null ? y : { ...y, slutdato }),
      leverandoer: { pNummer },
      bevillingsdato: m.today
    })
    if (decision.closed) return []
    m.interventions.push({
      id: body.id,
      decisionId: decision.id,
      tilbud: TILBUDS[a.tilbud]!,
      pNummer,
      ydelser: (body.ydelser as Json[]).map((y, i) => ({ id: y.id, ...ydelser[i]!, annulled: false })),
      slutdato: null,
      continues: null,
      annulled: false
    })
    return [decision.id]
  }))

const begun = (i: MIntervention) => live(i.ydelser).map((y) => y.startdato).sort()[0]
const interventionUrl = (i: MIntervention) => `/v1/decisions/${i.decisionId}/interventions/${i.id}`

/** Order one more ydelse on an intervention: an ended one (or a closed decision) takes none (409). */
const addYdelse = fc.record({ intervention: fc.nat(), ydelse: ydelseSpec }).map((a) =>
  command('addYdelse', a, (m) => live(m.interventions).length > 0, async (m, r) => {
    const i = pick(live(m.interventions), a.intervention)!
    const y = { code: YDELSER[a.ydelse.code]!, startdato: addDays(m.today, a.ydelse.start), slutdato: a.ydelse.days === undefined ? null : addDays(m.today, a.ydelse.start + a.ydelse.days) }
    const refused = i.slutdato !== null || m.decisions.find((d) => d.id === i.decisionId)!.closed
    const { slutdato, ...open } = y
    const body = await r.api.change(refused ? 409 : 201, 'POST', `${interventionUrl(i)}/ydelser`, interventionUrl(i), slutdato === null ? open : y)
    if (refused) return []
    i.ydelser.push({ id: body.id, ...y, annulled: false })
    return [i.decisionId]
  }))

const liveYdelser = (m: Readonly<Model>) => live(m.interventions).flatMap((i) => live(i.ydelser).map((y) => ({ i, y })))

/** Extend (or shorten) a ydelse: past the end of an ended intervention is a 422, on a closed decision a 409. */
const extend = fc.record({ ydelse: fc.nat(), days: fc.integer({ min: 0, max: 120 }) }).map((a) =>
  command('extend', a, (m) => liveYdelser(m).length > 0, async (m, r) => {
    const { i, y } = pick(liveYdelser(m), a.ydelse)!
    const slutdato = addDays(y.slutdato ?? y.startdato, a.days)
    const closed = m.decisions.find((d) => d.id === i.decisionId)!.closed
    const refused = closed || (i.slutdato !== null && slutdato > i.slutdato)
    await r.api.change(closed ? 409 : refused ? 422 : 200, 'PATCH', `/v1/ydelser/${y.id}`, `/v1/ydelser/${y.id}`, { slutdato, reason: 'forlænget' })
    // The same slutdato is no change: no new version, nothing in the delta.
    if (refused || slutdato === y.slutdato) return []
    y.slutdato = slutdato
    return [i.decisionId]
  }))

/** End an intervention on a day; one whose ydelser were all annulled has no start to end before, and ends on any day. */
const endIntervention = fc.record({ intervention: fc.nat(), days: fc.integer({ min: 0, max: 100 }) }).map((a) =>
  command('endIntervention', a, (m) => live(m.interventions).length > 0, async (m, r) => {
    const i = pick(live(m.interventions), a.intervention)!
    const day = addDays(begun(i) ?? m.today, a.days)
    const closed = m.decisions.find((d) => d.id === i.decisionId)!.closed
    await r.api.change(i.slutdato === null && !closed ? 200 : 409, 'POST', `${interventionUrl(i)}/ending`, interventionUrl(i), { slutdato: day })
    if (i.slutdato !== null || closed) return []
    endCourse(i, day)
    return [i.decisionId]
  }))

const changeProvider = fc.record({ intervention: fc.nat(), days: fc.integer({ min: 0, max: 100 }), p: fc.integer({ min: 98, max: 110 }) }).map((a) =>
  command('changeProvider', a, (m) => live(m.interventions).some((i) => i.slutdato === null), async (m, r) => {
    const old = pick(live(m.interventions).filter((x) => x.slutdato === null), a.intervention)!
    const day = addDays(begun(old) ?? m.today, a.days)
    const notStarted = live(old.ydelser).filter((y) => y.startdato > day)
    const cutShort = live(old.ydelser).filter((y) => y.startdato <= day && (y.slutdato === null || y.slutdato > day))
    const pNummer = `10${String(a.p).padStart(8, '0')}`
    // The same provider and tilbud is no change (422 same-provider); nothing running past the day, nothing to move (422).
    const moves = pNummer !== old.pNummer && (notStarted.length > 0 || cutShort.length > 0)
    const body = await r.api.change(moves ? 201 : 422, 'POST', `${interventionUrl(old)}/provider-change`, interventionUrl(old), { slutdato: day, leverandoer: { pNummer } })
    if (!moves) return []
    const continued = [...cutShort.map((y) => ({ code: y.code, startdato: addDays(day, 1), slutdato: y.slutdato })), ...notStarted.map(({ code, startdato, slutdato }) => ({ code, startdato, slutdato }))]
    const got = (body.ydelser as Json[]).map((y) => ({ id: y.id as string, code: y.code as string, startdato: y.startdato as string, slutdato: y.slutdato as string | null, annulled: false }))
    const key = (y: { code: string, startdato: string, slutdato: string | null }) => `${y.code} ${y.startdato}..${y.slutdato ?? ''}`
    deepStrictEqual(got.map(key).sort(), continued.map(key).sort(), 'the new intervention continues other ydelser than the model')
    old.ydelser = old.ydelser.filter((y) => !notStarted.includes(y))
    for (const y of cutShort) y.slutdato = day
    old.slutdato = day
    m.interventions.push({ id: body.id, decisionId: old.decisionId, tilbud: old.tilbud, pNummer, ydelser: got, slutdato: null, continues: old.id, annulled: false })
    return [old.decisionId]
  }))

const followUp = fc.record({ decision: fc.nat(), level: fc.nat(3), need: fc.nat(2), ends: fc.boolean() }).map((a) =>
  command('followUp', a, (m) => live(m.decisions).length > 0, async (m, r) => {
    const decision = pick(live(m.decisions), a.decision)!
    const level = LEVELS[a.level]!
    const body = await r.api.expect(decision.closed ? 409 : 201, 'POST', `/v1/decisions/${decision.id}/follow-ups`, {
      maal: decision.goalIds.map((goalId) => ({ goalId, funktionsevneniveau: level, borgerensVurdering: 'Bedre', maalOpnaaet: a.level <= 1 })),
      stoettebehov: { code: NEEDS[a.need]!, begrundelse: 'Vurderet ved opfølgning' },
      statusPaaIndsats: a.ends ? STATUS.afslutning : STATUS.fortsaettelse,
      ...(a.ends ? {} : { naesteOpfoelgningsdato: addDays(m.today, 60) })
    })
    if (decision.closed) return []
    const registrationIds = [...new Set((body.maal as Json[]).map((x) => x.registrationId as string))]
    for (const id of registrationIds) {
      const goal = m.goals.find((g) => g.id === (body.maal as Json[]).find((x) => x.registrationId === id)!.goalId)!
      m.registrations.push({ id, caseId: decision.caseId, theme: 'aktivitet-og-deltagelse', undertema: goal.undertema, level, followUpId: body.id, annulled: false })
    }
    m.followUps.push({ id: body.id, decisionId: decision.id, goalIds: decision.goalIds, registrationIds, stoettebehov: NEEDS[a.need]!, endedCourse: a.ends, annulled: false })
    if (a.ends) {
      for (const i of live(m.interventions).filter((x) => x.decisionId === decision.id && (x.slutdato === null || x.slutdato > m.today))) endCourse(i, m.today)
      decision.closed = true
    }
    return [decision.id]
  }))

const KINDS: Array<Exclude<Kind, 'stoettebehov'>> = ['registration', 'goal', 'decision', 'intervention', 'ydelse', 'follow-up']

/** The records of a kind, annulled ones too (annulling one again is a 409), with the URL of each. */
function records (m: Readonly<Model>, kind: Exclude<Kind, 'stoettebehov'>): Array<{ id: string, annulled: boolean, url: string, caseId: string }> {
  switch (kind) {
    case 'registration': return m.registrations.map((x) => ({ ...x, url: `/v1/cases/${x.caseId}/investigation/${x.theme}/${x.id}` }))
    case 'goal': return m.goals.map((x) => ({ ...x, url: `/v1/cases/${x.caseId}/goals/${x.id}` }))
    case 'decision': return m.decisions.map((x) => ({ ...x, url: `/v1/decisions/${x.id}` }))
    case 'intervention': return m.interventions.map((x) => ({ ...x, url: interventionUrl(x), caseId: caseOf(m, x.decisionId) }))
    case 'ydelse': return m.interventions.flatMap((i) => i.ydelser.map((y) => ({ ...y, annulled: y.annulled || i.annulled, url: `/v1/ydelser/${y.id}`, caseId: caseOf(m, i.decisionId) })))
    case 'follow-up': return m.followUps.map((x) => ({ ...x, url: `/v1/decisions/${x.decisionId}/follow-ups/${x.id}`, caseId: caseOf(m, x.decisionId) }))
  }
}

const annul = fc.record({ kind: fc.nat(KINDS.length - 1), record: fc.nat(), cascade: fc.boolean() }).map((a) =>
  command('annul', { ...a, kind: KINDS[a.kind] }, (m) => records(m, KINDS[a.kind]!).length > 0, async (m, r) => {
    const kind = KINDS[a.kind]!
    const record = pick(records(m, kind), a.record)!
    const outcome = record.annulled ? { refused: 'annulled already' } : annulmentOf(m, { kind, id: record.id }, a.cascade)
    const body = await r.api.change('refused' in outcome ? 409 : 200, 'POST', `${record.url}/annulment`, record.url, { reason: 'fejlregistrering', cascade: a.cascade })
    if ('refused' in outcome) return []
    const got = (body.annulled as Array<{ resourceType: Kind, id: string }>).filter((x) => x.resourceType !== 'stoettebehov').map((x) => `${x.resourceType} ${x.id}`).sort()
    const named = (x: Item) => `${x.kind} ${x.id}`
    deepStrictEqual(got, outcome.items.map(named).sort(), `annulling ${kind} ${record.id} took other records than the model`)
    const touched = decisionsOfCase(m, record.caseId)
    applyAnnulment(m, outcome.items)
    for (const registration of m.registrations) if (registration.annulled) registration.annulledAt ??= r.steps.length
    return touched
  }))

/** The uddata changed since an earlier step: everything changed since then is there. */
const delta = fc.record({ since: fc.nat() }).map((a) => command('delta', a, (m) => m.cases.length > 0, async (m, r) => {
  const from = r.steps.length - 1 - (a.since % Math.max(r.steps.length, 1))
  if (from >= 0) await checkUddata(m, r, r.steps[from]!.at, r.steps.slice(from).flatMap((s) => s.touched), false)
  return []
}))

/**
 * The FHIR delivery changed since an earlier step: the citizen of every
 * decision standing made since, and of every registration annulled since,
 * is there — delivered (a Bundle with the CPR) or held back (the worklist
 * names the case). A decision corrected since is not checked: without an
 * intervention KL's model has no resource to carry it.
 */
const fhir = fc.record({ since: fc.nat() }).map((a) => command('fhir', a, (m) => m.cases.length > 0, async (m, r) => {
  const from = r.steps.length - 1 - (a.since % Math.max(r.steps.length, 1))
  const since = r.steps[from]?.at ?? r.runStart
  const lines = async (deliverable: boolean) =>
    (await r.api.call('GET', `/v1/exports/fhir?kommunekode=101&changedSince=${encodeURIComponent(since)}&deliverable=${deliverable}`)).text
  const delivered = await lines(true)
  const heldBack = await lines(false)
  const changes = [
    ...live(m.decisions).filter((d) => d.madeAt >= from).map((d) => ({ caseId: d.caseId, what: `decision ${d.id} was made` })),
    ...m.registrations.filter((g) => (g.annulledAt ?? -1) >= from).map((g) => ({ caseId: g.caseId, what: `registration ${g.id} was annulled` }))
  ]
  for (const { caseId, what } of changes) {
    const kase = m.cases.find((c) => c.id === caseId)!
    if (!delivered.includes(`"${kase.cpr}"`) && !heldBack.includes(`case ${kase.id}`)) {
      throw new Error(`${what}, and its citizen (case ${kase.id}) is neither delivered nor held back in the FHIR delta since ${since}`)
    }
  }
  return []
}))

const readUddata = fc.record({ decision: fc.nat() }).map((a) => command('readUddata', a, (m) => m.decisions.length > 0, async (m, r) => {
  const decision: MDecision = pick(m.decisions, a.decision)!
  const body = await r.api.expect(decision.annulled ? 404 : 200, 'GET', `/v1/decisions/${decision.id}/uddata`)
  if (!decision.annulled) deepStrictEqual(readDocument(body), predictDocument(m, decision), `GET /v1/decisions/${decision.id}/uddata differs from the model`)
  return []
}))

/** Every command, weighted so a run builds courses before it changes them. */
export const modelCommands = [
  openCase, register, register, register, correctRegistration, addGoal, addGoal, decide, decide, correctDecision,
  orderIntervention, orderIntervention, addYdelse, extend, extend, endIntervention, changeProvider, changeProvider,
  followUp, followUp, annul, annul, annul, delta, fhir, readUddata
]
