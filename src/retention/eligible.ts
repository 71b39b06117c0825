import { sql } from 'kysely'
import type { Executor } from '../db/unit-of-work.js'

/**
 * Which cases are past retention on a day (README, "Retention"). A case is
 * past retention when it has no open course — every decision ended, every
 * intervention and ydelse with an end — and its last day lies more than
 * its municipality's years before the day. Its last day is the latest of
 * its courses' ends and of anything recorded on it: opened, investigated,
 * a goal, a delmål, a note, a follow-up. Annulled records (entered in
 * error) count for nothing.
 *
 * A citizen's cases are anonymised together, and only when every one of
 * them — in every municipality, each under its own period — is past
 * retention. The analytics count distinct citizens over all the caller's
 * municipalities; a citizen anonymised in one municipality and not (yet) in
 * another would count twice there, so the analytics would change. Holding
 * the citizen's cases until all are due keeps every answer the same.
 */

export interface DueCase {
  id: string
  kommunekode: string
  /** The citizen: all of a citizen's due cases share it. Never printed or audited. */
  cpr: string
  /** The municipality's period applied. */
  years: number
  /** The case's last day (YYYY-MM-DD). */
  lastDay: string
}

const DANISH_DAY = (column: string) => sql`(${sql.ref(column)} AT TIME ZONE 'Europe/Copenhagen')::date`

/**
 * The cases past retention on `asOf` (YYYY-MM-DD), in the order they were
 * opened; `cprs` limits them to those citizens (a re-check under lock).
 */
export async function dueCases (db: Executor, { asOf, defaultYears, cprs }: { asOf: string, defaultYears: number, cprs?: string[] }): Promise<DueCase[]> {
  const standingDecision = sql`d.case_id = c.id AND d.annulled_at IS NULL`
  const { rows } = await sql<{ id: string, kommunekode: string, cpr: string, years: number, last_day: string }>`
    WITH facts AS (
      SELECT c.id, c.seq, c.kommunekode, c.cpr, coalesce(p.years, ${defaultYears}::integer) AS years,
        (EXISTS (SELECT 1 FROM decisions d WHERE ${standingDecision} AND d.closed_at IS NULL)
          OR EXISTS (SELECT 1 FROM decisions d JOIN interventions i ON i.decision_id = d.id AND i.annulled_at IS NULL
            WHERE ${standingDecision} AND i.slutdato IS NULL)
          OR EXISTS (SELECT 1 FROM decisions d JOIN interventions i ON i.decision_id = d.id AND i.annulled_at IS NULL
            JOIN intervention_ydelser y ON y.intervention_id = i.id AND y.annulled_at IS NULL
            WHERE ${standingDecision} AND y.slutdato IS NULL)) AS open,
        greatest(${DANISH_DAY('c.opened_at')},
          (SELECT max(greatest(d.afgoerelsesdato, d.closed_at)) FROM decisions d WHERE ${standingDecision}),
          (SELECT max(greatest(i.slutdato, y.startdato, y.slutdato)) FROM decisions d
            JOIN interventions i ON i.decision_id = d.id AND i.annulled_at IS NULL
            LEFT JOIN intervention_ydelser y ON y.intervention_id = i.id AND y.annulled_at IS NULL
            WHERE ${standingDecision}),
          (SELECT max(${DANISH_DAY('r.registered_at')}) FROM theme_registrations r WHERE r.case_id = c.id AND r.annulled_at IS NULL),
          (SELECT max(${DANISH_DAY('g.registered_at')}) FROM goals g WHERE g.case_id = c.id AND g.annulled_at IS NULL),
          (SELECT max(greatest(m.startdato, m.maaldato)) FROM delmaal m WHERE m.case_id = c.id AND m.annulled_at IS NULL),
          (SELECT max(${DANISH_DAY('n.tidspunkt')}) FROM notes n WHERE n.case_id = c.id AND n.annulled_at IS NULL),
          (SELECT max(f.opfoelgningsdato) FROM follow_ups f WHERE f.case_id = c.id AND f.annulled_at IS NULL)) AS last_day
      FROM cases c LEFT JOIN retention_policy p ON p.kommunekode = c.kommunekode
      WHERE c.anonymised_at IS NULL AND (${cprs ?? null}::text[] IS NULL OR c.cpr = ANY(${cprs ?? null}::text[]))
    )
    SELECT f.id, f.kommunekode, f.cpr, f.years, to_char(f.last_day, 'YYYY-MM-DD') AS last_day FROM facts f
    WHERE f.cpr IN (SELECT cpr FROM facts GROUP BY cpr
      HAVING bool_and(NOT open AND last_day < (${asOf}::date - make_interval(years => years))::date))
    ORDER BY f.seq`.execute(db)
  return rows.map((row) => ({ id: row.id, kommunekode: row.kommunekode, cpr: row.cpr, years: row.years, lastDay: row.last_day }))
}
