import { sql } from 'kysely'
import type { Executor } from '../db/unit-of-work.js'

export const EVENT_TYPES = [
  'case-opened', 'registration', 'assessment', 'goal', 'decision', 'intervention', 'delmaal', 'note', 'follow-up',
  'ydelse-added', 'ydelse-changed', 'intervention-ended', 'provider-changed', 'decision-ended', 'corrected', 'annulled'
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export interface EventRow { at: Date, type: EventType, id: string, parent: string | null, code: string | null, detail: string | null }

/**
 * Every event of a case in time order, after an (at, type, id) key. The
 * case must be one the caller may see: everything on it is then in its
 * municipality too.
 */
export async function timelineEvents (db: Executor, caseId: string, after: [string, string, string] | null, limit: number): Promise<EventRow[]> {
  const { rows } = await sql<EventRow>`
    SELECT at, type, id, parent, code, detail FROM (
      SELECT opened_at AS at, 'case-opened' AS type, id::text AS id, NULL::text AS parent, NULL::text AS code, NULL::text AS detail
        FROM cases WHERE id = ${caseId}
      UNION ALL SELECT registered_at, 'registration', id::text, theme, undertema, funktionsevneniveau FROM theme_registrations WHERE case_id = ${caseId} AND annulled_at IS NULL
      UNION ALL SELECT updated_at, 'assessment', case_id::text, NULL, NULL, NULL FROM assessments WHERE case_id = ${caseId} AND annulled_at IS NULL
      UNION ALL SELECT registered_at, 'goal', id::text, NULL, primaert_undertema, NULL FROM goals WHERE case_id = ${caseId} AND annulled_at IS NULL
      UNION ALL SELECT maalgrupper_registered_at, 'decision', id::text, NULL, primaer_maalgruppe, sagsafgoerelses_id FROM decisions WHERE case_id = ${caseId} AND annulled_at IS NULL
      UNION ALL SELECT i.tilbud_registered_at, 'intervention', i.id::text, i.decision_id::text, i.tilbud, NULL
        FROM interventions i JOIN decisions d ON d.id = i.decision_id WHERE d.case_id = ${caseId} AND i.continues_intervention_id IS NULL AND i.annulled_at IS NULL
      UNION ALL SELECT created_at, 'delmaal', id::text, goal_id::text, NULL, tekst FROM delmaal WHERE case_id = ${caseId} AND annulled_at IS NULL
      UNION ALL SELECT tidspunkt, 'note', id::text, delmaal_id::text, NULL, tekst FROM notes WHERE case_id = ${caseId} AND annulled_at IS NULL
      UNION ALL SELECT registered_at, 'follow-up', id::text, decision_id::text, status_paa_indsats, NULL FROM follow_ups WHERE case_id = ${caseId} AND annulled_at IS NULL
      UNION ALL SELECT y.created_at, 'ydelse-added', y.id::text, i.decision_id::text, y.code, NULL
        FROM intervention_ydelser y JOIN interventions i ON i.id = y.intervention_id JOIN decisions d ON d.id = i.decision_id
        WHERE d.case_id = ${caseId} AND y.created_at > i.created_at AND y.annulled_at IS NULL
      UNION ALL SELECT v.recorded_at, 'ydelse-changed', v.resource_id::text, y.intervention_id::text, v.data->>'code',
          concat_ws(' ', 'version ' || v.version || ':', v.data->>'startdato', '–', v.data->>'slutdato', nullif('· ' || coalesce(v.reason, ''), '· '))
        FROM record_versions v JOIN intervention_ydelser y ON y.id = v.resource_id
          JOIN interventions i ON i.id = y.intervention_id JOIN decisions d ON d.id = i.decision_id
        WHERE v.resource_type = 'ydelse' AND v.version > 1 AND d.case_id = ${caseId} AND y.annulled_at IS NULL
      UNION ALL SELECT i.ended_at, 'intervention-ended', i.id::text, i.decision_id::text, i.tilbud, concat_ws(' · ', i.slutdato::text, i.ended_reason)
        FROM interventions i JOIN decisions d ON d.id = i.decision_id WHERE d.case_id = ${caseId} AND i.ended_at IS NOT NULL AND i.annulled_at IS NULL
      UNION ALL SELECT i.created_at, 'provider-changed', i.id::text, i.decision_id::text, i.tilbud, coalesce(i.p_nummer, i.cvr)
        FROM interventions i JOIN decisions d ON d.id = i.decision_id WHERE d.case_id = ${caseId} AND i.continues_intervention_id IS NOT NULL AND i.annulled_at IS NULL
      UNION ALL SELECT closed_recorded_at, 'decision-ended', id::text, NULL, NULL, concat_ws(' · ', closed_at::text, closed_reason)
        FROM decisions WHERE case_id = ${caseId} AND closed_recorded_at IS NOT NULL AND annulled_at IS NULL
      -- A correction (a later version of a record): the record's kind, the reason given and its versions' URL.
      UNION ALL SELECT v.recorded_at, 'corrected', v.resource_id::text, 'goal', v.reason, '/v1/cases/' || g.case_id || '/goals/' || g.id || '/versions'
        FROM record_versions v JOIN goals g ON g.id = v.resource_id
        WHERE v.resource_type = 'goal' AND v.version > 1 AND g.case_id = ${caseId} AND g.annulled_at IS NULL
      UNION ALL SELECT v.recorded_at, 'corrected', v.resource_id::text, 'registration', v.reason,
          '/v1/cases/' || r.case_id || '/investigation/' || r.theme || '/' || r.id || '/versions'
        FROM record_versions v JOIN theme_registrations r ON r.id = v.resource_id
        WHERE v.resource_type = 'registration' AND v.version > 1 AND r.case_id = ${caseId} AND r.annulled_at IS NULL
      UNION ALL SELECT v.recorded_at, 'corrected', v.resource_id::text, 'follow-up', v.reason,
          '/v1/decisions/' || f.decision_id || '/follow-ups/' || f.id || '/versions'
        FROM record_versions v JOIN follow_ups f ON f.id = v.resource_id
        WHERE v.resource_type = 'follow-up' AND v.version > 1 AND f.case_id = ${caseId} AND f.annulled_at IS NULL
      UNION ALL SELECT v.recorded_at, 'corrected', v.resource_id::text, 'decision', v.reason, '/v1/decisions/' || d.id || '/versions'
        FROM record_versions v JOIN decisions d ON d.id = v.resource_id
        WHERE v.resource_type = 'decision' AND v.version > 1 AND d.case_id = ${caseId} AND d.annulled_at IS NULL
      -- An annulment: the record's kind, the reason code and the record's URL.
      UNION ALL SELECT annulled_at, 'annulled', id::text, 'registration', annulled_reason, '/v1/cases/' || case_id || '/investigation/' || theme || '/' || id
        FROM theme_registrations WHERE case_id = ${caseId} AND annulled_at IS NOT NULL
      UNION ALL SELECT annulled_at, 'annulled', case_id::text, 'assessment', annulled_reason, '/v1/cases/' || case_id || '/assessment'
        FROM assessments WHERE case_id = ${caseId} AND annulled_at IS NOT NULL
      UNION ALL SELECT annulled_at, 'annulled', id::text, 'goal', annulled_reason, '/v1/cases/' || case_id || '/goals/' || id
        FROM goals WHERE case_id = ${caseId} AND annulled_at IS NOT NULL
      UNION ALL SELECT annulled_at, 'annulled', id::text, 'decision', annulled_reason, '/v1/decisions/' || id
        FROM decisions WHERE case_id = ${caseId} AND annulled_at IS NOT NULL
      UNION ALL SELECT i.annulled_at, 'annulled', i.id::text, 'intervention', i.annulled_reason, '/v1/decisions/' || i.decision_id || '/interventions/' || i.id
        FROM interventions i JOIN decisions d ON d.id = i.decision_id WHERE d.case_id = ${caseId} AND i.annulled_at IS NOT NULL
      UNION ALL SELECT y.annulled_at, 'annulled', y.id::text, 'ydelse', y.annulled_reason, '/v1/ydelser/' || y.id
        FROM intervention_ydelser y JOIN interventions i ON i.id = y.intervention_id JOIN decisions d ON d.id = i.decision_id
        WHERE d.case_id = ${caseId} AND y.annulled_at IS NOT NULL
      UNION ALL SELECT annulled_at, 'annulled', id::text, 'delmaal', annulled_reason, '/v1/cases/' || case_id || '/delmaal/' || id
        FROM delmaal WHERE case_id = ${caseId} AND annulled_at IS NOT NULL
      UNION ALL SELECT annulled_at, 'annulled', id::text, 'note', annulled_reason, '/v1/cases/' || case_id || '/notes/' || id
        FROM notes WHERE case_id = ${caseId} AND annulled_at IS NOT NULL
      UNION ALL SELECT annulled_at, 'annulled', id::text, 'follow-up', annulled_reason, '/v1/decisions/' || decision_id || '/follow-ups/' || id
        FROM follow_ups WHERE case_id = ${caseId} AND annulled_at IS NOT NULL
    ) events
    WHERE ${after === null ? sql`true` : sql`(at, type, id) > (${new Date(after[0])}::timestamptz, ${after[1]}::text, ${after[2]}::text)`}
    ORDER BY at, type, id
    LIMIT ${limit}`.execute(db)
  return rows
}
