import { analyticsRoutes } from './analytics/routes.js'
import { analyticsSchemas } from './analytics/schemas.js'
import { annulmentRoutes } from './annulment/routes.js'
import { Annulment, AnnulmentMarker } from './annulment/schemas.js'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerOptions } from 'node:http'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { assessmentRoutes } from './assessment/routes.js'
import { Assessment } from './assessment/schemas.js'
import { startSealer } from './audit/chain.js'
import { AuditRecord, auditRoutes } from './audit/routes.js'
import { loadCatalogs, type Catalogs } from './catalogs/catalogs.js'
import { catalogRoutes, catalogSchemas } from './catalogs/routes.js'
import { caseRoutes } from './cases/routes.js'
import { clientRoutes, Me } from './clients/routes.js'
import { Case } from './cases/schemas.js'
import { decisionRoutes } from './decisions/routes.js'
import { Decision, Intervention, Ydelse } from './decisions/schemas.js'
import { deliveryRoutes } from './delivery/routes.js'
import { interventionRoutes } from './interventions/routes.js'
import { Delmaal, Note } from './delivery/schemas.js'
import { exportRoutes } from './exports/routes.js'
import { fhirRoutes } from './fhir/routes.js'
import { FhirExportLine } from './fhir/schemas.js'
import { UddataDocument, UddataExportLine } from './exports/schemas.js'
import { followUpRoutes } from './follow-ups/routes.js'
import { FollowUp } from './follow-ups/schemas.js'
import { goalRoutes } from './goals/routes.js'
import { Goal } from './goals/schemas.js'
import { investigationRoutes } from './investigation/routes.js'
import { insightRoutes } from './insight/routes.js'
import { InsightReport } from './insight/schemas.js'
import { Registration } from './investigation/schemas.js'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { readMigrations } from './db/migrate.js'
import { healthRoutes } from './health/routes.js'
import { authenticated } from './http/auth.js'
import { noStorePlugin } from './http/cache-control.js'
import { clientErrorHandler } from './http/client-errors.js'
import { errorsPlugin, sendError } from './http/errors.js'
import { metricsPlugin, metricsRoutes } from './http/metrics.js'
import { openapiPlugin } from './http/openapi.js'
import { securityHeaders } from './http/security-headers.js'
import { sharedSerializers } from './http/serialization.js'
import { validatorCompiler } from './http/validation.js'
import { timelineRoutes } from './timeline/routes.js'
import { writesPlugin } from './http/writes.js'
import { containsCpr, loggerOptions } from './logger.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
    /** The FFB lists, loaded and checked at start. */
    catalogs: Catalogs
    /** Every route as registered, for tests and tools that must cover them all. */
    routeTable: Array<{ method: string, url: string, public: boolean }>
    /** Now, as the API sees it: what time-driven state (a ydelse that has ended) is computed against. */
    clock: () => Date
  }
}

export interface AppOptions {
  config: Config
  /** An open, migrated database; the app closes it when it closes. */
  database: Database
  /** Overrides the logger built from config (tests pass a capturing stream or false). */
  logger?: FastifyServerOptions['logger']
  /** Already loaded catalogs; otherwise loaded from config.catalogsDir. */
  catalogs?: Catalogs
  /** Overrides the clock time-driven state is computed against (tests). */
  clock?: () => Date
}

/** Builds the whole API. Never listens: server.ts does that, tests use inject. */
export async function buildApp ({ config, database, logger, catalogs: loaded, clock }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimit,
    ...serverTimeouts(config),
    clientErrorHandler: clientErrorHandler(config),
    requestIdHeader: false,
    genReqId: requestId,
    frameworkErrors: sendError,
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers() } }
  })
  app.setValidatorCompiler(validatorCompiler(app))
  // Every body is JSON. Fastify's default text/plain parser would hand the schema a string, refused as a 400;
  // without it, a body of any other type is the 415 the document promises (errors.ts).
  app.removeContentTypeParser('text/plain')
  app.decorate('database', database)
  app.decorate('clock', clock ?? (() => new Date()))
  app.decorate('routeTable', [])
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      app.routeTable.push({ method, url: route.url, public: route.config?.scope === undefined })
    }
  })
  // New audit rows are sealed into the trail's hash chain shortly after they commit; closing seals the rest.
  const sealer = startSealer(database.db, {
    intervalMs: config.auditSealIntervalMs,
    onError: (error) => { app.log.warn({ err: error }, 'audit: sealing the trail failed; the next round retries') }
  })
  app.addHook('onClose', async () => {
    await sealer.stop()
    await database.close()
  })
  const security = securityHeaders()
  app.addHook('onRequest', async (request, reply) => { reply.headers(security).header('x-request-id', request.id) })

  await app.register(metricsPlugin)
  await app.register(noStorePlugin)
  await app.register(errorsPlugin)
  await app.register(openapiPlugin)
  await app.register(writesPlugin, { idempotencyTtlSeconds: config.idempotencyTtlSeconds })
  // Shared schemas live at the root: a plugin that adds its own gets fastify's
  // default validator instead of ours (validation.ts).
  for (const schema of [Me, AuditRecord, AnnulmentMarker, Annulment, Case, Registration, Assessment, Goal, Ydelse, Intervention, FollowUp, Decision, Delmaal, Note,
    UddataDocument, UddataExportLine, FhirExportLine, InsightReport, ...analyticsSchemas]) {
    app.addSchema(schema)
  }
  // A bad catalog file stops start-up here, naming the file, the entry and the rule.
  const catalogs = loaded ?? await loadCatalogs(config.catalogsDir)
  app.decorate('catalogs', catalogs)
  for (const schema of [...catalogSchemas, ...[...catalogs.lists.keys()].map((id) => catalogs.codeSchema(id))]) app.addSchema(schema)

  // Public: liveness, readiness and the API description.
  const schemaVersion = (await readMigrations()).at(-1)?.version ?? 0
  await app.register(healthRoutes, { schemaVersion })

  // Everything else needs a bearer token, a scope, and is rate-limited per client.
  const rateLimit = { max: config.rateLimitMax, timeWindowMs: config.rateLimitWindowMs }
  // Prometheus scrapes with a token of scope metrics:read (README, "Metrics"); its own limit, apart from the API's.
  await app.register(authenticated(metricsRoutes, { rateLimit }))
  await app.register(authenticated(async (api) => {
    await api.register(clientRoutes)
    await api.register(auditRoutes)
    await api.register(catalogRoutes, { catalogs })
    await api.register(caseRoutes)
    await api.register(investigationRoutes)
    await api.register(assessmentRoutes)
    await api.register(goalRoutes)
    await api.register(decisionRoutes)
    await api.register(interventionRoutes)
    await api.register(deliveryRoutes)
    await api.register(followUpRoutes)
    await api.register(annulmentRoutes)
    await api.register(timelineRoutes)
    await api.register(insightRoutes)
    await api.register(exportRoutes, { batchSize: config.exportBatchSize })
    await api.register(analyticsRoutes, { threshold: config.analyticsMinCell })
    await api.register(fhirRoutes, { batchSize: config.exportBatchSize, kombitOrganisations: config.kombitOrganisations })
  }, { rateLimit }), { prefix: '/v1' })
  return app
}

/**
 * The timeouts and the head size of the HTTP server, set here rather than
 * left to Node's and fastify's defaults (fastify's requestTimeout is none at
 * all): a client that sends its head byte by byte is cut off with a 408
 * after headersTimeoutMs, a head beyond maxHeaderSize is a 431. Node looks
 * for expired heads every connectionsCheckingInterval (default 30 s, far
 * beyond a short timeout): every second, or sooner for a shorter timeout.
 */
function serverTimeouts (config: Config): Pick<FastifyServerOptions, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout'> & { http: ServerOptions } {
  return {
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      maxHeaderSize: config.maxHeaderSize,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(config.headersTimeoutMs / 2))
    }
  }
}

const INCOMING_ID = /^[\w.:-]{1,128}$/

/** Accepts the caller's X-Request-Id when it is a plain token, so ids correlate across systems. */
function requestId (req: IncomingMessage): string {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) && !containsCpr(incoming) ? incoming : randomUUID()
}
