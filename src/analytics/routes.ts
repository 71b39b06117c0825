import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { recordAccess } from '../http/audit.js'
import { problemResponses } from '../http/problems.js'
import { requireServed } from '../db/scope.js'
import { AGGREGATES, runAggregate, tableOf, type Aggregate } from './aggregates.js'
import { progressionSpec, renderSvg, tableCsv, tableSpec } from './charts.js'
import { levelMaps, resolveFilter } from './filters.js'
import { loadProgression } from './progression.js'
import { AnalyticsQuery, CaseParams, ProgressionQuery, type AnalyticsTable } from './schemas.js'
import { EXAMPLES } from './examples.js'

/**
 * /v1/analytics: the aggregates (one route each, made from AGGREGATES) and
 * a citizen's progression on a case. Each answers JSON, CSV (aggregates),
 * the chart as SVG, or the chart's Vega-Lite spec — by ?format= or Accept.
 */

const VEGA_LITE = 'application/vnd.vegalite+json'
const FORMATS = { 'text/csv': 'csv', 'image/svg+xml': 'svg', [VEGA_LITE]: 'vega-lite', 'application/json': 'json' } as const
type Format = (typeof FORMATS)[keyof typeof FORMATS]

/** ?format= wins; else the first media type of Accept we answer; else JSON. */
function formatOf (request: FastifyRequest, asked: Format | undefined): Format {
  if (asked !== undefined) return asked
  const accept = (request.headers.accept ?? '').split(',').map((part) => part.split(';')[0]!.trim().toLowerCase())
  for (const type of accept) if (type in FORMATS) return FORMATS[type as keyof typeof FORMATS]
  return 'json'
}

const chartResponses = (json: object, what: string) => ({
  200: {
    description: `${what} as JSON; as text/csv; its chart as image/svg+xml; or the chart's Vega-Lite spec (${VEGA_LITE}, data inline) — by ?format= or Accept`,
    content: {
      'application/json': json,
      'text/csv': { schema: { type: 'string' } },
      'image/svg+xml': { schema: { type: 'string' } },
      [VEGA_LITE]: { schema: { type: 'object', description: 'A Vega-Lite v6 spec with its data inline' } }
    }
  }
})

async function sendChart (reply: FastifyReply, format: 'svg' | 'vega-lite', spec: Parameters<typeof renderSvg>[0]) {
  if (format === 'svg') return await reply.type('image/svg+xml; charset=utf-8').send(await renderSvg(spec))
  return await reply.type(VEGA_LITE).send(JSON.stringify(spec))
}

export const analyticsRoutes: FastifyPluginAsyncTypebox<{ threshold: number }> = async (app, { threshold }) => {
  const { catalogs } = app
  const levels = levelMaps(catalogs)

  const aggregateRoute = (aggregate: Aggregate) => app.get(`/analytics/${aggregate.path}`, {
    config: { scope: 'analytics:read', audit: { action: 'read', resource: 'analytics' } },
    schema: {
      tags: ['analytics'],
      operationId: aggregate.operationId,
      summary: `${aggregate.title}: counts of citizens in the caller's municipalities, small numbers suppressed`,
      description: `${aggregate.description} Computed in one SQL statement over the decisions whose course overlaps the period ` +
        '(annulled records left out, corrected ones as they stand now) in the municipalities the client serves (or ?kommunekode=). ' +
        'A number of fewer citizens than the threshold (ANALYTICS_MIN_CELL, default 5) is suppressed, and another beside it where a ' +
        'total would give it back; `suppressed` lists them. Never a CPR number or a case id.',
      querystring: AnalyticsQuery,
      response: {
        ...chartResponses({ schema: Type.Ref('AnalyticsTable'), example: EXAMPLES[aggregate.path] }, aggregate.title),
        ...problemResponses(['validation', 'forbidden'])
      }
    }
  }, async (request, reply) => {
    const { query } = request
    if (query.kommunekode !== undefined) requireServed(request.caller, query.kommunekode)
    const today = dayInDenmark(app.clock())
    const filter = resolveFilter(catalogs, query, today)
    const counts = await runAggregate(app.database.db, aggregate, request.caller, filter, { levels, today })
    const table: AnalyticsTable = tableOf(aggregate, counts, { catalogs, threshold, filter, query })
    const format = formatOf(request, query.format)
    await recordAccess(request, { kommunekode: query.kommunekode ?? null, details: { aggregate: aggregate.path, ...table.filters, ...table.period, format } })
    if (format === 'csv') return await reply.type('text/csv; charset=utf-8').send(tableCsv(table))
    if (format !== 'json') return await sendChart(reply, format, tableSpec(table, aggregate.chart))
    return table
  })
  for (const aggregate of AGGREGATES) aggregateRoute(aggregate)

  app.get('/analytics/cases/:id/progression', {
    config: { scope: 'analytics:read', audit: { action: 'read', resource: 'progression' } },
    schema: {
      tags: ['analytics'],
      operationId: 'getCaseProgression',
      summary: 'A citizen\'s progression on a case: levels per undertema and overtema over time, støttebehov, goals and ydelser',
      description: 'From the first investigation to each follow-up: the funktionsevneniveau of each A&D undertema (and the mean per ' +
        'overtema) with dates, the støttebehov path, each indsatsmål\'s start, expected and reached level and måltype, and the ydelser. ' +
        'With ?decisionId= one decision\'s course. Annulled records are left out; corrected ones as they stand. ?format=svg (or Accept: ' +
        'image/svg+xml) draws the levels over time with each goal\'s expected level marked, for a vendor to embed; vega-lite gives its spec.',
      params: CaseParams,
      querystring: ProgressionQuery,
      response: {
        ...chartResponses({ schema: Type.Ref('Progression'), example: EXAMPLES.progression }, 'The progression'),
        ...problemResponses(['not-found'])
      }
    }
  }, async (request, reply) => {
    const progression = await loadProgression(app.database.db, request.caller, catalogs, request.params.id, request.query.decisionId ?? null)
    await recordAccess(request, { resourceId: progression.caseId, kommunekode: progression.kommunekode })
    const format = formatOf(request, request.query.format)
    if (format === 'svg' || format === 'vega-lite') return await sendChart(reply, format, progressionSpec(progression))
    return progression
  })
}
