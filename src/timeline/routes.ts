import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { requireCase } from '../cases/queries.js'
import { Uuid } from '../http/fields.js'
import { decodeCursor, isInstant, Page, PageQuery, toPage } from '../http/paging.js'
import { problemResponses } from '../http/problems.js'
import { CaseParams } from '../cases/schemas.js'
import { EVENT_TYPES, timelineEvents, type EventRow } from './queries.js'

/**
 * GET /v1/cases/{id}/timeline: every event of a case in time order — the
 * circular VUM course in one paged list, each event linking to its resource.
 */

const TimelineEvent = Type.Object({
  at: Type.String({ format: 'date-time', description: 'When it happened in the citizen\'s course (its registration time)' }),
  type: Type.String({ enum: [...EVENT_TYPES], description: 'What happened; the href leads to it' }),
  id: Uuid,
  href: Type.String({ description: 'The resource the event is about' }),
  title: Type.String({ description: 'A one-line summary, with catalog labels' })
}, { description: 'One event of a case' })

const TimelineQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })

const isKey = (value: unknown): value is [string, string, string] =>
  Array.isArray(value) && value.length === 3 && isInstant(value[0]) && typeof value[1] === 'string' && typeof value[2] === 'string'

const snippet = (text: string | null): string => (text ?? '').length > 80 ? `${(text ?? '').slice(0, 79)}…` : (text ?? '')

export const timelineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app

  const describe = (caseId: string, row: EventRow): { href: string, title: string } => {
    const day = dayInDenmark(row.at)
    const label = (list: string): string => (row.code === null ? null : catalogs.coded(list, row.code, day).label) ?? row.code ?? ''
    switch (row.type) {
      case 'case-opened': return { href: `/v1/cases/${caseId}`, title: 'Sag åbnet' }
      case 'registration': {
        const level = row.detail === null ? '' : `, ${catalogs.coded('funktionsevneniveau', row.detail, day).label ?? row.detail}`
        return { href: `/v1/cases/${caseId}/investigation/${row.parent!}/${row.id}`, title: `${catalogs.list(row.parent!)?.title ?? row.parent!}: ${label(row.parent!)}${level}` }
      }
      case 'assessment': return { href: `/v1/cases/${caseId}/assessment`, title: 'Vurdering' }
      case 'goal': return { href: `/v1/cases/${caseId}/goals/${row.id}`, title: `Indsatsmål: ${label('aktivitet-og-deltagelse')}` }
      case 'decision': return { href: `/v1/decisions/${row.id}`, title: `Afgørelse ${row.detail ?? ''}: ${label('maalgrupper')}` }
      case 'intervention': return { href: `/v1/decisions/${row.parent!}/interventions/${row.id}`, title: `Social indsats: ${label('tilbud')}` }
      case 'delmaal': return { href: `/v1/cases/${caseId}/delmaal/${row.id}`, title: `Delmål: ${snippet(row.detail)}` }
      case 'note': return { href: `/v1/cases/${caseId}/notes/${row.id}`, title: `Notat: ${snippet(row.detail)}` }
      case 'follow-up': return { href: `/v1/decisions/${row.parent!}/follow-ups/${row.id}`, title: `Opfølgning: ${label('status-paa-indsats')}` }
      case 'ydelse-added': return { href: `/v1/ydelser/${row.id}`, title: `Ydelse tilføjet: ${label('ydelser')}` }
      case 'ydelse-changed': return { href: `/v1/ydelser/${row.id}/versions`, title: `Ydelse ændret: ${label('ydelser')}, ${row.detail ?? ''}` }
      case 'intervention-ended': return { href: `/v1/decisions/${row.parent!}/interventions/${row.id}`, title: `Social indsats ophørt ${row.detail ?? ''}: ${label('tilbud')}` }
      case 'provider-changed': return { href: `/v1/decisions/${row.parent!}/interventions/${row.id}`, title: `Skift af leverandør (${row.detail ?? ''}): ${label('tilbud')}` }
      case 'decision-ended': return { href: `/v1/decisions/${row.id}`, title: `Afgørelse ophørt ${row.detail ?? ''}` }
      case 'corrected': return { href: row.detail!, title: `Rettet: ${row.parent ?? ''}${row.code === null ? '' : ` (${row.code})`}` }
      case 'annulled': return { href: row.detail!, title: `Annulleret (${row.code ?? ''}): ${row.parent ?? ''}` }
    }
  }

  app.get('/cases/:id/timeline', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'timeline' } },
    schema: {
      tags: ['cases'],
      operationId: 'getTimeline',
      summary: 'Every event of the case — registrations, assessment, goals, decisions, interventions, delmål, notes, follow-ups, and the changes of a course — in time order',
      description: 'The changes of a course are events of their own: a ydelse added to an intervention, every new version of a ydelse ' +
        '(extended, shortened, corrected, ended — with its reason), an intervention ended, a change of provider, a decision ended; ' +
        'a correction of a registration, goal, decision or follow-up (`corrected`, leading to its versions); an annulment ' +
        '(`annulled`, leading to the annulled record), which takes the place of the record\'s own events.',
      params: CaseParams,
      querystring: TimelineQuery,
      response: { 200: Page(TimelineEvent), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { limit = 100, cursor } = request.query
    // The case is in the caller's municipalities, and so is everything on it.
    const found = await requireCase(app.database.db, request.caller, request.params.id)
    const after = cursor === undefined ? null : decodeCursor(cursor, isKey)
    const rows = await timelineEvents(app.database.db, found.id, after, limit + 1)
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    return toPage(rows, limit, (row) => ({ at: row.at.toISOString(), type: row.type, id: row.id, ...describe(found.id, row) }),
      (row) => [row.at.toISOString(), row.type, row.id])
  })
}
