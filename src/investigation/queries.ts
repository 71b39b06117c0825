import type { Insertable, InsertQueryBuilder, InsertResult, QueryCreator, Selectable } from 'kysely'
import type { Catalogs } from '../catalogs/catalogs.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import type { Client } from '../clients/clients.js'
import { touchedCase } from '../cases/queries.js'
import type { DB, ThemeRegistrationsTable } from '../db/schema.js'
import { afterInstantSeq } from '../http/paging.js'
import { scopedSelect } from '../http/scope.js'
import type { Executor } from '../http/writes.js'
import type { Registration, Theme } from './schemas.js'

export type RegistrationRow = Selectable<ThemeRegistrationsTable>

/** A stored registration with the labels of its codes, as of its own date. */
export function toRegistration (catalogs: Catalogs, row: RegistrationRow): Registration {
  const day = dayInDenmark(row.registered_at)
  const undertema = catalogs.entry(row.theme, row.undertema, day)
  const parent = undertema?.entry.parent ?? null
  return {
    id: row.id,
    caseId: row.case_id,
    theme: row.theme as Theme['id'],
    undertema: catalogs.coded(row.theme, row.undertema, day),
    overtema: parent === null ? null : catalogs.coded(row.theme, parent, day),
    funktionsevneniveau: row.funktionsevneniveau === null ? null : catalogs.leveled('funktionsevneniveau', row.funktionsevneniveau, day),
    oplysningerFraBorgeren: row.oplysninger_fra_borgeren,
    oplysningerFraAndre: row.oplysninger_fra_andre,
    sagsbehandlersBemaerkninger: row.sagsbehandlers_bemaerkninger,
    registeredAt: row.registered_at.toISOString(),
    catalogVersion: row.catalog_version,
    followUpId: row.follow_up_id,
    createdAt: row.created_at.toISOString()
  }
}

export type NewRegistration = Omit<Insertable<ThemeRegistrationsTable>, 'case_id' | 'kommunekode'>

/**
 * Registers a sub-theme on a case the caller may see, marks the case
 * changed and inserts `audit` (given the CTE `registration`), in one
 * statement; undefined when the caller may not see the case.
 */
export async function registerOnCase (db: Executor, caller: Client, caseId: string, values: NewRegistration,
  audit: (qc: QueryCreator<DB>) => InsertQueryBuilder<DB, 'audit_log', InsertResult>): Promise<RegistrationRow | undefined> {
  const columns = Object.keys(values) as Array<keyof NewRegistration>
  return await db
    .with('touched', (qc) => touchedCase(qc, caller, caseId))
    .with('registration', (qc) => qc.insertInto('theme_registrations')
      .columns([...columns, 'case_id', 'kommunekode'])
      .expression(qc.selectFrom('touched').select((eb) => [...columns.map((column) => eb.val(values[column]).as(column)), 'touched.id', 'touched.kommunekode']))
      .returningAll())
    .with('audit', audit)
    .selectFrom('registration').selectAll()
    .executeTakeFirst()
}

export async function findRegistration (db: Executor, caller: Client, caseId: string, theme: string, id: string): Promise<RegistrationRow | undefined> {
  return await scopedSelect(db, caller, 'theme_registrations').selectAll()
    .where('case_id', '=', caseId).where('theme', '=', theme).where('id', '=', id)
    .executeTakeFirst()
}

/** A theme's registrations on a case, oldest first, after the (registeredAt, seq) key. */
export async function registrationHistory (db: Executor, caller: Client, caseId: string, theme: string, filters: {
  undertema?: string, after?: [string, number], limit: number
}): Promise<RegistrationRow[]> {
  let query = scopedSelect(db, caller, 'theme_registrations').selectAll()
    .where('case_id', '=', caseId).where('theme', '=', theme)
    .orderBy('registered_at').orderBy('seq').limit(filters.limit)
  if (filters.undertema !== undefined) query = query.where('undertema', '=', filters.undertema)
  if (filters.after !== undefined) query = query.where(afterInstantSeq('registered_at', filters.after))
  return await query.execute()
}

/** The latest registration of every sub-theme on a case as of an instant; oldest first. */
export async function currentRegistrations (db: Executor, caller: Client, caseId: string, at: Date): Promise<RegistrationRow[]> {
  const rows = await scopedSelect(db, caller, 'theme_registrations').selectAll()
    .where('case_id', '=', caseId).where('registered_at', '<=', at)
    .distinctOn(['theme', 'undertema'])
    .orderBy('theme').orderBy('undertema').orderBy('registered_at', 'desc').orderBy('seq', 'desc')
    .execute()
  return rows.sort((a, b) => a.registered_at.getTime() - b.registered_at.getTime() || a.seq - b.seq)
}
