import type { RawBuilder } from 'kysely'
import type { Catalogs } from '../catalogs/catalogs.js'
import type { Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { labelIn } from './filters.js'
import * as q from './queries.js'
import type { AnalyticsFilter, CountRow, LevelMaps } from './queries.js'
import type { AnalyticsQuery, AnalyticsTable } from './schemas.js'
import { suppress, type Constraint, type Entry } from './suppression.js'

/**
 * The aggregates, one entry each: its URL, its one query, the dimensions of
 * its table (and the catalog lists that label them) and the chart it is
 * drawn as. Routes are made from this list (routes.ts).
 */

export type ChartKind = 'bar' | 'heatmap' | 'stacked'

interface Dimension {
  name: string
  /** Catalog lists whose labels name the codes; none: the code is its own label. */
  lists?: readonly string[]
  /** The aggregate's own categories, in their order, with their labels. */
  categories?: ReadonlyArray<readonly [code: string, label: string]>
}

export interface Aggregate {
  path: string
  operationId: string
  title: string
  description: string
  rows: Dimension
  /** null: a table of one column (the citizens). */
  columns: Dimension | null
  unit: string
  chart: ChartKind
  /** Cadence: a median column and a count column, each its own measure. */
  measures?: true
  /** Its one SQL statement. */
  statement: (scope: Scope, filter: AnalyticsFilter, context: { levels: LevelMaps, today: string }) => RawBuilder<CountRow>
}

const AD = ['aktivitet-og-deltagelse']
const OUTCOMES = [['improved', 'Forbedret'], ['unchanged', 'Uændret'], ['worsened', 'Forværret']] as const

export const AGGREGATES: readonly Aggregate[] = [
  {
    path: 'citizens-by-ydelse',
    operationId: 'getCitizensByYdelse',
    title: 'Borgere pr. FFB-ydelse',
    description: 'Unique citizens (distinct CPR numbers) per FFB ydelse that ran in the period, on decisions in the filters.',
    rows: { name: 'ydelse', lists: ['ydelser'] },
    columns: null,
    unit: 'citizens',
    chart: 'bar',
    statement: (scope, f) => q.citizensByYdelse(scope, f)
  },
  {
    path: 'citizens-by-tilbud',
    operationId: 'getCitizensByTilbud',
    title: 'Borgere pr. tilbud',
    description: 'Unique citizens per tilbud (the indsats\' tilbud type) of interventions that ran in the period: which tilbud our citizens need.',
    rows: { name: 'tilbud', lists: ['tilbud'] },
    columns: null,
    unit: 'citizens',
    chart: 'bar',
    statement: (scope, f) => q.citizensByTilbud(scope, f)
  },
  {
    path: 'citizens-by-kommune',
    operationId: 'getCitizensByKommune',
    title: 'Borgere pr. kommune',
    description: 'Unique citizens per municipality with a decision whose course overlaps the period.',
    rows: { name: 'kommunekode' },
    columns: null,
    unit: 'citizens',
    chart: 'bar',
    statement: (scope, f) => q.citizensByKommune(scope, f)
  },
  {
    path: 'investigated-undertemaer',
    operationId: 'getInvestigatedUndertemaer',
    title: 'Undersøgte undertemaer ved visitation pr. indsats',
    description: 'F&F and A&D undertemaer investigated at visitation (registered by the end of the afgørelsesdato, not by a follow-up), ' +
      'by indsats (tilbud): citizens per undertema, and in the row totals the number of undertemaer per citizen.',
    rows: { name: 'tilbud', lists: ['tilbud'] },
    columns: { name: 'undertema', lists: ['funktioner-og-forhold', 'aktivitet-og-deltagelse'] },
    unit: 'citizens',
    chart: 'heatmap',
    statement: (scope, f) => q.investigatedUndertemaer(scope, f)
  },
  {
    path: 'levels-at-visitation',
    operationId: 'getLevelsAtVisitation',
    title: 'Funktionsevneniveau ved visitation',
    description: 'Citizens per A&D undertema and funktionsevneniveau at visitation: the latest registration by the end of the afgørelsesdato.',
    rows: { name: 'undertema', lists: AD },
    columns: { name: 'funktionsevneniveau', lists: ['funktionsevneniveau'] },
    unit: 'citizens',
    chart: 'heatmap',
    statement: (scope, f) => q.levelsAtVisitationByUndertema(scope, f)
  },
  {
    path: 'maaltype-by-indsats',
    operationId: 'getMaaltypeByIndsats',
    title: 'Måltype pr. indsatstype',
    description: 'Citizens per tilbud (indsatstype) and måltype of the goals of their decisions.',
    rows: { name: 'tilbud', lists: ['tilbud'] },
    columns: { name: 'maaltype', lists: ['maaltype'] },
    unit: 'citizens',
    chart: 'heatmap',
    statement: (scope, f) => q.maaltypeByIndsats(scope, f)
  },
  {
    path: 'stoettebehov-transitions',
    operationId: 'getStoettebehovTransitions',
    title: 'Støttebehov fra → til',
    description: 'Citizens per støttebehov at the decision (as corrected) → at its latest follow-up: the transition matrix of decisions followed up.',
    rows: { name: 'fra', lists: ['stoettebehov'] },
    columns: { name: 'til', lists: ['stoettebehov'] },
    unit: 'citizens',
    chart: 'heatmap',
    statement: (scope, f) => q.stoettebehovTransitions(scope, f)
  },
  {
    path: 'progression-by-undertema',
    operationId: 'getProgressionByUndertema',
    title: 'Progression pr. undertema',
    description: 'Citizens improved (a lower funktionsevneniveau), unchanged or worsened per A&D undertema, from visitation to the latest ' +
      'follow-up of their latest decision that assessed it; shares of the row.',
    rows: { name: 'undertema', lists: AD },
    columns: { name: 'udfald', categories: OUTCOMES },
    unit: 'citizens',
    chart: 'stacked',
    statement: (scope, f, { levels }) => q.progressionByUndertema(scope, f, levels)
  },
  {
    path: 'progression-by-overtema',
    operationId: 'getProgressionByOvertema',
    title: 'Progression pr. overtema',
    description: 'Citizens improved, unchanged or worsened per A&D overtema (Relationer, Samfundsliv, …): the sign of the sum of the ' +
      'citizen\'s level changes on its undertemaer; shares of the row.',
    rows: { name: 'overtema', lists: AD },
    columns: { name: 'udfald', categories: OUTCOMES },
    unit: 'citizens',
    chart: 'stacked',
    statement: (scope, f, { levels }) => q.progressionByOvertema(scope, f, levels)
  },
  {
    path: 'goal-attainment',
    operationId: 'getGoalAttainment',
    title: 'Indsatsmål: opnået mod forventet niveau',
    description: 'Citizens per goal\'s primary undertema whose level at the goal\'s latest follow-up is better than, as, or short of the ' +
      'forventet funktionsevneniveau.',
    rows: { name: 'undertema', lists: AD },
    columns: {
      name: 'resultat',
      categories: [['better-than-expected', 'Bedre end forventet'], ['as-expected', 'Som forventet'], ['short-of-expected', 'Under forventet']]
    },
    unit: 'citizens',
    chart: 'stacked',
    statement: (scope, f, { levels }) => q.goalAttainment(scope, f, levels)
  },
  {
    path: 'follow-up-cadence',
    operationId: 'getFollowUpCadence',
    title: 'Opfølgningskadence',
    description: 'Per municipality: the median number of days between a decision\'s consecutive follow-ups (published when the gaps are ' +
      'of at least the threshold of citizens), and the citizens with a follow-up overdue today (an open decision whose next follow-up ' +
      'date has passed). The column totals are the same for all the municipalities in the answer.',
    rows: { name: 'kommunekode' },
    columns: { name: 'maal', categories: [['median-days', 'Mediandage mellem opfølgninger'], ['overdue', 'Borgere med overskredet opfølgning']] },
    unit: 'days (median-days), citizens (overdue)',
    chart: 'bar',
    measures: true,
    statement: (scope, f, { today }) => q.followUpCadence(scope, f, today)
  }
]

/** Runs an aggregate's statement: the counts, never a citizen's row. */
export async function runAggregate (db: Executor, aggregate: Aggregate, scope: Scope, filter: AnalyticsFilter, context: { levels: LevelMaps, today: string }) {
  return (await aggregate.statement(scope, filter, context).execute(db)).rows
}

const key = (kind: string, r: string | null, c: string | null) => `${kind}\u0000${r ?? ''}\u0000${c ?? ''}`

function labeller (catalogs: Catalogs, dimension: Dimension) {
  const categories = new Map(dimension.categories ?? [])
  return (code: string) => ({ code, label: categories.get(code) ?? (dimension.lists === undefined ? null : labelIn(catalogs, dimension.lists, code)) })
}

function order (dimension: Dimension, label: (code: string) => { label: string | null }) {
  const ranks = new Map((dimension.categories ?? []).map(([code], i) => [code, i]))
  return (a: string, b: string) => (ranks.get(a) ?? 0) - (ranks.get(b) ?? 0) || (label(a).label ?? a).localeCompare(label(b).label ?? b, 'da')
}

/**
 * An aggregate's counts as its published table: labelled, ordered, and
 * suppressed — every total constrains its parts (see suppression.ts).
 */
type Counted = Entry & { value: number, pairs: number }

/** The counts as suppressible entries by key, with the codes of the rows and columns, suppressed. */
function suppressedEntries (aggregate: Aggregate, counts: CountRow[], threshold: number) {
  const oneColumn = aggregate.columns === null
  const entries = new Map<string, Counted>()
  for (const row of counts) {
    const kind = row.gr === 0 && row.gc === 0 ? 'cell' : row.gr === 0 ? 'row' : row.gc === 0 ? 'column' : 'total'
    if (oneColumn && (kind === 'row' || kind === 'column')) continue
    entries.set(key(kind, kind === 'cell' || kind === 'row' ? row.r : null, kind === 'cell' || kind === 'column' ? row.c : null),
      { n: row.n, value: row.value ?? row.n, pairs: row.pairs, reason: null })
  }
  const rowCodes = [...new Set(counts.filter((c) => c.gr === 0).map((c) => c.r!))]
  const columnCodes = oneColumn ? [''] : [...new Set(counts.filter((c) => c.gc === 0 && c.c !== null).map((c) => c.c!))]
  const constraints: Constraint[] = []
  if (aggregate.measures) {
    // Only the count column adds up; a median hides itself alone.
    constraints.push([key('column', null, 'overdue'), rowCodes.map((r) => key('cell', r, 'overdue'))])
  } else if (oneColumn) {
    constraints.push([key('total', null, null), rowCodes.map((r) => key('cell', r, ''))])
  } else {
    for (const r of rowCodes) constraints.push([key('row', r, null), columnCodes.map((c) => key('cell', r, c))])
    for (const c of columnCodes) constraints.push([key('column', null, c), rowCodes.map((r) => key('cell', r, c))])
    constraints.push([key('total', null, null), rowCodes.map((r) => key('row', r, null))])
    constraints.push([key('total', null, null), columnCodes.map((c) => key('column', null, c))])
  }
  suppress(entries, constraints, threshold)
  return { entries, rowCodes, columnCodes }
}

export function tableOf (aggregate: Aggregate, counts: CountRow[], context: {
  catalogs: Catalogs, threshold: number, filter: AnalyticsFilter, query: AnalyticsQuery
}): AnalyticsTable {
  const { catalogs, threshold } = context
  const oneColumn = aggregate.columns === null
  const { entries, rowCodes, columnCodes } = suppressedEntries(aggregate, counts, threshold)

  const rowLabel = labeller(catalogs, aggregate.rows)
  const columnLabel = aggregate.columns === null ? undefined : labeller(catalogs, aggregate.columns)
  rowCodes.sort(order(aggregate.rows, rowLabel))
  if (aggregate.columns !== null) columnCodes.sort(order(aggregate.columns, columnLabel!))
  const published = (entry: Entry & { value: number } | undefined) => entry === undefined || entry.reason !== null ? null : entry.value
  const total = entries.get(key('total', null, null))
  const rowTotal = (r: string) => oneColumn ? total : entries.get(key('row', r, null))

  const cells: AnalyticsTable['cells'] = []
  for (const r of rowCodes) {
    for (const c of columnCodes) {
      const entry = entries.get(key('cell', r, c))
      if (entry === undefined) continue
      const value = published(entry)
      const whole = aggregate.measures ? null : published(rowTotal(r))
      cells.push({
        row: rowLabel(r),
        column: columnLabel?.(c) ?? null,
        value,
        share: value === null || whole === null || whole === 0 ? null : Math.round(value / whole * 10_000) / 10_000,
        suppressed: entry.reason !== null
      })
    }
  }
  const suppressed: AnalyticsTable['suppressed'] = []
  for (const [k, entry] of entries) {
    if (entry.reason === null) continue
    const [kind, r, c] = k.split('\u0000')
    suppressed.push({ row: kind === 'cell' || kind === 'row' ? r! : null, column: (kind === 'cell' && !oneColumn) || kind === 'column' ? c! : null, reason: entry.reason })
  }
  const { kommunekode, ydelse, tilbud, paragraf, dstYdelseskode, maalgruppe } = context.query
  return {
    aggregate: aggregate.path,
    title: aggregate.title,
    period: { from: context.filter.from, to: context.filter.to },
    filters: {
      kommunekode: kommunekode ?? null,
      ydelse: ydelse ?? null,
      tilbud: tilbud ?? null,
      paragraf: paragraf ?? null,
      dstYdelseskode: dstYdelseskode ?? null,
      maalgruppe: maalgruppe ?? null
    },
    threshold,
    unit: aggregate.unit,
    rowDimension: aggregate.rows.name,
    columnDimension: aggregate.columns?.name ?? null,
    cells,
    rowTotals: oneColumn || aggregate.measures
      ? []
      : rowCodes.map((r) => {
        const entry = entries.get(key('row', r, null))
        const value = published(entry)
        return { row: rowLabel(r), value, perCitizen: value === null || value === 0 ? null : Math.round(entry!.pairs / value * 100) / 100, suppressed: value === null }
      }),
    columnTotals: oneColumn
      ? []
      : columnCodes.map((c) => {
        const entry = entries.get(key('column', null, c))
        return { column: columnLabel!(c), value: published(entry), suppressed: entry?.reason != null }
      }),
    total: aggregate.measures ? { value: null, suppressed: false } : { value: published(total), suppressed: total?.reason != null },
    suppressed
  }
}
