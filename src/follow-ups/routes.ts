import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IncludeAnnulledQuery } from '../annulment/schemas.js'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { dayInDenmark, today } from '../catalogs/catalogs.js'
import { registrationInstant } from '../http/instants.js'
import { decodeCursor, isDay, Page, toPage } from '../http/paging.js'
import { fieldProblem, HttpProblem, problemResponses } from '../http/problems.js'
import { CreateHeaders, UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { etagOf } from '../db/unit-of-work.js'
import { listVersions } from '../versions/queries.js'
import { requireDecision } from '../decisions/queries.js'
import { DecisionParams } from '../decisions/schemas.js'
import { correctFollowUp } from './correct.js'
import { dueGoals, findFollowUp, listFollowUps, loadFollowUps, type FollowUpVersionData } from './queries.js'
import { recordFollowUp, statusEffect } from './record.js'
import { DueGoal, DueQuery, FollowUpCreate, FollowUpParams, FollowUpPatch, FollowUpVersionList } from './schemas.js'

/**
 * /v1/decisions/{id}/follow-ups: the authority's follow-up (VUM phase 7);
 * /v1/follow-ups/due: goals whose follow-up date has passed without one.
 */

const isDueKey = (value: unknown): value is [string, number] =>
  Array.isArray(value) && value.length === 2 && isDay(value[0]) && Number.isSafeInteger(value[1])

// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const followUpRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app

  app.post('/decisions/:id/follow-ups', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'follow-up' } },
    schema: {
      tags: ['follow-ups'],
      operationId: 'createFollowUp',
      summary: 'Follow up on a decision: a new level for each of its goals, a new støttebehov and a status på indsats',
      description: 'The new levels are stored as A&D registrations dated at the follow-up, and the støttebehov as a new ' +
        'støttebehov of the decision, so the history keeps both dates. A closed decision takes no follow-up (409).',
      params: DecisionParams,
      headers: CreateHeaders,
      body: FollowUpCreate,
      response: {
        201: withHeaders(Type.Ref('FollowUp'), ['location', 'etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const input = request.body
    // UUIDs may come in either case; the database gives them in lower case.
    const body = { ...input, maal: input.maal.map((m) => ({ ...m, goalId: m.goalId.toLowerCase() })) }
    const registeredAt = registrationInstant(body.registeredAt, '/registeredAt')
    const day = dayInDenmark(registeredAt)
    body.maal.forEach((m, i) => catalogs.check('funktionsevneniveau', m.funktionsevneniveau, day, `/maal/${i}/funktionsevneniveau`))
    catalogs.check('stoettebehov', body.stoettebehov.code, day, '/stoettebehov/code')
    catalogs.check('status-paa-indsats', body.statusPaaIndsats, day, '/statusPaaIndsats')
    const effect = statusEffect(body.statusPaaIndsats)
    if (!effect.closes && body.naesteOpfoelgningsdato === undefined) {
      throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'required', 'is required when the intervention continues: when are the goals next due?')
    }
    if (effect.closes && body.naesteOpfoelgningsdato !== undefined) {
      throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'not-continued', 'is only for a follow-up that continues the intervention')
    }
    if (body.naesteOpfoelgningsdato !== undefined && body.naesteOpfoelgningsdato <= day) {
      throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'not-after', `must be after the opfølgningsdato ${day}`)
    }

    return await write(request, reply, async (trx) => {
      const { decision, followUp } = await recordFollowUp(trx, request.caller, catalogs, request.params.id, { ...body, registeredAt, day, effect })
      return {
        status: 201,
        body: followUp,
        location: `/v1/decisions/${decision.id}/follow-ups/${followUp.id}`,
        etag: etagOf(followUp.id, followUp.version),
        resourceId: decision.id,
        kommunekode: decision.kommunekode
      }
    })
  })

  app.get('/decisions/:id/follow-ups', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'follow-up' } },
    schema: {
      tags: ['follow-ups'],
      operationId: 'listFollowUps',
      summary: 'The follow-ups of a decision, oldest first',
      description: 'All of them: a decision has a follow-up or two a year.',
      params: DecisionParams,
      querystring: IncludeAnnulledQuery,
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('FollowUp')) }), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const decision = await requireDecision(app.database.db, request.caller, request.params.id)
    await recordAccess(request, { resourceId: decision.id, kommunekode: decision.kommunekode })
    const rows = await listFollowUps(app.database.db, request.caller, decision.id, { annulled: request.query.includeAnnulled === true })
    return { items: await loadFollowUps(app.database.db, request.caller, catalogs, rows) }
  })

  const followUpNotFound = (id: string, followUpId: string) =>
    new HttpProblem('not-found', `No follow-up ${followUpId} on decision ${id} in the municipalities this client serves`)

  app.get('/decisions/:id/follow-ups/:followUpId', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'follow-up' } },
    schema: {
      tags: ['follow-ups'],
      operationId: 'getFollowUp',
      summary: 'One follow-up',
      description: '404 when the follow-up is not of this decision.',
      params: FollowUpParams,
      response: { 200: withHeaders(Type.Ref('FollowUp'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const { id, followUpId } = request.params
    const row = await findFollowUp(app.database.db, request.caller, id, followUpId)
    if (row === undefined) throw followUpNotFound(id, followUpId)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    reply.header('etag', etagOf(row.id, row.version))
    return (await loadFollowUps(app.database.db, request.caller, catalogs, [row]))[0]!
  })

  app.patch('/decisions/:id/follow-ups/:followUpId', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'follow-up' } },
    schema: {
      operationId: 'correctFollowUp',
      tags: ['follow-ups'],
      summary: 'Correct a follow-up recorded wrong: per goal the vurderinger, mål opnået and the new level; the next follow-up date',
      description: 'Send If-Match with the follow-up\'s ETag (428 without, 412 when it changed since). A correction is not a new ' +
        'follow-up: it keeps its id and date, and every version is kept with its reason (GET …/versions). A corrected level is a new ' +
        'version of the A&D registration the follow-up made (its own …/versions too), checked against the catalog in force on the ' +
        'opfølgningsdato. The status på indsats is not corrected (422 status-not-correctable): an afslutning ended the course, and a ' +
        'correction neither undoes an ending nor ends a course. The decision changes with it (changedSince), and with a corrected level ' +
        'every decision of the case (their uddata A&D block). An annulled follow-up is not corrected (409).',
      params: FollowUpParams,
      headers: UpdateHeaders,
      body: FollowUpPatch,
      response: {
        200: withHeaders(Type.Ref('FollowUp'), ['etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const { id, followUpId } = request.params
    const { reason, maal, ...rest } = request.body
    // UUIDs may come in either case; the database gives them in lower case.
    const change = { ...rest, ...(maal === undefined ? {} : { maal: maal.map((m) => ({ ...m, goalId: m.goalId.toLowerCase() })) }) }
    return await write(request, reply, async (trx, guard) => await correctFollowUp(trx, guard, catalogs, { decisionId: id, followUpId }, change, reason))
  })

  app.get('/decisions/:id/follow-ups/:followUpId/versions', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'follow-up' } },
    schema: {
      operationId: 'listFollowUpVersions',
      tags: ['follow-ups'],
      summary: 'Every version of a follow-up, oldest first: what it said, who wrote it, when and why',
      description: 'The first version is the follow-up as it was recorded; each later one names who corrected it, when and why.',
      params: FollowUpParams,
      response: { 200: FollowUpVersionList, ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const { id, followUpId } = request.params
    const row = await findFollowUp(app.database.db, request.caller, id, followUpId)
    if (row === undefined) throw followUpNotFound(id, followUpId)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    return { items: await listVersions<FollowUpVersionData>(app.database.db, 'follow-up', row.id) }
  })

  app.get('/follow-ups/due', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'follow-up' } },
    schema: {
      tags: ['follow-ups'],
      operationId: 'listDueFollowUps',
      summary: 'Goals whose follow-up date has passed without a follow-up, with their open decisions; oldest first',
      description: 'A worklist: ?date= (default today in Denmark) sets the day, ?kommunekode= one municipality; paged.',
      querystring: DueQuery,
      response: { 200: Page(DueGoal) }
    }
  }, async (request) => {
    const { limit = 100, cursor, kommunekode, date = today() } = request.query
    const rows = await dueGoals(app.database.db, request.caller, {
      date, kommunekode, after: cursor === undefined ? undefined : decodeCursor(cursor, isDueKey), limit: limit + 1
    })
    await recordAccess(request, { kommunekode: kommunekode ?? null })
    return toPage(rows, limit, (row) => ({
      goalId: row.id,
      caseId: row.case_id,
      kommunekode: row.kommunekode,
      opfoelgningsdato: row.due,
      ansvarligForOpfoelgning: row.ansvarlig_for_opfoelgning,
      primaertUndertema: catalogs.coded('aktivitet-og-deltagelse', row.primaert_undertema, dayInDenmark(row.registered_at)),
      decisions: row.decisions
    }), (row) => [row.due, row.seq])
  })
}
