import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { recordAccess, recordStreamAudit } from '../http/audit.js'
import { dayAfter, dayBefore, dayInDenmark, startOfDanishDay } from '../catalogs/catalogs.js'
import { refuseAnonymised, requireCase } from '../cases/queries.js'
import { Uuid } from '../http/fields.js'
import { parseInstant } from '../http/instants.js'
import { ndjsonResponse, streamNdjson } from '../http/ndjson.js'
import { decodeCursor, encodeCursor, isSafeInteger } from '../http/paging.js'
import { HttpProblem, problemResponses } from '../http/problems.js'
import { requireServed } from '../db/scope.js'
import { buildBundle, worklistItem } from './bundle.js'
import type { Selection } from './citizen.js'
import { loadCitizens, nextCitizens } from './queries.js'
import { CaseFhirQuery, FHIR_JSON, FHIR_NDJSON, FhirBundle, FhirExportQuery, GAPS } from './schemas.js'

/**
 * KL's FFB delivery format: one FHIR Bundle per citizen per day, for one
 * citizen at /v1/cases/{id}/fhir and for a whole municipality as a stream
 * at /v1/exports/fhir.
 */

export const fhirRoutes: FastifyPluginAsyncTypebox<{ batchSize: number, kombitOrganisations: ReadonlyMap<string, string> }> =
  // eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
  async (app, { batchSize, kombitOrganisations }) => {
    const organisation = (kommunekode: string): string => {
      const uuid = kombitOrganisations.get(kommunekode)
      if (uuid === undefined) {
        throw new HttpProblem('not-configured', `Municipality ${kommunekode} has no KOMBIT organisation UUID (KOMBIT_ORGANISATIONS); ` +
          'KL\'s delivery names the municipality by it')
      }
      return uuid
    }

    app.get('/cases/:id/fhir', {
      config: { scope: 'export:read', audit: { action: 'export', resource: 'fhir' } },
      schema: {
        tags: ['export'],
        operationId: 'getCaseFhirBundle',
        summary: 'The FHIR delivery bundle (KL\'s FFB uddatasæt) of the case\'s citizen, for a day or as it stands',
        description: 'With ?date=, the bundle KL expects for that day: what was registered, started, ended or followed up that day ' +
          'for the citizen (all the citizen\'s cases in the municipality), in its state at the end of the day, and everything it ' +
          'references (404 when nothing was). Without it, everything reported so far as it stands today. ' + GAPS,
        params: Type.Object({ id: Uuid }),
        querystring: CaseFhirQuery,
        response: {
          200: { description: 'A kl-reporting-ffb-deliveryReport Bundle', content: { [FHIR_JSON]: { schema: FhirBundle } } },
          ...problemResponses(['not-found', 'not-configured', 'anonymised'])
        }
      }
    }, async (request, reply) => {
      const found = refuseAnonymised(await requireCase(app.database.db, request.caller, request.params.id))
      const uuid = organisation(found.kommunekode)
      const { date } = request.query
      const [rows] = await loadCitizens(app.database.db, request.caller, found.kommunekode, [{ key: found.seq, cpr: found.cpr }])
      const delivery = buildBundle(rows!, { organisation: uuid, catalogs: app.catalogs }, date === undefined ? asItStands(new Date(0), app.clock()) : dayOf(date))
      if (delivery === undefined) throw new HttpProblem('not-found', `Nothing to report for the case's citizen on ${date ?? 'any day'}`)
      await recordAccess(request, { resourceId: found.id, kommunekode: found.kommunekode })
      // Sent as serialised here, the same bytes as the stream's line.
      return await reply.type(FHIR_JSON).send(JSON.stringify(delivery.bundle) as never)
    })

    app.get('/exports/fhir', {
      config: { scope: 'export:read', audit: { action: 'export', resource: 'fhir' } },
      schema: {
        tags: ['export'],
        operationId: 'exportFhirBundles',
        summary: 'Stream a municipality\'s FHIR delivery bundles (KL\'s FFB uddatasæt) for a day, one citizen per line',
        description: 'NDJSON of kl-reporting-ffb-deliveryReport Bundles, one per citizen with something to report for the day ' +
          '(default yesterday in Denmark) or, with changedSince, with anything written since that instant (as it stands today). ' +
          'Read in batches of citizens, so memory stays flat; gzip with Accept-Encoding: gzip. The last line is a Parameters ' +
          'resource with the cursor to continue from (every line stays a valid FHIR resource); bundles are updates by id, ' +
          'so sending one twice is harmless. The whole stream is one audit record. ' + GAPS,
        querystring: FhirExportQuery,
        response: {
          200: ndjsonResponse(FHIR_NDJSON, 'FhirExportLine', 'a Bundle per citizen, then the trailer'),
          ...problemResponses(['validation', 'forbidden', 'not-configured'])
        }
      }
    }, async (request, reply) => {
      const { kommunekode, date, changedSince, cursor, deliverable = true } = request.query
      requireServed(request.caller, kommunekode)
      const uuid = organisation(kommunekode)
      if (date !== undefined && changedSince !== undefined) {
        throw new HttpProblem('validation', 'Give date or changedSince, not both', {
          errors: [{ in: 'query', pointer: '/changedSince', code: 'exclusive', message: 'must not be given together with date' }]
        })
      }
      const selection = changedSince !== undefined
        ? asItStands(parseInstant(changedSince, 'query', '/changedSince'), app.clock())
        : dayOf(date ?? dayBefore(dayInDenmark(app.clock())))
      const db = app.database.db
      return await streamNdjson(request, reply, {
        mediaType: FHIR_NDJSON,
        start: cursor === undefined ? 0 : decodeCursor(cursor, isSafeInteger),
        batch: async (after) => await nextCitizens(db, request.caller, kommunekode, selection, after, batchSize),
        batchSize,
        positionOf: (citizen) => citizen.key,
        lines: async (citizens) => (await loadCitizens(db, request.caller, kommunekode, citizens)).flatMap((rows) => {
          const delivery = buildBundle(rows, { organisation: uuid, catalogs: app.catalogs }, selection)
          if (delivery === undefined || (delivery.undeliverable.length === 0) !== deliverable) return []
          return [deliverable ? delivery.bundle : worklistItem(delivery)]
        }),
        // A Parameters resource, so that every line stays a valid FHIR resource.
        trailer: ({ count, after }) => ({
          resourceType: 'Parameters',
          parameter: [{ name: 'cursor', valueString: encodeCursor(after) }, { name: 'count', valueInteger: count }, { name: 'complete', valueBoolean: true }]
        }),
        onEnd: async ({ count, complete }) => {
          await recordStreamAudit(request, kommunekode,
            { kommunekode, date: changedSince === undefined ? selection.day : null, changedSince: changedSince ?? null, cursor: cursor ?? null, deliverable, count, complete })
        }
      })
    })
  }

/** The delivery of one Danish calendar day. */
function dayOf (day: string): Selection {
  return { kind: 'day', day, start: startOfDanishDay(day), end: startOfDanishDay(dayAfter(day)) }
}

/** What was written from `since` on, in its state at the end of today (`now`'s day). */
function asItStands (since: Date, now: Date): Selection {
  const day = dayInDenmark(now)
  return { kind: 'since', since, day, end: startOfDanishDay(dayAfter(day)) }
}
