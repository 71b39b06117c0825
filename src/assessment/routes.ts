import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { refuseAnnulled } from '../annulment/marker.js'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { requireCase, touchCase } from '../cases/queries.js'
import { HttpProblem, problemResponses } from '../http/problems.js'
import { etagOf } from '../db/unit-of-work.js'
import { UpsertHeaders, withHeaders, write } from '../http/writes.js'
import { CaseParams } from '../cases/schemas.js'
import { assessmentEtagKey as tag, createAssessment, findAssessment, replaceAssessment, toAssessment } from './queries.js'
import { AssessmentPut } from './schemas.js'

/**
 * /v1/cases/{id}/assessment: one assessment per case. The first PUT creates
 * it (201); every later PUT replaces it and needs If-Match (428/412).
 */

export const assessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/cases/:id/assessment', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'assessment' } },
    schema: {
      tags: ['assessment'],
      operationId: 'getAssessment',
      summary: 'The assessment of a case (samlet vurdering, indsatsformål)',
      description: '404 while the case has none. Its ETag is what a PUT that replaces it sends in If-Match.',
      params: CaseParams,
      response: { 200: withHeaders(Type.Ref('Assessment'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const row = await findAssessment(app.database.db, request.caller, request.params.id)
    if (row === undefined) throw new HttpProblem('not-found', `Case ${request.params.id} has no assessment in the municipalities this client serves`)
    await recordAccess(request, { resourceId: row.case_id, kommunekode: row.kommunekode })
    reply.header('etag', etagOf(tag(row.case_id), row.version))
    return toAssessment(row)
  })

  app.put('/cases/:id/assessment', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'assessment' } },
    schema: {
      tags: ['assessment'],
      operationId: 'putAssessment',
      summary: 'Write the assessment of a case: creates it (201), or replaces it with If-Match (200)',
      description: 'The first PUT creates the assessment (201) and needs no If-Match; every later one replaces it and must send ' +
        'If-Match with its ETag (428 without, 412 when it changed since).',
      params: CaseParams,
      headers: UpsertHeaders,
      body: AssessmentPut,
      response: {
        200: withHeaders(Type.Ref('Assessment'), ['etag', 'idempotent-replayed']),
        201: withHeaders(Type.Ref('Assessment'), ['location', 'etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict'])
      }
    }
  }, async (request, reply) => {
    const values = { samlet_vurdering: request.body.samletVurdering, indsatsformaal: request.body.indsatsformaal }
    return await write(request, reply, async (trx, guard) => {
      const found = await requireCase(trx, request.caller, request.params.id)
      const current = await findAssessment(trx, request.caller, found.id, { forUpdate: true })
      if (current !== undefined) refuseAnnulled(current, `assessment of case ${found.id}`)
      const location = `/v1/cases/${found.id}/assessment`
      const created = current === undefined && !guard.hasIfMatch
        ? await createAssessment(trx, { case_id: found.id, kommunekode: found.kommunekode, ...values })
        : undefined
      if (created !== undefined) {
        await touchCase(trx, found.id)
        return { status: 201, body: toAssessment(created), location, etag: etagOf(tag(found.id), created.version), resourceId: found.id, kommunekode: found.kommunekode }
      }
      // It exists (or the client expects it to): replacing it needs the ETag it read.
      if (current === undefined && !guard.hasIfMatch) {
        throw new HttpProblem('conflict', 'Another request created the assessment meanwhile; read it and send If-Match with its ETag')
      }
      guard.ifMatch(tag(found.id), current?.version)
      const row = await replaceAssessment(trx, found.id, values)
      await touchCase(trx, found.id)
      return { status: 200, body: toAssessment(row), etag: etagOf(tag(found.id), row.version), resourceId: found.id, kommunekode: found.kommunekode }
    })
  })
}
