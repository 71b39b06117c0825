import { sql, type QueryCreator, type SelectQueryBuilder } from 'kysely'
import { HttpProblem } from '../http/problems.js'
import type { DB } from './schema.js'

/**
 * Municipality scoping, in one place: every query of a resource that
 * belongs to a kommunekode starts from `scopedSelect` (a statement written
 * as SQL adds `served`), which only ever sees the caller's municipalities;
 * a change first finds its rows that way. A resource outside them is
 * therefore indistinguishable from one that does not exist (404). Creating
 * one checks `requireServed` (403: the caller names a municipality it does
 * not serve).
 */

/** Whose data a query may touch: the calling client and its municipalities. */
export interface Scope {
  readonly id: string
  readonly municipalities: readonly string[] | 'all'
}

/** Tables whose rows belong to one municipality. */
export type ScopedTable = {
  [T in keyof DB]: DB[T] extends { kommunekode: infer K } ? (string extends K ? T : never) : never
}[keyof DB]

// A Transaction<DB> is a Kysely<DB>, so this works inside a transaction
// too; any QueryCreator, so also inside a WITH clause.
type Executor = QueryCreator<DB>

/** The condition every scoped query adds; for the few statements written as SQL, whose FROM names `table`. */
export function served (scope: Scope, table: ScopedTable) {
  const codes = scope.municipalities === 'all' ? null : [...scope.municipalities]
  return sql<boolean>`(${codes}::text[] IS NULL OR ${sql.ref(`${table}.kommunekode`)} = ANY(${codes}::text[]))`
}

// Kysely's overloads do not resolve for a generic table name; the cast
// restates the builder type Kysely gives a single, known table.
/* eslint-disable @typescript-eslint/no-empty-object-type */
/**
 * The rows of `table` in the caller's municipalities. An annulled row
 * (entered in error) has left every view, list, delivery and worklist, so
 * it is left out — unless the query asks for it (`annulled: true`): the
 * record's own URL, a change that must answer 409, a list with
 * includeAnnulled, the deliveries' tombstones.
 */
export function scopedSelect<T extends ScopedTable> (db: Executor, scope: Scope, table: T, { annulled = false } = {}): SelectQueryBuilder<DB, T, {}> {
  const query = (db.selectFrom(table) as unknown as SelectQueryBuilder<DB, T, {}>).where(served(scope, table))
  return annulled || !isAnnullable(table) ? query : query.where(notAnnulled(table))
}
/* eslint-enable @typescript-eslint/no-empty-object-type */

/** Tables whose rows can be annulled: they carry annulled_at (db/schema.ts `AnnulledColumns`). */
export type AnnullableTable = {
  [T in keyof DB]: DB[T] extends { annulled_at: unknown } ? T : never
}[keyof DB]

const ANNULLABLE: ReadonlySet<string> = new Set<AnnullableTable>([
  'theme_registrations', 'assessments', 'goals', 'decisions', 'stoettebehov', 'interventions', 'intervention_ydelser', 'delmaal', 'notes', 'follow_ups'
])

const isAnnullable = (table: string): table is AnnullableTable => ANNULLABLE.has(table)

/** The condition that a row of `table` (or of its alias in a statement written as SQL) has not been annulled. */
export const notAnnulled = (table: string) => sql<boolean>`${sql.ref(`${table}.annulled_at`)} IS NULL`

export function serves (scope: Scope, kommunekode: string): boolean {
  return scope.municipalities === 'all' || scope.municipalities.includes(kommunekode)
}

/** For creates and exports: the request names a kommunekode the client must serve. */
export function requireServed (scope: Scope, kommunekode: string): void {
  if (!serves(scope, kommunekode)) throw new HttpProblem('forbidden', `This client does not serve kommunekode ${kommunekode}`)
}
