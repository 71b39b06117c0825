import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { buildApp } from '../../src/app.js'
import type { Database } from '../../src/db/database.js'
import { createTestClient, testConfig } from '../helper.js'
import { Contract } from './contract.js'

/**
 * The real side of model-based fuzzing: the whole app listening on a port,
 * called with fetch like a vendor would. Every answer is judged by the
 * OpenAPI document as it arrives (a 5xx or a breach throws), and every
 * request carries its own X-Request-Id, so a step can count the audit rows
 * each of its requests left.
 */

// The API's JSON, walked by path; its shape is checked against the document.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>

export interface Sent { method: string, url: string, status: number, requestId: string }
export interface Reply { status: number, headers: Headers, text: string, json: () => Json }

export class Api {
  /** The requests of the current step. */
  sent: Sent[] = []

  constructor (readonly base: string, private readonly authorization: string, private readonly contract: Contract) {}

  async call (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const requestId = randomUUID()
    const res = await fetch(`${this.base}${url}`, {
      method,
      headers: { authorization: this.authorization, 'x-request-id': requestId, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    this.sent.push({ method, url, status: res.status, requestId })
    const breach = this.contract.breach(method, url, { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text })
    if (breach !== null) throw new Error(`${method} ${url}: ${breach}`)
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Json }
  }

  /** A call that must answer `status`; its JSON. */
  async expect (status: number, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Json> {
    const res = await this.call(method, url, body, headers)
    if (res.status !== status) throw new Error(`${method} ${url} ${JSON.stringify(body ?? null).slice(0, 300)}: expected ${status}, got ${res.status} ${res.text.slice(0, 500)}`)
    return res.text === '' || (res.headers.get('content-type') ?? '').includes('ndjson') ? {} : res.json()
  }

  /** A change with If-Match: the record's current ETag, read first. */
  async change (status: number, method: string, url: string, recordUrl: string, body: unknown): Promise<Json> {
    const etag = (await this.call('GET', recordUrl)).headers.get('etag') ?? '"none"'
    return await this.expect(status, method, url, body, { 'if-match': etag })
  }
}

/** The app on a port of its own over `database`, with a client that may do everything everywhere. */
export async function serve (database: Database): Promise<{ app: FastifyInstance, api: Api, close: () => Promise<void> }> {
  const app = await buildApp({
    config: testConfig({ rateLimitMax: 1_000_000, kombitOrganisations: new Map([['101', 'd4e3f4fb-6761-4d6c-9086-74c49231f11e']]) }),
    database,
    logger: false
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const { headers } = await createTestClient(app, { municipalities: 'all' })
  return { app, api: new Api(`http://127.0.0.1:${port}`, headers.authorization, new Contract()), close: async () => { await app.close() } }
}

/** Audit rows per request id. */
export async function auditRows (app: FastifyInstance, requestIds: string[]): Promise<Map<string, number>> {
  if (requestIds.length === 0) return new Map()
  const { rows } = await sql<{ request_id: string, n: number }>`
    SELECT request_id, count(*)::int AS n FROM audit_log WHERE request_id = ANY(${requestIds}::text[]) GROUP BY request_id`.execute(app.database.db)
  return new Map(rows.map((row) => [row.request_id, row.n]))
}
