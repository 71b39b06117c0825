import { randomUUID } from 'node:crypto'
import { IncludeAnnulledQuery } from '../annulment/schemas.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { listVersions } from '../versions/queries.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import type { Scope } from '../db/scope.js'
import { requireCase } from '../cases/queries.js'
import { parseInstant, registrationInstant } from '../http/instants.js'
import { decodeCursor, isSafeInteger, Page, toPage } from '../http/paging.js'
import { fieldProblem, HttpProblem, problemResponses } from '../http/problems.js'
import { etagOf } from '../db/unit-of-work.js'
import { CreateHeaders, UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { closeDecision } from '../interventions/course.js'
import { CaseParams } from '../cases/schemas.js'
import { type Delta, findIntervention, insertDecision, listInterventions, insertIntervention, listDecisions, loadDecisions, markDecisionChanged, requireDecision, toIntervention } from './queries.js'
import { checkOpfoelgningsdato, checkProvider, maalgruppeMismatch } from './rules.js'
import {
  AllDecisionsQuery, DecisionCreate, DecisionEnding, DecisionListQuery, DecisionParams, DecisionPatch, DecisionVersionList, InterventionCreate, InterventionParams
} from './schemas.js'
import { correctDecision } from './correct.js'
import type { DecisionVersionData } from './versions.js'

/**
 * Decisions (VUM phase 4) on a case, and the social interventions (phase 5)
 * on a decision. /v1/cases/{id}/decisions creates and lists a case's
 * decisions; /v1/decisions lists and reads them across cases.
 */

// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const decisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app

  /** A page of whole decisions, oldest first. */
  const decisionPage = async (caller: Scope, { limit = 100, cursor }: { limit?: number, cursor?: string },
    filters: { caseId?: string, kommunekode?: string, sagsafgoerelsesId?: string, changedSince?: Delta, includeAnnulled?: boolean }) => {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isSafeInteger)
    const rows = await listDecisions(app.database.db, caller, { ...filters, after, limit: limit + 1 })
    const page = toPage(rows, limit, (row) => row, (row) => row.seq)
    return { items: await loadDecisions(app.database.db, caller, catalogs, page.items, dayInDenmark(app.clock())), nextCursor: page.nextCursor }
  }

  app.post('/cases/:id/decisions', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'decision' } },
    schema: {
      tags: ['decisions'],
      operationId: 'createDecision',
      summary: 'Make a decision (sagsafgørelse): the goals it covers, its støttebehov and its målgrupper',
      description: 'The goals must be the case\'s; støttebehov and målgrupper codes are checked against the catalogs in force on their ' +
        'registration days (422 otherwise); the decision\'s own opfoelgningsdato is not before its afgørelsesdato (422). 201 ' +
        'with the decision, its Location and ETag.',
      params: CaseParams,
      headers: CreateHeaders,
      body: DecisionCreate,
      response: {
        201: withHeaders(Type.Ref('Decision'), ['location', 'etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const body = request.body
    checkOpfoelgningsdato({ afgoerelsesdato: body.afgoerelsesdato, opfoelgningsdato: body.opfoelgningsdato ?? null }, 'opfoelgningsdato')
    const stoettebehovAt = registrationInstant(body.stoettebehov.registeredAt, '/stoettebehov/registeredAt')
    const maalgrupperAt = registrationInstant(body.maalgrupper.registeredAt, '/maalgrupper/registeredAt')
    const maalgrupperDay = dayInDenmark(maalgrupperAt)
    const oevrige = body.maalgrupper.oevrige ?? []
    const repeated = oevrige.indexOf(body.maalgrupper.primaer)
    if (repeated >= 0) throw fieldProblem('validation', `/maalgrupper/oevrige/${repeated}`, 'primary', 'repeats the primary målgruppe')
    catalogs.check('stoettebehov', body.stoettebehov.code, dayInDenmark(stoettebehovAt), '/stoettebehov/code')
    const maalgrupper = [
      { pointer: '/maalgrupper/primaer', entry: catalogs.check('maalgrupper', body.maalgrupper.primaer, maalgrupperDay, '/maalgrupper/primaer') },
      ...oevrige.map((code, i) => ({ pointer: `/maalgrupper/oevrige/${i}`, entry: catalogs.check('maalgrupper', code, maalgrupperDay, `/maalgrupper/oevrige/${i}`) }))
    ]
    // UUIDs may come in either case; the database gives them in lower case.
    const goalIds = (body.goals ?? []).map((id) => id.toLowerCase())

    return await write(request, reply, async (trx) => {
      const found = await requireCase(trx, request.caller, request.params.id)
      for (const { pointer, entry } of maalgrupper) {
        const mismatch = maalgruppeMismatch(catalogs, entry, maalgrupperDay, found.diagnoser.length > 0)
        if (mismatch !== undefined) throw fieldProblem('domain-rule', pointer, 'maalgruppe-level', mismatch)
      }
      const id = await insertDecision(trx, found, {
        sagsafgoerelsesId: body.sagsafgoerelsesId,
        afgoerelsesdato: body.afgoerelsesdato,
        opfoelgningsdato: body.opfoelgningsdato ?? null,
        goalIds,
        maalgrupper: { primaer: body.maalgrupper.primaer, oevrige, registeredAt: maalgrupperAt },
        catalogVersion: catalogs.versionAt('maalgrupper', maalgrupperDay)?.version ?? '',
        stoettebehov: { ...body.stoettebehov, registeredAt: stoettebehovAt }
      }, request.caller.id)
      const [decision] = await loadDecisions(trx, request.caller, catalogs, [await requireDecision(trx, request.caller, id)], dayInDenmark(app.clock()))
      return { status: 201, body: decision!, location: `/v1/decisions/${id}`, etag: etagOf(id, decision!.version), resourceId: id, kommunekode: found.kommunekode }
    })
  })

  app.get('/cases/:id/decisions', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'decision' } },
    schema: {
      tags: ['decisions'],
      operationId: 'listCaseDecisions',
      summary: 'The decisions of a case, oldest first',
      description: 'Paged with ?limit= and ?cursor=; each decision as GET /v1/decisions/{id} gives it.',
      params: CaseParams,
      querystring: DecisionListQuery,
      response: { 200: Page(Type.Ref('Decision')), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const found = await requireCase(app.database.db, request.caller, request.params.id)
    const page = await decisionPage(request.caller, request.query, { caseId: found.id, includeAnnulled: request.query.includeAnnulled })
    await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
    return page
  })

  app.get('/decisions', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'decision' } },
    schema: {
      tags: ['decisions'],
      operationId: 'listDecisions',
      summary: 'Decisions of the municipalities this client serves, oldest first; find one by its sagsafgoerelsesId',
      description: 'Paged; ?changedSince= gives the decisions where anything changed since the last sync, ?sagsafgoerelsesId= one decision ' +
        'by the id the municipality gave it.',
      querystring: AllDecisionsQuery,
      response: { 200: Page(Type.Ref('Decision')) }
    }
  }, async (request) => {
    const { changedSince, ...filters } = request.query
    const since = changedSince === undefined ? undefined : parseInstant(changedSince, 'query', '/changedSince')
    const page = await decisionPage(request.caller, request.query, { ...filters, changedSince: since === undefined ? undefined : { since, now: app.clock() } })
    await recordAccess(request, { kommunekode: request.query.kommunekode ?? null })
    return page
  })

  app.get('/decisions/:id', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'decision' } },
    schema: {
      tags: ['decisions'],
      operationId: 'getDecision',
      summary: 'A decision with its goals, støttebehov, målgrupper and interventions, codes with their labels',
      description: 'Its ETag is what ending the decision sends in If-Match. 404 for a decision of a municipality this client does not serve.',
      params: DecisionParams,
      response: { 200: withHeaders(Type.Ref('Decision'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const row = await requireDecision(app.database.db, request.caller, request.params.id)
    await recordAccess(request, { resourceId: row.id, kommunekode: row.kommunekode })
    reply.header('etag', etagOf(row.id, row.version))
    return (await loadDecisions(app.database.db, request.caller, catalogs, [row], dayInDenmark(app.clock())))[0]!
  })

  app.patch('/decisions/:id', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'decision' } },
    schema: {
      operationId: 'correctDecision',
      tags: ['decisions'],
      summary: 'Correct a decision recorded wrong: its afgørelsesdato, its own opfølgningsdato, målgrupper and its own støttebehov',
      description: 'Send If-Match with the decision\'s ETag (428 without, 412 when anything on it changed since). A correction is ' +
        'not a new decision: it keeps its id, sagsafgoerelsesId and registration dates, codes are checked as when it was made, and every ' +
        'version is kept with its reason (GET …/versions). A closed decision is corrected too — it was recorded wrong, which is no ' +
        'change of course — but its afgørelsesdato stays on or before its ending (and its opfoelgningsdato, 422); an annulled one is not (409). Only the støttebehov ' +
        'the decision was made with is corrected here; one a follow-up recorded belongs to that follow-up. The decision is in ' +
        'changedSince and its uddata document (målgruppe and støttebehov blocks) after it. A correction that changes nothing writes nothing.',
      params: DecisionParams,
      headers: UpdateHeaders,
      body: DecisionPatch,
      response: {
        200: withHeaders(Type.Ref('Decision'), ['etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const { reason, ...change } = request.body
    return await write(request, reply, async (trx, guard) =>
      await correctDecision(trx, guard, catalogs, request.params.id, change, { reason, today: dayInDenmark(app.clock()) }))
  })

  app.get('/decisions/:id/versions', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'decision' } },
    schema: {
      operationId: 'listDecisionVersions',
      tags: ['decisions'],
      summary: 'Every version of a decision\'s own fields, oldest first: what it said, who wrote it, when and why',
      description: 'A version is numbered by the decision\'s version when it was written; the decision\'s version also moves when ' +
        'something on it changes (an intervention, a follow-up), so the numbers have gaps.',
      params: DecisionParams,
      response: { 200: DecisionVersionList, ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const row = await requireDecision(app.database.db, request.caller, request.params.id)
    await recordAccess(request, { resourceId: row.id, kommunekode: row.kommunekode })
    return { items: await listVersions<DecisionVersionData>(app.database.db, 'decision', row.id) }
  })

  app.post('/decisions/:id/ending', {
    config: { scope: 'cases:write', audit: { action: 'update', resource: 'decision' } },
    schema: {
      tags: ['decisions'],
      operationId: 'endDecision',
      summary: 'End a decision\'s course (ophør) on a day, with its reason',
      description: 'Send If-Match with the decision\'s ETag (428 without, 412 when anything on it changed since). Every ' +
        'intervention not yet ended ends that day, and its ydelser running longer, or open-ended, with it — the same as ' +
        'a follow-up whose status på indsats ends the indsats. A ydelse that has not started by then ends on its ' +
        'startdato. A decision ends once (409 after), and not before its afgørelsesdato (422).',
      params: DecisionParams,
      headers: UpdateHeaders,
      body: DecisionEnding,
      response: {
        200: withHeaders(Type.Ref('Decision'), ['etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const { slutdato, reason } = request.body
    return await write(request, reply, async (trx, guard) => {
      const decision = await requireDecision(trx, request.caller, request.params.id, { open: true })
      guard.ifMatch(decision.id, decision.version)
      if (slutdato < decision.afgoerelsesdato) {
        throw fieldProblem('domain-rule', '/slutdato', 'before-decision', `must not be before the afgørelsesdato ${decision.afgoerelsesdato}`)
      }
      await closeDecision(trx, request.caller, decision, { day: slutdato, reason, newDecisionExpected: false })
      const row = await requireDecision(trx, request.caller, decision.id)
      const [body] = await loadDecisions(trx, request.caller, catalogs, [row], dayInDenmark(app.clock()))
      return { status: 200, body: body!, etag: etagOf(row.id, row.version), resourceId: row.id, kommunekode: row.kommunekode, changed: ['closedAt', 'closedReason'] }
    })
  })

  app.post('/decisions/:id/interventions', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'intervention' } },
    schema: {
      tags: ['decisions'],
      operationId: 'orderIntervention',
      summary: 'Order a social intervention (social indsats) on a decision: one tilbud, its ydelser, the provider',
      description: 'A botilbud without an opholdsydelse is accepted with a warning in `warnings`, as the seeds ask. ' +
        'A decision may have several interventions (e.g. a botilbud and a dagtilbud); a closed decision takes none (409).',
      params: DecisionParams,
      headers: CreateHeaders,
      body: InterventionCreate,
      response: {
        201: withHeaders(Type.Ref('Intervention'), ['location', 'etag', 'idempotent-replayed']),
        ...problemResponses(['not-found', 'conflict', 'catalog-code', 'domain-rule'])
      }
    }
  }, async (request, reply) => {
    const body = request.body
    const tilbudAt = registrationInstant(body.tilbud.registeredAt, '/tilbud/registeredAt')
    catalogs.check('tilbud', body.tilbud.code, dayInDenmark(tilbudAt), '/tilbud/code')
    const ydelser = body.ydelser.map((ydelse, i) => {
      const registeredAt = registrationInstant(ydelse.registeredAt, `/ydelser/${i}/registeredAt`)
      catalogs.check('ydelser', ydelse.code, dayInDenmark(registeredAt), `/ydelser/${i}/code`)
      if (ydelse.slutdato !== undefined && ydelse.slutdato < ydelse.startdato) {
        throw fieldProblem('domain-rule', `/ydelser/${i}/slutdato`, 'before-start', `must not be before startdato ${ydelse.startdato}`)
      }
      return { ...ydelse, registeredAt }
    })
    checkProvider(body.leverandoer)

    return await write(request, reply, async (trx) => {
      const decision = await requireDecision(trx, request.caller, request.params.id, { open: true })
      const id = randomUUID()
      const { pNummer, cvr, navn, adresse, postnummer } = body.leverandoer
      const inserted = await insertIntervention(trx, {
        id,
        decision_id: decision.id,
        kommunekode: decision.kommunekode,
        tilbud: body.tilbud.code,
        tilbud_registered_at: tilbudAt,
        p_nummer: pNummer ?? null,
        cvr: cvr ?? null,
        navn: navn ?? null,
        adresse: adresse ?? null,
        postnummer: postnummer ?? null,
        bevillingsdato: body.bevillingsdato,
        catalog_version: catalogs.versionAt('tilbud', dayInDenmark(tilbudAt))?.version ?? ''
      }, ydelser.map((y) => ({
        id: randomUUID(),
        intervention_id: id,
        kommunekode: decision.kommunekode,
        code: y.code,
        startdato: y.startdato,
        slutdato: y.slutdato ?? null,
        registered_at: y.registeredAt
      })), request.caller.id)
      await markDecisionChanged(trx, decision)
      return {
        status: 201,
        body: toIntervention(catalogs, inserted.intervention, inserted.ydelser, dayInDenmark(app.clock())),
        location: `/v1/decisions/${decision.id}/interventions/${id}`,
        etag: etagOf(id, inserted.intervention.version),
        resourceId: decision.id,
        kommunekode: decision.kommunekode
      }
    })
  })

  app.get('/decisions/:id/interventions', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'intervention' } },
    schema: {
      tags: ['decisions'],
      operationId: 'listInterventions',
      summary: 'The social interventions of a decision, in the order they were ordered, ended ones included',
      description: 'All of them: a decision has a few. After a change of provider both are here, the new one naming the old in `continuesInterventionId`.',
      params: DecisionParams,
      querystring: IncludeAnnulledQuery,
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('Intervention')) }), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const decision = await requireDecision(app.database.db, request.caller, request.params.id)
    await recordAccess(request, { resourceId: decision.id, kommunekode: decision.kommunekode })
    const today = dayInDenmark(app.clock())
    const items = await listInterventions(app.database.db, request.caller, decision.id, { annulled: request.query.includeAnnulled === true })
    return { items: items.map((i) => toIntervention(catalogs, i.intervention, i.ydelser, today)) }
  })

  app.get('/decisions/:id/interventions/:interventionId', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'intervention' } },
    schema: {
      tags: ['decisions'],
      operationId: 'getIntervention',
      summary: 'One social intervention, with its warnings',
      description: 'With its ydelser, DST codes and warnings as they stand today. Its ETag is what adding a ydelse, ending the ' +
        'intervention or changing its provider sends in If-Match.',
      params: InterventionParams,
      response: { 200: withHeaders(Type.Ref('Intervention'), ['etag']), ...problemResponses(['not-found']) }
    }
  }, async (request, reply) => {
    const { id, interventionId } = request.params
    const found = await findIntervention(app.database.db, request.caller, id, interventionId)
    if (found === undefined) throw new HttpProblem('not-found', `No intervention ${interventionId} on decision ${id} in the municipalities this client serves`)
    await recordAccess(request, { resourceId: id, kommunekode: found.intervention.kommunekode })
    reply.header('etag', etagOf(found.intervention.id, found.intervention.version))
    return toIntervention(catalogs, found.intervention, found.ydelser, dayInDenmark(app.clock()))
  })
}
