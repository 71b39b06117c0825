import type { Insertable, Selectable, Updateable } from 'kysely'
import { annulmentOf } from '../annulment/marker.js'
import { sql } from 'kysely'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import type { DelmaalTable, NotesTable } from '../db/schema.js'
import { afterInstantSeq } from '../db/rows.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import type { Delmaal, Note } from './schemas.js'

export type DelmaalRow = Selectable<DelmaalTable>
export type NoteRow = Selectable<NotesTable>

/** The lists a note's tags come from. */
export const TAG_THEMES = ['funktioner-og-forhold', 'aktivitet-og-deltagelse'] as const

export const toDelmaal = (row: DelmaalRow): Delmaal => ({
  id: row.id,
  caseId: row.case_id,
  goalId: row.goal_id,
  tekst: row.tekst,
  startdato: row.startdato,
  maaldato: row.maaldato,
  status: row.status as Delmaal['status'],
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  ...annulmentOf(row)
})

export function toNote (catalogs: Catalogs, row: NoteRow): Note {
  const day = dayInDenmark(row.tidspunkt)
  return {
    id: row.id,
    caseId: row.case_id,
    tekst: row.tekst,
    tidspunkt: row.tidspunkt.toISOString(),
    forfatterrolle: row.forfatterrolle,
    delmaalId: row.delmaal_id,
    tags: row.tags.map((code) => {
      const theme = TAG_THEMES.find((list) => catalogs.entry(list, code, day) !== undefined) ?? 'funktioner-og-forhold'
      return { ...catalogs.coded(theme, code, day), theme }
    }),
    createdAt: row.created_at.toISOString(),
    ...annulmentOf(row)
  }
}

/** A delmål of a case; an annulled one only when asked (its own URL, a change that must answer 409). */
export async function findDelmaal (db: Executor, scope: Scope, caseId: string, id: string, { forUpdate = false, annulled = false } = {}):
Promise<DelmaalRow | undefined> {
  const query = scopedSelect(db, scope, 'delmaal', { annulled }).selectAll().where('case_id', '=', caseId).where('id', '=', id)
  return await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
}

export async function listDelmaal (db: Executor, scope: Scope, caseId: string,
  filters: { goalId?: string | undefined, annulled?: boolean | undefined, after?: number | undefined, limit: number }) {
  let query = scopedSelect(db, scope, 'delmaal', { annulled: filters.annulled === true }).selectAll().where('case_id', '=', caseId).orderBy('seq').limit(filters.limit)
  if (filters.goalId !== undefined) query = query.where('goal_id', '=', filters.goalId)
  if (filters.after !== undefined) query = query.where('seq', '>', filters.after)
  return await query.execute()
}

export async function listNotes (db: Executor, scope: Scope, caseId: string, filters: {
  noteId?: string, tag?: string, delmaalId?: string, from?: Date, to?: Date, after?: [string, number], limit: number, annulled?: boolean | undefined
}): Promise<NoteRow[]> {
  // One note by its id is its own URL: annulled or not.
  let query = scopedSelect(db, scope, 'notes', { annulled: filters.noteId !== undefined || filters.annulled === true }).selectAll().where('case_id', '=', caseId)
    .orderBy('tidspunkt').orderBy('seq').limit(filters.limit)
  if (filters.noteId !== undefined) query = query.where('id', '=', filters.noteId)
  if (filters.tag !== undefined) query = query.where(sql<boolean>`${filters.tag} = ANY(tags)`)
  if (filters.delmaalId !== undefined) query = query.where('delmaal_id', '=', filters.delmaalId)
  if (filters.from !== undefined) query = query.where('tidspunkt', '>=', filters.from)
  if (filters.to !== undefined) query = query.where('tidspunkt', '<', filters.to)
  if (filters.after !== undefined) query = query.where(afterInstantSeq('tidspunkt', filters.after))
  return await query.execute()
}

/** Whether a goal belongs to the case. */
export async function isGoalOfCase (db: Executor, caseId: string, goalId: string): Promise<boolean> {
  return await db.selectFrom('goals').select('id').where('case_id', '=', caseId).where('id', '=', goalId).where('annulled_at', 'is', null)
    .executeTakeFirst() !== undefined
}

export async function insertDelmaal (trx: Executor, values: Insertable<DelmaalTable>): Promise<DelmaalRow> {
  return await trx.insertInto('delmaal').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updateDelmaal (trx: Executor, id: string, changes: Updateable<DelmaalTable>): Promise<DelmaalRow> {
  return await trx.updateTable('delmaal')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export async function insertNote (trx: Executor, values: Insertable<NotesTable>): Promise<NoteRow> {
  return await trx.insertInto('notes').values(values).returningAll().executeTakeFirstOrThrow()
}
