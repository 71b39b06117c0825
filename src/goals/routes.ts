import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { requireCase, touchCase } from '../cases/queries.js'
import { registrationInstant } from '../http/instants.js'
import { decodeCursor, isSafeInteger, Page, toPage } from '../http/paging.js'
import { fieldProblem, HttpProblem, problemResponses } from '../http/problems.js'
import { etagOf } from '../db/unit-of-work.js'
import { CreateHeaders, UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { listVersions } from '../versions/queries.js'
import { CaseParams } from '../cases/schemas.js'
import { correctGoal } from './correct.js'
import { findGoal, insertGoal, latestAdRegistration, listGoals, toGoal, type GoalVersionData } from './queries.js'
import { checkGoalFields } from './rules.js'
import { GoalCreate, GoalListQuery, GoalParams, GoalPatch, GoalVersionList } from './schemas.js'

/** /v1/cases/{id}/goals: indsatsmål (VUM phase 3). */
// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const goalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app

  const goalNotFound = (caseId: string, goalId: string) => new HttpProblem('not-found', `No goal ${goalId} on case ${caseId} in the municipalities this client serves`)

  app.post('/cases/:id/goals', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      operationId: 'createGoal',
      summary: 'Set an indsatsmål on an investigated A&D sub-theme',
      description: 'The current funktionsevneniveau is not sent: it is the latest level of the primary sub-theme in the ' +
        'case\'s investigation at the goal\'s registration time (422 when the sub-theme has not been investigated).',
      params: CaseParams,
      headers: CreateHeaders,
      body: GoalCreate,
      response: {
        201: withHeaders(Type.Ref('Goal'), ['location', 'etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const body = request.body
    const registeredAt = registrationInstant(body.registeredAt, '/registeredAt')
    const day = dayInDenmark(registeredAt)
    const related = body.relateredeUndertemaer ?? []
    catalogs.check('aktivitet-og-deltagelse', body.primaertUndertema, day, '/primaertUndertema')
    checkGoalFields(catalogs, body, body.primaertUndertema, day)

    return await write(request, reply, async (trx) => {
      const found = await requireCase(trx, request.caller, request.params.id)
      const investigated = await latestAdRegistration(trx, found.id, body.primaertUndertema, registeredAt)
      if (investigated === undefined) {
        throw fieldProblem('domain-rule', '/primaertUndertema', 'not-investigated',
          'has no A&D registration on this case at the goal\'s registration time; investigate the sub-theme first ' +
          `(POST /v1/cases/${found.id}/investigation/aktivitet-og-deltagelse)`)
      }
      const id = randomUUID()
      await insertGoal(trx, {
        id,
        case_id: found.id,
        kommunekode: found.kommunekode,
        maalformulering: body.maalformulering,
        maaltype: body.maaltype,
        primaert_undertema: body.primaertUndertema,
        aktuel_registration_id: investigated.id,
        forventet_funktionsevneniveau: body.forventetFunktionsevneniveau,
        opfoelgningsdato: body.opfoelgningsdato,
        ansvarlig_for_opfoelgning: body.ansvarligForOpfoelgning,
        relaterede_undertemaer: related,
        registered_at: registeredAt,
        catalog_version: catalogs.versionAt('maaltype', day)?.version ?? ''
      }, request.caller.id)
      await touchCase(trx, found.id)
      const row = (await findGoal(trx, request.caller, found.id, id))!
      return {
        status: 201,
        body: toGoal(catalogs, row),
        location: `/v1/cases/${found.id}/goals/${id}`,
        etag: etagOf(id, row.version),
        resourceId: found.id,
        kommunekode: found.kommunekode
      }
    })
  })

  app.get('/cases/:id/goals', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      operationId: 'listGoals',
      summary: 'The goals of a case, oldest first',
      description: 'Every goal of the case as it stands now, corrections applied; a goal\'s earlier versions are at its /versions.',
      params: CaseParams,
      querystring: GoalListQuery,
      response: { 200: Page(Type.Ref('Goal')), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { limit = 100, cursor, includeAnnulled } = request.query
    const found = await requireCase(app.database.db, request.caller, request.params.id)
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isSafeInteger)
    const rows = await listGoals(app.database.db, request.caller, found.id, { after, limit: limit + 1, annulled: includeAnnulled === true })
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    return toPage(rows, limit, (row) => toGoal(catalogs, row), (row) => row.seq)
  })

  app.get('/cases/:id/goals/:goalId', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      operationId: 'getGoal',
      summary: 'One goal',
      description: 'Its ETag is what a correction (PATCH) sends in If-Match.',
      params: GoalParams,
      response: { 200: withHeaders(Type.Ref('Goal'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const { id, goalId } = request.params
    const row = await findGoal(app.database.db, request.caller, id, goalId)
    if (row === undefined) throw goalNotFound(id, goalId)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    reply.header('etag', etagOf(row.id, row.version))
    return toGoal(catalogs, row)
  })

  app.patch('/cases/:id/goals/:goalId', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      operationId: 'correctGoal',
      summary: 'Correct a goal recorded wrong: its måltype, expected level, opfølgningsdato, wording, who follows up, related sub-themes',
      description: 'Send If-Match with the goal\'s ETag (428 without, 412 when it changed since). A correction is not a new ' +
        'registration: the goal keeps its id, primary sub-theme and datostempel, and every version is kept with its reason ' +
        '(GET …/versions). The decisions covering the goal change with it (their uddata indsatsmål block, changedSince).',
      params: GoalParams,
      headers: UpdateHeaders,
      body: GoalPatch,
      response: {
        200: withHeaders(Type.Ref('Goal'), ['etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const { id, goalId } = request.params
    const { reason, ...change } = request.body
    return await write(request, reply, async (trx, guard) => await correctGoal(trx, guard, catalogs, { caseId: id, goalId }, change, reason))
  })

  app.get('/cases/:id/goals/:goalId/versions', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      operationId: 'listGoalVersions',
      summary: 'Every version of a goal, oldest first: what it said, who wrote it, when and why',
      description: 'The first version is the goal as it was set; each later one names who corrected it, when and why.',
      params: GoalParams,
      response: { 200: GoalVersionList, ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { id, goalId } = request.params
    const row = await findGoal(app.database.db, request.caller, id, goalId)
    if (row === undefined) throw goalNotFound(id, goalId)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    return { items: await listVersions<GoalVersionData>(app.database.db, 'goal', row.id) }
  })
}
