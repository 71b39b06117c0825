import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import type { ChartKind } from './aggregates.js'
import type { AnalyticsTable, Progression } from './schemas.js'

/**
 * The charts: a Vega-Lite spec per answer, with its data inline — only the
 * published cells, so a suppressed one is not in the spec, nor in the SVG
 * drawn from it — and the SVG rendered on the server by Vega's headless
 * view (renderer none: no canvas, text measured by estimate).
 */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'

const label = (key: { code: string, label: string | null }) => key.label ?? key.code

/** A table's Vega-Lite spec: a bar chart of one column, a heat map of two, or stacked shares of each row's outcomes. */
export function tableSpec (table: AnalyticsTable, chart: ChartKind): TopLevelSpec {
  const rowTitle = table.rowDimension
  const columnTitle = table.columnDimension ?? 'kolonne'
  const unit = table.unit === 'citizens' ? 'Borgere' : 'Værdi'
  const values = table.cells.filter((cell) => !cell.suppressed).map((cell) => ({
    [rowTitle]: label(cell.row),
    ...(cell.column === null ? {} : { [columnTitle]: label(cell.column) }),
    [unit]: cell.value,
    ...(cell.share === null ? {} : { Andel: cell.share })
  }))
  const base = {
    $schema: SCHEMA,
    title: `${table.title} (${table.period.from} – ${table.period.to})`,
    description: `${table.title}. Tal under ${table.threshold} borgere er udeladt.`,
    data: { values },
    config: { font: 'sans-serif' }
  }
  const y = { field: rowTitle, type: 'nominal' as const, title: rowTitle, axis: { labelLimit: 260 } }
  if (chart === 'bar' && table.columnDimension !== null) {
    // Several measures per row (the cadence): one bar chart per measure.
    return {
      ...base,
      facet: { row: { field: columnTitle, type: 'nominal', title: null } },
      spec: { mark: 'bar', encoding: { y, x: { field: unit, type: 'quantitative', title: unit } } },
      resolve: { scale: { x: 'independent' } }
    }
  }
  if (chart === 'bar') return { ...base, mark: 'bar', encoding: { y: { ...y, sort: '-x' }, x: { field: unit, type: 'quantitative', title: unit } } }
  if (chart === 'stacked') {
    return {
      ...base,
      mark: 'bar',
      encoding: {
        y,
        x: { field: 'Andel', type: 'quantitative', title: 'Andel af borgerne', axis: { format: '%' }, scale: { domain: [0, 1] } },
        color: { field: columnTitle, type: 'nominal', title: columnTitle, sort: table.columnTotals.map((c) => label(c.column)) },
        order: { field: columnTitle }
      }
    }
  }
  return {
    ...base,
    encoding: { y, x: { field: columnTitle, type: 'nominal', title: columnTitle, axis: { labelAngle: -40, labelLimit: 200 } } },
    layer: [
      { mark: 'rect', encoding: { color: { field: unit, type: 'quantitative', title: unit } } },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: unit, type: 'quantitative' } } }
    ]
  }
}

/** A citizen's chart: funktionsevneniveau over time per undertema, each goal's expected level marked at its follow-up date. */
export function progressionSpec (progression: Progression): TopLevelSpec {
  const levels = progression.undertemaer.flatMap((u) => u.levels.filter((l) => l.funktionsevneniveau.level !== null).map((l) => ({
    Undertema: label(u.undertema), Dato: l.registeredAt.slice(0, 10), Niveau: l.funktionsevneniveau.level, Registrering: l.source
  })))
  const goals = progression.goals.map((g) => ({
    Undertema: label(g.undertema),
    Dato: g.opfoelgningsdato,
    'Forventet niveau': g.expectedLevel.level,
    Maal: `Indsatsmål (${label(g.maaltype)}): forventet niveau ${g.expectedLevel.level ?? '–'} på ${label(g.undertema)} ved opfølgning ${g.opfoelgningsdato}`
  }))
  const y = { type: 'quantitative' as const, title: 'Funktionsevneniveau (0 = ingen nedsættelse)', scale: { domain: [0, 4] }, axis: { tickMinStep: 1 } }
  return {
    $schema: SCHEMA,
    title: 'Funktionsevneniveau over tid',
    description: 'Niveau pr. undertema fra første udredning til hver opfølgning; forventet niveau for hvert indsatsmål markeret',
    width: 480,
    height: 240,
    layer: [
      {
        data: { values: levels },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'Dato', type: 'temporal', title: 'Dato' },
          y: { ...y, field: 'Niveau' },
          color: { field: 'Undertema', type: 'nominal', title: 'Undertema' }
        }
      },
      {
        data: { values: goals },
        mark: { type: 'point', shape: 'diamond', size: 120, filled: true },
        encoding: {
          x: { field: 'Dato', type: 'temporal' },
          y: { ...y, field: 'Forventet niveau' },
          color: { field: 'Undertema', type: 'nominal' },
          description: { field: 'Maal', type: 'nominal' }
        }
      }
    ]
  }
}

/** The SVG of a Vega-Lite spec, drawn without a browser or canvas. */
export async function renderSvg (spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

const csvField = (value: string | number | boolean | null): string => {
  const text = value === null ? '' : String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A table as CSV: a line per cell, then a line per row total, column total and the grand total (column "total"); suppressed values empty. */
export function tableCsv (table: AnalyticsTable): string {
  const lines: Array<Array<string | number | boolean | null>> = [
    [`${table.rowDimension}_code`, `${table.rowDimension}_label`, `${table.columnDimension ?? 'column'}_code`, `${table.columnDimension ?? 'column'}_label`,
      'value', 'share', 'suppressed']
  ]
  for (const cell of table.cells) lines.push([cell.row.code, cell.row.label, cell.column?.code ?? null, cell.column?.label ?? null, cell.value, cell.share, cell.suppressed])
  for (const row of table.rowTotals) lines.push([row.row.code, row.row.label, 'total', null, row.value, null, row.suppressed])
  for (const column of table.columnTotals) lines.push(['total', null, column.column.code, column.column.label, column.value, null, column.suppressed])
  if (table.columnDimension === null || table.total.value !== null || table.total.suppressed) {
    lines.push(['total', null, 'total', null, table.total.value, null, table.total.suppressed])
  }
  return lines.map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n'
}
