import { sql } from 'kysely'
import { refuseAnonymised } from '../cases/queries.js'
import { changedSince, type DecisionRow, type Delta } from '../decisions/queries.js'
import { groupBy } from '../db/rows.js'
import { HttpProblem } from '../http/problems.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'

/** The decisions of the uddata export. */

/**
 * The decision a client names by our id or by its sagsafgoerelsesId, else a
 * 404; a sagsafgoerelsesId several of its municipalities use is a 409 unless
 * `kommunekode` picks one; one of an anonymised case a 409 `anonymised`.
 */
export async function requireUddataDecision (db: Executor, scope: Scope, id: string, kommunekode: string | undefined): Promise<DecisionRow> {
  let query = scopedSelect(db, scope, 'decisions', { annulled: true }).selectAll()
    .where((eb) => eb.or([eb(sql<string>`id::text`, '=', id.toLowerCase()), eb('sagsafgoerelses_id', '=', id)]))
  if (kommunekode !== undefined) query = query.where('kommunekode', '=', kommunekode)
  const rows = await query.limit(2).execute()
  if (rows.length === 0) throw new HttpProblem('not-found', `No decision ${id} in the municipalities this client serves`)
  if (rows.length > 1) throw new HttpProblem('conflict', `Decisions in several municipalities use sagsafgoerelsesId ${id}; add ?kommunekode=`)
  const [row] = rows
  refuseAnonymised(await db.selectFrom('cases').select(['id', 'anonymised_at']).where('id', '=', row!.case_id).executeTakeFirstOrThrow())
  if (row!.annulled_at !== null) {
    throw new HttpProblem('not-found', `Decision ${id} was annulled at ${row!.annulled_at.toISOString()} (${row!.annulled_reason ?? ''}): it has no ` +
      'uddata document any more; the changedSince stream carries its tombstone')
  }
  return row!
}

/** Which decisions a stream exports: of one municipality, and changed since an instant (`changedSince`). */
export interface UddataFilter { kommunekode?: string | undefined, delta?: Delta | undefined }

/**
 * The next `limit` decisions after `after` (a seq), in the order they were
 * made. A delta (`since`) also brings the decisions annulled since, for
 * their tombstones; a full export never has an annulled decision.
 */
export async function nextDecisions (db: Executor, scope: Scope, { kommunekode, delta }: UddataFilter, after: number, limit: number): Promise<DecisionRow[]> {
  let query = scopedSelect(db, scope, 'decisions', { annulled: delta !== undefined }).selectAll().where('seq', '>', after).orderBy('seq').limit(limit)
    // An anonymised case's decisions can no longer be delivered (what was delivered stays delivered).
    .where((eb) => eb.not(eb.exists(eb.selectFrom('cases').select('cases.id').whereRef('cases.id', '=', 'decisions.case_id')
      .where('cases.anonymised_at', 'is not', null))))
  if (kommunekode !== undefined) query = query.where('kommunekode', '=', kommunekode)
  if (delta !== undefined) query = query.where(changedSince(delta))
  return await query.execute()
}

/**
 * Every row the uddata documents of a batch of decisions report, in six
 * queries whatever the batch size — cases, registrations, goals,
 * støttebehov, interventions and ydelser — grouped by owner, each group in
 * registration order.
 */
export async function loadUddataRows (db: Executor, scope: Scope, decisions: DecisionRow[]) {
  const ids = decisions.map((d) => d.id)
  const caseIds = [...new Set(decisions.map((d) => d.case_id))]
  const [cases, registrations, goals, stoettebehov, interventions] = await Promise.all([
    scopedSelect(db, scope, 'cases').select(['id', 'kommunekode', 'cpr', 'diagnoser', 'changed_at']).where('id', 'in', caseIds).execute(),
    scopedSelect(db, scope, 'theme_registrations').select(['case_id', 'theme', 'undertema', 'funktionsevneniveau', 'registered_at'])
      .where('case_id', 'in', caseIds).orderBy('registered_at').orderBy('seq').execute(),
    scopedSelect(db, scope, 'goals').innerJoin('decision_goals as dg', 'dg.goal_id', 'goals.id')
      .select(['dg.decision_id', 'goals.primaert_undertema', 'goals.maaltype', 'goals.forventet_funktionsevneniveau', 'goals.registered_at',
        'goals.opfoelgningsdato', 'goals.relaterede_undertemaer'])
      .where('dg.decision_id', 'in', ids).orderBy('dg.position').execute(),
    scopedSelect(db, scope, 'stoettebehov').select(['decision_id', 'code', 'registered_at'])
      .where('decision_id', 'in', ids).orderBy('registered_at').orderBy('seq').execute(),
    scopedSelect(db, scope, 'interventions').selectAll().where('decision_id', 'in', ids).orderBy('seq').execute()
  ])
  const ydelser = interventions.length === 0
    ? []
    : await scopedSelect(db, scope, 'intervention_ydelser').select(['intervention_id', 'code', 'startdato', 'slutdato', 'registered_at'])
      .where('intervention_id', 'in', interventions.map((i) => i.id)).orderBy('seq').execute()
  return {
    caseOf: new Map(cases.map((c) => [c.id, c])),
    /** By `<case id> <theme>`. */
    registrationsOf: groupBy(registrations, (r) => `${r.case_id} ${r.theme}`),
    goalsOf: groupBy(goals, (g) => g.decision_id),
    stoettebehovOf: groupBy(stoettebehov, (s) => s.decision_id),
    interventionsOf: groupBy(interventions, (i) => i.decision_id),
    ydelserOf: groupBy(ydelser, (y) => y.intervention_id)
  }
}

export type UddataRows = Awaited<ReturnType<typeof loadUddataRows>>
