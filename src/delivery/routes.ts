import { randomUUID } from 'node:crypto'
import { refuseAnnulled } from '../annulment/marker.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { requireCase, touchCase } from '../cases/queries.js'
import { parseInstant, registrationInstant } from '../http/instants.js'
import { decodeCursor, isInstantSeq, isSafeInteger, Page, toPage } from '../http/paging.js'
import { fieldProblem, HttpProblem, problemResponses } from '../http/problems.js'
import { etagOf } from '../db/unit-of-work.js'
import { CreateHeaders, UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { CaseParams } from '../cases/schemas.js'
import { findDelmaal, insertDelmaal, insertNote, isGoalOfCase, listDelmaal, listNotes, TAG_THEMES, toDelmaal, toNote, updateDelmaal } from './queries.js'
import { DelmaalCreate, DelmaalParams, DelmaalPatch, DelmaalQuery, NoteCreate, NoteParams, NoteQuery } from './schemas.js'

/**
 * /v1/cases/{id}/delmaal and /v1/cases/{id}/notes: the provider's delivery
 * (VUM phase 6), written under scope delivery:write, read under cases:read.
 */

const delmaalNotFound = (caseId: string, id: string): HttpProblem =>
  new HttpProblem('not-found', `No delmål ${id} on case ${caseId} in the municipalities this client serves`)

// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const deliveryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app

  app.post('/cases/:id/delmaal', {
    config: { scope: 'delivery:write', audit: { action: 'create', resource: 'delmaal' } },
    schema: {
      tags: ['delivery'],
      operationId: 'createDelmaal',
      summary: 'Add a delmål to one of the case\'s goals',
      description: 'Needs scope delivery:write, a provider\'s. The goal must be one of the case\'s (422 otherwise). 201 with the delmål, ' +
        'its Location and ETag.',
      params: CaseParams,
      headers: CreateHeaders,
      body: DelmaalCreate,
      response: { 201: withHeaders(Type.Ref('Delmaal'), ['location', 'etag', 'idempotent-replayed']), ...problemResponses(['not-found', 'domain-rule']) }
    }
  }, async (request, reply) => {
    const body = request.body
    if (body.maaldato !== undefined && body.maaldato < body.startdato) {
      throw fieldProblem('domain-rule', '/maaldato', 'before-start', `must not be before startdato ${body.startdato}`)
    }
    return await write(request, reply, async (trx) => {
      const found = await requireCase(trx, request.caller, request.params.id)
      if (!await isGoalOfCase(trx, found.id, body.goalId)) throw fieldProblem('domain-rule', '/goalId', 'not-on-case', 'is not a goal of this case')
      const row = await insertDelmaal(trx, {
        id: randomUUID(),
        case_id: found.id,
        goal_id: body.goalId.toLowerCase(),
        kommunekode: found.kommunekode,
        tekst: body.tekst,
        startdato: body.startdato,
        maaldato: body.maaldato ?? null,
        status: body.status ?? 'aktiv'
      })
      await touchCase(trx, found.id)
      return {
        status: 201,
        body: toDelmaal(row),
        location: `/v1/cases/${found.id}/delmaal/${row.id}`,
        etag: etagOf(row.id, row.version),
        resourceId: found.id,
        kommunekode: found.kommunekode
      }
    })
  })

  app.get('/cases/:id/delmaal', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'delmaal' } },
    schema: {
      tags: ['delivery'],
      operationId: 'listDelmaal',
      summary: 'The delmål of a case, oldest first; ?goalId= for one goal\'s',
      description: 'Paged with ?limit= and ?cursor=.',
      params: CaseParams,
      querystring: DelmaalQuery,
      response: { 200: Page(Type.Ref('Delmaal')), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { limit = 100, cursor, goalId, includeAnnulled } = request.query
    const found = await requireCase(app.database.db, request.caller, request.params.id)
    const rows = await listDelmaal(app.database.db, request.caller, found.id, {
      goalId, annulled: includeAnnulled, after: cursor === undefined ? undefined : decodeCursor(cursor, isSafeInteger), limit: limit + 1
    })
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    return toPage(rows, limit, toDelmaal, (row) => row.seq)
  })

  app.get('/cases/:id/delmaal/:delmaalId', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'delmaal' } },
    schema: {
      tags: ['delivery'],
      operationId: 'getDelmaal',
      summary: 'One delmål; its ETag is what a change sends in If-Match',
      description: '404 when the delmål is not on this case.',
      params: DelmaalParams,
      response: { 200: withHeaders(Type.Ref('Delmaal'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const { id, delmaalId } = request.params
    const row = await findDelmaal(app.database.db, request.caller, id, delmaalId, { annulled: true })
    if (row === undefined) throw delmaalNotFound(id, delmaalId)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    reply.header('etag', etagOf(row.id, row.version))
    return toDelmaal(row)
  })

  app.patch('/cases/:id/delmaal/:delmaalId', {
    config: { scope: 'delivery:write', audit: { action: 'update', resource: 'delmaal' } },
    schema: {
      tags: ['delivery'],
      operationId: 'updateDelmaal',
      summary: 'Change a delmål\'s text, target date or status; requires If-Match',
      description: 'Send If-Match with the delmål\'s ETag (428 without it, 412 when it changed since). Only the fields sent change.',
      params: DelmaalParams,
      headers: UpdateHeaders,
      body: DelmaalPatch,
      response: { 200: withHeaders(Type.Ref('Delmaal'), ['etag', 'idempotent-replayed']), ...problemResponses(['not-found', 'conflict', 'domain-rule']) }
    }
  }, async (request, reply) => {
    const { id, delmaalId } = request.params
    return await write(request, reply, async (trx, guard) => {
      const current = await findDelmaal(trx, request.caller, id, delmaalId, { forUpdate: true, annulled: true })
      if (current === undefined) throw delmaalNotFound(id, delmaalId)
      refuseAnnulled(current, `delmål ${delmaalId}`)
      guard.ifMatch(current.id, current.version)
      const maaldato = request.body.maaldato === undefined ? current.maaldato : request.body.maaldato
      if (maaldato !== null && maaldato < current.startdato) {
        throw fieldProblem('domain-rule', '/maaldato', 'before-start', `must not be before startdato ${current.startdato}`)
      }
      const row = await updateDelmaal(trx, current.id, request.body)
      await touchCase(trx, current.case_id)
      return { status: 200, body: toDelmaal(row), etag: etagOf(row.id, row.version), resourceId: id, kommunekode: row.kommunekode }
    })
  })

  app.post('/cases/:id/notes', {
    config: { scope: 'delivery:write', audit: { action: 'create', resource: 'note' } },
    schema: {
      tags: ['delivery'],
      operationId: 'createNote',
      summary: 'Write a note, optionally on a delmål, tagged with the F&F or A&D sub-themes it concerns',
      description: 'Needs scope delivery:write. Tags are F&F or A&D sub-theme codes; a delmål, if named, must be on the case. 201 with ' +
        'the note and its Location.',
      params: CaseParams,
      headers: CreateHeaders,
      body: NoteCreate,
      response: { 201: withHeaders(Type.Ref('Note'), ['location', 'etag', 'idempotent-replayed']), ...problemResponses(['not-found', 'catalog-code', 'domain-rule']) }
    }
  }, async (request, reply) => {
    const body = request.body
    const tidspunkt = registrationInstant(body.tidspunkt, '/tidspunkt')
    const day = dayInDenmark(tidspunkt)
    const tags = body.tags ?? []
    tags.forEach((code, i) => {
      const list = TAG_THEMES.find((theme) => catalogs.entry(theme, code) !== undefined) ?? TAG_THEMES[0]
      catalogs.check(list, code, day, `/tags/${i}`)
    })
    return await write(request, reply, async (trx) => {
      const found = await requireCase(trx, request.caller, request.params.id)
      if (body.delmaalId !== undefined && await findDelmaal(trx, request.caller, found.id, body.delmaalId) === undefined) {
        throw fieldProblem('domain-rule', '/delmaalId', 'not-on-case', 'is not a delmål of this case')
      }
      const row = await insertNote(trx, {
        id: randomUUID(),
        case_id: found.id,
        kommunekode: found.kommunekode,
        tekst: body.tekst,
        tidspunkt,
        forfatterrolle: body.forfatterrolle,
        delmaal_id: body.delmaalId ?? null,
        tags
      })
      await touchCase(trx, found.id)
      return {
        status: 201, body: toNote(catalogs, row), location: `/v1/cases/${found.id}/notes/${row.id}`, etag: etagOf(row.id, row.version), resourceId: found.id, kommunekode: found.kommunekode
      }
    })
  })

  app.get('/cases/:id/notes', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'note' } },
    schema: {
      tags: ['delivery'],
      operationId: 'listNotes',
      summary: 'The notes of a case in time order, filtered by tag, delmål and time range',
      description: 'Paged with ?limit= and ?cursor=; ?tag=, ?delmaalId=, ?from= and ?to= narrow the list.',
      params: CaseParams,
      querystring: NoteQuery,
      response: { 200: Page(Type.Ref('Note')), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { limit = 100, cursor, tag, delmaalId, from, to, includeAnnulled } = request.query
    const found = await requireCase(app.database.db, request.caller, request.params.id)
    const rows = await listNotes(app.database.db, request.caller, found.id, {
      tag,
      annulled: includeAnnulled,
      delmaalId,
      from: from === undefined ? undefined : parseInstant(from, 'query', '/from'),
      to: to === undefined ? undefined : parseInstant(to, 'query', '/to'),
      after: cursor === undefined ? undefined : decodeCursor(cursor, isInstantSeq),
      limit: limit + 1
    })
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    return toPage(rows, limit, (row) => toNote(catalogs, row), (row) => [row.tidspunkt.toISOString(), row.seq])
  })

  app.get('/cases/:id/notes/:noteId', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'note' } },
    schema: {
      tags: ['delivery'],
      operationId: 'getNote',
      summary: 'One note',
      description: '404 when the note is not on this case.',
      params: NoteParams,
      response: { 200: withHeaders(Type.Ref('Note'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const { id, noteId } = request.params
    const [row] = await listNotes(app.database.db, request.caller, id, { limit: 1, noteId })
    if (row === undefined) throw new HttpProblem('not-found', `No note ${noteId} on case ${id} in the municipalities this client serves`)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    reply.header('etag', etagOf(row.id, row.version))
    return toNote(catalogs, row)
  })
}
