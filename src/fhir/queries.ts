import { sql, type RawBuilder } from 'kysely'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { groupBy } from '../db/rows.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import type { CitizenRows, Selection } from './citizen.js'

/**
 * The rows behind the FHIR delivery: which citizens of a municipality have
 * something to report for a selection, and all their rows, a batch of
 * citizens at a time in a fixed number of queries.
 */

/** A citizen is keyed by the seq of its first case in the municipality: stable, and the order of the stream. */
export interface CitizenKey { key: number, cpr: string }

/**
 * Whether case `m` has a row the selection reports: registered (started,
 * ended, followed up), corrected or annulled on the day; or written since,
 * or started or ended on a day since.
 */
function touched (selection: Selection): RawBuilder<boolean> {
  if (selection.kind === 'since') {
    const [first, last] = [dayInDenmark(selection.since), selection.day]
    return sql<boolean>`(m.changed_at >= ${selection.since}
      OR EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = m.id AND d.annulled_at IS NULL AND (d.closed_at BETWEEN ${first}::date AND ${last}::date
        OR EXISTS (SELECT 1 FROM interventions i JOIN intervention_ydelser y ON y.intervention_id = i.id
          WHERE i.decision_id = d.id AND y.annulled_at IS NULL
            AND (y.startdato BETWEEN ${first}::date AND ${last}::date OR y.slutdato BETWEEN ${first}::date AND ${last}::date)))))`
  }
  const { start, end, day } = selection
  const during = (column: string) => sql<boolean>`(${sql.ref(column)} >= ${start} AND ${sql.ref(column)} < ${end})`
  return sql<boolean>`(${during('m.opened_at')} OR ${during('m.changed_at')}
    OR EXISTS (SELECT 1 FROM theme_registrations r WHERE r.case_id = m.id AND ${during('r.registered_at')})
    OR EXISTS (SELECT 1 FROM goals g WHERE g.case_id = m.id AND ${during('g.registered_at')})
    OR EXISTS (SELECT 1 FROM follow_ups f WHERE f.case_id = m.id AND (${during('f.registered_at')} OR f.opfoelgningsdato = ${day}::date))
    OR EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = m.id AND (${during('d.maalgrupper_registered_at')} OR d.closed_at = ${day}::date
      OR EXISTS (SELECT 1 FROM stoettebehov s WHERE s.decision_id = d.id AND ${during('s.registered_at')})
      OR EXISTS (SELECT 1 FROM interventions i WHERE i.decision_id = d.id AND (${during('i.tilbud_registered_at')}
        OR EXISTS (SELECT 1 FROM intervention_ydelser y WHERE y.intervention_id = i.id
          AND (${during('y.registered_at')} OR y.startdato = ${day}::date OR y.slutdato = ${day}::date)))))))`
}

/**
 * The next citizens after `after` with something to report: walks the
 * municipality's cases in order and stops at `limit` matches, so a batch
 * costs what it scans, never the whole municipality again.
 */
export async function nextCitizens (db: Executor, scope: Scope, kommunekode: string, selection: Selection, after: number, limit: number): Promise<CitizenKey[]> {
  return await scopedSelect(db, scope, 'cases').select(['seq as key', 'cpr'])
    // An anonymised citizen (all of whose cases are anonymised together) can no longer be delivered.
    .where('kommunekode', '=', kommunekode).where('seq', '>', after).where('anonymised_at', 'is', null)
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM cases p WHERE p.cpr = cases.cpr AND p.kommunekode = cases.kommunekode AND p.seq < cases.seq)`)
    .where(sql<boolean>`EXISTS (SELECT 1 FROM cases m WHERE m.cpr = cases.cpr AND m.kommunekode = cases.kommunekode AND ${touched(selection)})`)
    .orderBy('seq').limit(limit).execute()
}

/** The bundle decides what an annulled row is: gone, or reported once more as entered-in-error (citizen.ts). */
const ANNULLED = { annulled: true }

/** Every reportable row of a batch of citizens: eight queries whatever the batch size. */
export async function loadCitizens (db: Executor, scope: Scope, kommunekode: string, citizens: CitizenKey[]): Promise<CitizenRows[]> {
  if (citizens.length === 0) return []
  const cases = await scopedSelect(db, scope, 'cases').select(['id', 'seq', 'cpr', 'sagsnummer', 'sagsnummer_changed_at', 'opened_at', 'created_at'])
    .where('kommunekode', '=', kommunekode).where('cpr', 'in', citizens.map((c) => c.cpr)).orderBy('seq').execute()
  const caseIds = cases.map((c) => c.id)
  const [registrations, goals, decisions, stoettebehov, interventions, ydelser, followUps] = await Promise.all([
    scopedSelect(db, scope, 'theme_registrations', ANNULLED).where('case_id', 'in', caseIds)
      .select(['case_id', 'theme', 'undertema', 'funktionsevneniveau', 'registered_at', 'created_at', 'changed_at', 'version', 'annulled_at'])
      .orderBy('registered_at').orderBy('seq').execute(),
    scopedSelect(db, scope, 'goals', ANNULLED).where('case_id', 'in', caseIds).select(['id', 'case_id', 'maaltype', 'primaert_undertema', 'forventet_funktionsevneniveau', 'relaterede_undertemaer',
      'opfoelgningsdato', 'registered_at', 'created_at', 'changed_at', 'version', 'annulled_at']).orderBy('seq').execute(),
    scopedSelect(db, scope, 'decisions', ANNULLED).where('case_id', 'in', caseIds).select(['id', 'case_id', 'sagsafgoerelses_id', 'opfoelgningsdato', 'primaer_maalgruppe', 'oevrige_maalgrupper', 'maalgrupper_registered_at',
      'closed_at', 'created_at', 'changed_at', 'annulled_at',
      sql<string[]>`ARRAY(SELECT dg.goal_id::text FROM decision_goals dg WHERE dg.decision_id = decisions.id ORDER BY dg.position)`.as('goal_ids')])
      .orderBy('seq').execute(),
    scopedSelect(db, scope, 'stoettebehov', ANNULLED).innerJoin('decisions as d', 'd.id', 'stoettebehov.decision_id').where('d.case_id', 'in', caseIds)
      .select(['stoettebehov.id', 'stoettebehov.decision_id', 'stoettebehov.code', 'stoettebehov.registered_at', 'stoettebehov.created_at', 'stoettebehov.annulled_at'])
      .orderBy('stoettebehov.registered_at').orderBy('stoettebehov.seq').execute(),
    scopedSelect(db, scope, 'interventions', ANNULLED).innerJoin('decisions as d', 'd.id', 'interventions.decision_id').where('d.case_id', 'in', caseIds)
      .select(['interventions.id', 'interventions.decision_id', 'interventions.tilbud', 'interventions.tilbud_registered_at',
        'interventions.bevillingsdato', 'interventions.created_at', 'interventions.changed_at', 'interventions.version', 'interventions.annulled_at'])
      .orderBy('interventions.seq').execute(),
    scopedSelect(db, scope, 'intervention_ydelser', ANNULLED).innerJoin('interventions as i', 'i.id', 'intervention_ydelser.intervention_id')
      .innerJoin('decisions as d', 'd.id', 'i.decision_id').where('d.case_id', 'in', caseIds)
      .select(['intervention_ydelser.id', 'intervention_ydelser.intervention_id', 'intervention_ydelser.code',
        'intervention_ydelser.startdato', 'intervention_ydelser.slutdato',
        'intervention_ydelser.registered_at', 'intervention_ydelser.created_at', 'intervention_ydelser.changed_at', 'intervention_ydelser.version',
        'intervention_ydelser.annulled_at'])
      .orderBy('intervention_ydelser.seq').execute(),
    scopedSelect(db, scope, 'follow_ups', ANNULLED).where('case_id', 'in', caseIds).select(['id', 'decision_id', 'case_id', 'opfoelgningsdato', 'registered_at',
      'status_paa_indsats', 'naeste_opfoelgningsdato', 'created_at', 'changed_at', 'version', 'annulled_at'])
      .orderBy('registered_at').orderBy('seq').execute()
  ])
  const caseOf = new Map(cases.map((c) => [c.id, c.cpr]))
  const decisionCase = new Map(decisions.map((d) => [d.id, d.case_id]))
  const interventionDecision = new Map(interventions.map((i) => [i.id, i.decision_id]))
  const cprOf = {
    case: (id: string) => caseOf.get(id)!,
    decision: (id: string) => caseOf.get(decisionCase.get(id)!)!,
    intervention: (id: string) => caseOf.get(decisionCase.get(interventionDecision.get(id)!)!)!
  }
  const by = {
    cases: groupBy(cases, (c) => c.cpr),
    registrations: groupBy(registrations, (r) => cprOf.case(r.case_id)),
    goals: groupBy(goals, (g) => cprOf.case(g.case_id)),
    decisions: groupBy(decisions, (d) => cprOf.case(d.case_id)),
    stoettebehov: groupBy(stoettebehov, (s) => cprOf.decision(s.decision_id)),
    interventions: groupBy(interventions, (i) => cprOf.decision(i.decision_id)),
    ydelser: groupBy(ydelser, (y) => cprOf.intervention(y.intervention_id)),
    followUps: groupBy(followUps, (f) => cprOf.case(f.case_id))
  }
  return citizens.map(({ cpr }) => ({
    kommunekode,
    cpr,
    cases: by.cases.get(cpr) ?? [],
    registrations: by.registrations.get(cpr) ?? [],
    goals: by.goals.get(cpr) ?? [],
    decisions: by.decisions.get(cpr) ?? [],
    stoettebehov: by.stoettebehov.get(cpr) ?? [],
    interventions: by.interventions.get(cpr) ?? [],
    ydelser: by.ydelser.get(cpr) ?? [],
    followUps: by.followUps.get(cpr) ?? []
  }))
}
