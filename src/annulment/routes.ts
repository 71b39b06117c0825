import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type, { type TObject, type TString } from 'typebox'
import { assessmentEtagKey } from '../assessment/queries.js'
import { CaseParams } from '../cases/schemas.js'
import { DecisionParams, InterventionParams } from '../decisions/schemas.js'
import { DelmaalParams, NoteParams } from '../delivery/schemas.js'
import { FollowUpParams } from '../follow-ups/schemas.js'
import { GoalParams } from '../goals/schemas.js'
import { YdelseParams } from '../interventions/schemas.js'
import { RegistrationParams, THEMES } from '../investigation/schemas.js'
import { problemResponses } from '../http/problems.js'
import { UpdateHeaders, withHeaders, write } from '../http/writes.js'
import { annul, type Named } from './annul.js'
import { AnnulmentRequest, type AnnullableKind } from './schemas.js'

/**
 * POST {record URL}/annulment: one shape for every recorded thing. The
 * record is marked annulled (entered in error) and leaves every view, list,
 * delivery and worklist; annul.ts says what goes with it.
 */

const DESCRIPTION = 'Annuls the record (entered in error): send If-Match with its ETag (428 without, 412 when stale) and a reason ' +
  '(fejlregistrering, omgjort-efter-klage, dublet). The record stays in the database and the audit trail, with its reason; it ' +
  'leaves current views, history lists (unless includeAnnulled=true), the uddata document, the FHIR delivery (where its resources ' +
  'come once more as entered-in-error), completeness and the due list, and it cannot change any more (409). Its own URL still ' +
  'answers, with an `annulment` marker. Annulling a decision annuls its interventions, ydelser, støttebehov and follow-ups with it; ' +
  'an intervention its ydelser; a follow-up the levels and støttebehov it recorded. When other records rely on it (a goal on a ' +
  'registration, a decision or delmål on a goal, a note on a delmål, an intervention continuing another), it is refused with 409 ' +
  'naming them, unless `cascade: true` annuls them too. A follow-up that ended its decision\'s course cannot be annulled on its own (409).'

const identity = (id: string): string => id

export const annulmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * The annulment route of one kind of record under `url`: `columns` pins
   * the record by the URL's parameters (column → parameter name), `fixed`
   * by constants (a registration's theme).
   */
  function route (url: string, kind: AnnullableKind, operationId: string, tag: string, params: TObject<Record<string, TString>>,
    columns: Record<string, string>, { fixed = {}, etagKey = identity }: { fixed?: Record<string, string>, etagKey?: (id: string) => string } = {}): void {
    app.post(`${url}/annulment`, {
      config: { scope: 'cases:write', audit: { action: 'annul', resource: kind } },
      schema: {
        operationId,
        tags: [tag],
        summary: `Annul a ${kind} recorded in error`,
        description: DESCRIPTION,
        params,
        headers: UpdateHeaders,
        body: AnnulmentRequest,
        response: { 200: withHeaders(Type.Ref('Annulment'), ['etag', 'idempotent-replayed']), ...problemResponses(['not-found', 'conflict']) }
      }
    }, async (request, reply) => {
      // Every parameter `columns` names is in the route's path, so its params schema required it.
      const where = { ...fixed, ...Object.fromEntries(Object.entries(columns).map(([column, param]) => [column, request.params[param]!])) }
      const label = `${kind} ${where.id ?? where.case_id}${where.case_id !== undefined && where.id !== undefined ? ` on case ${where.case_id}` : ''}`
      const target: Named = { kind, where, label, etagKey }
      return await write(request, reply, async (trx, guard) => await annul(trx, guard, target, request.body, app.clock()))
    })
  }

  for (const theme of THEMES) {
    route(`/cases/:id/investigation/${theme.id}/:registrationId`, 'registration', `annul${theme.operation}Registration`, 'investigation', RegistrationParams,
      { case_id: 'id', id: 'registrationId' }, { fixed: { theme: theme.id } })
  }
  route('/cases/:id/assessment', 'assessment', 'annulAssessment', 'assessment', CaseParams, { case_id: 'id' }, { etagKey: assessmentEtagKey })
  route('/cases/:id/goals/:goalId', 'goal', 'annulGoal', 'goals', GoalParams, { case_id: 'id', id: 'goalId' })
  route('/decisions/:id', 'decision', 'annulDecision', 'decisions', DecisionParams, { id: 'id' })
  route('/decisions/:id/interventions/:interventionId', 'intervention', 'annulIntervention', 'decisions', InterventionParams, { decision_id: 'id', id: 'interventionId' })
  route('/ydelser/:id', 'ydelse', 'annulYdelse', 'decisions', YdelseParams, { id: 'id' })
  route('/cases/:id/delmaal/:delmaalId', 'delmaal', 'annulDelmaal', 'delivery', DelmaalParams, { case_id: 'id', id: 'delmaalId' })
  route('/cases/:id/notes/:noteId', 'note', 'annulNote', 'delivery', NoteParams, { case_id: 'id', id: 'noteId' })
  route('/decisions/:id/follow-ups/:followUpId', 'follow-up', 'annulFollowUp', 'follow-ups', FollowUpParams, { decision_id: 'id', id: 'followUpId' })
}
