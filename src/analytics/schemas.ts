import Type, { type Static } from 'typebox'
import { Day, Kommunekode, Uuid } from '../http/fields.js'

/** A code of one FFB list in the query string (bare: a query has no objects). */
const codeOf = (schemaId: string, options: { description: string }) => Type.Unsafe<string>(Type.Ref(schemaId, options))

/** What every aggregate takes: the period, the municipality, the filters and the format. */
export const AnalyticsQuery = Type.Object({
  from: Type.Optional(Day('First day of the period (default: all history); a decision counts when its course overlaps the period')),
  to: Type.Optional(Day('Last day of the period (default: today in Denmark)')),
  kommunekode: Type.Optional(Kommunekode),
  ydelse: Type.Optional(codeOf('YdelserCode', { description: 'Only decisions with a ydelse of this code' })),
  tilbud: Type.Optional(codeOf('TilbudCode', { description: 'Only decisions with an intervention of this tilbud' })),
  paragraf: Type.Optional(Type.String({
    minLength: 1, maxLength: 40, description: 'Only decisions with a ydelse or tilbud of this legal basis, as the catalogs write it', examples: ['SEL § 85']
  })),
  dstYdelseskode: Type.Optional(Type.String({
    pattern: '^[0-9]+(\\.[0-9]+)*$', description: 'Only decisions with an intervention that derives this DST ydelseskode (dst-mapping)', examples: ['1.8.2']
  })),
  maalgruppe: Type.Optional(codeOf('MaalgrupperCode', { description: 'Only decisions with this målgruppe (primary or other)' })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('svg'), Type.Literal('vega-lite')], {
    description: 'The answer\'s form, instead of Accept: json (application/json), csv (text/csv), svg (image/svg+xml, the chart) or ' +
      'vega-lite (application/vnd.vegalite+json, the chart\'s Vega-Lite spec with its data, to restyle)'
  }))
}, { additionalProperties: false })
export type AnalyticsQuery = Static<typeof AnalyticsQuery>

const Label = Type.Union([Type.String(), Type.Null()])
const Key = Type.Object({
  code: Type.String({ description: 'A catalog code, a kommunekode, or the aggregate\'s own category (e.g. improved)' }),
  label: Label
})
const Published = Type.Union([Type.Number(), Type.Null()], { description: 'null when suppressed' })

export const AnalyticsTable = Type.Object({
  aggregate: Type.String({ description: 'Which aggregate' }),
  title: Type.String(),
  period: Type.Object({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }),
  filters: Type.Object({
    kommunekode: Type.Union([Type.String(), Type.Null()]),
    ydelse: Type.Union([Type.String(), Type.Null()]),
    tilbud: Type.Union([Type.String(), Type.Null()]),
    paragraf: Type.Union([Type.String(), Type.Null()]),
    dstYdelseskode: Type.Union([Type.String(), Type.Null()]),
    maalgruppe: Type.Union([Type.String(), Type.Null()])
  }),
  threshold: Type.Integer({ description: 'Numbers of fewer citizens than this (but more than none) are suppressed (ANALYTICS_MIN_CELL)' }),
  unit: Type.String({ description: 'What a value counts: citizens (distinct CPR numbers), or days for a median' }),
  rowDimension: Type.String(),
  columnDimension: Type.Union([Type.String(), Type.Null()], { description: 'null: a table of one column' }),
  cells: Type.Array(Type.Object({
    row: Key,
    column: Type.Union([Key, Type.Null()]),
    value: Published,
    share: Type.Union([Type.Number(), Type.Null()], { description: 'The value as a share of its row\'s total, where both are published' }),
    suppressed: Type.Boolean()
  })),
  rowTotals: Type.Array(Type.Object({
    row: Key,
    value: Published,
    perCitizen: Type.Union([Type.Number(), Type.Null()], { description: 'Columns per citizen of the row (e.g. undertemaer per citizen), where published' }),
    suppressed: Type.Boolean()
  }), { description: 'Distinct citizens per row (two-dimensional tables)' }),
  columnTotals: Type.Array(Type.Object({ column: Key, value: Published, suppressed: Type.Boolean() })),
  total: Type.Object({ value: Published, suppressed: Type.Boolean() }, { description: 'Distinct citizens in the whole table' }),
  suppressed: Type.Array(Type.Object({
    row: Type.Union([Type.String(), Type.Null()], { description: 'null: a column total or the grand total' }),
    column: Type.Union([Type.String(), Type.Null()], { description: 'null: a row total or the grand total' }),
    reason: Type.Union([Type.Literal('below-threshold'), Type.Literal('complementary')])
  }), { description: 'Every number left out, and why: below the threshold, or hidden so that a total cannot give another back' })
}, { $id: 'AnalyticsTable', description: 'An aggregate: counts of distinct citizens per cell, with suppression; never a CPR number or a case id' })
export type AnalyticsTable = Static<typeof AnalyticsTable>

const Level = Type.Object({ code: Type.String(), label: Label, level: Type.Union([Type.Integer(), Type.Null()]) })

export const ProgressionQuery = Type.Object({
  decisionId: Type.Optional(Type.String({ format: 'uuid', description: 'Only this decision of the case: its goals, støttebehov, ydelser and period' })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('svg'), Type.Literal('vega-lite')], {
    description: 'json, svg (the chart: levels over time per undertema, each goal\'s expected level marked) or vega-lite (its spec)'
  }))
}, { additionalProperties: false })

export const CaseParams = Type.Object({ id: Uuid })

export const Progression = Type.Object({
  caseId: Type.String({ format: 'uuid' }),
  decisionId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  kommunekode: Type.String(),
  undertemaer: Type.Array(Type.Object({
    undertema: Key,
    overtema: Type.Union([Key, Type.Null()]),
    levels: Type.Array(Type.Object({
      registeredAt: Type.String({ format: 'date-time' }),
      funktionsevneniveau: Level,
      source: Type.Union([Type.Literal('investigation'), Type.Literal('follow-up')])
    }), { description: 'Oldest first: the first investigation, then each follow-up' })
  })),
  overtemaer: Type.Array(Type.Object({
    overtema: Key,
    levels: Type.Array(Type.Object({
      date: Type.String({ format: 'date' }),
      meanLevel: Type.Number({ description: 'The mean of its undertemaer\'s latest levels that day' })
    }))
  })),
  stoettebehov: Type.Array(Type.Object({
    decisionId: Type.String({ format: 'uuid' }),
    registeredAt: Type.String({ format: 'date-time' }),
    stoettebehov: Level,
    source: Type.Union([Type.Literal('decision'), Type.Literal('follow-up')])
  })),
  goals: Type.Array(Type.Object({
    goalId: Type.String({ format: 'uuid' }),
    undertema: Key,
    maaltype: Key,
    startLevel: Type.Union([Level, Type.Null()]),
    expectedLevel: Level,
    reachedLevel: Type.Union([Level, Type.Null()], { description: 'At the latest follow-up of the goal; null before one' }),
    maalOpnaaet: Type.Union([Type.Boolean(), Type.Null()]),
    opfoelgningsdato: Type.String({ format: 'date' })
  })),
  ydelser: Type.Array(Type.Object({
    decisionId: Type.String({ format: 'uuid' }),
    ydelse: Key,
    tilbud: Key,
    startdato: Type.String({ format: 'date' }),
    slutdato: Type.Union([Type.String({ format: 'date' }), Type.Null()])
  }))
}, { $id: 'Progression', description: 'One citizen\'s course on a case: levels, støttebehov, goals and ydelser over time' })
export type Progression = Static<typeof Progression>

export const analyticsSchemas = [AnalyticsTable, Progression]
