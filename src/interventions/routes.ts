import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { checkProvider } from '../decisions/rules.js'
import { findIntervention, toYdelse, type YdelseVersionData } from '../decisions/queries.js'
import { InterventionParams } from '../decisions/schemas.js'
import { etagOf } from '../db/unit-of-work.js'
import { recordAccess } from '../http/audit.js'
import { registrationInstant } from '../http/instants.js'
import { HttpProblem, problemResponses } from '../http/problems.js'
import { UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { listVersions } from '../versions/queries.js'
import { addYdelse, changeProvider, changeYdelse, endIntervention, type CourseContext } from './course.js'
import { findYdelse } from './queries.js'
import { InterventionEnding, ProviderChange, YdelseCreate, YdelseParams, YdelsePatch, YdelseVersions } from './schemas.js'

/**
 * A social intervention over time (VUM phase 5 and the circle back):
 * ydelser added, extended, shortened, corrected; the intervention ended or
 * moved to another provider. Every change needs If-Match (course.ts).
 */

const IF_MATCH = 'Send If-Match with the ETag of what you change (428 without it, 412 when it has changed since you read it).'

// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const interventionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app
  const context = (): CourseContext => {
    const now = app.clock()
    return { catalogs, today: dayInDenmark(now), now }
  }
  const ydelseNotFound = (id: string) => new HttpProblem('not-found', `No ydelse ${id} in the municipalities this client serves`)

  app.post('/decisions/:id/interventions/:interventionId/ydelser', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'ydelse' } },
    schema: {
      tags: ['decisions'],
      operationId: 'addYdelse',
      summary: 'Add a ydelse to an intervention (e.g. "støtte til uddannelse" added later to the same § 85 support)',
      description: `${IF_MATCH} Here: the intervention's ETag. An ended intervention takes no new ydelser (409). The answer carries ` +
        'the intervention\'s DST codes and warnings as they stand with the new ydelse.',
      params: InterventionParams,
      headers: UpdateHeaders,
      body: YdelseCreate,
      response: {
        201: withHeaders(Type.Ref('Ydelse'), ['location', 'etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const { body } = request
    const registeredAt = registrationInstant(body.registeredAt, '/registeredAt', app.clock())
    catalogs.check('ydelser', body.code, dayInDenmark(registeredAt), '/code')
    const at = { decisionId: request.params.id, interventionId: request.params.interventionId }
    return await write(request, reply, async (trx, guard) =>
      await addYdelse(trx, guard, context(), at, { code: body.code, startdato: body.startdato, slutdato: body.slutdato, registeredAt }))
  })

  app.get('/ydelser/:id', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'ydelse' } },
    schema: {
      tags: ['decisions'],
      operationId: 'getYdelse',
      summary: 'One ydelse with its period, status and ETag, and its intervention\'s DST codes and warnings',
      description: 'Its status follows its dates on every read. Its ETag is what a PATCH sends in If-Match.',
      params: YdelseParams,
      response: { 200: withHeaders(Type.Ref('Ydelse'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const db = app.database.db
    const found = await findYdelse(db, request.caller, request.params.id)
    const course = found === undefined ? undefined : await findIntervention(db, request.caller, found.decisionId, found.ydelse.intervention_id)
    // The ETag and the body come from the same read of the course (an annulled ydelse is no longer among its current ones).
    const ydelse = course?.ydelser.find((y) => y.id === found?.ydelse.id) ?? found?.ydelse
    if (course === undefined || ydelse === undefined) throw ydelseNotFound(request.params.id)
    await recordAccess(request, { resourceId: ydelse.id, kommunekode: ydelse.kommunekode })
    reply.header('etag', etagOf(ydelse.id, ydelse.version))
    return toYdelse(catalogs, course.intervention, course.ydelser, ydelse, dayInDenmark(app.clock()))
  })

  app.patch('/ydelser/:id', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'ydelse' } },
    schema: {
      tags: ['decisions'],
      operationId: 'changeYdelse',
      summary: 'Extend, shorten or end a ydelse, or correct its startdato or code',
      description: `${IF_MATCH} Every change is kept as a new version with its reason (GET /v1/ydelser/{id}/versions). A ydelse ` +
        'of an ended intervention cannot run past its end (422).',
      params: YdelseParams,
      headers: UpdateHeaders,
      body: YdelsePatch,
      response: {
        200: withHeaders(Type.Ref('Ydelse'), ['etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const { registeredAt, ...change } = request.body
    const stamp = registeredAt === undefined ? undefined : registrationInstant(registeredAt, '/registeredAt', app.clock())
    return await write(request, reply, async (trx, guard) =>
      await changeYdelse(trx, guard, context(), request.params.id, { ...change, registeredAt: stamp }))
  })

  app.get('/ydelser/:id/versions', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'ydelse' } },
    schema: {
      tags: ['decisions'],
      operationId: 'listYdelseVersions',
      summary: 'Every version of a ydelse, oldest first: what it said, who wrote it, when and why',
      description: 'The first version is the ydelse as it was added; each later one names who changed it, when and why.',
      params: YdelseParams,
      response: { 200: YdelseVersions, ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const found = await findYdelse(app.database.db, request.caller, request.params.id)
    if (found === undefined) throw ydelseNotFound(request.params.id)
    await recordAccess(request, { resourceId: found.ydelse.id, kommunekode: found.ydelse.kommunekode })
    return { items: await listVersions<YdelseVersionData>(app.database.db, 'ydelse', found.ydelse.id) }
  })

  app.post('/decisions/:id/interventions/:interventionId/ending', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'intervention' } },
    schema: {
      tags: ['decisions'],
      operationId: 'endIntervention',
      summary: 'End an intervention on a day: its ydelser running longer, or open-ended, end that day',
      description: `${IF_MATCH} Here: the intervention's ETag. An intervention ends once (409 after), and not before its ` +
        'first ydelse starts (422). A ydelse that has not started by then ends on its startdato.',
      params: InterventionParams,
      headers: UpdateHeaders,
      body: InterventionEnding,
      response: {
        200: withHeaders(Type.Ref('Intervention'), ['etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const at = { decisionId: request.params.id, interventionId: request.params.interventionId }
    return await write(request, reply, async (trx, guard) => await endIntervention(trx, guard, context(), at, request.body))
  })

  app.post('/decisions/:id/interventions/:interventionId/provider-change', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'intervention' } },
    schema: {
      tags: ['decisions'],
      operationId: 'changeProvider',
      summary: 'Move an intervention to another provider: it ends on a day, a new one continues from the next',
      description: `${IF_MATCH} Here: the current intervention's ETag. One call, never two a client could half-do: the current ` +
        'intervention ends on `slutdato` (as …/ending does), and a new intervention with the new provider (and tilbud, if given) ' +
        'continues every ydelse that ran past that day, from the next day to its old end. DST counts a new provider as a new ' +
        'period. Answers the new intervention (201); its `continuesInterventionId` names the old one.',
      params: InterventionParams,
      headers: UpdateHeaders,
      body: ProviderChange,
      response: {
        201: withHeaders(Type.Ref('Intervention'), ['location', 'etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const { body } = request
    checkProvider(body.leverandoer)
    const tilbud = body.tilbud === undefined
      ? undefined
      : { code: body.tilbud.code, registeredAt: registrationInstant(body.tilbud.registeredAt, '/tilbud/registeredAt', app.clock()) }
    if (tilbud !== undefined) catalogs.check('tilbud', tilbud.code, dayInDenmark(tilbud.registeredAt), '/tilbud/code')
    const at = { decisionId: request.params.id, interventionId: request.params.interventionId }
    return await write(request, reply, async (trx, guard) => await changeProvider(trx, guard, context(), at, { ...body, tilbud }))
  })
}
