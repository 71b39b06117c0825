import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { noSuchCase, requireCase } from '../cases/queries.js'
import { CaseParams } from '../cases/schemas.js'
import { parseInstant, registrationInstant } from '../http/instants.js'
import { decodeCursor, isInstantSeq, Page, toPage } from '../http/paging.js'
import { HttpProblem, problemResponses } from '../http/problems.js'
import { recordAccess } from '../http/audit.js'
import { CreateHeaders, UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { etagOf } from '../db/unit-of-work.js'
import { listVersions } from '../versions/queries.js'
import { correctRegistration } from './correct.js'
import {
  currentRegistrations, findRegistration, registrationHistory, registrationWriter, toRegistration, type RegistrationVersionData
} from './queries.js'
import {
  CurrentQuery, CurrentView, HistoryQuery, registrationBody, RegistrationParams, registrationPatch, RegistrationVersionList, THEMES
} from './schemas.js'

/**
 * /v1/cases/{id}/investigation: VUM phase 2. One endpoint per theme to
 * register a sub-theme and read that theme's history; the investigation as
 * it stands (latest per sub-theme) at /investigation.
 */

// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const investigationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app
  const register = registrationWriter(app.database.db)

  app.get('/cases/:id/investigation', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'investigation' } },
    schema: {
      tags: ['investigation'],
      operationId: 'getInvestigation',
      summary: 'The investigation as it stands: the latest registration of every sub-theme, per theme',
      description: 'With ?at=, the investigation as it stood at that instant. Codes come with their labels.',
      params: CaseParams,
      querystring: CurrentQuery,
      response: { 200: CurrentView, ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const at = request.query.at === undefined ? new Date() : parseInstant(request.query.at, 'query', '/at')
    const found = await requireCase(app.database.db, request.caller, request.params.id)
    const rows = await currentRegistrations(app.database.db, request.caller, found.id, at)
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    const registrations = rows.map((row) => toRegistration(catalogs, row))
    return {
      caseId: found.id,
      at: at.toISOString(),
      ...Object.fromEntries(THEMES.map((theme) => [theme.key, registrations.filter((r) => r.theme === theme.id)]))
    }
  })

  for (const theme of THEMES) {
    const path = `/cases/:id/investigation/${theme.id}`

    app.post(path, {
      config: { scope: 'cases:write', audit: { action: 'create', resource: 'investigation' } },
      schema: {
        tags: ['investigation'],
        operationId: `register${theme.operation}`,
        summary: `Register a ${theme.title} sub-theme${theme.withLevel ? ' with its funktionsevneniveau' : ''}`,
        description: 'Adds to the history: registering a sub-theme again adds a row and never overwrites. ' +
          'Codes are checked against the catalog version in force on the registration\'s day (422 otherwise).',
        params: CaseParams,
        headers: CreateHeaders,
        body: registrationBody(theme),
        response: { 201: withHeaders(Type.Ref('Registration'), ['location', 'etag', 'idempotent-replayed']), ...problemResponses(['not-found', 'catalog-code']) }
      }
    }, async (request, reply) => {
      const body = request.body
      const level = 'funktionsevneniveau' in body && typeof body.funktionsevneniveau === 'string' ? body.funktionsevneniveau : undefined
      const registeredAt = registrationInstant(body.registeredAt, '/registeredAt')
      const day = dayInDenmark(registeredAt)
      catalogs.check(theme.id, body.undertema, day, '/undertema')
      if (level !== undefined) catalogs.check('funktionsevneniveau', level, day, '/funktionsevneniveau')
      return await write(request, reply, {
        statement: async (db, guard) => {
          const { id: caseId } = request.params
          const registration = {
            id: randomUUID(),
            theme: theme.id,
            undertema: body.undertema,
            funktionsevneniveau: level ?? null,
            oplysninger_fra_borgeren: body.oplysningerFraBorgeren ?? null,
            oplysninger_fra_andre: body.oplysningerFraAndre ?? null,
            sagsbehandlers_bemaerkninger: body.sagsbehandlersBemaerkninger ?? null,
            registered_at: registeredAt,
            catalog_version: catalogs.versionAt(theme.id, day)?.version ?? ''
          }
          const { row, audited } = await register(db, guard.scope, { caseId, registration, audit: guard.audit })
          if (row === undefined) throw noSuchCase(caseId)
          return {
            status: 201,
            body: toRegistration(catalogs, row),
            location: `/v1/cases/${row.case_id}/investigation/${theme.id}/${row.id}`,
            etag: etagOf(row.id, row.version),
            resourceId: row.case_id,
            kommunekode: row.kommunekode,
            audited
          }
        }
      })
    })

    app.get(path, {
      config: { scope: 'cases:read', audit: { action: 'list', resource: 'investigation' } },
      schema: {
        tags: ['investigation'],
        operationId: `list${theme.operation}Registrations`,
        summary: `The full history of ${theme.title} registrations on the case, oldest first`,
        description: 'Every registration of the theme, registrations of a sub-theme again included, paged; ?undertema= narrows to one sub-theme.',
        params: CaseParams,
        querystring: HistoryQuery,
        response: { 200: Page(Type.Ref('Registration')), ...problemResponses(['not-found']) }
      }
    }, async (request) => {
      const { limit = 100, cursor, undertema, includeAnnulled } = request.query
      const after = cursor === undefined ? undefined : decodeCursor(cursor, isInstantSeq)
      const found = await requireCase(app.database.db, request.caller, request.params.id)
      const rows = await registrationHistory(app.database.db, request.caller, found.id, theme.id, { undertema, after, limit: limit + 1, annulled: includeAnnulled })
      await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
      return toPage(rows, limit, (row) => toRegistration(catalogs, row), (row) => [row.registered_at.toISOString(), row.seq])
    })

    const notFound = (caseId: string, registrationId: string) =>
      new HttpProblem('not-found', `No ${theme.title} registration ${registrationId} on case ${caseId} in the municipalities this client serves`)

    app.get(`${path}/:registrationId`, {
      config: { scope: 'cases:read', audit: { action: 'read', resource: 'investigation' } },
      schema: {
        tags: ['investigation'],
        operationId: `get${theme.operation}Registration`,
        summary: `One ${theme.title} registration`,
        description: '404 when the registration is not on this case or not of this theme.',
        params: RegistrationParams,
        response: { 200: withHeaders(Type.Ref('Registration'), ['etag']), ...problemResponses(['not-found']) }
      }
    }, async (request, reply) => {
      const { id, registrationId } = request.params
      const row = await findRegistration(app.database.db, request.caller, id, theme.id, registrationId, { annulled: true })
      if (row === undefined) throw notFound(id, registrationId)
      await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
      reply.header('etag', etagOf(row.id, row.version))
      return toRegistration(catalogs, row)
    })

    app.patch(`${path}/:registrationId`, {
      config: { scope: 'cases:write', audit: { action: 'update', resource: 'investigation' } },
      schema: {
        operationId: `correct${theme.operation}Registration`,
        tags: ['investigation'],
        summary: `Correct a ${theme.title} registration recorded wrong: its sub-theme${theme.withLevel ? ', funktionsevneniveau' : ''}, datostempel or texts`,
        description: 'Send If-Match with the registration\'s ETag (428 without, 412 when it changed since). A correction is not a new ' +
          'assessment (that is a new registration, POST): the registration keeps its id, and every version is kept with its reason ' +
          '(GET …/versions). The codes are checked against the catalog in force on the corrected registration\'s day. The decisions of ' +
          'the case change with it (their uddata theme blocks, changedSince). The sub-theme of a registration a goal takes its current ' +
          'level from is not corrected, nor its date moved after the goal (422 goal-depends); a level a follow-up registered is ' +
          'corrected through the follow-up (422 made-by-follow-up); an annulled registration is not corrected (409).',
        params: RegistrationParams,
        headers: UpdateHeaders,
        body: registrationPatch(theme),
        response: {
          200: withHeaders(Type.Ref('Registration'), ['etag', 'idempotent-replayed']),
          ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
        }
      }
    }, async (request, reply) => {
      const { id, registrationId } = request.params
      const { reason, registeredAt, undertema, oplysningerFraBorgeren, oplysningerFraAndre, sagsbehandlersBemaerkninger } = request.body
      const level = 'funktionsevneniveau' in request.body && typeof request.body.funktionsevneniveau === 'string' ? request.body.funktionsevneniveau : undefined
      const change = {
        undertema,
        funktionsevneniveau: level,
        oplysningerFraBorgeren,
        oplysningerFraAndre,
        sagsbehandlersBemaerkninger,
        registeredAt: registeredAt === undefined ? undefined : registrationInstant(registeredAt, '/registeredAt')
      }
      return await write(request, reply, async (trx, guard) =>
        await correctRegistration(trx, guard, catalogs, { caseId: id, theme, registrationId }, change, reason))
    })

    app.get(`${path}/:registrationId/versions`, {
      config: { scope: 'cases:read', audit: { action: 'read', resource: 'investigation' } },
      schema: {
        operationId: `list${theme.operation}RegistrationVersions`,
        tags: ['investigation'],
        summary: `Every version of a ${theme.title} registration, oldest first: what it said, who wrote it, when and why`,
        description: 'The first version is the registration as it was made; each later one names who corrected it, when and why.',
        params: RegistrationParams,
        response: { 200: RegistrationVersionList, ...problemResponses(['not-found']) }
      }
    }, async (request, reply) => {
      const { id, registrationId } = request.params
      const row = await findRegistration(app.database.db, request.caller, id, theme.id, registrationId, { annulled: true })
      if (row === undefined) throw notFound(id, registrationId)
      await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
      return { items: await listVersions<RegistrationVersionData>(app.database.db, 'registration', row.id) }
    })
  }
}
