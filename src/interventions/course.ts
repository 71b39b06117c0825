import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import type { Scope } from '../db/scope.js'
import { insertIntervention, insertYdelser, markDecisionChanged, type DecisionRow, recordYdelseVersion, toIntervention, toYdelse, type YdelseRow } from '../decisions/queries.js'
import { etagOf, type Executor, type Guard, type Written } from '../db/unit-of-work.js'
import { fieldProblem, HttpProblem } from '../http/problems.js'
import type { Intervention, Ydelse } from '../decisions/schemas.js'
import { lockIntervention, lockOpenCourses, lockYdelse, updateIntervention, updateYdelse, type Course } from './queries.js'

/**
 * The changes of a social intervention over its course. Each runs inside
 * the unit of work: it locks the course, checks If-Match against what it
 * changes, checks the dates, writes, keeps the new versions, and marks the
 * decision changed so the deliveries (uddata, FHIR) pick it up.
 */

/** What every change needs besides its input: the catalogs, and today (for the status of each period). */
export interface CourseContext { catalogs: Catalogs, today: string, now: Date }

export interface NewYdelse { code: string, startdato: string, slutdato?: string, registeredAt: Date }

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** Adds a ydelse to an intervention that has not ended. If-Match: the intervention's ETag. */
export async function addYdelse (trx: Executor, guard: Guard, ctx: CourseContext, at: { decisionId: string, interventionId: string }, input: NewYdelse):
Promise<Written<Ydelse>> {
  const course = await lockIntervention(trx, guard.scope, at.decisionId, at.interventionId)
  guard.ifMatch(course.intervention.id, course.intervention.version)
  if (course.intervention.slutdato !== null) {
    throw new HttpProblem('conflict', `Intervention ${course.intervention.id} ended on ${course.intervention.slutdato}; order a new one`)
  }
  if (input.slutdato !== undefined && input.slutdato < input.startdato) {
    throw fieldProblem('domain-rule', '/slutdato', 'before-start', `must not be before startdato ${input.startdato}`)
  }
  const [ydelse] = await insertYdelser(trx, [{
    id: randomUUID(),
    intervention_id: course.intervention.id,
    kommunekode: course.intervention.kommunekode,
    code: input.code,
    startdato: input.startdato,
    slutdato: input.slutdato ?? null,
    registered_at: input.registeredAt
  }], guard.scope.id)
  return await ydelseWritten(trx, ctx, course, ydelse!, 201)
}

export interface YdelseChange { code?: string, startdato?: string, slutdato?: string | null, registeredAt?: Date, reason?: string }

/** Moves or corrects a ydelse: a new version, kept with its reason. If-Match: the ydelse's ETag. */
export async function changeYdelse (trx: Executor, guard: Guard, ctx: CourseContext, id: string, change: YdelseChange): Promise<Written<Ydelse>> {
  const course = await lockYdelse(trx, guard.scope, id)
  guard.ifMatch(course.ydelse.id, course.ydelse.version)
  const startdato = change.startdato ?? course.ydelse.startdato
  const slutdato = change.slutdato === undefined ? course.ydelse.slutdato : change.slutdato
  const registeredAt = change.registeredAt ?? course.ydelse.registered_at
  const code = change.code ?? course.ydelse.code
  if (change.code !== undefined || change.registeredAt !== undefined) {
    ctx.catalogs.check('ydelser', code, dayInDenmark(registeredAt), change.code !== undefined ? '/code' : '/registeredAt')
  }
  if (slutdato !== null && slutdato < startdato) {
    throw fieldProblem('domain-rule', change.slutdato === undefined ? '/startdato' : '/slutdato', 'before-start', `slutdato ${slutdato} would be before startdato ${startdato}`)
  }
  const ended = course.intervention.slutdato
  if (ended !== null && (slutdato === null || slutdato > ended)) {
    throw fieldProblem('domain-rule', '/slutdato', 'after-intervention-end', `the intervention ended on ${ended}: the ydelse must end by then`)
  }
  const current = course.ydelse
  if (code === current.code && startdato === current.startdato && slutdato === current.slutdato && registeredAt.getTime() === current.registered_at.getTime()) {
    // Nothing differs: no new version, and the ETags stay.
    return { status: 200, body: toYdelse(ctx.catalogs, course.intervention, course.ydelser, current, ctx.today), etag: etagOf(id, current.version), resourceId: id, kommunekode: current.kommunekode, changed: [] }
  }
  const ydelse = await updateYdelse(trx, id, { code, startdato, slutdato, registered_at: registeredAt })
  await recordYdelseVersion(trx, ydelse, guard.scope.id, change.reason)
  const changed = (['code', 'startdato', 'slutdato', 'registeredAt'] as const).filter((field) => change[field] !== undefined)
  return { ...await ydelseWritten(trx, ctx, course, ydelse, 200), changed }
}

async function ydelseWritten (trx: Executor, ctx: CourseContext, course: Course, ydelse: YdelseRow, status: 200 | 201): Promise<Written<Ydelse>> {
  const intervention = await updateIntervention(trx, course.intervention.id)
  await markDecisionChanged(trx, course.decision)
  const ydelser = [...course.ydelser.filter((y) => y.id !== ydelse.id), ydelse].sort((a, b) => a.seq - b.seq)
  return {
    status,
    body: toYdelse(ctx.catalogs, intervention, ydelser, ydelse, ctx.today),
    ...(status === 201 ? { location: `/v1/ydelser/${ydelse.id}` } : {}),
    etag: etagOf(ydelse.id, ydelse.version),
    resourceId: ydelse.id,
    kommunekode: ydelse.kommunekode
  }
}

/**
 * Ends an intervention's course on a day, registered at `at` (default the
 * transaction's instant, as versions are): every ydelse still running then
 * (or open-ended) ends that day, each in a new version; one that has not
 * started by then ends on its startdato (it never ran past its first day).
 * An intervention ends once (409), unless `shorten` moves an end that lies
 * after the day (a decision ending earlier). Returns, as they were before,
 * the ydelser that ran past the day.
 */
async function endCourse (trx: Executor, clientId: string, course: Pick<Course, 'intervention' | 'ydelser'>,
  end: { day: string, reason: string, at?: Date, shorten?: boolean }): Promise<{ intervention: Course['intervention'], ydelser: YdelseRow[], cutShort: YdelseRow[] }> {
  const { intervention } = course
  if (intervention.slutdato !== null && !(end.shorten === true && intervention.slutdato > end.day)) {
    throw new HttpProblem('conflict', `Intervention ${intervention.id} already ended on ${intervention.slutdato}`)
  }
  const cutShort = course.ydelser.filter((y) => y.slutdato === null || y.slutdato > end.day)
  const ydelser: YdelseRow[] = []
  for (const y of course.ydelser) {
    if (!cutShort.includes(y)) { ydelser.push(y); continue }
    const ended = await updateYdelse(trx, y.id, { slutdato: y.startdato > end.day ? y.startdato : end.day })
    await recordYdelseVersion(trx, ended, clientId, end.reason, end.at)
    ydelser.push(ended)
  }
  const ended = await updateIntervention(trx, intervention.id, { slutdato: end.day, ended_reason: end.reason, ended_at: end.at ?? sql<Date>`now()` })
  return { intervention: ended, ydelser, cutShort }
}

/**
 * An intervention cannot be ended (or moved) on a day before its first ydelse
 * starts. One whose ydelser were all annulled has no start: any day will do.
 */
function requireBegun (course: Course, day: string): void {
  if (course.ydelser.length === 0) return
  const began = course.ydelser.reduce((first, y) => (y.startdato < first ? y.startdato : first), course.ydelser[0]!.startdato)
  if (day < began) throw fieldProblem('domain-rule', '/slutdato', 'before-start', `the intervention began on ${began}: it cannot end before`)
}

export interface Ending { slutdato: string, reason?: string }

/** Ends a whole intervention on a day; its ydelser running longer end then. If-Match: the intervention's ETag. */
export async function endIntervention (trx: Executor, guard: Guard, ctx: CourseContext, at: { decisionId: string, interventionId: string }, ending: Ending):
Promise<Written<Intervention>> {
  const course = await lockIntervention(trx, guard.scope, at.decisionId, at.interventionId)
  guard.ifMatch(course.intervention.id, course.intervention.version)
  requireBegun(course, ending.slutdato)
  const { intervention, ydelser } = await endCourse(trx, guard.scope.id, course, { day: ending.slutdato, reason: ending.reason ?? 'indsatsen ophører' })
  await markDecisionChanged(trx, course.decision)
  return {
    status: 200,
    body: toIntervention(ctx.catalogs, intervention, ydelser, ctx.today),
    etag: etagOf(intervention.id, intervention.version),
    resourceId: intervention.id,
    kommunekode: intervention.kommunekode,
    changed: ['slutdato']
  }
}

export interface ProviderChange {
  slutdato: string
  leverandoer: { pNummer?: string, cvr?: string, navn?: string, adresse?: string, postnummer?: string }
  tilbud?: { code: string, registeredAt: Date }
  bevillingsdato?: string
  reason?: string
}

/**
 * A change of provider, in one call: the intervention ends on `slutdato`
 * and a new one, with the new provider (and tilbud, if given), continues
 * every ydelse that ran past that day from the next day, to its old end;
 * a ydelse not started by then moves to the new one as it is.
 * If-Match: the current intervention's ETag. Answers the new intervention.
 */
export async function changeProvider (trx: Executor, guard: Guard, ctx: CourseContext, at: { decisionId: string, interventionId: string }, change: ProviderChange):
Promise<Written<Intervention>> {
  const course = await lockIntervention(trx, guard.scope, at.decisionId, at.interventionId)
  guard.ifMatch(course.intervention.id, course.intervention.version)
  const old = course.intervention
  const p = change.leverandoer
  const provider = { p_nummer: p.pNummer ?? null, cvr: p.cvr ?? null, navn: p.navn ?? null, adresse: p.adresse ?? null, postnummer: p.postnummer ?? null }
  const tilbud = change.tilbud ?? { code: old.tilbud, registeredAt: old.tilbud_registered_at }
  // A provider is its P-nummer, or (without one) its CVR: a new name or address alone is no change of provider.
  const sameProvider = p.pNummer !== undefined ? p.pNummer === old.p_nummer : old.p_nummer === null && p.cvr === old.cvr
  if (tilbud.code === old.tilbud && sameProvider) {
    throw fieldProblem('domain-rule', '/leverandoer', 'same-provider', 'names the current provider and tilbud: nothing changes')
  }
  requireBegun(course, change.slutdato)
  const start = nextDay(change.slutdato)
  // Ydelser running past the day continue with the new provider from the next day; those not started by then move to it whole.
  const notStarted = course.ydelser.filter((y) => y.startdato > change.slutdato)
  const running = course.ydelser.filter((y) => !notStarted.includes(y))
  if (notStarted.length === 0 && !running.some((y) => y.slutdato === null || y.slutdato > change.slutdato)) {
    throw fieldProblem('domain-rule', '/slutdato', 'nothing-continues', `every ydelse ends by ${change.slutdato}: there is nothing to move; order a new intervention instead`)
  }
  const reason = change.reason ?? 'skift af leverandør'
  const { cutShort } = await endCourse(trx, guard.scope.id, { intervention: old, ydelser: running }, { day: change.slutdato, reason })
  const id = randomUUID()
  const started = await insertIntervention(trx, {
    id,
    decision_id: old.decision_id,
    kommunekode: old.kommunekode,
    tilbud: tilbud.code,
    tilbud_registered_at: tilbud.registeredAt,
    ...provider,
    bevillingsdato: change.bevillingsdato ?? old.bevillingsdato,
    catalog_version: ctx.catalogs.versionAt('tilbud', dayInDenmark(tilbud.registeredAt))?.version ?? '',
    continues_intervention_id: old.id
  }, cutShort.map((y) => ({
    id: randomUUID(),
    intervention_id: id,
    kommunekode: old.kommunekode,
    code: y.code,
    startdato: start,
    slutdato: y.slutdato,
    // The same ydelse, registered when it was: its code stays checked against that day's catalog.
    registered_at: y.registered_at
  })), guard.scope.id)
  for (const y of notStarted) {
    const moved = await updateYdelse(trx, y.id, { intervention_id: id })
    await recordYdelseVersion(trx, moved, guard.scope.id, reason)
    started.ydelser.push(moved)
  }
  await markDecisionChanged(trx, course.decision)
  return {
    status: 201,
    body: toIntervention(ctx.catalogs, started.intervention, started.ydelser, ctx.today),
    location: `/v1/decisions/${old.decision_id}/interventions/${id}`,
    etag: etagOf(id, started.intervention.version),
    resourceId: id,
    kommunekode: old.kommunekode
  }
}

export interface Closing {
  /** The last day of the decision's course. */
  day: string
  reason: string
  newDecisionExpected: boolean
  /** When the ending is registered (a follow-up's registeredAt); default the transaction's instant. */
  at?: Date
}

/**
 * Ends a decision's course (ophør) on a day — the one way, for an ending
 * of its own and for a follow-up whose status ends the indsats: every
 * intervention not ended by that day ends then, as …/ending ends one; the
 * decision is closed with its reason. `decision` is locked and open.
 */
export async function closeDecision (trx: Executor, scope: Scope, decision: DecisionRow, closing: Closing): Promise<void> {
  for (const course of await lockOpenCourses(trx, scope, decision.id, closing.day)) {
    await endCourse(trx, scope.id, course, { ...closing, shorten: true })
  }
  await trx.updateTable('decisions').set({
    closed_at: closing.day,
    closed_reason: closing.reason,
    closed_recorded_at: closing.at ?? sql<Date>`now()`,
    new_decision_expected: closing.newDecisionExpected
  }).where('id', '=', decision.id).execute()
  await markDecisionChanged(trx, decision)
}
