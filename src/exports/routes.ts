import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { recordAccess, recordStreamAudit } from '../http/audit.js'
import { parseInstant } from '../http/instants.js'
import { ndjsonResponse, streamNdjson } from '../http/ndjson.js'
import { decodeCursor, encodeCursor, isSafeInteger } from '../http/paging.js'
import { problemResponses } from '../http/problems.js'
import { requireServed } from '../db/scope.js'
import { nextDecisions, requireUddataDecision } from './queries.js'
import { ExportQuery, type UddataDocument, type UddataTombstone } from './schemas.js'
import { buildDocuments, exportLines } from './uddata.js'

/**
 * The FFB uddata: one decision's document at /v1/decisions/{id}/uddata, and
 * every decision as a stream of NDJSON lines at /v1/exports/uddata.
 */

const NDJSON = 'application/x-ndjson'

/** A line the stream sends: a document unless the worklist filter leaves it out; a tombstone unless it is the worklist. */
const wanted = (line: UddataDocument | UddataTombstone, indberetningsklar: boolean | undefined): boolean =>
  'annulled' in line ? indberetningsklar !== false : indberetningsklar === undefined || line.indberetningsklar === indberetningsklar

export const exportRoutes: FastifyPluginAsyncTypebox<{ batchSize: number }> = async (app, { batchSize }) => {
  const { catalogs } = app

  app.get('/decisions/:id/uddata', {
    config: { scope: 'export:read', audit: { action: 'export', resource: 'uddata' } },
    schema: {
      tags: ['export'],
      operationId: 'getDecisionUddata',
      summary: 'The FFB uddata blocks of one decision, by its id or its sagsafgoerelsesId',
      description: 'Every block of the uddata specification with its date stamps and full history, codes with their labels, ' +
        'the derived DST codes of each intervention, and whether the decision is indberetningsklar (and if not, why).',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: 'Our id, or the sagsafgoerelsesId' }) }),
      querystring: Type.Object({
        kommunekode: Type.Optional(Type.String({ pattern: '^[0-9]{3}$', description: 'Where a sagsafgoerelsesId is used in several municipalities' }))
      }, { additionalProperties: false }),
      response: { 200: Type.Ref('UddataDocument'), ...problemResponses(['not-found', 'conflict', 'anonymised']) }
    }
  }, async (request) => {
    const found = await requireUddataDecision(app.database.db, request.caller, request.params.id, request.query.kommunekode)
    const [document] = await buildDocuments(app.database.db, request.caller, catalogs, [found])
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    return document!
  })

  app.get('/exports/uddata', {
    config: { scope: 'export:read', audit: { action: 'export', resource: 'uddata' } },
    schema: {
      tags: ['export'],
      operationId: 'exportUddata',
      summary: 'Stream the uddata of every decision as NDJSON, one line per decision, ending with a trailer',
      description: 'Decisions in the order they were made, read in batches, so memory stays flat whatever the size; ' +
        'gzip with Accept-Encoding: gzip. Every document line carries a cursor, and the trailer the cursor after the last ' +
        'decision: pass it back to continue (decisions made meanwhile follow). A cursor walks decisions in the order they were ' +
        'made; for the daily delta of changed decisions use changedSince: it also carries a tombstone line ' +
        '({sagsafgoerelsesId, annulled: true, annulledAt, reason}) for every decision annulled since, so a BI system can delete ' +
        'it (never in a full export, nor in the indberetningsklar=false worklist). The whole stream is one audit record.',
      querystring: ExportQuery,
      response: {
        200: ndjsonResponse(NDJSON, 'UddataExportLine', 'a line per decision, then the trailer'),
        ...problemResponses(['forbidden'])
      }
    }
  }, async (request, reply) => {
    const { kommunekode, changedSince, indberetningsklar, cursor } = request.query
    if (kommunekode !== undefined) requireServed(request.caller, kommunekode)
    const delta = changedSince === undefined ? undefined : { since: parseInstant(changedSince, 'query', '/changedSince'), now: app.clock() }
    const db = app.database.db
    // The schema describes the lines; what is sent is a stream of them (the type provider expects one line).
    return await streamNdjson(request, reply, {
      mediaType: NDJSON,
      start: cursor === undefined ? 0 : decodeCursor(cursor, isSafeInteger),
      batch: async (after) => await nextDecisions(db, request.caller, { kommunekode, delta }, after, batchSize),
      batchSize,
      positionOf: (row) => row.seq,
      lines: async (rows) => (await exportLines(db, request.caller, catalogs, rows)).flatMap((line, i) =>
        wanted(line, indberetningsklar) ? [{ ...line, cursor: encodeCursor(rows[i]!.seq) }] : []),
      trailer: ({ count, after }) => ({ trailer: true, count, cursor: encodeCursor(after), complete: true }),
      onEnd: async ({ count, complete }) => {
        await recordStreamAudit(request, kommunekode ?? null,
          { kommunekode: kommunekode ?? null, changedSince: changedSince ?? null, indberetningsklar: indberetningsklar ?? null, cursor: cursor ?? null, count, complete })
      }
    })
  })
}
