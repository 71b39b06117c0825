import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { parseInstant, registrationInstant } from '../http/instants.js'
import { decodeCursor, isSafeInteger, Page, toPage } from '../http/paging.js'
import { problemResponses } from '../http/problems.js'
import { requireServed } from '../db/scope.js'
import { etagOf } from '../db/unit-of-work.js'
import { auditContext, recordAccess } from '../http/audit.js'
import { CreateHeaders, UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { normalizeCpr } from './cpr.js'
import { casesOfCitizen, insertCase, listCases, normalizeSagsnummer, readCase, requireCase, toCase, updateCase } from './queries.js'
import { CaseCreate, CaseParams, CaseListQuery, CasePatch, CaseSearch } from './schemas.js'

/**
 * /v1/cases: open, read, change, list and search cases (VUM phase 1).
 * A case outside the caller's municipalities is a 404, as if it did not exist.
 */

// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const caseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/cases', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'case' } },
    schema: {
      tags: ['cases'],
      operationId: 'createCase',
      summary: 'Open a case for a citizen (sagsåbning)',
      description: 'The CPR number is sent in the body, never in a URL. 201 with the case, its Location and ETag; 403 for a ' +
        'municipality this client does not serve; 409 for a sagsnummer another case of the municipality has. With an ' +
        'Idempotency-Key a retry returns the same case.',
      headers: CreateHeaders,
      body: CaseCreate,
      response: { 201: withHeaders(Type.Ref('Case'), ['location', 'etag', 'idempotent-replayed']), ...problemResponses(['conflict']) }
    }
  }, async (request, reply) => {
    const { kommunekode, cpr, sagsnummer, borgerensOensker, diagnoser, openedAt } = request.body
    requireServed(request.caller, kommunekode)
    const values = {
      id: randomUUID(),
      kommunekode,
      cpr: normalizeCpr(cpr),
      sagsnummer: sagsnummer === undefined ? null : normalizeSagsnummer(sagsnummer),
      borgerens_oensker: borgerensOensker ?? null,
      diagnoser: diagnoser ?? [],
      opened_at: registrationInstant(openedAt, '/openedAt')
    }
    return await write(request, reply, {
      statement: async (db, { audit }) => {
        const { row, audited } = await insertCase(db, audit, values)
        return { status: 201, body: toCase(row), location: `/v1/cases/${row.id}`, etag: etagOf(row.id, row.version), resourceId: row.id, kommunekode, audited }
      }
    })
  })

  app.get('/cases/:id', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'case' } },
    schema: {
      tags: ['cases'],
      operationId: 'getCase',
      summary: 'Read a case; the ETag header is what an update sends in If-Match',
      description: '404 for a case that does not exist or belongs to a municipality this client does not serve.',
      params: CaseParams,
      response: { 200: withHeaders(Type.Ref('Case'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const row = await readCase(app.database.db, request.caller, auditContext(request), request.params.id)
    reply.header('etag', etagOf(row.id, row.version))
    return toCase(row)
  })

  app.patch('/cases/:id', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'case' } },
    schema: {
      tags: ['cases'],
      operationId: 'updateCase',
      summary: 'Change a case\'s sagsnummer, wishes or diagnoses; requires If-Match',
      description: 'Send If-Match with the ETag from the last read (428 without it, 412 when the case changed since). Only the fields ' +
        'sent change; null clears the sagsnummer. 409 for a sagsnummer another case of the municipality has.',
      params: CaseParams,
      headers: UpdateHeaders,
      body: CasePatch,
      response: { 200: withHeaders(Type.Ref('Case'), ['etag', 'idempotent-replayed']), ...problemResponses(['not-found', 'conflict']) }
    }
  }, async (request, reply) => {
    const { sagsnummer, borgerensOensker, diagnoser } = request.body
    return await write(request, reply, async (trx, guard) => {
      const current = await requireCase(trx, guard.scope, request.params.id, { forUpdate: true })
      guard.ifMatch(current.id, current.version)
      const row = await updateCase(trx, current, {
        ...(sagsnummer === undefined ? {} : { sagsnummer: sagsnummer === null ? null : normalizeSagsnummer(sagsnummer) }),
        ...(borgerensOensker === undefined ? {} : { borgerens_oensker: borgerensOensker }),
        ...(diagnoser === undefined ? {} : { diagnoser })
      })
      return { status: 200, body: toCase(row), etag: etagOf(row.id, row.version), resourceId: row.id, kommunekode: row.kommunekode, changed: Object.keys(request.body) }
    })
  })

  app.get('/cases', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'case' } },
    schema: {
      tags: ['cases'],
      operationId: 'listCases',
      summary: 'List cases of the municipalities this client serves, oldest first',
      description: 'Paged with ?limit= and ?cursor=; ?changedSince= gives what changed since the last sync, ?openedSince= what was opened, ' +
        '?sagsnummer= the case the municipality knows by that number.',
      querystring: CaseListQuery,
      response: { 200: Page(Type.Ref('Case')) }
    }
  }, async (request) => {
    const { limit = 100, cursor, kommunekode, sagsnummer, openedSince, changedSince } = request.query
    const rows = await listCases(app.database.db, request.caller, {
      kommunekode,
      sagsnummer: sagsnummer === undefined ? undefined : normalizeSagsnummer(sagsnummer),
      openedSince: openedSince === undefined ? undefined : parseInstant(openedSince, 'query', '/openedSince'),
      changedSince: changedSince === undefined ? undefined : parseInstant(changedSince, 'query', '/changedSince'),
      after: cursor === undefined ? undefined : decodeCursor(cursor, isSafeInteger),
      limit: limit + 1
    })
    await recordAccess(request, { kommunekode: kommunekode ?? null })
    return toPage(rows, limit, toCase, (row) => row.seq)
  })

  app.post('/cases/search', {
    config: { scope: 'cases:read', audit: { action: 'search', resource: 'case' } },
    schema: {
      tags: ['cases'],
      operationId: 'searchCases',
      summary: 'Find a citizen\'s cases by CPR number (sent in the body, never in a URL)',
      description: 'A POST, so the CPR number stays out of URLs and logs. Each case found is recorded in the audit trail.',
      body: CaseSearch,
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('Case')) }, { description: 'The citizen\'s cases, oldest first' }) }
    }
  }, async (request) => {
    const rows = await casesOfCitizen(app.database.db, request.caller, normalizeCpr(request.body.cpr), request.body.kommunekode)
    // One event per case found, so "who has looked at this case" finds searches too.
    await recordAccess(request, rows.length === 0
      ? { kommunekode: request.body.kommunekode ?? null }
      : rows.map((row) => ({ resourceId: row.id, kommunekode: row.kommunekode })))
    return { items: rows.map(toCase) }
  })
}
