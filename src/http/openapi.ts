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
          'Every error is an RFC 9457 application/problem+json document.',
        // No license has been granted yet: a LicenseRef (SPDX's form for a license of one's own) says so until one is.
        license: { name: 'Proprietary: no license has been granted yet', identifier: 'LicenseRef-Proprietary' },
        contact: { name: 'ffb-api maintainers' }
      },
      // The paths are the same wherever the API runs: relative to where the document is served, not one host's name.
      servers: [{ url: '/', description: 'The origin serving this document, e.g. http://localhost:3000 for `npm start`' }],
      // Every operation names its own security; /health and /ready say `security: []`.
      tags: [
        { name: 'clients', description: 'The calling API client: what its token may do, in which municipalities, and until when' },
        { name: 'operations', description: 'Liveness, readiness and metrics, for the platform rather than a vendor' },
        { name: 'catalogs', description: 'The FFB classification lists and their versions: the codes every request sends' },
        { name: 'cases', description: 'Cases (sager) of a citizen: open, read, change, list, search, and a case\'s timeline (VUM phase 1)' },
        { name: 'investigation', description: 'The investigation (udredning): Funktioner og forhold, Omgivelsesfaktorer and Aktivitet og deltagelse registrations (VUM phase 2)' },
        { name: 'assessment', description: 'The assessment of a case (samlet vurdering, indsatsformål)' },
        { name: 'goals', description: 'Goals (indsatsmål) on investigated A&D sub-themes, their corrections and versions (VUM phase 3)' },
        { name: 'decisions', description: 'Decisions (sagsafgørelser) with støttebehov and målgrupper, their social interventions and ydelser (VUM phases 4–5)' },
        { name: 'delivery', description: 'The provider\'s delivery: delmål and notes (VUM phase 6)' },
        { name: 'follow-ups', description: 'Follow-up (opfølgning) on a decision\'s goals, and the goals due for one (VUM phase 7)' },
        { name: 'export', description: 'The FFB uddata export and KL\'s FHIR delivery report, per decision or case, and as NDJSON streams' },
        { name: 'audit', description: 'Who accessed which citizen data' },
        { name: 'insight', description: 'A citizen\'s request for insight (GDPR art. 15): everything stored about a CPR number, and who accessed it' },
        { name: 'analytics', description: 'Progression analytics: aggregates per kommune and period (JSON, CSV, SVG charts, Vega-Lite specs; small numbers suppressed) and a citizen\'s progression on a case' }
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: `A client token from \`npm run clients -- create\`. Scopes: ${SCOPES.join(', ')}; each operation ` +
              'names the one it needs in `x-ffb-scope` (`any`: every valid token).'
          }
        }
      }
    },
    // Shared schemas (added with addSchema) become components named by their $id.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` },
    transformObject: (document) => 'openapiObject' in document ? withoutUnusedCodes(document.openapiObject) : document.swaggerObject
  })
  // No staticCSP: the page's scripts and styles are files of its own origin, which
  // helmet's Content-Security-Policy (security-headers.ts) already allows.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      filter: true,
      persistAuthorization: true,
      // Shows each operation's x-ffb-scope.
      showExtensions: true,
      requestInterceptor: freshIdempotencyKey
    },
    transformSpecification: labelledCodes
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi' })

/**
 * Try it out, in the browser: each try gets its own Idempotency-Key instead of
 * the example the form is filled with, which makes a second try a replay of
 * the first, and a 422 once the body is edited or another operation is tried. Swagger UI inlines the
 * function's source into the page, so it uses nothing from this module, and
 * crypto.getRandomValues rather than randomUUID, which plain HTTP lacks.
 */
function freshIdempotencyKey (request: { headers?: Record<string, string> }): { headers?: Record<string, string> } {
  for (const name of Object.keys(request.headers ?? {})) {
    if (name.toLowerCase() === 'idempotency-key') {
      const bytes = crypto.getRandomValues(new Uint8Array(16))
      request.headers![name] = `"${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}"`
    }
  }
  return request
}

/**
 * The document /docs shows: a code schema's enum with each code's label
 * (x-enum-descriptions) listed in its description, which Swagger UI renders;
 * it shows neither the extension nor anything that pairs code and label.
 */
function labelledCodes (document: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const schemas = (document.components as { schemas?: Record<string, Record<string, unknown>> } | undefined)?.schemas ?? {}
  for (const schema of Object.values(schemas)) {
    const codes = schema.enum
    const labels = schema['x-enum-descriptions']
    if (!Array.isArray(codes) || !Array.isArray(labels)) continue
    const list = codes.map((code, i) => `- \`${String(code)}\` ${String(labels[i])}`).join('\n')
    schema.description = `${typeof schema.description === 'string' ? schema.description : ''}\n\n${list}`
  }
  return document
}

/**
 * Every catalog gets a code schema, but a client only needs those of the
 * lists that requests send (dst-mapping's codes, the API's own table, it
 * never does): one nobody refers to is left out of the document.
 */
function withoutUnusedCodes<T extends { components?: { schemas?: Record<string, unknown> } }> (document: T): T {
  const schemas = document.components?.schemas ?? {}
  const text = JSON.stringify(document)
  for (const [name, schema] of Object.entries(schemas)) {
    const catalog = (schema as Record<string, unknown>)['x-ffb-catalog']
    if (catalog !== undefined && !text.includes(`"#/components/schemas/${name}"`)) delete schemas[name]
  }
  return document
}

export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url))

/** The document exactly as it is committed: stable key order, two-space indent, final newline. */
export async function openapiDocument (app: FastifyInstance): Promise<string> {
  await app.ready()
  return `${JSON.stringify(app.swagger(), null, 2)}\n`
}
