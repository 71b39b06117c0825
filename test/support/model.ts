/**
 * The model of model-based fuzzing (model-commands.ts): plain objects that
 * say what a municipality has recorded through the API, and from them what
 * the uddata documents must contain and what an annulment takes with it.
 * It tracks codes, levels and dates — not labels, texts or instants.
 */

export type Theme = 'funktioner-og-forhold' | 'omgivelsesfaktorer' | 'aktivitet-og-deltagelse'

export interface MRegistration {
  id: string
  caseId: string
  theme: Theme
  undertema: string
  level: string | null
  /** The follow-up that registered this level, if one did. */
  followUpId: string | null
  annulled: boolean
  /** The step that annulled it. */
  annulledAt?: number
}

export interface MGoal { id: string, caseId: string, undertema: string, /** the registration it takes its level from */ registrationId: string, annulled: boolean }

export interface MYdelse { id: string, code: string, startdato: string, slutdato: string | null, annulled: boolean }

export interface MIntervention {
  id: string
  decisionId: string
  tilbud: string
  pNummer: string
  ydelser: MYdelse[]
  slutdato: string | null
  continues: string | null
  annulled: boolean
}

export interface MFollowUp { id: string, decisionId: string, goalIds: string[], registrationIds: string[], stoettebehov: string, endedCourse: boolean, annulled: boolean }

export interface MDecision {
  id: string
  caseId: string
  goalIds: string[]
  primaer: string
  stoettebehov: string
  closed: boolean
  annulled: boolean
  /** The step that made it (its index in the run). */
  madeAt: number
}

export interface MCase { id: string, cpr: string, kommunekode: string }

export interface Model {
  /** Today in Denmark, when the run began: the day of every date the commands derive. */
  today: string
  cases: MCase[]
  registrations: MRegistration[]
  goals: MGoal[]
  decisions: MDecision[]
  interventions: MIntervention[]
  followUps: MFollowUp[]
}

export const emptyModel = (today: string): Model => ({ today, cases: [], registrations: [], goals: [], decisions: [], interventions: [], followUps: [] })

export const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** The i-th of a list, for commands that pick by a generated index (so shrinking keeps them valid). */
export const pick = <T>(list: T[], i: number): T | undefined => list.length === 0 ? undefined : list[i % list.length]

export const live = <T extends { annulled: boolean }>(list: T[]): T[] => list.filter((x) => !x.annulled)

/** The fields of an uddata document the model predicts, each list sorted (the order is the API's, not the model's). */
export interface Predicted {
  cprNr: string
  kommunekode: string
  funktionerOgForhold: string[]
  omgivelser: string[]
  aktivitetOgDeltagelse: string[]
  stoettebehov: string[]
  indsatsmaal: string[]
  primaerMaalgruppe: string
  socialIndsats: string[]
}

const sorted = (list: string[]): string[] => [...list].sort()

/** What the uddata document of a decision standing must say. */
export function predictDocument (model: Model, decision: MDecision): Predicted {
  const kase = model.cases.find((c) => c.id === decision.caseId)!
  const registrations = live(model.registrations).filter((r) => r.caseId === kase.id)
  const of = (theme: Theme) => registrations.filter((r) => r.theme === theme)
  return {
    cprNr: kase.cpr,
    kommunekode: kase.kommunekode,
    funktionerOgForhold: sorted(of('funktioner-og-forhold').map((r) => r.undertema)),
    omgivelser: sorted(of('omgivelsesfaktorer').map((r) => r.undertema)),
    aktivitetOgDeltagelse: sorted(of('aktivitet-og-deltagelse').map((r) => `${r.undertema}:${r.level}`)),
    stoettebehov: sorted([decision.stoettebehov, ...live(model.followUps).filter((f) => f.decisionId === decision.id).map((f) => f.stoettebehov)]),
    indsatsmaal: sorted(decision.goalIds.map((id) => model.goals.find((g) => g.id === id)!.undertema)),
    primaerMaalgruppe: decision.primaer,
    socialIndsats: sorted(live(model.interventions).filter((i) => i.decisionId === decision.id).map((i) =>
      `${i.tilbud} ${i.pNummer} [${sorted(live(i.ydelser).map((y) => `${y.code} ${y.startdato}..${y.slutdato ?? ''}`)).join(', ')}]`))
  }
}

// The uddata document as the API sends it, walked by path; its schema is checked by the contract.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>
const codes = (list: Json[], key: string): string[] => sorted(list.map((x) => x[key].code as string))

/** The same fields, read from a document the API sent. */
export function readDocument (document: Json): Predicted {
  return {
    cprNr: document.stamdata.cprNr,
    kommunekode: document.stamdata.kommunekode,
    funktionerOgForhold: codes(document.funktionerOgForhold, 'undertemaFunktionerEllerForhold'),
    omgivelser: codes(document.omgivelser, 'undertemaOmgivelser'),
    aktivitetOgDeltagelse: sorted(document.aktivitetOgDeltagelse.map((r: Json) => `${r.undertemaAktivitetOgDeltagelse.code}:${r.funktionsevneniveau.code}`)),
    stoettebehov: codes(document.stoettebehov, 'stoettebehovsvurdering'),
    indsatsmaal: codes(document.indsatsmaal, 'primaertUndertemaPaaAktivitetOgDeltagelse'),
    primaerMaalgruppe: document.maalgruppe.primaerMaalgruppe.code,
    socialIndsats: sorted(document.socialIndsats.map((i: Json) =>
      `${i.udfoerendeTilbudstype.code} ${i.produktionsenhedsnummer} [${sorted(i.ydelser.map((y: Json) =>
        `${y.ydelse.code} ${y.startDatoForYdelse}..${y.slutDatoForYdelse ?? ''}`)).join(', ')}]`))
  }
}

export type Kind = 'registration' | 'goal' | 'decision' | 'intervention' | 'ydelse' | 'follow-up' | 'stoettebehov'
export interface Item { kind: Kind, id: string }

/** A record's parts: annulled with it, always (src/annulment/queries.ts, partsOf). */
function partsOf (model: Model, { kind, id }: Item): Item[] {
  switch (kind) {
    case 'decision': return [
      ...live(model.interventions).filter((i) => i.decisionId === id).map((i) => ({ kind: 'intervention' as const, id: i.id })),
      ...live(model.followUps).filter((f) => f.decisionId === id).map((f) => ({ kind: 'follow-up' as const, id: f.id }))
    ]
    case 'intervention': return live(model.interventions.find((i) => i.id === id)!.ydelser).map((y) => ({ kind: 'ydelse' as const, id: y.id }))
    case 'follow-up': return model.followUps.find((f) => f.id === id)!.registrationIds.map((r) => ({ kind: 'registration' as const, id: r }))
    default: return []
  }
}

/** What relies on a record: annulled with it only with cascade (dependantsOf). */
function dependantsOf (model: Model, { kind, id }: Item): Item[] {
  switch (kind) {
    case 'registration': return [
      ...live(model.goals).filter((g) => g.registrationId === id).map((g) => ({ kind: 'goal' as const, id: g.id })),
      ...live(model.followUps).filter((f) => f.registrationIds.includes(id)).map((f) => ({ kind: 'follow-up' as const, id: f.id }))
    ]
    case 'goal': return [
      ...live(model.decisions).filter((d) => d.goalIds.includes(id)).map((d) => ({ kind: 'decision' as const, id: d.id })),
      ...live(model.followUps).filter((f) => f.goalIds.includes(id)).map((f) => ({ kind: 'follow-up' as const, id: f.id }))
    ]
    case 'intervention': return live(model.interventions).filter((i) => i.continues === id).map((i) => ({ kind: 'intervention' as const, id: i.id }))
    default: return []
  }
}

const named = (item: Item) => `${item.kind} ${item.id}`

/**
 * What annulling a record takes with it, or why it is refused (409): a
 * dependant without cascade, or a follow-up that ended its course without
 * its decision. The støttebehov of a decision or follow-up are left out:
 * the model keeps them on their owner.
 */
export function annulmentOf (model: Model, start: Item, cascade: boolean): { items: Item[] } | { refused: string } {
  const seen = new Map([[named(start), start]])
  const queue = [start]
  const refused: string[] = []
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const dependants = dependantsOf(model, item)
    for (const next of [...partsOf(model, item), ...(cascade ? dependants : [])]) {
      if (seen.has(named(next))) continue
      seen.set(named(next), next)
      queue.push(next)
    }
    if (!cascade) refused.push(...dependants.filter((d) => !seen.has(named(d))).map(named))
  }
  if (refused.length > 0) return { refused: `has dependants: ${refused.join(', ')}` }
  const items = [...seen.values()]
  const endedCourse = items.filter((i) => i.kind === 'follow-up' && model.followUps.find((f) => f.id === i.id)!.endedCourse &&
    !items.some((d) => d.kind === 'decision' && d.id === model.followUps.find((f) => f.id === i.id)!.decisionId))
  if (endedCourse.length > 0) return { refused: `ended the course: ${endedCourse.map(named).join(', ')}` }
  return { items }
}

/** Marks annulled what an annulment took with it. */
export function applyAnnulment (model: Model, items: Item[]): void {
  const ids = new Set(items.map((i) => i.id))
  for (const list of [model.registrations, model.goals, model.decisions, model.interventions, model.followUps]) {
    for (const record of list) if (ids.has(record.id)) record.annulled = true
  }
  for (const i of model.interventions) for (const y of i.ydelser) if (ids.has(y.id)) y.annulled = true
}

/** The decisions of a case still standing: a change to the case is a change to each (the deltas follow the case). */
export const decisionsOfCase = (model: Model, caseId: string): string[] => live(model.decisions).filter((d) => d.caseId === caseId).map((d) => d.id)

/** The latest A&D registration of a sub-theme on a case: the one a new goal takes its level from. */
export const latestLevel = (model: Model, caseId: string, undertema: string): MRegistration | undefined =>
  live(model.registrations).filter((r) => r.caseId === caseId && r.theme === 'aktivitet-og-deltagelse' && r.undertema === undertema).at(-1)

/**
 * Ends a course on a day (src/interventions/course.ts, endCourse): every
 * ydelse running past it, or open-ended, ends that day (one not started by
 * then on its startdato).
 */
export function endCourse (intervention: MIntervention, day: string): void {
  for (const y of live(intervention.ydelser)) {
    if (y.slutdato === null || y.slutdato > day) y.slutdato = y.startdato > day ? y.startdato : day
  }
  intervention.slutdato = day
}
