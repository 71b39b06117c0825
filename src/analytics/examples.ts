import type { AnalyticsTable, Progression } from './schemas.js'

/** The example answers of the OpenAPI document: one per aggregate, and a progression. */

const period = { from: '2024-01-01', to: '2024-12-31' }
const filters = { kommunekode: '101', ydelse: null, tilbud: null, paragraf: null, dstYdelseskode: null, maalgruppe: null }
const VARETAGE_OEKONOMI = { code: '70443014-3faf-402d-abcf-396bfad32eb9', label: 'Varetage økonomi' }

const INTET = { code: 'ae9f388a-91c3-46cf-af55-f81952f2977c', label: 'Intet støttebehov' }
const LET = { code: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae', label: 'Let støttebehov' }
const MODERAT = { code: '401a397b-b3aa-4ca3-8b23-bd8f99dd3f76', label: 'Moderat støttebehov' }

const progression: AnalyticsTable = {
  aggregate: 'progression-by-undertema',
  title: 'Progression pr. undertema',
  period,
  filters,
  threshold: 5,
  unit: 'citizens',
  rowDimension: 'undertema',
  columnDimension: 'udfald',
  cells: [
    { row: VARETAGE_OEKONOMI, column: { code: 'improved', label: 'Forbedret' }, value: 40, share: 0.7547, suppressed: false },
    { row: VARETAGE_OEKONOMI, column: { code: 'unchanged', label: 'Uændret' }, value: null, share: null, suppressed: true },
    { row: VARETAGE_OEKONOMI, column: { code: 'worsened', label: 'Forværret' }, value: null, share: null, suppressed: true }
  ],
  rowTotals: [{ row: VARETAGE_OEKONOMI, value: 53, perCitizen: 1, suppressed: false }],
  columnTotals: [
    { column: { code: 'improved', label: 'Forbedret' }, value: 40, suppressed: false },
    { column: { code: 'unchanged', label: 'Uændret' }, value: null, suppressed: true },
    { column: { code: 'worsened', label: 'Forværret' }, value: null, suppressed: true }
  ],
  total: { value: 53, suppressed: false },
  suppressed: [
    { row: VARETAGE_OEKONOMI.code, column: 'worsened', reason: 'below-threshold' },
    { row: VARETAGE_OEKONOMI.code, column: 'unchanged', reason: 'complementary' },
    { row: null, column: 'worsened', reason: 'below-threshold' },
    { row: null, column: 'unchanged', reason: 'complementary' }
  ]
}

const oneColumn = (aggregate: string, title: string, rowDimension: string, rows: Array<[string, string | null, number | null]>): AnalyticsTable => ({
  aggregate,
  title,
  period,
  filters,
  threshold: 5,
  unit: 'citizens',
  rowDimension,
  columnDimension: null,
  cells: rows.map(([code, label, value]) => ({ row: { code, label }, column: null, value, share: null, suppressed: value === null })),
  rowTotals: [],
  columnTotals: [],
  total: { value: 57, suppressed: false },
  suppressed: rows.filter(([, , value]) => value === null).map(([code], i) => ({ row: code, column: null, reason: i === 0 ? 'below-threshold' : 'complementary' }))
})

/** A two-dimensional aggregate's example: the shape of the progression's, under its own names. */
const twoColumns = (aggregate: string, title: string, rowDimension: string, columnDimension: string): AnalyticsTable =>
  ({ ...progression, aggregate, title, rowDimension, columnDimension })

export const EXAMPLES: Record<string, AnalyticsTable | Progression> = {
  'investigated-undertemaer': twoColumns('investigated-undertemaer', 'Undersøgte undertemaer ved visitation pr. indsats', 'tilbud', 'undertema'),
  'levels-at-visitation': twoColumns('levels-at-visitation', 'Funktionsevneniveau ved visitation', 'undertema', 'funktionsevneniveau'),
  'maaltype-by-indsats': twoColumns('maaltype-by-indsats', 'Måltype pr. indsatstype', 'tilbud', 'maaltype'),
  'stoettebehov-transitions': {
    ...twoColumns('stoettebehov-transitions', 'Støttebehov fra → til', 'fra', 'til'),
    cells: [
      { row: LET, column: INTET, value: 40, share: 0.7547, suppressed: false },
      { row: LET, column: LET, value: null, share: null, suppressed: true },
      { row: LET, column: MODERAT, value: null, share: null, suppressed: true }
    ],
    rowTotals: [{ row: LET, value: 53, perCitizen: 1, suppressed: false }],
    columnTotals: [
      { column: INTET, value: 40, suppressed: false },
      { column: LET, value: null, suppressed: true },
      { column: MODERAT, value: null, suppressed: true }
    ],
    suppressed: [
      { row: LET.code, column: MODERAT.code, reason: 'below-threshold' },
      { row: LET.code, column: LET.code, reason: 'complementary' },
      { row: null, column: MODERAT.code, reason: 'below-threshold' },
      { row: null, column: LET.code, reason: 'complementary' }
    ]
  },
  'progression-by-overtema': twoColumns('progression-by-overtema', 'Progression pr. overtema', 'overtema', 'udfald'),
  'goal-attainment': twoColumns('goal-attainment', 'Indsatsmål: opnået mod forventet niveau', 'undertema', 'resultat'),
  'follow-up-cadence': {
    ...twoColumns('follow-up-cadence', 'Opfølgningskadence', 'kommunekode', 'maal'),
    unit: 'days (median-days), citizens (overdue)',
    cells: [
      { row: { code: '101', label: null }, column: { code: 'median-days', label: 'Mediandage mellem opfølgninger' }, value: 182, share: null, suppressed: false },
      { row: { code: '101', label: null }, column: { code: 'overdue', label: 'Borgere med overskredet opfølgning' }, value: 12, share: null, suppressed: false }
    ],
    rowTotals: [],
    columnTotals: [
      { column: { code: 'median-days', label: 'Mediandage mellem opfølgninger' }, value: 182, suppressed: false },
      { column: { code: 'overdue', label: 'Borgere med overskredet opfølgning' }, value: 12, suppressed: false }
    ],
    total: { value: null, suppressed: false },
    suppressed: []
  },
  'citizens-by-ydelse': oneColumn('citizens-by-ydelse', 'Borgere pr. FFB-ydelse', 'ydelse', [
    ['d473dea2-4f6d-4f36-a8f0-260f0213f50a', 'Støtte til administration', 41], ['0886a1b6-4a3a-47e5-9c97-066270529e4f', 'Støtte til transport', 12],
    ['1a2daf63-0510-4bf3-8578-662d4300c965', 'Støtte til uddannelse', null], ['cb1169ee-8969-46d3-813d-f0dd555bd838', 'Støtte til beskæftigelse', null]
  ]),
  'citizens-by-tilbud': oneColumn('citizens-by-tilbud', 'Borgere pr. tilbud', 'tilbud', [
    ['d90f4da6-f87a-43b5-833f-646b4baf16d6', 'Mobilt tilbud', 44], ['25de7444-3919-4dab-b844-8cec6c15f30e', 'Midlertidigt botilbud', 13]
  ]),
  'citizens-by-kommune': oneColumn('citizens-by-kommune', 'Borgere pr. kommune', 'kommunekode', [['101', null, 57]]),
  'progression-by-undertema': progression,
  progression: {
    caseId: '0b6f3c1e-6f0a-4c55-9a57-3c2e8d6e1f10',
    decisionId: null,
    kommunekode: '101',
    undertemaer: [{
      undertema: VARETAGE_OEKONOMI,
      overtema: { code: 'dfbe6ff6-223b-436a-b864-8ba29bda41e2', label: 'Samfundsliv' },
      levels: [
        { registeredAt: '2023-01-01T09:00:00.000Z', funktionsevneniveau: { code: '5bdde847-2837-416b-ab63-bbff8b7aa531', label: 'Moderat nedsat funktionsevne', level: 2 }, source: 'investigation' },
        { registeredAt: '2023-06-01T08:00:00.000Z', funktionsevneniveau: { code: 'b508ff66-6326-4862-a6d7-7bbf184c9823', label: 'Ingen nedsat funktionsevne', level: 0 }, source: 'follow-up' }
      ]
    }],
    overtemaer: [{ overtema: { code: 'dfbe6ff6-223b-436a-b864-8ba29bda41e2', label: 'Samfundsliv' }, levels: [{ date: '2023-01-01', meanLevel: 2 }, { date: '2023-06-01', meanLevel: 0 }] }],
    stoettebehov: [
      { decisionId: '7d2b1c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d', registeredAt: '2023-01-01T11:00:00.000Z', stoettebehov: { code: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae', label: 'Let støttebehov', level: 1 }, source: 'decision' },
      { decisionId: '7d2b1c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d', registeredAt: '2023-06-01T08:00:00.000Z', stoettebehov: { code: 'ae9f388a-91c3-46cf-af55-f81952f2977c', label: 'Intet støttebehov', level: 0 }, source: 'follow-up' }
    ],
    goals: [{
      goalId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
      undertema: VARETAGE_OEKONOMI,
      maaltype: { code: 'd41c8072-52f8-42b5-9375-ddbea454d27f', label: 'Udvikle funktionsevne' },
      startLevel: { code: '5bdde847-2837-416b-ab63-bbff8b7aa531', label: 'Moderat nedsat funktionsevne', level: 2 },
      expectedLevel: { code: '8328ce4a-6238-4f73-bf1a-74aadb68eff8', label: 'Let nedsat funktionsevne', level: 1 },
      reachedLevel: { code: 'b508ff66-6326-4862-a6d7-7bbf184c9823', label: 'Ingen nedsat funktionsevne', level: 0 },
      maalOpnaaet: true,
      opfoelgningsdato: '2023-06-01'
    }],
    ydelser: [{
      decisionId: '7d2b1c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      ydelse: { code: 'd473dea2-4f6d-4f36-a8f0-260f0213f50a', label: 'Støtte til administration' },
      tilbud: { code: 'd90f4da6-f87a-43b5-833f-646b4baf16d6', label: 'Mobilt tilbud' },
      startdato: '2023-01-01',
      slutdato: '2023-06-01'
    }]
  }
}
