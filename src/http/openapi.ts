import { fileURLToPath } from 'node:url'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { SCOPES } from '../clients/clients.js'

/**
 * The OpenAPI 3.1 document, generated from the route schemas: served at
 * /openapi.json, browsable at /docs, and committed as openapi/openapi.json
 * (`npm run openapi`; a test fails when they drift apart).
 */
export const openapiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ffb-api',
        version: '1',
        description: 'REST API for FFB (Fælles Faglige Begreber) and VUM 2.0: cases, investigation, ' +
          'goals, decisions, social interventions, delivery, follow-up, catalogs and the FFB uddata export. ' +
          'Every error is an RFC 9457 application/problem+json document.'
      },
      tags: [
        { name: 'operations', description: 'Liveness, readiness and metrics' },
        { name: 'audit', description: 'Who accessed which citizen data' }
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: `A client token from \`npm run clients -- create\`. Scopes: ${SCOPES.join(', ')}; each operation names the one it needs.`
          }
        }
      }
    },
    // Shared schemas (added with addSchema) become components named by their $id.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  // staticCSP: the page's own scripts and styles pass helmet's Content-Security-Policy.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi' })

export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url))

/** The document exactly as it is committed: stable key order, two-space indent, final newline. */
export async function openapiDocument (app: FastifyInstance): Promise<string> {
  await app.ready()
  return `${JSON.stringify(app.swagger(), null, 2)}\n`
}
