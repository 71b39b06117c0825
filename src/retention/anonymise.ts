import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Executor } from '../db/unit-of-work.js'

/**
 * Anonymising a citizen's cases: the CPR number, every free text, the
 * notes' and delmål's texts and the diagnoses go, from the records as they
 * stand, from every earlier version of them (record_versions) and from the
 * stored answers of idempotent writes. Codes, dates and ids stay, so every
 * analytics answer and every count already delivered stays the same.
 *
 * - The CPR number becomes the citizen's pseudonym: `anon-` and 32 random
 *   hex digits, drawn once per citizen and shared by all of their cases, so
 *   the analytics' count of distinct citizens does not move. It is random,
 *   never derived from the CPR number, and no CPR number has its form.
 * - A free text that may be absent becomes null; one a record must have
 *   (a goal's målformulering, a note's text, a støttebehov's begrundelse, a
 *   delmål's text, a goal's ansvarlig) becomes ANONYMISED_TEXT.
 * - The municipality's own numbers (sagsnummer, a vendor's
 *   sagsafgoerelsesId) lead back to its case files and go too: the
 *   sagsafgoerelsesId becomes the decision's own id, as when none is given.
 * - A provider (P-nummer, CVR, name, address) is not the citizen and stays.
 */

export const ANONYMISED_TEXT = '[anonymiseret]'

/** A citizen's pseudonym: random, shared by their anonymised cases; the form cases_cpr_check allows once anonymised. */
export const newPseudonym = (): string => `anon-${randomBytes(16).toString('hex')}`

/** The free texts of the JSON the areas keep in record_versions (and of any answer body): null, or the marker where required. */
const NULLED_KEYS = new Set(['oplysningerFraBorgeren', 'oplysningerFraAndre', 'sagsbehandlersBemaerkninger', 'borgerensVurdering',
  'udfoerersVurdering', 'sagsbehandlersVurdering', 'borgerensOensker', 'samletVurdering', 'indsatsformaal', 'comment', 'reason',
  'closedReason', 'endedReason', 'sagsnummer', 'cpr'])
const MARKED_KEYS = new Set(['maalformulering', 'ansvarligForOpfoelgning', 'begrundelse', 'tekst'])

/** A version's data with its free texts removed, at any depth. */
export function scrubbed (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubbed)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key,
    NULLED_KEYS.has(key) ? null : MARKED_KEYS.has(key) ? ANONYMISED_TEXT : key === 'diagnoser' ? [] : scrubbed(inner)]))
}

/** What one case held, counted for the audit event: records by kind (ids and counts only). */
export type Anonymised = Record<'registrations' | 'goals' | 'decisions' | 'stoettebehov' | 'interventions' | 'ydelser' | 'delmaal' | 'notes' |
'followUps' | 'versions' | 'storedAnswers', number>

/**
 * Anonymises the cases `caseIds` of the citizen `cpr` with `pseudonym`. The
 * caller holds them locked (FOR UPDATE) and has checked they are due. The
 * case rows go last: once a case is marked anonymised, a trigger refuses
 * every change to it and its records (migration 0017).
 */
export async function anonymiseCases (trx: Executor, citizen: { cpr: string, caseIds: string[] }, pseudonym: string): Promise<Map<string, Anonymised>> {
  const { caseIds } = citizen
  const registrations = await trx.updateTable('theme_registrations')
    .set({ oplysninger_fra_borgeren: null, oplysninger_fra_andre: null, sagsbehandlers_bemaerkninger: null, annulled_comment: null })
    .where('case_id', 'in', caseIds).returning(['id', 'case_id']).execute()
  await trx.updateTable('assessments').set({ samlet_vurdering: null, indsatsformaal: null, annulled_comment: null }).where('case_id', 'in', caseIds).execute()
  const goals = await trx.updateTable('goals').set({ maalformulering: ANONYMISED_TEXT, ansvarlig_for_opfoelgning: ANONYMISED_TEXT, annulled_comment: null })
    .where('case_id', 'in', caseIds).returning(['id', 'case_id']).execute()
  const decisions = await trx.updateTable('decisions')
    .set({ sagsafgoerelses_id: sql<string>`id::text`, closed_reason: null, annulled_comment: null })
    .where('case_id', 'in', caseIds).returning(['id', 'case_id']).execute()
  const decisionIds = decisions.map((d) => d.id)
  const caseOfDecision = new Map(decisions.map((d) => [d.id, d.case_id]))
  const stoettebehov = decisionIds.length === 0
    ? []
    : await trx.updateTable('stoettebehov').set({ begrundelse: ANONYMISED_TEXT, annulled_comment: null })
      .where('decision_id', 'in', decisionIds).returning(['id', 'decision_id']).execute()
  const interventions = decisionIds.length === 0
    ? []
    : await trx.updateTable('interventions').set({ ended_reason: null, annulled_comment: null })
      .where('decision_id', 'in', decisionIds).returning(['id', 'decision_id']).execute()
  const caseOfIntervention = new Map(interventions.map((i) => [i.id, caseOfDecision.get(i.decision_id)!]))
  const ydelser = interventions.length === 0
    ? []
    : await trx.updateTable('intervention_ydelser').set({ annulled_comment: null })
      .where('intervention_id', 'in', [...caseOfIntervention.keys()]).returning(['id', 'intervention_id']).execute()
  const delmaal = await trx.updateTable('delmaal').set({ tekst: ANONYMISED_TEXT, annulled_comment: null })
    .where('case_id', 'in', caseIds).returning(['id', 'case_id']).execute()
  const notes = await trx.updateTable('notes').set({ tekst: ANONYMISED_TEXT, annulled_comment: null })
    .where('case_id', 'in', caseIds).returning(['id', 'case_id']).execute()
  const followUps = await trx.updateTable('follow_ups').set({ annulled_comment: null })
    .where('case_id', 'in', caseIds).returning(['id', 'case_id']).execute()
  if (followUps.length > 0) {
    await trx.updateTable('follow_up_goals').set({ borgerens_vurdering: null, udfoerers_vurdering: null, sagsbehandlers_vurdering: null })
      .where('follow_up_id', 'in', followUps.map((f) => f.id)).execute()
  }

  const owner = new Map<string, string>([
    ...caseIds.map((id) => [id, id] as const),
    ...[...registrations, ...goals, ...delmaal, ...notes, ...followUps].map((r) => [r.id, r.case_id] as const),
    ...decisions.map((d) => [d.id, d.case_id] as const),
    ...stoettebehov.map((s) => [s.id, caseOfDecision.get(s.decision_id)!] as const),
    ...interventions.map((i) => [i.id, caseOfDecision.get(i.decision_id)!] as const),
    ...ydelser.map((y) => [y.id, caseOfIntervention.get(y.intervention_id)!] as const)
  ])
  const versions = await scrubVersions(trx, [...owner.keys()])
  const answers = await forgetAnswers(trx, [...owner.keys()], citizen.cpr)

  await trx.updateTable('cases').set((eb) => ({
    cpr: pseudonym,
    borgerens_oensker: null,
    diagnoser: [],
    sagsnummer: null,
    sagsnummer_changed_at: null,
    anonymised_at: sql<Date>`now()`,
    version: eb('version', '+', 1),
    updated_at: sql<Date>`now()`,
    changed_at: sql<Date>`now()`
  })).where('id', 'in', caseIds).execute()

  const tally = (ids: Array<{ id: string }>, caseId: string) => ids.filter((r) => owner.get(r.id) === caseId).length
  return new Map(caseIds.map((caseId) => [caseId, {
    registrations: tally(registrations, caseId),
    goals: tally(goals, caseId),
    decisions: tally(decisions, caseId),
    stoettebehov: tally(stoettebehov, caseId),
    interventions: tally(interventions, caseId),
    ydelser: tally(ydelser, caseId),
    delmaal: tally(delmaal, caseId),
    notes: tally(notes, caseId),
    followUps: tally(followUps, caseId),
    versions: versions.filter((id) => owner.get(id) === caseId).length,
    storedAnswers: answers.filter((id) => owner.get(id) === caseId).length
  }]))
}

/** Every kept version of the records: free texts out of the data, the reason given out. Returns the record id of each version. */
async function scrubVersions (trx: Executor, recordIds: string[]): Promise<string[]> {
  if (recordIds.length === 0) return []
  const rows = await trx.selectFrom('record_versions').select(['resource_type', 'resource_id', 'version', 'data'])
    .where('resource_id', 'in', recordIds).execute()
  for (const row of rows) {
    await trx.updateTable('record_versions').set({ data: JSON.stringify(scrubbed(row.data)), reason: null })
      .where('resource_type', '=', row.resource_type).where('resource_id', '=', row.resource_id).where('version', '=', row.version).execute()
  }
  return rows.map((row) => row.resource_id)
}

/**
 * The stored answers of idempotent writes to the records: their bodies
 * hold the case's CPR number and texts. A retry of such a write is then
 * processed afresh — and refused, as every change to the case is.
 */
async function forgetAnswers (trx: Executor, recordIds: string[], cpr: string): Promise<string[]> {
  // Also any other stored answer that quotes the CPR number (none is known to: a belt to the braces).
  const rows = await trx.deleteFrom('idempotency_keys')
    .where((eb) => eb.or([eb('resource_id', 'in', recordIds), eb('body', 'like', `%${cpr}%`)]))
    .returning('resource_id').execute()
  return rows.map((row) => row.resource_id ?? '')
}
