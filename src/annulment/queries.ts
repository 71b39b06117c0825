import { sql, type RawBuilder, type Selectable } from 'kysely'
import type { AnnulledColumns } from '../db/schema.js'
import { notAnnulled, served, type AnnullableTable, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import type { AnnullableKind, AnnulmentReason } from './schemas.js'

/**
 * The rows behind an annulment: the record asked for (locked), what is
 * annulled with it, what relies on it, and the marking itself. Every kind
 * of record is one table; the statements name its table and columns from
 * the constants below, never from input.
 */

interface KindTable {
  table: AnnullableTable
  /** The column that identifies a row (an assessment is the case's). */
  key: 'id' | 'case_id'
  /** Whether the row carries a version (its ETag moves when it is annulled). */
  versioned: boolean
  /** The column that records the row's last change. */
  changed: 'changed_at' | 'updated_at' | null
  /** The row's case, as an expression over the table. */
  caseOf: RawBuilder<string>
}

const viaDecision = (column: string) => sql<string>`(SELECT d.case_id FROM decisions d WHERE d.id = ${sql.ref(column)})`

export const KINDS: Record<AnnullableKind, KindTable> = {
  registration: { table: 'theme_registrations', key: 'id', versioned: true, changed: 'changed_at', caseOf: sql`theme_registrations.case_id` },
  assessment: { table: 'assessments', key: 'case_id', versioned: true, changed: 'updated_at', caseOf: sql`assessments.case_id` },
  goal: { table: 'goals', key: 'id', versioned: true, changed: 'changed_at', caseOf: sql`goals.case_id` },
  decision: { table: 'decisions', key: 'id', versioned: true, changed: 'changed_at', caseOf: sql`decisions.case_id` },
  stoettebehov: { table: 'stoettebehov', key: 'id', versioned: false, changed: null, caseOf: viaDecision('stoettebehov.decision_id') },
  intervention: { table: 'interventions', key: 'id', versioned: true, changed: 'changed_at', caseOf: viaDecision('interventions.decision_id') },
  ydelse: {
    table: 'intervention_ydelser',
    key: 'id',
    versioned: true,
    changed: 'changed_at',
    caseOf: sql`(SELECT d.case_id FROM interventions i JOIN decisions d ON d.id = i.decision_id WHERE i.id = intervention_ydelser.intervention_id)`
  },
  delmaal: { table: 'delmaal', key: 'id', versioned: true, changed: 'updated_at', caseOf: sql`delmaal.case_id` },
  note: { table: 'notes', key: 'id', versioned: true, changed: 'changed_at', caseOf: sql`notes.case_id` },
  'follow-up': { table: 'follow_ups', key: 'id', versioned: true, changed: 'changed_at', caseOf: sql`follow_ups.case_id` }
}

export interface AnnulmentTarget extends Selectable<AnnulledColumns> {
  id: string
  version: number
  kommunekode: string
  caseId: string
}

/**
 * The record a client names, locked for the annulment, annulled or not;
 * undefined when the caller may not see it. `where` pins it to the URL it
 * was named by (its case, theme or decision), column by value.
 */
export async function lockTarget (trx: Executor, scope: Scope, kind: AnnullableKind, where: Record<string, string>): Promise<AnnulmentTarget | undefined> {
  const { table, key, caseOf } = KINDS[kind]
  const conditions = Object.entries(where).map(([column, value]) => sql`${sql.ref(`${table}.${column}`)} = ${value}`)
  const { rows: [row] } = await sql<AnnulmentTarget>`
    SELECT ${sql.ref(`${table}.${key}`)} AS id, version, kommunekode, ${caseOf} AS "caseId",
      annulled_at, annulled_reason, annulled_comment
    FROM ${sql.table(table)} WHERE ${served(scope, table)} AND ${sql.join(conditions, sql` AND `)}
    FOR UPDATE`.execute(trx)
  return row
}

const OWNER: Partial<Record<AnnullableKind, (id: string) => RawBuilder<{ id: string }>>> = {
  decision: (id) => sql`SELECT id FROM decisions WHERE id = ${id}`,
  intervention: (id) => sql`SELECT decision_id AS id FROM interventions WHERE id = ${id}`,
  ydelse: (id) => sql`SELECT i.decision_id AS id FROM intervention_ydelser y JOIN interventions i ON i.id = y.intervention_id WHERE y.id = ${id}`,
  stoettebehov: (id) => sql`SELECT decision_id AS id FROM stoettebehov WHERE id = ${id}`,
  'follow-up': (id) => sql`SELECT decision_id AS id FROM follow_ups WHERE id = ${id}`
}

/**
 * Locks the decision a record under a decision belongs to, first, in the
 * order every change of a course takes its locks (decision, intervention,
 * ydelser). The record may not exist.
 */
export async function lockOwningDecision (trx: Executor, kind: AnnullableKind, id: string): Promise<void> {
  const owner = OWNER[kind]
  if (owner === undefined) return
  await sql`SELECT id FROM decisions WHERE id = (${owner(id)}) FOR UPDATE`.execute(trx)
}

export interface Item { kind: AnnullableKind, id: string }

const ids = (rows: Array<{ id: string }>, kind: AnnullableKind): Item[] => rows.map((row) => ({ kind, id: row.id }))

/** What is annulled with a record, always: its parts. */
export async function partsOf (db: Executor, { kind, id }: Item): Promise<Item[]> {
  const live = (table: string) => notAnnulled(table)
  switch (kind) {
    case 'decision': {
      const [interventions, needs, followUps] = await Promise.all([
        sql<{ id: string }>`SELECT id FROM interventions WHERE decision_id = ${id} AND ${live('interventions')}`.execute(db),
        sql<{ id: string }>`SELECT id FROM stoettebehov WHERE decision_id = ${id} AND follow_up_id IS NULL AND ${live('stoettebehov')}`.execute(db),
        sql<{ id: string }>`SELECT id FROM follow_ups WHERE decision_id = ${id} AND ${live('follow_ups')}`.execute(db)
      ])
      return [...ids(interventions.rows, 'intervention'), ...ids(needs.rows, 'stoettebehov'), ...ids(followUps.rows, 'follow-up')]
    }
    case 'intervention':
      return ids((await sql<{ id: string }>`SELECT id FROM intervention_ydelser WHERE intervention_id = ${id} AND ${live('intervention_ydelser')}`
        .execute(db)).rows, 'ydelse')
    case 'follow-up': {
      const [levels, needs] = await Promise.all([
        sql<{ id: string }>`SELECT id FROM theme_registrations WHERE follow_up_id = ${id} AND ${live('theme_registrations')}`.execute(db),
        sql<{ id: string }>`SELECT id FROM stoettebehov WHERE follow_up_id = ${id} AND ${live('stoettebehov')}`.execute(db)
      ])
      return [...ids(levels.rows, 'registration'), ...ids(needs.rows, 'stoettebehov')]
    }
    default:
      return []
  }
}

/** The records that rely on a record: annulled with it only when the client asks for the cascade. */
export async function dependantsOf (db: Executor, { kind, id }: Item): Promise<Item[]> {
  switch (kind) {
    case 'registration': {
      const [goals, followUps] = await Promise.all([
        sql<{ id: string }>`SELECT id FROM goals WHERE aktuel_registration_id = ${id} AND annulled_at IS NULL`.execute(db),
        sql<{ id: string }>`SELECT DISTINCT f.id FROM follow_up_goals fg JOIN follow_ups f ON f.id = fg.follow_up_id
          WHERE fg.registration_id = ${id} AND f.annulled_at IS NULL`.execute(db)
      ])
      return [...ids(goals.rows, 'goal'), ...ids(followUps.rows, 'follow-up')]
    }
    case 'goal': {
      const [delmaal, decisions, followUps] = await Promise.all([
        sql<{ id: string }>`SELECT id FROM delmaal WHERE goal_id = ${id} AND annulled_at IS NULL`.execute(db),
        sql<{ id: string }>`SELECT d.id FROM decision_goals dg JOIN decisions d ON d.id = dg.decision_id
          WHERE dg.goal_id = ${id} AND d.annulled_at IS NULL`.execute(db),
        sql<{ id: string }>`SELECT DISTINCT f.id FROM follow_up_goals fg JOIN follow_ups f ON f.id = fg.follow_up_id
          WHERE fg.goal_id = ${id} AND f.annulled_at IS NULL`.execute(db)
      ])
      return [...ids(delmaal.rows, 'delmaal'), ...ids(decisions.rows, 'decision'), ...ids(followUps.rows, 'follow-up')]
    }
    case 'delmaal':
      return ids((await sql<{ id: string }>`SELECT id FROM notes WHERE delmaal_id = ${id} AND annulled_at IS NULL`.execute(db)).rows, 'note')
    case 'intervention':
      return ids((await sql<{ id: string }>`SELECT id FROM interventions WHERE continues_intervention_id = ${id} AND annulled_at IS NULL`
        .execute(db)).rows, 'intervention')
    default:
      return []
  }
}

/** Follow-ups among `ids` that ended their decision's course (the decision closed by them) and are annulled without it. */
export async function followUpsThatEndedTheCourse (db: Executor, followUpIds: string[], decisionIds: string[]): Promise<string[]> {
  if (followUpIds.length === 0) return []
  const { rows } = await sql<{ id: string }>`
    SELECT f.id FROM follow_ups f JOIN decisions d ON d.id = f.decision_id
    WHERE f.id = ANY(${followUpIds}::uuid[]) AND d.closed_at IS NOT NULL AND d.closed_recorded_at = f.registered_at
      AND NOT (d.id = ANY(${decisionIds}::uuid[]))`.execute(db)
  return rows.map((row) => row.id)
}

/** Marks the records annulled, each kind in one statement: the instant, reason and comment, a new version. */
export async function markAnnulled (trx: Executor, items: Item[], mark: { at: Date, reason: AnnulmentReason, comment: string | null }): Promise<void> {
  for (const [kind, { table, key, versioned, changed }] of Object.entries(KINDS)) {
    const of = items.filter((item) => item.kind === kind).map((item) => item.id)
    if (of.length === 0) continue
    const sets = [
      sql`annulled_at = ${mark.at}`, sql`annulled_reason = ${mark.reason}`, sql`annulled_comment = ${mark.comment}`,
      ...(versioned ? [sql`version = version + 1`] : []),
      ...(changed === null ? [] : [sql`${sql.ref(changed)} = ${mark.at}`])
    ]
    await sql`UPDATE ${sql.table(table)} SET ${sql.join(sets)} WHERE ${sql.ref(key)} = ANY(${of}::uuid[])`.execute(trx)
  }
}

/**
 * Every decision still standing whose own parts an annulment changed (an
 * intervention, ydelse, støttebehov, follow-up or covered goal): a new
 * version, changed now, so changedSince catches it. A registration is the
 * case's, as when it was made: the case is marked changed (touchCase), and
 * the uddata and FHIR deltas follow the case.
 */
export async function markDecisionsChanged (trx: Executor, items: Item[], at: Date): Promise<void> {
  const of = (kind: AnnullableKind) => items.filter((item) => item.kind === kind).map((item) => item.id)
  await sql`
    UPDATE decisions d SET changed_at = ${at}, version = d.version + 1
    WHERE d.annulled_at IS NULL AND (
      d.id IN (SELECT decision_id FROM interventions WHERE id = ANY(${of('intervention')}::uuid[]))
      OR d.id IN (SELECT i.decision_id FROM intervention_ydelser y JOIN interventions i ON i.id = y.intervention_id WHERE y.id = ANY(${of('ydelse')}::uuid[]))
      OR d.id IN (SELECT decision_id FROM stoettebehov WHERE id = ANY(${of('stoettebehov')}::uuid[]))
      OR d.id IN (SELECT decision_id FROM follow_ups WHERE id = ANY(${of('follow-up')}::uuid[]))
      OR d.id IN (SELECT decision_id FROM decision_goals WHERE goal_id = ANY(${of('goal')}::uuid[])))`.execute(trx)
}
