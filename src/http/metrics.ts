import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ConnectionStats } from '../db/database.js'

/**
 * Prometheus metrics (prom-client), served at GET /metrics to clients with
 * the scope metrics:read. Labels name route patterns (`/v1/cases/:id`),
 * methods and status codes, never a URL, an id or a client: no personal
 * data, and a bounded number of series.
 */

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export interface Metrics {
  /** Rows an export stream has sent (lines before its trailer). */
  exportRows: (request: FastifyRequest, rows: number) => void
  /** A request refused by the rate limit. */
  rateLimited: (request: FastifyRequest) => void
  /** The exposition, in Prometheus' text format. */
  exposition: () => Promise<string>
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
/** Requests no route matched (404, 405) are counted under one label, never under their URL. */
export const UNMATCHED = '(unmatched)'
/** Up to 5 minutes: an export stream is one request for as long as it runs. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? UNMATCHED

let processRegistry: Registry | undefined

/**
 * Process metrics (CPU, memory, event-loop delay, GC) once per process:
 * their collectors run for as long as the process does, however many apps
 * it builds (tests build many).
 */
function processMetrics (): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export const metricsPlugin = fp(async (app: FastifyInstance) => {
  const registry = new Registry()
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer (a stream: its last byte), by route pattern; _count is the request count',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: BUCKETS,
    registers: [registry]
  })
  const exportRows = new Counter({
    name: 'ffb_export_rows_total',
    help: 'Rows (NDJSON lines before the trailer) sent by the export streams',
    labelNames: ['route'] as const,
    registers: [registry]
  })
  const rateLimited = new Counter({
    name: 'ffb_rate_limit_rejections_total',
    help: 'Requests refused with 429 because their client exceeded RATE_LIMIT_MAX',
    labelNames: ['route'] as const,
    registers: [registry]
  })
  databaseGauges(app, registry)

  app.addHook('onResponse', async (request, reply) => {
    duration.observe({
      method: METHODS.has(request.method) ? request.method : 'OTHER',
      route: routeOf(request),
      status_code: String(reply.statusCode)
    }, reply.elapsedTime / 1000)
  })
  const exposed = Registry.merge([processMetrics(), registry])
  app.decorate('metrics', {
    exportRows: (request, rows) => { exportRows.inc({ route: routeOf(request) }, rows) },
    rateLimited: (request) => { rateLimited.inc({ route: routeOf(request) }) },
    exposition: async () => await exposed.metrics()
  } satisfies Metrics)
}, { name: 'metrics' })

/** The database's connections, read at each scrape. */
function databaseGauges (app: FastifyInstance, registry: Registry): void {
  const engine = app.database.engine
  const stats = (): ConnectionStats => app.database.connections()
  registry.registerMetric(new Gauge({
    name: 'ffb_db_connections',
    help: 'Open database connections, busy or idle (PGlite: its one connection)',
    labelNames: ['engine', 'state'] as const,
    registers: [],
    collect () {
      const now = stats()
      this.set({ engine, state: 'busy' }, now.busy)
      this.set({ engine, state: 'idle' }, now.idle)
    }
  }))
  const perEngine = (name: string, help: string, read: (now: ConnectionStats) => number): void => {
    registry.registerMetric(new Gauge({ name, help, labelNames: ['engine'] as const, registers: [], collect () { this.set({ engine }, read(stats())) } }))
  }
  perEngine('ffb_db_connections_max', 'The most connections the pool opens (PGlite: 1)', (now) => now.max)
  perEngine('ffb_db_waiting', 'Queries, transactions and sessions waiting for a database connection (PGlite: queued behind the one in progress)',
    (now) => now.waiting)
}

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** GET /metrics, registered inside an authenticated context. */
export async function metricsRoutes (app: FastifyInstance): Promise<void> {
  app.get('/metrics', {
    config: { scope: 'metrics:read' },
    schema: {
      tags: ['operations'],
      operationId: 'getMetrics',
      summary: 'Prometheus metrics: requests and latency per route, database connections, export rows, rate-limit rejections',
      description: 'The Prometheus text exposition format, scraped with a token of scope metrics:read; rate-limited apart from the API.',
      response: {
        200: { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } }
      }
    }
  }, async (_request, reply) => await reply.type(CONTENT_TYPE).send(await app.metrics.exposition()))
}
