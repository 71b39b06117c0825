import type { Insertable, Selectable } from 'kysely'
import type { Catalogs } from '../catalogs/catalogs.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import type { Client } from '../clients/clients.js'
import type { ThemeRegistrationsTable } from '../db/schema.js'
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

export async function insertRegistration (trx: Executor, values: Insertable<ThemeRegistrationsTable>): Promise<RegistrationRow> {
  return await trx.insertInto('theme_registrations').values(values).returningAll().executeTakeFirstOrThrow()
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
