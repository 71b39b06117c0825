import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { requireCase, touchCase } from '../cases/queries.js'
import { registrationInstant } from '../http/instants.js'
import { decodeCursor, isSafeInteger, Page, toPage } from '../http/paging.js'
import { fieldProblem, HttpProblem, problemResponses } from '../http/problems.js'
import { CreateHeaders, withHeaders, write } from '../http/writes.js'
import { CaseParams } from '../cases/schemas.js'
import { findGoal, insertGoal, latestAdRegistration, listGoals, toGoal } from './queries.js'
import { GoalCreate, GoalListQuery, GoalParams } from './schemas.js'

/** /v1/cases/{id}/goals: indsatsmål (VUM phase 3). */
// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const goalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app

  app.post('/cases/:id/goals', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      summary: 'Set an indsatsmål on an investigated A&D sub-theme',
      description: 'The current funktionsevneniveau is not sent: it is the latest level of the primary sub-theme in the ' +
        'case\'s investigation at the goal\'s registration time (422 when the sub-theme has not been investigated).',
      params: CaseParams,
      headers: CreateHeaders,
      body: GoalCreate,
      response: {
        201: withHeaders(Type.Ref('Goal'), ['location', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const body = request.body
    const registeredAt = registrationInstant(body.registeredAt, '/registeredAt')
    const day = dayInDenmark(registeredAt)
    const related = body.relateredeUndertemaer ?? []
    const index = related.indexOf(body.primaertUndertema)
    if (index >= 0) throw fieldProblem('validation', `/relateredeUndertemaer/${index}`, 'primary', 'repeats the primary sub-theme; list only other sub-themes')
    if (body.opfoelgningsdato < day) {
      throw fieldProblem('validation', '/opfoelgningsdato', 'before-registration', `must not be before the registration day ${day}`)
    }
    catalogs.check('maaltype', body.maaltype, day, '/maaltype')
    catalogs.check('aktivitet-og-deltagelse', body.primaertUndertema, day, '/primaertUndertema')
    if (catalogs.check('funktionsevneniveau', body.forventetFunktionsevneniveau, day, '/forventetFunktionsevneniveau').level === null) {
      throw fieldProblem('validation', '/forventetFunktionsevneniveau', 'not-a-level', 'must be a level 0–4: "Ikke vurderet" is no expected level')
    }
    related.forEach((code, i) => catalogs.check('aktivitet-og-deltagelse', code, day, `/relateredeUndertemaer/${i}`))

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
      })
      await touchCase(trx, found.id)
      const row = (await findGoal(trx, request.caller, found.id, id))!
      return {
        status: 201,
        body: toGoal(catalogs, row),
        location: `/v1/cases/${found.id}/goals/${id}`,
        resourceId: found.id,
        kommunekode: found.kommunekode
      }
    })
  })

  app.get('/cases/:id/goals', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      summary: 'The goals of a case, oldest first',
      params: CaseParams,
      querystring: GoalListQuery,
      response: { 200: Page(Type.Ref('Goal')), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { limit = 100, cursor } = request.query
    const found = await requireCase(app.database.db, request.caller, request.params.id)
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isSafeInteger)
    const rows = await listGoals(app.database.db, request.caller, found.id, { after, limit: limit + 1 })
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    return toPage(rows, limit, (row) => toGoal(catalogs, row), (row) => row.seq)
  })

  app.get('/cases/:id/goals/:goalId', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'goal' } },
    schema: {
      tags: ['goals'],
      summary: 'One goal',
      params: GoalParams,
      response: { 200: Type.Ref('Goal'), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { id, goalId } = request.params
    const row = await findGoal(app.database.db, request.caller, id, goalId)
    if (row === undefined) throw new HttpProblem('not-found', `No goal ${goalId} on case ${id} in the municipalities this client serves`)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    return toGoal(catalogs, row)
  })
}
