import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { appliedVersion } from '../db/migrate.js'
import { HttpProblem, problemResponses } from '../http/problems.js'

/** GET /health (the process is alive) and GET /ready (database reachable, schema current). */
export const healthRoutes: FastifyPluginAsyncTypebox<{ schemaVersion: number }> = async (app, { schemaVersion }) => {
  app.get('/health', {
    schema: {
      tags: ['operations'],
      security: [],
      operationId: 'getHealth',
      summary: 'Liveness: the process answers',
      description: 'Public: no token. 200 while the process runs, without asking the database; for a liveness probe.',
      response: { 200: Type.Object({ status: Type.Literal('ok') }, { description: 'The process is alive' }) }
    }
  }, async () => ({ status: 'ok' as const }))

  app.get('/ready', {
    schema: {
      tags: ['operations'],
      security: [],
      operationId: 'getReadiness',
      summary: 'Readiness: the database answers and its schema is current',
      description: 'Public: no token. 200 when the database answers and its schema is at the version this build expects; otherwise 503 ' +
        'with Retry-After. For a readiness probe or a load balancer.',
      response: {
        200: Type.Object({ status: Type.Literal('ready'), schemaVersion: Type.Integer() }, { description: 'Ready to serve' }),
        ...problemResponses(['unavailable'])
      }
    }
  }, async () => {
    let version: number
    try {
      version = await appliedVersion(app.database)
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check failed')
      throw new HttpProblem('unavailable', 'The database does not answer', { headers: { 'retry-after': '5' } })
    }
    if (version < schemaVersion) {
      throw new HttpProblem('unavailable', `The database schema is at version ${version}, expected ${schemaVersion}`,
        { headers: { 'retry-after': '5' } })
    }
    return { status: 'ready' as const, schemaVersion: version }
  })
}
