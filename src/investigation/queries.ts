import { sql, type Kysely, type Selectable, type Updateable } from 'kysely'
import { annulmentOf } from '../annulment/marker.js'
import { auditInsert, outcomeOf, type AuditContext, type AuditRecorded } from '../audit/record.js'
import type { Catalogs } from '../catalogs/catalogs.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { Batcher } from '../db/batch.js'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import type { DB, ThemeRegistrationsTable } from '../db/schema.js'
import { afterInstantSeq } from '../db/rows.js'
import { scopedSelect, served, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { recordVersion } from '../versions/queries.js'
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
    version: row.version,
    createdAt: row.created_at.toISOString(),
    ...annulmentOf(row)
  }
}

/** A registration to store: everything but its case, whose kommunekode it takes. */
export type NewRegistration = Pick<RegistrationRow, 'id' | 'theme' | 'undertema' | 'funktionsevneniveau' | 'oplysninger_fra_borgeren' |
'oplysninger_fra_andre' | 'sagsbehandlers_bemaerkninger' | 'registered_at' | 'catalog_version'>

export interface RegistrationItem {
  caseId: string
  registration: NewRegistration
  /** The audit context of the request that makes it. */
  audit: AuditContext
}

/**
 * Stores registrations on cases the caller may see, in one statement: each
 * case is marked changed, each registration added (in the items' order, so
 * `seq` follows it) with its first version and its request's audit record. One result per item:
 * the stored row, or undefined when the caller may not see the case.
 *
 * The cases are locked in the order of their ids, so two such statements
 * over the same cases never wait for each other in a cycle.
 */
export async function registerOnCases (db: Executor, scope: Scope, items: RegistrationItem[]): Promise<Registered[]> {
  const column = <T>(value: (item: RegistrationItem) => T): T[] => items.map(value)
  const recording = auditInsert(db, sql`
      SELECT input.client_id, registration.kommunekode, input.action, input.resource_type, registration.case_id, input.request_id,
        ${outcomeOf(201)}, 201, NULL::text
      FROM registration JOIN input ON input.id = registration.id ORDER BY input.n`)
  const { rows } = await sql<RegistrationRow>`
    WITH input AS (
      SELECT * FROM unnest(
        ${column((i) => i.caseId)}::uuid[], ${column((i) => i.registration.id)}::uuid[], ${column((i) => i.registration.theme)}::text[],
        ${column((i) => i.registration.undertema)}::text[], ${column((i) => i.registration.funktionsevneniveau)}::text[],
        ${column((i) => i.registration.oplysninger_fra_borgeren)}::text[], ${column((i) => i.registration.oplysninger_fra_andre)}::text[],
        ${column((i) => i.registration.sagsbehandlers_bemaerkninger)}::text[],
        ${column((i) => i.registration.registered_at.toISOString())}::timestamptz[], ${column((i) => i.registration.catalog_version)}::text[],
        ${column((i) => i.audit.clientId)}::uuid[], ${column((i) => i.audit.action)}::text[], ${column((i) => i.audit.resourceType)}::text[],
        ${column((i) => i.audit.requestId)}::text[], ${column((i) => JSON.stringify(registrationVersionData(i.registration)))}::text[]
      ) WITH ORDINALITY AS item (case_id, id, theme, undertema, funktionsevneniveau, oplysninger_fra_borgeren, oplysninger_fra_andre,
        sagsbehandlers_bemaerkninger, registered_at, catalog_version, client_id, action, resource_type, request_id, version_data, n)
    ),
    locked AS (
      SELECT cases.id FROM cases WHERE cases.id IN (SELECT case_id FROM input) AND ${served(scope, 'cases')}
      ORDER BY cases.id FOR NO KEY UPDATE
    ),
    touched AS (
      UPDATE cases SET changed_at = ${new Date().toISOString()}::timestamptz FROM locked WHERE cases.id = locked.id
      RETURNING cases.id, cases.kommunekode
    ),
    registration AS (
      INSERT INTO theme_registrations (id, theme, undertema, funktionsevneniveau, oplysninger_fra_borgeren, oplysninger_fra_andre,
        sagsbehandlers_bemaerkninger, registered_at, catalog_version, case_id, kommunekode)
      SELECT input.id, input.theme, input.undertema, input.funktionsevneniveau, input.oplysninger_fra_borgeren, input.oplysninger_fra_andre,
        input.sagsbehandlers_bemaerkninger, input.registered_at, input.catalog_version, touched.id, touched.kommunekode
      FROM input JOIN touched ON touched.id = input.case_id ORDER BY input.n
      RETURNING *
    ),
    first_version AS (
      INSERT INTO record_versions (resource_type, resource_id, version, kommunekode, data, client_id)
      SELECT 'registration', registration.id, registration.version, registration.kommunekode, input.version_data::jsonb, input.client_id
      FROM registration JOIN input ON input.id = registration.id
    ),
    audit AS (${recording.query})
    SELECT * FROM registration`.execute(db)
  const stored = new Map(rows.map((row) => [row.id, row]))
  return items.map((item) => ({ row: stored.get(item.registration.id), audited: recording.recorded }))
}

/** The correctable fields of a registration: what one of its versions holds (GET …/{registrationId}/versions). */
export interface RegistrationVersionData {
  undertema: string
  funktionsevneniveau: string | null
  registeredAt: string
  oplysningerFraBorgeren: string | null
  oplysningerFraAndre: string | null
  sagsbehandlersBemaerkninger: string | null
}

export const registrationVersionData = (r: Pick<RegistrationRow, 'undertema' | 'funktionsevneniveau' | 'registered_at' |
'oplysninger_fra_borgeren' | 'oplysninger_fra_andre' | 'sagsbehandlers_bemaerkninger'>): RegistrationVersionData => ({
  undertema: r.undertema,
  funktionsevneniveau: r.funktionsevneniveau,
  registeredAt: r.registered_at.toISOString(),
  oplysningerFraBorgeren: r.oplysninger_fra_borgeren,
  oplysningerFraAndre: r.oplysninger_fra_andre,
  sagsbehandlersBemaerkninger: r.sagsbehandlers_bemaerkninger
})

/** Keeps the version of a registration just written, with who wrote it and why. */
export async function recordRegistrationVersion (trx: Executor, r: RegistrationRow, clientId: string, reason?: string | null): Promise<void> {
  await recordVersion(trx, {
    resourceType: 'registration', resourceId: r.id, version: r.version, kommunekode: r.kommunekode, data: registrationVersionData(r), clientId, reason
  })
}

/** A registration of a case, annulled or not, locked for a correction. */
export async function lockRegistration (trx: Executor, scope: Scope, caseId: string, theme: string, id: string): Promise<RegistrationRow | undefined> {
  return await scopedSelect(trx, scope, 'theme_registrations', { annulled: true }).selectAll()
    .where('case_id', '=', caseId).where('theme', '=', theme).where('id', '=', id).forUpdate().executeTakeFirst()
}

/** Corrects a registration: a new version. */
export async function updateRegistration (trx: Executor, id: string, set: Updateable<ThemeRegistrationsTable>): Promise<RegistrationRow> {
  return await trx.updateTable('theme_registrations').set((eb) => ({ ...set, version: eb('version', '+', 1), changed_at: new Date() }))
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** The goals whose current level is this registration (goals.aktuel_registration_id): they depend on its sub-theme and date. */
export async function goalsOnRegistration (trx: Executor, registrationId: string): Promise<Array<{ id: string, registered_at: Date }>> {
  return await trx.selectFrom('goals').select(['id', 'registered_at']).where('aktuel_registration_id', '=', registrationId).orderBy('seq').execute()
}

/** Every decision of a case: their uddata documents carry the case's theme blocks with their history. */
export async function decisionsOfCase (trx: Executor, caseId: string): Promise<Array<{ id: string, case_id: string }>> {
  return await trx.selectFrom('decisions').select(['id', 'case_id']).where('case_id', '=', caseId).orderBy('seq').execute()
}

/** A stored registration with its audit event, or no row when the caller may not see the case (nothing stored). */
export interface Registered { row: RegistrationRow | undefined, audited: AuditRecorded }

/**
 * Stores one registration (`registerOnCases`). Outside a transaction, the
 * registrations that one client's concurrent requests make share a
 * statement (`Batcher`); inside one (a write with an Idempotency-Key) it
 * runs in that transaction. A batch that fails is run again item by item,
 * except when the database cannot be reached: then every item fails at
 * once, as it would alone.
 */
export function registrationWriter (db: Kysely<DB>): (executor: Executor, scope: Scope, item: RegistrationItem) => Promise<Registered> {
  const batcher = new Batcher<Scope, RegistrationItem, Registered>(
    async (scope, items) => await registerOnCases(db, scope, items), { retryAlone: (error) => !isDatabaseUnavailable(error) })
  return async (executor, scope, item) => executor.isTransaction ? (await registerOnCases(executor, scope, [item]))[0]! : await batcher.add(scope, item)
}

/** A registration of a case; an annulled one only when asked (its own URL). */
export async function findRegistration (db: Executor, scope: Scope, caseId: string, theme: string, id: string, { annulled = false } = {}):
Promise<RegistrationRow | undefined> {
  return await scopedSelect(db, scope, 'theme_registrations', { annulled }).selectAll()
    .where('case_id', '=', caseId).where('theme', '=', theme).where('id', '=', id)
    .executeTakeFirst()
}

/** A theme's registrations on a case, oldest first, after the (registeredAt, seq) key. */
export async function registrationHistory (db: Executor, scope: Scope, caseId: string, theme: string, filters: {
  undertema?: string, after?: [string, number], limit: number, annulled?: boolean | undefined
}): Promise<RegistrationRow[]> {
  let query = scopedSelect(db, scope, 'theme_registrations', { annulled: filters.annulled === true }).selectAll()
    .where('case_id', '=', caseId).where('theme', '=', theme)
    .orderBy('registered_at').orderBy('seq').limit(filters.limit)
  if (filters.undertema !== undefined) query = query.where('undertema', '=', filters.undertema)
  if (filters.after !== undefined) query = query.where(afterInstantSeq('registered_at', filters.after))
  return await query.execute()
}

/** The latest registration of every sub-theme on a case as of an instant; oldest first. */
export async function currentRegistrations (db: Executor, scope: Scope, caseId: string, at: Date): Promise<RegistrationRow[]> {
  const rows = await scopedSelect(db, scope, 'theme_registrations').selectAll()
    .where('case_id', '=', caseId).where('registered_at', '<=', at)
    .distinctOn(['theme', 'undertema'])
    .orderBy('theme').orderBy('undertema').orderBy('registered_at', 'desc').orderBy('seq', 'desc')
    .execute()
  return rows.sort((a, b) => a.registered_at.getTime() - b.registered_at.getTime() || a.seq - b.seq)
}
