import { sql, type RawBuilder } from 'kysely'
import { served, type Scope } from '../db/scope.js'

/**
 * The aggregates of the analytics area, each one SQL statement: a `base`
 * of the decisions in the period and filters (annulled ones left out; a
 * corrected record counts as it stands, its current row), the aggregate's
 * facts — one row per citizen (CPR) and cell — and the counts of distinct
 * citizens per cell, per row, per column and in all (GROUPING SETS). No
 * CPR or case id leaves the statement: only codes and counts.
 */

/** The period and filters an aggregate counts, resolved to codes (see filters.ts). */
export interface AnalyticsFilter {
  /** YYYY-MM-DD: a decision counts when its course overlaps [from, to]. */
  from: string
  to: string
  kommunekode: string | null
  maalgruppe: string | null
  /** The decision has a (standing) intervention of one of these tilbud. */
  tilbud: string[] | null
  /** The decision has a (standing) ydelse of one of these codes. */
  ydelser: string[] | null
  /** A legal basis (paragraf): a ydelse of these codes or an intervention of these tilbud. */
  paragraf: { ydelser: string[], tilbud: string[] } | null
  /** A DST ydelseskode: an intervention of these tilbud with, where the mapping asks, a ydelse of these codes. */
  dst: { tilbud: string[], ydelser: string[] | null } | null
}

/** The catalog facts the SQL needs: each level's number and each A&D undertema's overtema, passed as arrays. */
export interface LevelMaps {
  funktionsevne: { codes: string[], levels: number[] }
  overtema: { undertemaer: string[], overtemaer: string[] }
}

/** One row of an aggregate: a cell (row and column), a row total (column null), a column total or the grand total. */
export interface CountRow {
  r: string | null
  c: string | null
  n: number
  /** 1 when the row dimension is rolled up (a column total or the grand total). */
  gr: number
  gc: number
  /** Distinct (citizen, column) pairs: with the row's n, the columns per citizen. */
  pairs: number
  /** A measure other than a count (the median of follow-up gaps), else null. */
  value: number | null
}

const text = (values: readonly string[] | null) => values === null ? null : [...values]

/** The decisions in the period and filters, with their citizen's CPR: the first CTE of every aggregate. */
function base (scope: Scope, f: AnalyticsFilter): RawBuilder<unknown> {
  const standing = sql`i.decision_id = d.id AND i.annulled_at IS NULL`
  const ydelseOf = (codes: RawBuilder<unknown>) => sql`EXISTS (SELECT 1 FROM interventions i JOIN intervention_ydelser y ON y.intervention_id = i.id
      AND y.annulled_at IS NULL WHERE ${standing} AND y.code = ANY(${codes}))`
  const p = f.paragraf
  return sql`SELECT d.id AS decision_id, d.case_id, d.kommunekode, d.afgoerelsesdato, d.closed_at, c.cpr,
      ((d.afgoerelsesdato + 1)::timestamp AT TIME ZONE 'Europe/Copenhagen') AS decided_by
    FROM (SELECT * FROM decisions WHERE ${served(scope, 'decisions')} AND decisions.annulled_at IS NULL) d JOIN cases c ON c.id = d.case_id
    WHERE d.afgoerelsesdato <= ${f.to}::date AND (d.closed_at IS NULL OR d.closed_at >= ${f.from}::date)
      AND (${f.kommunekode}::text IS NULL OR d.kommunekode = ${f.kommunekode})
      AND (${f.maalgruppe}::text IS NULL OR d.primaer_maalgruppe = ${f.maalgruppe} OR ${f.maalgruppe} = ANY(d.oevrige_maalgrupper))
      AND (${text(f.tilbud)}::text[] IS NULL OR EXISTS (SELECT 1 FROM interventions i WHERE ${standing} AND i.tilbud = ANY(${text(f.tilbud)}::text[])))
      AND (${text(f.ydelser)}::text[] IS NULL OR ${ydelseOf(sql`${text(f.ydelser)}::text[]`)})
      AND (${p === null}::boolean OR ${ydelseOf(sql`${text(p?.ydelser ?? null)}::text[]`)}
        OR EXISTS (SELECT 1 FROM interventions i WHERE ${standing} AND i.tilbud = ANY(${text(p?.tilbud ?? null)}::text[])))
      AND (${f.dst === null}::boolean OR EXISTS (SELECT 1 FROM interventions i WHERE ${standing} AND i.tilbud = ANY(${text(f.dst?.tilbud ?? null)}::text[])
        AND (${text(f.dst?.ydelser ?? null)}::text[] IS NULL OR EXISTS (SELECT 1 FROM intervention_ydelser y WHERE y.intervention_id = i.id
          AND y.annulled_at IS NULL AND y.code = ANY(${text(f.dst?.ydelser ?? null)}::text[])))))`
}

/** The counts of distinct citizens of `facts(cpr, r, c)`: per cell, row, column and in all. */
const counted = sql`SELECT r, c, count(DISTINCT cpr)::int AS n, GROUPING(r)::int AS gr, GROUPING(c)::int AS gc,
    count(DISTINCT (cpr, c))::int AS pairs, NULL::float8 AS value
  FROM facts GROUP BY GROUPING SETS ((r, c), (r), (c), ())`

/** An aggregate's one statement: its facts over the base, counted. */
const countsOf = (scope: Scope, f: AnalyticsFilter, facts: RawBuilder<unknown>): RawBuilder<CountRow> =>
  sql<CountRow>`WITH base AS (${base(scope, f)}), facts AS (${facts}) ${counted}`

/** Ydelser of the base decisions that ran in the period. */
const ydelserInPeriod = (f: AnalyticsFilter) => sql`base b
  JOIN interventions i ON i.decision_id = b.decision_id AND i.annulled_at IS NULL
  JOIN intervention_ydelser y ON y.intervention_id = i.id AND y.annulled_at IS NULL
    AND y.startdato <= ${f.to}::date AND (y.slutdato IS NULL OR y.slutdato >= ${f.from}::date)`

/** Interventions of the base decisions that ran in the period. */
const interventionsInPeriod = (f: AnalyticsFilter) => sql`base b
  JOIN interventions i ON i.decision_id = b.decision_id AND i.annulled_at IS NULL
    AND i.bevillingsdato <= ${f.to}::date AND (i.slutdato IS NULL OR i.slutdato >= ${f.from}::date)`

/** Unique citizens by FFB ydelse (seed 004's table): a ydelse counts when it ran in the period. */
export const citizensByYdelse = (scope: Scope, f: AnalyticsFilter) =>
  countsOf(scope, f, sql`SELECT b.cpr, y.code AS r, ''::text AS c FROM ${ydelserInPeriod(f)}`)

/** Unique citizens by tilbud: an intervention counts when it ran in the period. */
export const citizensByTilbud = (scope: Scope, f: AnalyticsFilter) =>
  countsOf(scope, f, sql`SELECT b.cpr, i.tilbud AS r, ''::text AS c FROM ${interventionsInPeriod(f)}`)

/** Unique citizens by kommune: a decision whose course overlaps the period. */
export const citizensByKommune = (scope: Scope, f: AnalyticsFilter) =>
  countsOf(scope, f, sql`SELECT b.cpr, b.kommunekode AS r, ''::text AS c FROM base b`)

/**
 * F&F and A&D undertemaer investigated at visitation, by indsats (tilbud):
 * registrations of the case up to the end of the afgørelsesdato (Danish
 * time) that no follow-up made.
 */
export const investigatedUndertemaer = (scope: Scope, f: AnalyticsFilter) =>
  countsOf(scope, f, sql`SELECT b.cpr, i.tilbud AS r, tr.undertema AS c FROM ${interventionsInPeriod(f)}
    JOIN theme_registrations tr ON tr.case_id = b.case_id AND tr.annulled_at IS NULL AND tr.follow_up_id IS NULL
      AND tr.theme IN ('funktioner-og-forhold', 'aktivitet-og-deltagelse') AND tr.registered_at < b.decided_by`)

/** The level of each A&D undertema at visitation: the latest registration up to the end of the afgørelsesdato. */
const levelsAtVisitation = sql`SELECT DISTINCT ON (b.decision_id, tr.undertema) b.decision_id, b.cpr, b.afgoerelsesdato, tr.undertema, tr.funktionsevneniveau
  FROM base b JOIN theme_registrations tr ON tr.case_id = b.case_id AND tr.annulled_at IS NULL
    AND tr.theme = 'aktivitet-og-deltagelse' AND tr.registered_at < b.decided_by
  ORDER BY b.decision_id, tr.undertema, tr.registered_at DESC, tr.seq DESC`

/** A&D levels at visitation: undertema × funktionsevneniveau. */
export const levelsAtVisitationByUndertema = (scope: Scope, f: AnalyticsFilter) =>
  countsOf(scope, f, sql`SELECT v.cpr, v.undertema AS r, v.funktionsevneniveau AS c FROM (${levelsAtVisitation}) v`)

/** Måltype per indsatstype (tilbud): the standing goals of decisions with an intervention in the period. */
export const maaltypeByIndsats = (scope: Scope, f: AnalyticsFilter) =>
  countsOf(scope, f, sql`SELECT b.cpr, i.tilbud AS r, g.maaltype AS c FROM ${interventionsInPeriod(f)}
    JOIN decision_goals dg ON dg.decision_id = b.decision_id JOIN goals g ON g.id = dg.goal_id AND g.annulled_at IS NULL`)

/** The standing follow-ups of the base decisions. */
const followUps = sql`SELECT fu.* FROM follow_ups fu JOIN base b ON b.decision_id = fu.decision_id WHERE fu.annulled_at IS NULL`

/**
 * Støttebehov from → to: the one the decision was made with (as corrected)
 * and the one its latest standing follow-up recorded; decisions followed up.
 */
export const stoettebehovTransitions = (scope: Scope, f: AnalyticsFilter) =>
  countsOf(scope, f, sql`SELECT b.cpr, s0.code AS r, s1.code AS c FROM base b
    JOIN (SELECT DISTINCT ON (s.decision_id) s.decision_id, s.code FROM stoettebehov s JOIN base b ON b.decision_id = s.decision_id
      WHERE s.annulled_at IS NULL AND s.follow_up_id IS NULL ORDER BY s.decision_id, s.registered_at, s.seq) s0 ON s0.decision_id = b.decision_id
    JOIN (SELECT DISTINCT ON (s.decision_id) s.decision_id, s.code FROM stoettebehov s JOIN base b ON b.decision_id = s.decision_id
        JOIN follow_ups fu ON fu.id = s.follow_up_id AND fu.annulled_at IS NULL
      WHERE s.annulled_at IS NULL ORDER BY s.decision_id, s.registered_at DESC, s.seq DESC) s1 ON s1.decision_id = b.decision_id`)

/** The catalog's level of each funktionsevneniveau code, as a relation named `alias`. */
const levels = (m: LevelMaps, alias: string) =>
  sql`unnest(${m.funktionsevne.codes}::text[], ${m.funktionsevne.levels}::int[]) AS ${sql.raw(alias)}(code, level)`

/**
 * Per citizen and A&D undertema, on the citizen's latest decision whose
 * follow-ups assessed it: the level at visitation and the level of the
 * latest standing follow-up ("ikke vurderet" has no level and is left out).
 */
const levelChanges = (m: LevelMaps) => sql`SELECT DISTINCT ON (v.cpr, v.undertema) v.cpr, v.undertema, l0.level AS before, l1.level AS after
  FROM (${levelsAtVisitation}) v
  JOIN (SELECT DISTINCT ON (fu.decision_id, tr.undertema) fu.decision_id, tr.undertema, tr.funktionsevneniveau
      FROM base b JOIN follow_ups fu ON fu.decision_id = b.decision_id AND fu.annulled_at IS NULL
      JOIN theme_registrations tr ON tr.follow_up_id = fu.id AND tr.annulled_at IS NULL
      ORDER BY fu.decision_id, tr.undertema, tr.registered_at DESC, tr.seq DESC) latest
    ON latest.decision_id = v.decision_id AND latest.undertema = v.undertema
  JOIN ${levels(m, 'l0')} ON l0.code = v.funktionsevneniveau JOIN ${levels(m, 'l1')} ON l1.code = latest.funktionsevneniveau
  ORDER BY v.cpr, v.undertema, v.afgoerelsesdato DESC, v.decision_id`

const outcome = (change: RawBuilder<unknown>) =>
  sql`CASE WHEN ${change} < 0 THEN 'improved' WHEN ${change} = 0 THEN 'unchanged' ELSE 'worsened' END`

/** Improved (a lower level), unchanged or worsened, per A&D undertema: from visitation to the latest follow-up. */
export const progressionByUndertema = (scope: Scope, f: AnalyticsFilter, m: LevelMaps) =>
  countsOf(scope, f, sql`SELECT x.cpr, x.undertema AS r, ${outcome(sql`x.after - x.before`)} AS c FROM (${levelChanges(m)}) x`)

/** The same per overtema: the sign of the sum of the citizen's level changes on its undertemaer. */
export const progressionByOvertema = (scope: Scope, f: AnalyticsFilter, m: LevelMaps) =>
  countsOf(scope, f, sql`SELECT x.cpr, o.overtema AS r, ${outcome(sql`sum(x.after - x.before)`)} AS c FROM (${levelChanges(m)}) x
    JOIN unnest(${m.overtema.undertemaer}::text[], ${m.overtema.overtemaer}::text[]) AS o(undertema, overtema) ON o.undertema = x.undertema
    GROUP BY x.cpr, o.overtema`)

/**
 * Goals reached vs expected, per primary undertema: the level of the goal's
 * latest standing follow-up against its forventet funktionsevneniveau —
 * better than expected, as expected, or short of it. Per citizen and
 * undertema the latest goal followed up.
 */
export const goalAttainment = (scope: Scope, f: AnalyticsFilter, m: LevelMaps) =>
  countsOf(scope, f, sql`SELECT DISTINCT ON (b.cpr, g.primaert_undertema) b.cpr, g.primaert_undertema AS r,
      CASE WHEN reached.level < expected.level THEN 'better-than-expected' WHEN reached.level = expected.level THEN 'as-expected'
        ELSE 'short-of-expected' END AS c
    FROM (SELECT DISTINCT ON (fu.decision_id, fg.goal_id) fu.decision_id, fg.goal_id, tr.funktionsevneniveau
        FROM base b JOIN follow_ups fu ON fu.decision_id = b.decision_id AND fu.annulled_at IS NULL
        JOIN follow_up_goals fg ON fg.follow_up_id = fu.id JOIN theme_registrations tr ON tr.id = fg.registration_id AND tr.annulled_at IS NULL
        ORDER BY fu.decision_id, fg.goal_id, fu.registered_at DESC, fu.seq DESC) latest
    JOIN base b ON b.decision_id = latest.decision_id JOIN goals g ON g.id = latest.goal_id AND g.annulled_at IS NULL
    JOIN ${levels(m, 'reached')} ON reached.code = latest.funktionsevneniveau JOIN ${levels(m, 'expected')} ON expected.code = g.forventet_funktionsevneniveau
    ORDER BY b.cpr, g.primaert_undertema, b.afgoerelsesdato DESC, g.registered_at DESC`)

/**
 * Follow-up cadence per kommune: the median number of days between a
 * decision's consecutive standing follow-ups (and, as n, the citizens those
 * gaps are of), and the citizens with a follow-up overdue on `today` — an
 * open decision whose next follow-up (the latest follow-up's next date,
 * else the decision's own, else its goals' earliest) has passed.
 */
export function followUpCadence (scope: Scope, f: AnalyticsFilter, today: string): RawBuilder<CountRow> {
  return sql<CountRow>`WITH base AS (${base(scope, f)}), fu AS (${followUps}),
    gaps AS (SELECT b.kommunekode AS r, b.cpr, fu.opfoelgningsdato - lag(fu.opfoelgningsdato) OVER (PARTITION BY fu.decision_id ORDER BY fu.opfoelgningsdato, fu.seq) AS gap
      FROM fu JOIN base b ON b.decision_id = fu.decision_id),
    latest AS (SELECT DISTINCT ON (fu.decision_id) fu.decision_id, fu.naeste_opfoelgningsdato FROM fu ORDER BY fu.decision_id, fu.opfoelgningsdato DESC, fu.seq DESC),
    goal_due AS (SELECT dg.decision_id, min(g.opfoelgningsdato) AS next FROM base b JOIN decision_goals dg ON dg.decision_id = b.decision_id
      JOIN goals g ON g.id = dg.goal_id AND g.annulled_at IS NULL GROUP BY dg.decision_id),
    due AS (SELECT b.kommunekode AS r, b.cpr, COALESCE(latest.naeste_opfoelgningsdato, d.opfoelgningsdato, goal_due.next) AS next
      FROM base b JOIN decisions d ON d.id = b.decision_id LEFT JOIN latest ON latest.decision_id = b.decision_id
      LEFT JOIN goal_due ON goal_due.decision_id = b.decision_id WHERE b.closed_at IS NULL)
    SELECT r, 'median-days' AS c, count(DISTINCT cpr)::int AS n, GROUPING(r)::int AS gr, 0 AS gc, 0 AS pairs,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)::float8 AS value
    FROM gaps WHERE gap IS NOT NULL GROUP BY GROUPING SETS ((r), ())
    UNION ALL
    SELECT r, 'overdue' AS c, count(DISTINCT cpr)::int, GROUPING(r)::int, 0, 0, NULL::float8
    FROM due WHERE next < ${today}::date GROUP BY GROUPING SETS ((r), ())`
}
