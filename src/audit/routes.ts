import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { decodeCursor, isSafeInteger, Page, PageQuery, toPage } from '../http/paging.js'
import { parseInstant } from '../http/instants.js'
import { recordAccess } from '../http/audit.js'
import { listAudit } from './queries.js'

export const AuditRecord = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  clientId: Type.String({ format: 'uuid' }),
  kommunekode: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ examples: ['read'] }),
  resourceType: Type.String({ examples: ['case'] }),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.String(),
  outcome: Type.Union(['success', 'denied', 'not-found', 'rejected', 'failed'].map((o) => Type.Literal(o))),
  status: Type.Integer(),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'For exports: the filters and the count sent' })
}, { $id: 'AuditRecord', description: 'One access to citizen data' })

const AuditQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Records at or after this instant' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Records before this instant' })),
  clientId: Type.Optional(Type.String({ format: 'uuid' })),
  resourceType: Type.Optional(Type.String({ maxLength: 100 })),
  resourceId: Type.Optional(Type.String({ maxLength: 200 })),
  ...PageQuery
}, { additionalProperties: false })

const instant = (value: string | undefined, name: string): Date | undefined =>
  value === undefined ? undefined : parseInstant(value, 'query', `/${name}`)

/** GET /v1/audit: the audit trail of the caller's municipalities, oldest first. */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/audit', {
    config: { scope: 'audit:read', audit: { action: 'list', resource: 'audit' } },
    schema: {
      tags: ['audit'],
      operationId: 'listAuditRecords',
      summary: 'List audit records of the municipalities this client serves',
      description: 'Every read, search, export and change of citizen data in the municipalities this client serves, oldest first, ' +
        'paged with ?cursor=; narrowed by time range, client and resource.',
      querystring: AuditQuery,
      response: { 200: Page(Type.Ref('AuditRecord')) }
    }
  }, async (request) => {
    const { limit = 100, cursor, from, to, ...filters } = request.query
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isSafeInteger)
    const rows = await listAudit(app.database.db, request.caller, {
      ...filters, from: instant(from, 'from'), to: instant(to, 'to'), after, limit: limit + 1
    })
    await recordAccess(request, {})
    return toPage(rows, limit, (row) => ({ ...row, at: row.at.toISOString(), details: row.details === null ? null : JSON.parse(row.details) as Record<string, unknown> }), (row) => row.id)
  })
}
