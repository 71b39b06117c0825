import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { normalizeCpr } from '../cases/cpr.js'
import { recordAccess } from '../http/audit.js'
import { problemResponses } from '../http/problems.js'
import { insightHtml } from './html.js'
import { loadInsight } from './queries.js'
import { INSIGHT_EXAMPLE, InsightRequest, type InsightReport } from './schemas.js'

/**
 * POST /v1/insight: a citizen's request for insight (indsigt, GDPR art. 15)
 * — everything stored about a CPR number in the caller's municipalities,
 * and who has read or changed it — as JSON, or as an HTML document to hand
 * to the citizen (Accept: text/html).
 */

const HTML = 'text/html'
const HTML_EXAMPLE = '<!doctype html>\n<html lang="da"><head><meta charset="utf-8"><title>Indsigt i oplysninger om dig</title>…</head><body>' +
  '<header><h1>Indsigt i oplysninger om dig</h1><p>Svar på din anmodning om indsigt (databeskyttelsesforordningens artikel 15). …</p></header>' +
  '<main><section id="sager"><h2>Sager</h2>…</section><section id="udredning"><h2>Udredning</h2>…</section>…' +
  '<section id="adgangslog"><h2>Hvem har set eller ændret oplysningerne</h2><table class="log">…</table></section></main></body></html>'

export const insightRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/insight', {
    config: { scope: 'insight:read', audit: { action: 'read', resource: 'insight' } },
    schema: {
      tags: ['insight'],
      operationId: 'getInsight',
      summary: 'A citizen\'s request for insight (GDPR art. 15): everything stored about a CPR number, and who has accessed it',
      description: 'The CPR number goes in the body, never in a URL. The answer covers the municipalities this client serves, and ' +
        'nothing of any other: the citizen\'s cases, every registration of the investigation, goals, decisions with their målgrupper, ' +
        'støttebehov, interventions with every ydelse over time, delmål, notes and follow-ups — annulled records included, each with ' +
        'its `annulment` marker — with the stored versions of every corrected record, and the access log: every audit event naming ' +
        'one of those records (client, action, resource, time). A CPR number with nothing stored in these municipalities is a 200 ' +
        'with every list empty, so the answer to the citizen can say so. `Accept: text/html` gives the same as a readable Danish ' +
        'document (one section per kind of record, codes with their labels, the access log as a table) for the caseworker to hand ' +
        'to the citizen. Every request is one audit event (resource type `insight`) naming the cases found and how many records of ' +
        'each kind were returned — never the CPR number. Never cached (`Cache-Control: no-store`).',
      body: InsightRequest,
      response: {
        200: {
          description: 'Everything stored about the citizen in the municipalities this client serves',
          content: {
            'application/json': { schema: Type.Ref('InsightReport'), examples: { citizenX: { summary: 'Citizen X, shortened', value: INSIGHT_EXAMPLE } } },
            [HTML]: {
              schema: Type.String({ description: 'The same, as a Danish HTML document for the citizen' }),
              examples: { citizenX: { summary: 'Citizen X, the beginning', value: HTML_EXAMPLE } }
            }
          }
        },
        ...problemResponses(['validation'])
      }
    }
  }, async (request, reply) => {
    const cpr = normalizeCpr(request.body.cpr)
    const now = app.clock()
    const { caller } = request
    const report: InsightReport = {
      generatedAt: now.toISOString(),
      municipalities: caller.municipalities === 'all' ? 'all' : [...caller.municipalities],
      ...await loadInsight(app.database.db, caller, app.catalogs, cpr, now)
    }
    const kommuner = [...new Set(report.cases.map((c) => c.kommunekode))]
    await recordAccess(request, {
      // One event: under the municipality of the cases found (or the one the client serves), so its auditors find it.
      kommunekode: kommuner.length === 1 ? kommuner[0] : caller.municipalities !== 'all' && caller.municipalities.length === 1 ? caller.municipalities[0] : null,
      details: { caseIds: report.cases.map((c) => c.id), returned: returned(report), format: prefersHtml(request.headers.accept) ? 'html' : 'json' }
    })
    reply.header('vary', 'accept')
    if (prefersHtml(request.headers.accept)) return await reply.type(`${HTML}; charset=utf-8`).send(insightHtml(report, { catalogs: app.catalogs }))
    return report
  })
}

/** How many records of each kind an answer holds: what its audit event names (never a CPR number or a text). */
function returned (report: InsightReport): Record<string, number> {
  return {
    cases: report.cases.length,
    assessments: report.assessments.length,
    registrations: report.registrations.length,
    goals: report.goals.length,
    decisions: report.decisions.length,
    stoettebehov: report.stoettebehov.length,
    interventions: report.interventions.length,
    ydelser: report.interventions.reduce((sum, i) => sum + i.intervention.ydelser.length, 0),
    delmaal: report.delmaal.length,
    notes: report.notes.length,
    followUps: report.followUps.length,
    accessLog: report.accessLog.length
  }
}

/**
 * Whether the client asks for HTML rather than JSON: text/html (or text/*)
 * with a higher quality than application/json (or application/*, or * /*
 * for both). JSON on a tie and without an Accept header.
 */
export function prefersHtml (accept: string | undefined): boolean {
  if (accept === undefined) return false
  const quality = new Map<string, number>()
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim())
    const q = params.find((p) => p.startsWith('q='))
    const value = q === undefined ? 1 : Number(q.slice(2))
    if (range !== '' && !Number.isNaN(value)) quality.set(range, Math.max(quality.get(range) ?? 0, value))
  }
  const of = (type: string, subtype: string): number => quality.get(`${type}/${subtype}`) ?? quality.get(`${type}/*`) ?? quality.get('*/*') ?? 0
  return of('text', 'html') > of('application', 'json')
}
