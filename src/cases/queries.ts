import type { Selectable } from 'kysely'
import { auditInsert, auditRowsOf, type AuditContext, type AuditRecorded } from '../audit/record.js'
import type { CasesTable } from '../db/schema.js'
import { fieldProblem, HttpProblem } from '../http/problems.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import type { Case } from './schemas.js'

export type CaseRow = Selectable<CasesTable>

/** A case as the API answers it; an anonymised one without its pseudonym (no CPR number) and with when it was anonymised. */
export const toCase = (row: CaseRow): Case => ({
  id: row.id,
  kommunekode: row.kommunekode,
  cpr: row.anonymised_at === null ? row.cpr : null,
  sagsnummer: row.sagsnummer,
  borgerensOensker: row.borgerens_oensker,
  diagnoser: row.diagnoser,
  openedAt: row.opened_at.toISOString(),
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  ...(row.anonymised_at === null ? {} : { anonymisedAt: row.anonymised_at.toISOString() })
})

/** The sagsnummer as stored: surrounding whitespace removed. */
export const normalizeSagsnummer = (sagsnummer: string): string => sagsnummer.trim()

/** A sagsnummer is unique within a municipality (the partial unique index cases_sagsnummer_key). */
const sagsnummerTaken = (kommunekode: string): HttpProblem =>
  fieldProblem('conflict', '/sagsnummer', 'unique', `is already the sagsnummer of another case in municipality ${kommunekode}`)

/** The database's refusal of a duplicate sagsnummer, as the 409 that names the field; any other error as it is. */
async function refusingDuplicateSagsnummer<T> (kommunekode: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    const { code, constraint } = error as { code?: unknown, constraint?: unknown }
    if (String(code) === '23505' && constraint === 'cases_sagsnummer_key') throw sagsnummerTaken(kommunekode)
    throw error
  }
}

/** Opens a case and records its audit event, in one statement; a sagsnummer the municipality already uses is a 409. */
export async function insertCase (db: Executor, audit: AuditContext, values: {
  id: string, kommunekode: string, cpr: string, sagsnummer: string | null, borgerens_oensker: string | null, diagnoser: string[], opened_at: Date
}): Promise<{ row: CaseRow, audited: AuditRecorded }> {
  const recording = auditInsert(db, auditRowsOf(audit, 201, { cte: 'created', resourceId: 'id', kommunekode: 'kommunekode' }))
  const row = await refusingDuplicateSagsnummer(values.kommunekode, async () => await db
    .with('created', (qc) => qc.insertInto('cases').values(values).returningAll())
    .with('audit', () => recording.query)
    .selectFrom('created').selectAll()
    .executeTakeFirstOrThrow())
  return { row, audited: recording.recorded }
}

/** A case the caller may see; with `forUpdate`, locked until the transaction ends. */
export async function findCase (db: Executor, scope: Scope, id: string, { forUpdate = false } = {}): Promise<CaseRow | undefined> {
  const query = scopedSelect(db, scope, 'cases').selectAll().where('id', '=', id)
  return await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
}

/**
 * Reading a case as one statement: the case, if the caller may see it, and
 * the audit event of the read. Without such a case nothing is recorded
 * here: the 404 is, when sent.
 */
export async function readCase (db: Executor, scope: Scope, audit: AuditContext, id: string): Promise<CaseRow> {
  const row = await db
    .with('found', (qc) => scopedSelect(qc, scope, 'cases').selectAll().where('id', '=', id))
    .with('audit', () => auditInsert(db, auditRowsOf(audit, 200, { cte: 'found', resourceId: 'id', kommunekode: 'kommunekode' })).query)
    .selectFrom('found').selectAll()
    .executeTakeFirst()
  if (row === undefined) throw noSuchCase(id)
  return row
}

/** The case, in the caller's municipalities; a 404 problem otherwise, as if it did not exist. */
export async function requireCase (db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<CaseRow> {
  const row = await findCase(db, scope, id, options)
  if (row === undefined) throw noSuchCase(id)
  return row
}

/**
 * A delivery of an anonymised case is refused: its CPR number is gone, so it
 * can no longer be delivered (and what was delivered before stays delivered).
 */
export function refuseAnonymised<R extends Pick<CaseRow, 'id' | 'anonymised_at'>> (row: R): R {
  if (row.anonymised_at === null) return row
  throw new HttpProblem('anonymised', `Case ${row.id} was anonymised at ${row.anonymised_at.toISOString()} under its municipality's retention ` +
    'policy: it can no longer be delivered')
}

export const noSuchCase = (id: string): HttpProblem => new HttpProblem('not-found', `No case ${id} in the municipalities this client serves`)

/**
 * Changes a case's own fields. A new sagsnummer (or its clearing) is
 * stamped, so the FHIR delivery sends what carries it again; one another
 * case of the municipality has is a 409.
 */
export async function updateCase (trx: Executor, current: CaseRow,
  changes: { sagsnummer?: string | null, borgerens_oensker?: string | null, diagnoser?: string[] }): Promise<CaseRow> {
  const now = new Date()
  const renumbered = changes.sagsnummer !== undefined && changes.sagsnummer !== current.sagsnummer ? { sagsnummer_changed_at: now } : {}
  return await refusingDuplicateSagsnummer(current.kommunekode, async () => await trx.updateTable('cases')
    .set((eb) => ({ ...changes, ...renumbered, version: eb('version', '+', 1), updated_at: now, changed_at: now }))
    .where('id', '=', current.id)
    .returningAll()
    .executeTakeFirstOrThrow())
}

/** Marks that something on the case changed (a registration, later goals and decisions). */
export async function touchCase (trx: Executor, id: string): Promise<void> {
  await trx.updateTable('cases').set({ changed_at: new Date() }).where('id', '=', id).execute()
}

export interface CaseFilters {
  kommunekode?: string
  sagsnummer?: string
  openedSince?: Date
  changedSince?: Date
  after?: number
  limit: number
}

export async function listCases (db: Executor, scope: Scope, filters: CaseFilters): Promise<CaseRow[]> {
  let query = scopedSelect(db, scope, 'cases').selectAll().orderBy('seq').limit(filters.limit)
  if (filters.kommunekode !== undefined) query = query.where('kommunekode', '=', filters.kommunekode)
  if (filters.sagsnummer !== undefined) query = query.where('sagsnummer', '=', filters.sagsnummer)
  if (filters.openedSince !== undefined) query = query.where('opened_at', '>=', filters.openedSince)
  if (filters.changedSince !== undefined) query = query.where('changed_at', '>=', filters.changedSince)
  if (filters.after !== undefined) query = query.where('seq', '>', filters.after)
  return await query.execute()
}

/** Every case of a citizen in the caller's municipalities, oldest first. */
export async function casesOfCitizen (db: Executor, scope: Scope, cpr: string, kommunekode?: string): Promise<CaseRow[]> {
  let query = scopedSelect(db, scope, 'cases').selectAll().where('cpr', '=', cpr).orderBy('opened_at').orderBy('seq')
  if (kommunekode !== undefined) query = query.where('kommunekode', '=', kommunekode)
  return await query.execute()
}
