import { sql, type QueryCreator, type SelectQueryBuilder } from 'kysely'
import type { FastifyRequest } from 'fastify'
import type { Client } from '../clients/clients.js'
import type { DB } from '../db/schema.js'
import { HttpProblem } from './problems.js'

/**
 * Municipality scoping, in one place: every query of a resource that
 * belongs to a kommunekode starts from `scopedSelect` (a statement written
 * as SQL adds `served`), which only ever sees the caller's municipalities;
 * a change first finds its rows that way. A resource outside them is
 * therefore indistinguishable from one that does not exist (404). Creating one checks `assertServes`
 * (403: the caller names a municipality it does not serve).
 */

/** Tables whose rows belong to one municipality. */
export type ScopedTable = {
  [T in keyof DB]: DB[T] extends { kommunekode: infer K } ? (string extends K ? T : never) : never
}[keyof DB]

// A Transaction<DB> is a Kysely<DB>, so this works inside a request's transaction
// too; any QueryCreator, so also inside a WITH clause.
type Executor = QueryCreator<DB>

/** The condition every scoped query adds; for the few statements written as SQL, whose FROM names `table`. */
export function served (caller: Client, table: ScopedTable) {
  const codes = caller.municipalities === 'all' ? null : [...caller.municipalities]
  return sql<boolean>`(${codes}::text[] IS NULL OR ${sql.ref(`${table}.kommunekode`)} = ANY(${codes}::text[]))`
}

// Kysely's overloads do not resolve for a generic table name; the cast
// restates the builder type Kysely gives a single, known table.
/* eslint-disable @typescript-eslint/no-empty-object-type */
export function scopedSelect<T extends ScopedTable> (db: Executor, caller: Client, table: T): SelectQueryBuilder<DB, T, {}> {
  return (db.selectFrom(table) as unknown as SelectQueryBuilder<DB, T, {}>).where(served(caller, table))
}
/* eslint-enable @typescript-eslint/no-empty-object-type */

export function serves (caller: Client, kommunekode: string): boolean {
  return caller.municipalities === 'all' || caller.municipalities.includes(kommunekode)
}

/**
 * For creates: the request names a kommunekode the client must serve. The
 * code is kept for the audit record, so a refused attempt is visible to that
 * municipality's auditors.
 */
export function assertServes (request: FastifyRequest, kommunekode: string): void {
  request.auditKommunekode = kommunekode
  if (!serves(request.caller, kommunekode)) {
    throw new HttpProblem('forbidden', `This client does not serve kommunekode ${kommunekode}`)
  }
}
