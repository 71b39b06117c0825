import { sql, type Kysely } from 'kysely'
import { annulmentOf } from '../annulment/marker.js'
import { findAssessment, toAssessment } from '../assessment/queries.js'
import { outcomeOf } from '../audit/record.js'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import { casesOfCitizen, toCase } from '../cases/queries.js'
import { listDecisions, listInterventions, loadDecisions, toIntervention } from '../decisions/queries.js'
import { listDelmaal, listNotes, toDelmaal, toNote } from '../delivery/queries.js'
import type { DB } from '../db/schema.js'
import { groupBy } from '../db/rows.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { listFollowUps, loadFollowUps } from '../follow-ups/queries.js'
import { listGoals, toGoal } from '../goals/queries.js'
import { registrationHistory, toRegistration } from '../investigation/queries.js'
import { THEMES } from '../investigation/schemas.js'
import type { AccessItem, InsightReport, StoettebehovItem, Versions } from './schemas.js'

/**
 * The rows behind an insight request, read through the areas' own queries
 * (annulled records included) and mapped by their own mappers; only what no
 * area has — every støttebehov of some decisions, the versions of many
 * records at once, the access log of a set of records — is written here.
 */

/** The areas' list queries are paged; an insight answer is not (one citizen's records are few). */
const ALL = 1_000_000

/** Everything stored about the citizen `cpr` in the caller's municipalities, read in one snapshot. */
export async function loadInsight (db: Kysely<DB>, scope: Scope, catalogs: Catalogs, cpr: string, now: Date):
Promise<Omit<InsightReport, 'generatedAt' | 'municipalities'>> {
  // One snapshot: the records and the access log agree with each other.
  return await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => await readInsight(trx, scope, catalogs, cpr, now))
}

async function readInsight (db: Executor, scope: Scope, catalogs: Catalogs, cpr: string, now: Date):
Promise<Omit<InsightReport, 'generatedAt' | 'municipalities'>> {
  const today = dayInDenmark(now)
  const cases = await casesOfCitizen(db, scope, cpr)
  const caseIds = cases.map((c) => c.id)
  const perCase = await Promise.all(cases.map(async (c) => ({
    assessment: await findAssessment(db, scope, c.id),
    registrations: (await Promise.all(THEMES.map(async (theme) =>
      await registrationHistory(db, scope, c.id, theme.id, { limit: ALL, annulled: true })))).flat(),
    goals: await listGoals(db, scope, c.id, { limit: ALL, annulled: true }),
    decisions: await listDecisions(db, scope, { caseId: c.id, includeAnnulled: true, limit: ALL }),
    delmaal: await listDelmaal(db, scope, c.id, { annulled: true, limit: ALL }),
    notes: await listNotes(db, scope, c.id, { annulled: true, limit: ALL })
  })))
  const decisionRows = perCase.flatMap((c) => c.decisions)
  const decisionIds = decisionRows.map((d) => d.id)
  const [decisions, interventions, followUpRows, stoettebehov] = await Promise.all([
    loadDecisions(db, scope, catalogs, decisionRows, today),
    Promise.all(decisionIds.map(async (id) => await listInterventions(db, scope, id, { annulled: true }))).then((lists) => lists.flat()),
    Promise.all(decisionIds.map(async (id) => await listFollowUps(db, scope, id, { annulled: true }))).then((lists) => lists.flat()),
    stoettebehovOf(db, scope, catalogs, decisionIds)
  ])
  const followUps = await loadFollowUps(db, scope, catalogs, followUpRows)
  const registrations = perCase.flatMap((c) => c.registrations)
    .sort((a, b) => a.registered_at.getTime() - b.registered_at.getTime() || a.seq - b.seq)
  const goals = perCase.flatMap((c) => c.goals)
  const ydelseIds = interventions.flatMap((i) => i.ydelser.map((y) => y.id))
  const recordIds = [
    ...caseIds, ...registrations.map((r) => r.id), ...goals.map((g) => g.id), ...decisionIds, ...stoettebehov.map((s) => s.id),
    ...interventions.map((i) => i.intervention.id), ...ydelseIds, ...perCase.flatMap((c) => [...c.delmaal, ...c.notes].map((r) => r.id)),
    ...followUps.map((f) => f.id)
  ]
  const [versions, accessLog] = await Promise.all([storedVersions(db, scope, [...registrations, ...goals, ...decisionRows, ...followUpRows].map((r) => r.id).concat(ydelseIds)),
    accessLogOf(db, scope, recordIds, caseIds)])
  const versionsOf = (type: string, id: string): Versions => versions.get(`${type}/${id}`) ?? []
  return {
    cpr,
    cases: cases.map(toCase),
    assessments: perCase.flatMap((c) => c.assessment === undefined ? [] : [toAssessment(c.assessment)]),
    registrations: registrations.map((row) => ({ registration: toRegistration(catalogs, row), versions: versionsOf('registration', row.id) })),
    goals: goals.map((row) => ({ goal: toGoal(catalogs, row), versions: versionsOf('goal', row.id) })),
    decisions: decisions.map((decision) => ({ decision, versions: versionsOf('decision', decision.id) })),
    stoettebehov,
    interventions: interventions.map(({ intervention, ydelser }) => ({
      intervention: toIntervention(catalogs, intervention, ydelser, today),
      ydelseVersions: ydelser.map((y) => ({ ydelseId: y.id, versions: versionsOf('ydelse', y.id) }))
    })),
    delmaal: perCase.flatMap((c) => c.delmaal.map(toDelmaal)),
    notes: perCase.flatMap((c) => c.notes.map((row) => toNote(catalogs, row))),
    followUps: followUps.map((followUp) => ({ followUp, versions: versionsOf('follow-up', followUp.id) })),
    accessLog
  }
}

/** Every støttebehov of the decisions (the decisions' own and the follow-ups'), annulled ones too, oldest first. */
async function stoettebehovOf (db: Executor, scope: Scope, catalogs: Catalogs, decisionIds: string[]): Promise<StoettebehovItem[]> {
  if (decisionIds.length === 0) return []
  const rows = await scopedSelect(db, scope, 'stoettebehov', { annulled: true }).selectAll()
    .where('decision_id', 'in', decisionIds).orderBy('registered_at').orderBy('seq').execute()
  return rows.map((row) => ({
    id: row.id,
    decisionId: row.decision_id,
    followUpId: row.follow_up_id,
    ...catalogs.leveled('stoettebehov', row.code, dayInDenmark(row.registered_at)),
    begrundelse: row.begrundelse,
    registeredAt: row.registered_at.toISOString(),
    ...annulmentOf(row)
  }))
}

/** The stored versions of many records at once, by `<resource type>/<id>`, each oldest first. */
async function storedVersions (db: Executor, scope: Scope, ids: string[]): Promise<Map<string, Versions>> {
  if (ids.length === 0) return new Map()
  const rows = await scopedSelect(db, scope, 'record_versions')
    .select(['resource_type', 'resource_id', 'version', 'recorded_at', 'client_id', 'reason', 'data'])
    .where('resource_id', 'in', ids).orderBy('resource_type').orderBy('resource_id').orderBy('version').execute()
  const grouped = groupBy(rows, (row) => `${row.resource_type}/${row.resource_id}`)
  return new Map([...grouped].map(([key, list]) => [key, list.map((row) => ({
    version: row.version,
    recordedAt: row.recorded_at.toISOString(),
    clientId: row.client_id,
    reason: row.reason,
    // Written by recordVersion from a record's fields: a JSON object.
    data: row.data as Record<string, unknown>
  }))]))
}

/** The resource type of an insight request's audit event: its details name the cases it found. */
export const INSIGHT_RESOURCE = 'insight'

/**
 * The access log of a citizen's records: every audit event (in the caller's
 * municipalities) naming one of them, and every insight request that found
 * one of the cases, oldest first, with the client's name.
 */
async function accessLogOf (db: Executor, scope: Scope, recordIds: string[], caseIds: string[]): Promise<AccessItem[]> {
  if (recordIds.length === 0) return []
  const rows = await scopedSelect(db, scope, 'audit_log')
    .leftJoin('api_clients as c', 'c.id', 'audit_log.client_id')
    .select(['audit_log.at', 'audit_log.client_id', 'c.name as client_name', 'audit_log.kommunekode', 'audit_log.action',
      'audit_log.resource_type', 'audit_log.resource_id', 'audit_log.status'])
    .where((eb) => eb.or([
      eb('audit_log.resource_id', 'in', recordIds),
      eb.and([
        eb('audit_log.resource_type', '=', INSIGHT_RESOURCE),
        sql<boolean>`(audit_log.details::jsonb -> 'caseIds') ?| ${caseIds}::text[]`
      ])
    ]))
    .orderBy('audit_log.id').execute()
  return rows.map((row) => ({
    at: row.at.toISOString(),
    clientId: row.client_id,
    clientName: row.client_name,
    kommunekode: row.kommunekode,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: outcomeOf(row.status),
    status: row.status
  }))
}
