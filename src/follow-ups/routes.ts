import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import Type from 'typebox'
import { recordAccess } from '../http/audit.js'
import { dayInDenmark, today } from '../catalogs/catalogs.js'
import { touchCase } from '../cases/queries.js'
import { registrationInstant } from '../http/instants.js'
import { decodeCursor, isDay, Page, toPage } from '../http/paging.js'
import { fieldProblem, HttpProblem, problemResponses } from '../http/problems.js'
import { scopedSelect } from '../db/scope.js'
import { CreateHeaders, withHeaders, write } from '../http/writes.js'
import { requireDecision } from '../decisions/queries.js'
import { DecisionParams } from '../decisions/schemas.js'
import { dueGoals, loadFollowUps } from './queries.js'
import { DueGoal, DueQuery, FollowUpCreate, FollowUpParams } from './schemas.js'

/**
 * /v1/decisions/{id}/follow-ups: the authority's follow-up (VUM phase 7);
 * /v1/follow-ups/due: goals whose follow-up date has passed without one.
 */

// What each status på indsats does, by its official code (FK-klassifikation UUIDs are stable).
const STATUS_EFFECT: Record<string, { closes: boolean, newDecisionExpected: boolean }> = {
  '1e971d84-10a4-4ef8-a8b3-0daa4c7d088a': { closes: false, newDecisionExpected: false }, // fortsættelse af indsats
  'd7d03656-4c87-4e67-9146-aa5990460f16': { closes: true, newDecisionExpected: false }, // afslutning af indsats
  'b4c01aa8-82fd-44e4-83ff-ca19ec02c779': { closes: true, newDecisionExpected: true } // afslutning af indsats og visitér til ny
}

const isDueKey = (value: unknown): value is [string, number] =>
  Array.isArray(value) && value.length === 2 && isDay(value[0]) && Number.isSafeInteger(value[1])

export const followUpRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalogs } = app

  app.post('/decisions/:id/follow-ups', {
    config: { scope: 'cases:write', audit: { action: 'create', resource: 'follow-up' } },
    schema: {
      tags: ['follow-ups'],
      summary: 'Follow up on a decision: a new level for each of its goals, a new støttebehov and a status på indsats',
      description: 'The new levels are stored as A&D registrations dated at the follow-up, and the støttebehov as a new ' +
        'støttebehov of the decision, so the history keeps both dates. A closed decision takes no follow-up (409).',
      params: DecisionParams,
      headers: CreateHeaders,
      body: FollowUpCreate,
      response: {
        201: withHeaders(Type.Ref('FollowUp'), ['location', 'idempotent-replayed']),
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
    const effect = STATUS_EFFECT[body.statusPaaIndsats] ?? { closes: false, newDecisionExpected: false }
    if (!effect.closes && body.naesteOpfoelgningsdato === undefined) {
      throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'required', 'is required when the intervention continues: when are the goals next due?')
    }
    if (effect.closes && body.naesteOpfoelgningsdato !== undefined) {
      throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'not-continued', 'is only for a follow-up that continues the intervention')
    }
    if (body.naesteOpfoelgningsdato !== undefined && body.naesteOpfoelgningsdato <= day) {
      throw fieldProblem('validation', '/naesteOpfoelgningsdato', 'not-after', `must be after the opfølgningsdato ${day}`)
    }

    return await write(request, reply, async (trx, guard) => {
      const decision = await requireDecision(trx, request.caller, request.params.id, { open: true })
      // A follow-up comes after the decision and after the follow-ups before it: it writes the newest levels.
      const { latest } = await trx.selectFrom('follow_ups').select((eb) => eb.fn.max('registered_at').as('latest'))
        .where('decision_id', '=', decision.id).executeTakeFirstOrThrow()
      const floor = latest !== null && latest > decision.maalgrupper_registered_at ? latest : decision.maalgrupper_registered_at
      if (registeredAt < floor) {
        throw fieldProblem('domain-rule', '/registeredAt', 'before-decision',
          `must not be before ${floor.toISOString()}, when the decision or its last follow-up was registered`)
      }
      const goals = await trx.selectFrom('decision_goals as dg').innerJoin('goals', 'goals.id', 'dg.goal_id')
        .select(['goals.id', 'goals.primaert_undertema']).where('dg.decision_id', '=', decision.id).orderBy('dg.position').execute()
      const seen = new Set<string>()
      body.maal.forEach((m, i) => {
        if (seen.has(m.goalId)) throw fieldProblem('validation', `/maal/${i}/goalId`, 'duplicate', 'names a goal already followed up in this request')
        seen.add(m.goalId)
        if (!goals.some((g) => g.id === m.goalId)) throw fieldProblem('domain-rule', `/maal/${i}/goalId`, 'not-on-decision', 'is not a goal of this decision')
      })
      const missing = goals.filter((g) => !seen.has(g.id)).map((g) => g.id)
      if (missing.length > 0) {
        throw fieldProblem('validation', '/maal', 'missing-goal', `must give a new level for every goal of the decision; missing: ${missing.join(', ')}`)
      }

      const id = randomUUID()
      const opfoelgningsdato = day
      await trx.insertInto('follow_ups').values({
        id,
        decision_id: decision.id,
        case_id: decision.case_id,
        kommunekode: decision.kommunekode,
        opfoelgningsdato,
        registered_at: registeredAt,
        status_paa_indsats: body.statusPaaIndsats,
        naeste_opfoelgningsdato: body.naesteOpfoelgningsdato ?? null
      }).execute()
      const version = catalogs.versionAt('aktivitet-og-deltagelse', day)?.version ?? ''
      // One new level per sub-theme: goals sharing a primary sub-theme share its registration.
      const registered = new Map<string, { registrationId: string, level: string }>()
      for (const [position, m] of body.maal.entries()) {
        const undertema = goals.find((g) => g.id === m.goalId)!.primaert_undertema
        const earlier = registered.get(undertema)
        if (earlier !== undefined && earlier.level !== m.funktionsevneniveau) {
          throw fieldProblem('validation', `/maal/${position}/funktionsevneniveau`, 'same-subtheme',
            'differs from the level given for another goal on the same sub-theme; a sub-theme gets one new level')
        }
        const registrationId = earlier?.registrationId ?? randomUUID()
        if (earlier === undefined) {
          registered.set(undertema, { registrationId, level: m.funktionsevneniveau })
          await trx.insertInto('theme_registrations').values({
            id: registrationId,
            case_id: decision.case_id,
            kommunekode: decision.kommunekode,
            theme: 'aktivitet-og-deltagelse',
            undertema,
            funktionsevneniveau: m.funktionsevneniveau,
            registered_at: registeredAt,
            catalog_version: version,
            follow_up_id: id
          }).execute()
        }
        await trx.insertInto('follow_up_goals').values({
          follow_up_id: id,
          goal_id: m.goalId,
          kommunekode: decision.kommunekode,
          registration_id: registrationId,
          borgerens_vurdering: m.borgerensVurdering ?? null,
          udfoerers_vurdering: m.udfoerersVurdering ?? null,
          sagsbehandlers_vurdering: m.sagsbehandlersVurdering ?? null,
          maal_opnaaet: m.maalOpnaaet,
          position
        }).execute()
      }
      await trx.insertInto('stoettebehov').values({
        id: randomUUID(),
        decision_id: decision.id,
        kommunekode: decision.kommunekode,
        code: body.stoettebehov.code,
        begrundelse: body.stoettebehov.begrundelse,
        registered_at: registeredAt,
        follow_up_id: id
      }).execute()
      if (effect.closes) {
        // Open ydelser end on the follow-up date (one not yet started ends on its start).
        await trx.updateTable('intervention_ydelser')
          .set({ slutdato: sql<string>`greatest(startdato, ${opfoelgningsdato}::date)` })
          .where('intervention_id', 'in', (eb) => eb.selectFrom('interventions').select('id').where('decision_id', '=', decision.id))
          .where((eb) => eb.or([eb('slutdato', 'is', null), eb('slutdato', '>', opfoelgningsdato)]))
          .execute()
      }
      await trx.updateTable('decisions').set({
        changed_at: new Date(),
        ...(effect.closes ? { closed_at: opfoelgningsdato, new_decision_expected: effect.newDecisionExpected } : {})
      }).where('id', '=', decision.id).execute()
      await touchCase(trx, decision.case_id)
      const row = await trx.selectFrom('follow_ups').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      const [followUp] = await loadFollowUps(trx, request.caller, catalogs, [row])
      return {
        status: 201,
        body: followUp!,
        location: `/v1/decisions/${decision.id}/follow-ups/${id}`,
        resourceId: decision.id,
        kommunekode: decision.kommunekode
      }
    })
  })

  app.get('/decisions/:id/follow-ups/:followUpId', {
    config: { scope: 'cases:read', audit: { action: 'read', resource: 'follow-up' } },
    schema: {
      tags: ['follow-ups'],
      summary: 'One follow-up',
      params: FollowUpParams,
      response: { 200: Type.Ref('FollowUp'), ...problemResponses(['not-found']) }
    }
  }, async (request) => {
    const { id, followUpId } = request.params
    const row = await scopedSelect(app.database.db, request.caller, 'follow_ups').selectAll()
      .where('decision_id', '=', id).where('id', '=', followUpId).executeTakeFirst()
    if (row === undefined) throw new HttpProblem('not-found', `No follow-up ${followUpId} on decision ${id} in the municipalities this client serves`)
    await recordAccess(request, { resourceId: id, kommunekode: row.kommunekode })
    return (await loadFollowUps(app.database.db, request.caller, catalogs, [row]))[0]!
  })

  app.get('/follow-ups/due', {
    config: { scope: 'cases:read', audit: { action: 'list', resource: 'follow-up' } },
    schema: {
      tags: ['follow-ups'],
      summary: 'Goals whose follow-up date has passed without a follow-up, with their open decisions; oldest first',
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
