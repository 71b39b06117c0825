import { randomUUID } from 'node:crypto'
import { refuseAnnulled } from '../annulment/marker.js'
import { annulmentOf } from '../annulment/marker.js'
import type { ExpressionBuilder, Insertable, Selectable } from 'kysely'
import { touchCase } from '../cases/queries.js'
import { dayBefore, dayInDenmark, daysBegunBetween, type Catalogs } from '../catalogs/catalogs.js'
import type { DB, DecisionsTable, InterventionsTable, InterventionYdelserTable, StoettebehovTable } from '../db/schema.js'
import { maalgruppeFacts, plannedFollowUpDate, unreadiness } from '../fhir/readiness.js'
import { loadFollowUps } from '../follow-ups/queries.js'
import type { FollowUp } from '../follow-ups/schemas.js'
import { selectGoals, toGoal } from '../goals/queries.js'
import type { Goal } from '../goals/schemas.js'
import { groupBy } from '../db/rows.js'
import { fieldProblem, HttpProblem } from '../http/problems.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { recordVersion } from '../versions/queries.js'
import { deriveDst } from './dst.js'
import { recordDecisionVersion } from './versions.js'
import type { Decision, Intervention, Ydelse, YdelseItem } from './schemas.js'

export type DecisionRow = Selectable<DecisionsTable>
export type InterventionRow = Selectable<InterventionsTable>
export type YdelseRow = Selectable<InterventionYdelserTable>

/**
 * A decision the caller may see, annulled or not, else a 404 problem. For a
 * write on it (`open`), locked until the transaction ends, not annulled and
 * still open (409 once annulled, or once a follow-up has closed it); `lock`
 * only locks it (a correction, which also applies to a closed decision).
 */
export async function requireDecision (db: Executor, scope: Scope, id: string, { open = false, lock = open }: { open?: boolean, lock?: boolean } = {}): Promise<DecisionRow> {
  const query = scopedSelect(db, scope, 'decisions', { annulled: true }).selectAll().where('id', '=', id)
  const row = await (lock ? query.forUpdate() : query).executeTakeFirst()
  if (row === undefined) throw new HttpProblem('not-found', `No decision ${id} in the municipalities this client serves`)
  if (open) refuseAnnulled(row, `decision ${id}`)
  if (open && row.closed_at !== null) throw new HttpProblem('conflict', `Decision ${id} was closed on ${row.closed_at}; make a new decision`)
  return row
}

/**
 * Everything that belongs to a page of decisions in a fixed number of
 * queries whatever the page size: goals, støttebehov, interventions,
 * ydelser, follow-ups (and their goals' levels and støttebehov).
 */
export async function loadDecisions (db: Executor, scope: Scope, catalogs: Catalogs, rows: DecisionRow[], today: string): Promise<Decision[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [goals, stoettebehov, interventions, followUps, cases] = await Promise.all([
    selectGoals(db, scope).innerJoin('decision_goals as dg', 'dg.goal_id', 'goals.id')
      .select(['dg.decision_id']).where('dg.decision_id', 'in', ids).orderBy('dg.position').execute(),
    scopedSelect(db, scope, 'stoettebehov').selectAll().where('decision_id', 'in', ids).orderBy('registered_at').orderBy('seq').execute(),
    scopedSelect(db, scope, 'interventions').selectAll().where('decision_id', 'in', ids).orderBy('seq').execute(),
    scopedSelect(db, scope, 'follow_ups').selectAll().where('decision_id', 'in', ids).orderBy('registered_at').orderBy('seq').execute()
      .then(async (rows) => await loadFollowUps(db, scope, catalogs, rows)),
    scopedSelect(db, scope, 'cases').select(['id', 'sagsnummer']).where('id', 'in', [...new Set(rows.map((row) => row.case_id))]).execute()
  ])
  const sagsnummerOf = new Map(cases.map((found) => [found.id, found.sagsnummer]))
  const goalsOf = groupBy(goals, (g) => g.decision_id)
  const stoettebehovOf = groupBy(stoettebehov, (s) => s.decision_id)
  const interventionsOf = groupBy(await withYdelser(db, scope, interventions), (i) => i.intervention.decision_id)
  const followUpsOf = groupBy(followUps, (f) => f.decisionId)
  return rows.map((row) => toDecision(catalogs, row, today, {
    goals: (goalsOf.get(row.id) ?? []).map((goal) => toGoal(catalogs, goal)),
    stoettebehov: stoettebehovOf.get(row.id) ?? [],
    interventions: (interventionsOf.get(row.id) ?? []).map((i) => toIntervention(catalogs, i.intervention, i.ydelser, today)),
    followUps: followUpsOf.get(row.id) ?? [],
    sagsnummer: sagsnummerOf.get(row.case_id) ?? null
  }))
}

function toDecision (catalogs: Catalogs, row: DecisionRow, today: string, parts: {
  goals: Goal[], stoettebehov: Array<Selectable<StoettebehovTable>>, interventions: Intervention[], followUps: FollowUp[], sagsnummer: string | null
}): Decision {
  const day = dayInDenmark(row.maalgrupper_registered_at)
  const closed = row.closed_at !== null && row.closed_at <= today
  const last = parts.followUps.at(-1)
  // What KL's FHIR gateway would refuse of the course, as it stands today (nothing of an annulled decision: it is taken back).
  const readiness = unreadiness({
    maalgrupper: maalgruppeFacts(catalogs, row.primaer_maalgruppe, row.oevrige_maalgrupper, day),
    active: !closed,
    followUpDate: plannedFollowUpDate({
      closed,
      lastFollowUp: last === undefined ? undefined : { date: last.opfoelgningsdato, next: last.naesteOpfoelgningsdato },
      agreedDates: [row.opfoelgningsdato, ...parts.goals.map((g) => g.opfoelgningsdato)]
    }),
    stoettebehov: parts.stoettebehov.length > 0,
    sagsnummer: parts.sagsnummer !== null
  })
  const warnings = row.annulled_at !== null ? [] : readiness
  return {
    id: row.id,
    sagsafgoerelsesId: row.sagsafgoerelses_id,
    caseId: row.case_id,
    kommunekode: row.kommunekode,
    afgoerelsesdato: row.afgoerelsesdato,
    opfoelgningsdato: row.opfoelgningsdato,
    goals: parts.goals,
    stoettebehov: parts.stoettebehov.map((s) => ({
      id: s.id,
      ...catalogs.leveled('stoettebehov', s.code, dayInDenmark(s.registered_at)),
      begrundelse: s.begrundelse,
      registeredAt: s.registered_at.toISOString()
    })),
    maalgrupper: {
      primaer: catalogs.coded('maalgrupper', row.primaer_maalgruppe, day),
      oevrige: row.oevrige_maalgrupper.map((code) => catalogs.coded('maalgrupper', code, day)),
      registeredAt: row.maalgrupper_registered_at.toISOString()
    },
    interventions: parts.interventions,
    followUps: parts.followUps,
    closedAt: row.closed_at,
    closedReason: row.closed_reason,
    version: row.version,
    nyAfgoerelseForventet: row.new_decision_expected,
    catalogVersion: row.catalog_version,
    createdAt: row.created_at.toISOString(),
    warnings,
    ...annulmentOf(row)
  }
}

/** Where a period stands on `today`: planned before it starts, ended after its last day. */
export function periodStatus (startdato: string, slutdato: string | null, today: string): 'planned' | 'active' | 'ended' {
  if (today < startdato) return 'planned'
  return slutdato !== null && slutdato < today ? 'ended' : 'active'
}

function toYdelseItem (catalogs: Catalogs, y: YdelseRow, decisionId: string, today: string): YdelseItem {
  const entry = catalogs.entry('ydelser', y.code, dayInDenmark(y.registered_at))?.entry
  return {
    id: y.id,
    interventionId: y.intervention_id,
    decisionId,
    code: y.code,
    label: entry?.label ?? null,
    legalBasis: entry?.legalBasis ?? null,
    opholdsydelse: entry?.opholdsydelse === true,
    startdato: y.startdato,
    slutdato: y.slutdato,
    status: periodStatus(y.startdato, y.slutdato, today),
    version: y.version,
    registeredAt: y.registered_at.toISOString(),
    changedAt: y.changed_at.toISOString(),
    ...annulmentOf(y)
  }
}

/**
 * An intervention as a client sees it on `today`: its ydelser with their
 * status, the DST codes it derives, and its warnings — all recomputed from
 * the rows on every read, so a change to a ydelse shows in all of them.
 */
export function toIntervention (catalogs: Catalogs, row: InterventionRow, ydelser: YdelseRow[], today: string): Intervention {
  const tilbudEntry = catalogs.entry('tilbud', row.tilbud, dayInDenmark(row.tilbud_registered_at))?.entry
  const items = ydelser.map((y) => toYdelseItem(catalogs, y, row.decision_id, today))
  // An annulled ydelse (listed with includeAnnulled) counts for none of the intervention's status, DST codes or warnings.
  const current = items.filter((y) => y.annulment === undefined)
  const botilbud = tilbudEntry?.botilbud === true
  const statuses = new Set(current.map((y) => y.status))
  return {
    id: row.id,
    decisionId: row.decision_id,
    tilbud: {
      code: row.tilbud,
      label: tilbudEntry?.label ?? null,
      legalBasis: tilbudEntry?.legalBasis ?? null,
      botilbud,
      registeredAt: row.tilbud_registered_at.toISOString()
    },
    ydelser: items,
    leverandoer: { pNummer: row.p_nummer, cvr: row.cvr, navn: row.navn, adresse: row.adresse, postnummer: row.postnummer },
    bevillingsdato: row.bevillingsdato,
    slutdato: row.slutdato,
    endedReason: row.ended_reason,
    continuesInterventionId: row.continues_intervention_id,
    status: row.slutdato !== null && row.slutdato < today
      ? 'ended'
      : statuses.has('active') || (statuses.has('planned') && statuses.has('ended')) ? 'active' : statuses.has('planned') ? 'planned' : 'ended',
    dst: deriveDst(catalogs, row.tilbud, current.map((y) => y.legalBasis), row.bevillingsdato),
    version: row.version,
    catalogVersion: row.catalog_version,
    createdAt: row.created_at.toISOString(),
    changedAt: row.changed_at.toISOString(),
    warnings: botilbud && !current.some((y) => y.opholdsydelse)
      ? [{
          code: 'botilbud-uden-opholdsydelse',
          pointer: '/ydelser',
          message: `${tilbudEntry?.label ?? 'The tilbud'} is a botilbud, but no opholdsydelse (midlertidigt or længerevarende ophold) is ordered`
        }]
      : [],
    ...annulmentOf(row)
  }
}

/** One ydelse, with the intervention it belongs to as it stands (all of whose current ydelser are given). */
export function toYdelse (catalogs: Catalogs, intervention: InterventionRow, ydelser: YdelseRow[], ydelse: YdelseRow, today: string): Ydelse {
  const { id, version, status, dst, warnings } = toIntervention(catalogs, intervention, ydelser, today)
  return { ...toYdelseItem(catalogs, ydelse, intervention.decision_id, today), intervention: { id, version, status, dst, warnings } }
}

export interface NewDecision {
  sagsafgoerelsesId?: string
  afgoerelsesdato: string
  opfoelgningsdato: string | null
  /** Goal ids in lower case, in the order the decision lists them. */
  goalIds: string[]
  maalgrupper: { primaer: string, oevrige: string[], registeredAt: Date }
  catalogVersion: string
  stoettebehov: { code: string, begrundelse: string, registeredAt: Date }
}

/**
 * Stores a decision on a case with its goals and its first støttebehov, and
 * its first version (…/versions); returns its id. Its goals must be the
 * case's, and its sagsafgoerelsesId (ours when the vendor gives none) unique
 * in the municipality.
 */
export async function insertDecision (trx: Executor, found: { id: string, kommunekode: string }, decision: NewDecision, clientId: string): Promise<string> {
  const { goalIds } = decision
  const own = new Set(goalIds.length === 0
    ? []
    : (await trx.selectFrom('goals').select('id').where('case_id', '=', found.id).where('id', 'in', goalIds).execute()).map((g) => g.id))
  const foreign = goalIds.findIndex((id) => !own.has(id))
  if (foreign >= 0) throw fieldProblem('domain-rule', `/goals/${foreign}`, 'not-on-case', 'is not a goal of this case')
  const id = randomUUID()
  const sagsafgoerelsesId = decision.sagsafgoerelsesId ?? id
  const taken = await trx.selectFrom('decisions').select('id')
    .where('kommunekode', '=', found.kommunekode).where('sagsafgoerelses_id', '=', sagsafgoerelsesId).executeTakeFirst()
  if (taken !== undefined) {
    throw fieldProblem('conflict', '/sagsafgoerelsesId', 'unique', `is already used by another decision in municipality ${found.kommunekode}`)
  }
  const row = await trx.insertInto('decisions').values({
    id,
    case_id: found.id,
    kommunekode: found.kommunekode,
    sagsafgoerelses_id: sagsafgoerelsesId,
    afgoerelsesdato: decision.afgoerelsesdato,
    opfoelgningsdato: decision.opfoelgningsdato,
    primaer_maalgruppe: decision.maalgrupper.primaer,
    oevrige_maalgrupper: decision.maalgrupper.oevrige,
    maalgrupper_registered_at: decision.maalgrupper.registeredAt,
    catalog_version: decision.catalogVersion
  }).returningAll().executeTakeFirstOrThrow()
  if (goalIds.length > 0) {
    await trx.insertInto('decision_goals').values(goalIds.map((goalId, position) => ({ decision_id: id, goal_id: goalId, position }))).execute()
  }
  const stoettebehov = await trx.insertInto('stoettebehov').values({
    id: randomUUID(),
    decision_id: id,
    kommunekode: found.kommunekode,
    code: decision.stoettebehov.code,
    begrundelse: decision.stoettebehov.begrundelse,
    registered_at: decision.stoettebehov.registeredAt
  }).returningAll().executeTakeFirstOrThrow()
  await recordDecisionVersion(trx, row, stoettebehov, clientId)
  await touchCase(trx, found.id)
  return id
}

/** Marks that something on a decision (and so on its case) changed: a new version of the decision as a whole. */
export async function markDecisionChanged (trx: Executor, decision: { id: string, case_id: string }): Promise<void> {
  await trx.updateTable('decisions').set((eb) => ({ changed_at: new Date(), version: eb('version', '+', 1) })).where('id', '=', decision.id).execute()
  await touchCase(trx, decision.case_id)
}

/**
 * A decision changed at or after an instant (up to `now`): itself (a
 * correction, a new part, its course ended), its case (a registration made,
 * corrected or annulled — in every decision's uddata document of the
 * case), or by time alone: a ydelse that started or ended, the decision's
 * course that ended, on a day that began in [since, now] (the change's
 * instant is the start of that Danish day, `daysBegunBetween`). A delta
 * also brings the decisions annulled since (read with `annulled: true`), so
 * a client learns of them, and never one annulled before.
 */
/** A delta: what changed from `since` up to `now` (the request's instant, fixed for a whole stream). */
export interface Delta { since: Date, now: Date }

export const changedSince = ({ since, now }: Delta) => (eb: ExpressionBuilder<DB, 'decisions'>) => {
  const days = daysBegunBetween(since, now)
  const timeDriven = days === undefined
    ? []
    : [
        eb.exists(eb.selectFrom('intervention_ydelser as y').innerJoin('interventions as i', 'i.id', 'y.intervention_id').select('y.id')
          .whereRef('i.decision_id', '=', 'decisions.id').where('y.annulled_at', 'is', null).where('i.annulled_at', 'is', null)
          .where((w) => w.or([
            w.between('y.startdato', days.first, days.last),
            w.between('y.slutdato', dayBefore(days.first), dayBefore(days.last))
          ]))),
        eb.between('decisions.closed_at', dayBefore(days.first), dayBefore(days.last))
      ]
  return eb.and([
    eb.or([eb('decisions.annulled_at', 'is', null), eb('decisions.annulled_at', '>=', since)]),
    eb.or([
      eb('decisions.changed_at', '>=', since),
      eb.exists(eb.selectFrom('cases').select('cases.id').whereRef('cases.id', '=', 'decisions.case_id').where('cases.changed_at', '>=', since)),
      ...timeDriven
    ])
  ])
}

export interface DecisionFilters {
  caseId?: string
  kommunekode?: string
  sagsafgoerelsesId?: string
  changedSince?: Delta | undefined
  /** Annulled decisions too (includeAnnulled); a delta always brings those annulled since. */
  includeAnnulled?: boolean | undefined
  after?: number
  limit: number
}

/** Decisions the caller may see, oldest first; with changedSince, those annulled since too. */
export async function listDecisions (db: Executor, scope: Scope, filters: DecisionFilters): Promise<DecisionRow[]> {
  let query = scopedSelect(db, scope, 'decisions', { annulled: filters.changedSince !== undefined || filters.includeAnnulled === true }).selectAll().orderBy('seq').limit(filters.limit)
  if (filters.caseId !== undefined) query = query.where('case_id', '=', filters.caseId)
  if (filters.kommunekode !== undefined) query = query.where('kommunekode', '=', filters.kommunekode)
  if (filters.sagsafgoerelsesId !== undefined) query = query.where('sagsafgoerelses_id', '=', filters.sagsafgoerelsesId)
  const delta = filters.changedSince
  if (delta !== undefined) query = query.where(changedSince(delta))
  if (filters.after !== undefined) query = query.where('seq', '>', filters.after)
  return await query.execute()
}

/**
 * Interventions with their current ydelser (in the order they were
 * ordered), in one query; `lock` locks them for a change; `annulled` brings
 * the annulled ones too.
 */
export async function withYdelser (db: Executor, scope: Scope, interventions: InterventionRow[], { lock = false, annulled = false } = {}):
Promise<Array<{ intervention: InterventionRow, ydelser: YdelseRow[] }>> {
  if (interventions.length === 0) return []
  const query = scopedSelect(db, scope, 'intervention_ydelser', { annulled }).selectAll().where('intervention_id', 'in', interventions.map((i) => i.id)).orderBy('seq')
  const ydelserOf = groupBy(await (lock ? query.forUpdate() : query).execute(), (y) => y.intervention_id)
  return interventions.map((intervention) => ({ intervention, ydelser: ydelserOf.get(intervention.id) ?? [] }))
}

/** The interventions of a decision with their ydelser, in the order they were ordered; annulled ones (and ydelser) only when asked. */
export async function listInterventions (db: Executor, scope: Scope, decisionId: string, { annulled = false } = {}):
Promise<Array<{ intervention: InterventionRow, ydelser: YdelseRow[] }>> {
  const interventions = await scopedSelect(db, scope, 'interventions', { annulled }).selectAll().where('decision_id', '=', decisionId).orderBy('seq').execute()
  return await withYdelser(db, scope, interventions, { annulled })
}

/** One intervention of a decision, annulled or not, with its current ydelser. */
export async function findIntervention (db: Executor, scope: Scope, decisionId: string, id: string):
Promise<{ intervention: InterventionRow, ydelser: YdelseRow[] } | undefined> {
  const intervention = await scopedSelect(db, scope, 'interventions', { annulled: true }).selectAll()
    .where('decision_id', '=', decisionId).where('id', '=', id).executeTakeFirst()
  return intervention === undefined ? undefined : (await withYdelser(db, scope, [intervention]))[0]
}

/** The fields of a ydelse that make up one of its versions (GET /v1/ydelser/{id}/versions). */
export interface YdelseVersionData { code: string, startdato: string, slutdato: string | null, registeredAt: string }
export const ydelseVersionData = (y: YdelseRow): YdelseVersionData =>
  ({ code: y.code, startdato: y.startdato, slutdato: y.slutdato, registeredAt: y.registered_at.toISOString() })

/** Keeps the version of a ydelse just written, with who wrote it and why. */
export async function recordYdelseVersion (trx: Executor, y: YdelseRow, clientId: string, reason?: string | null, at?: Date): Promise<void> {
  await recordVersion(trx, { resourceType: 'ydelse', resourceId: y.id, version: y.version, kommunekode: y.kommunekode, data: ydelseVersionData(y), clientId, reason, at })
}

/** Stores new ydelser, each with its first version. */
export async function insertYdelser (trx: Executor, ydelser: Array<Insertable<InterventionYdelserTable>>, clientId: string): Promise<YdelseRow[]> {
  // An INSERT of no rows is no statement: a change of provider that only moves ydelser not yet started continues none.
  if (ydelser.length === 0) return []
  const rows = await trx.insertInto('intervention_ydelser').values(ydelser).returningAll().execute()
  for (const row of rows) await recordYdelseVersion(trx, row, clientId)
  return rows
}

export async function insertIntervention (
  trx: Executor, intervention: Insertable<InterventionsTable>, ydelser: Array<Insertable<InterventionYdelserTable>>, clientId: string
): Promise<{ intervention: InterventionRow, ydelser: YdelseRow[] }> {
  return {
    intervention: await trx.insertInto('interventions').values(intervention).returningAll().executeTakeFirstOrThrow(),
    ydelser: await insertYdelser(trx, ydelser, clientId)
  }
}
