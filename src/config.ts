import { CATALOGS_DIR } from './catalogs/catalogs.js'

/**
 * Configuration from the environment, validated once at start. Every
 * variable is documented in the README's configuration table.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface Config {
  port: number
  host: string
  /** postgres://… for a PostgreSQL server; undefined means embedded PGlite. */
  databaseUrl: string | undefined
  /** Data directory of the embedded PGlite database. */
  pgliteDir: string
  logLevel: LogLevel
  /** Largest accepted request body, in bytes. */
  bodyLimit: number
  /** Largest accepted request head (request line and headers), in bytes: beyond, 431. */
  maxHeaderSize: number
  /** How long a client may take to send the request head: beyond, 408 and the connection is closed (slow clients). */
  headersTimeoutMs: number
  /** How long a client may take to send the whole request, body included: beyond, 408. */
  requestTimeoutMs: number
  /** How long an idle keep-alive connection stays open for the next request. */
  keepAliveTimeoutMs: number
  /** How long a connection may be silent in both directions before it is closed. */
  connectionTimeoutMs: number
  /** How long shutdown waits for in-flight requests before giving up. */
  shutdownTimeoutMs: number
  /** Requests per client per window before 429. */
  rateLimitMax: number
  rateLimitWindowMs: number
  /** The catalogs/ folder: lists.json and one file per list version. */
  catalogsDir: string
  /** How long a write's Idempotency-Key is remembered, in seconds. */
  idempotencyTtlSeconds: number
  /** Decisions per batch of the uddata stream. */
  exportBatchSize: number
  /** Analytics: a number of fewer citizens than this is suppressed (ANALYTICS_MIN_CELL). */
  analyticsMinCell: number
  /** Each municipality's KOMBIT STS organisation UUID, which KL's FHIR delivery names it by. */
  kombitOrganisations: ReadonlyMap<string, string>
  /** How often the audit trail's new rows are sealed into its hash chain (audit/chain.ts). */
  auditSealIntervalMs: number
  /** Retention: years a case is kept after its citizen's last course ended, where the municipality has set none (RETENTION_YEARS). */
  retentionYears: number
}

export class ConfigError extends Error {
  constructor (readonly variable: string, problem: string) {
    super(`Invalid environment variable ${variable}: ${problem}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

/** Reads and validates the configuration; throws ConfigError naming the bad variable. */
export function loadConfig (env: Env = process.env): Config {
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', 'localhost'),
    databaseUrl: databaseUrl(env),
    pgliteDir: text(env, 'PGLITE_DIR', './data/pglite'),
    logLevel: logLevel(env),
    bodyLimit: integer(env, 'BODY_LIMIT', 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxHeaderSize: integer(env, 'MAX_HEADER_SIZE', 16 * 1024, 1024, 1024 * 1024),
    ...timeouts(env),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    rateLimitMax: integer(env, 'RATE_LIMIT_MAX', 1200, 1, 1_000_000),
    rateLimitWindowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 3_600_000),
    catalogsDir: text(env, 'CATALOGS_DIR', CATALOGS_DIR),
    idempotencyTtlSeconds: integer(env, 'IDEMPOTENCY_TTL_SECONDS', 86_400, 1, 30 * 86_400),
    exportBatchSize: integer(env, 'EXPORT_BATCH_SIZE', 500, 1, 10_000),
    kombitOrganisations: kombitOrganisations(env),
    auditSealIntervalMs: integer(env, 'AUDIT_SEAL_INTERVAL_MS', 1000, 50, 3_600_000),
    analyticsMinCell: integer(env, 'ANALYTICS_MIN_CELL', 5, 1, 1000),
    retentionYears: integer(env, 'RETENTION_YEARS', 5, 1, 100)
  }
}

function raw (env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === '' ? undefined : value
}

function text (env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback
}

function integer (env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name)
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${value}"`)
  }
  return Number(value)
}

/**
 * The server's timeouts. A head must be complete before the whole request
 * may be (Node refuses a headers timeout above the request timeout).
 */
function timeouts (env: Env): Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'connectionTimeoutMs'> {
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 600_000)
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000)
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS', `must not be above REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got "${headersTimeoutMs}"`)
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 600_000),
    connectionTimeoutMs: integer(env, 'CONNECTION_TIMEOUT_MS', 120_000, 1000, 3_600_000)
  }
}

function databaseUrl (env: Env): string | undefined {
  const value = raw(env, 'DATABASE_URL')
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError('DATABASE_URL', 'expected a URL like postgres://user:password@host:5432/database')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `expected the postgres:// scheme, got "${url.protocol}"`)
  }
  return value
}

function logLevel (env: Env): LogLevel {
  const value = raw(env, 'LOG_LEVEL') ?? 'info'
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${value}"`)
  }
  return value as LogLevel
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** KOMBIT_ORGANISATIONS=101=<uuid>,147=<uuid>: kommunekode=organisation UUID pairs. */
function kombitOrganisations (env: Env): ReadonlyMap<string, string> {
  const value = raw(env, 'KOMBIT_ORGANISATIONS')
  const pairs = value === undefined ? [] : value.split(',').map((pair) => pair.trim().split('='))
  for (const pair of pairs) {
    if (pair.length !== 2 || !/^\d{3}$/.test(pair[0]!) || !UUID.test(pair[1]!)) {
      throw new ConfigError('KOMBIT_ORGANISATIONS', `expected kommunekode=UUID pairs separated by commas, like 101=d4e3f4fb-6761-4d6c-9086-74c49231f11e; got "${pair.join('=')}"`)
    }
  }
  return new Map(pairs.map(([kommunekode, uuid]) => [kommunekode!, uuid!.toLowerCase()]))
}
