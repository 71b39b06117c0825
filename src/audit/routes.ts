import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { decodeCursor, Page, PageQuery, toPage } from '../http/paging.js'
import { HttpProblem } from '../http/problems.js'
import { recordAudit } from './record.js'
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
  status: Type.Integer()
}, { $id: 'AuditRecord', description: 'One access to citizen data' })

const AuditQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Records at or after this instant' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Records before this instant' })),
  clientId: Type.Optional(Type.String({ format: 'uuid' })),
  resourceType: Type.Optional(Type.String({ maxLength: 100 })),
  resourceId: Type.Optional(Type.String({ maxLength: 200 })),
  ...PageQuery
}, { additionalProperties: false })

/** RFC 3339 allows what a Date cannot hold (leap seconds, zone suffixes): a 400, not a 500. */
function instant (value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) {
    throw new HttpProblem('validation', `${name} is not an instant this API can use`, {
      errors: [{ in: 'query', pointer: `/${name}`, code: 'format', message: 'use an RFC 3339 date-time such as 2026-01-01T00:00:00Z' }]
    })
  }
  return date
}

const isKey = (value: unknown): value is number => Number.isSafeInteger(value)

/** GET /v1/audit: the audit trail of the caller's municipalities, oldest first. */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/audit', {
    config: { scope: 'audit:read', audit: { action: 'list', resource: 'audit' } },
    schema: {
      tags: ['audit'],
      summary: 'List audit records of the municipalities this client serves',
      querystring: AuditQuery,
      response: { 200: Page(Type.Ref('AuditRecord')) }
    }
  }, async (request) => {
    const { limit = 100, cursor, from, to, ...filters } = request.query
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isKey)
    const rows = await listAudit(app.database.db, request.caller, {
      ...filters, from: instant(from, 'from'), to: instant(to, 'to'), after, limit: limit + 1
    })
    await recordAudit(app.database.db, request)
    return toPage(rows, limit, (row) => ({ ...row, at: row.at.toISOString() }), (row) => row.id)
  })
}
