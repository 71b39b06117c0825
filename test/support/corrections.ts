import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { createTestClient } from '../helper.js'
import type { Headers } from './factories.js'

/**
 * What every correction (PATCH {record URL} with If-Match) refuses before it
 * changes anything: no If-Match (428), a stale ETag (412), and the record of
 * a municipality the client does not serve (404, its versions too).
 */
export async function refusesUnguardedCorrections (t: Test, app: FastifyInstance, headers: Headers, url: string, correction: object): Promise<void> {
  const patch = async (extra: Headers, as = headers) => await app.inject({ method: 'PATCH', url, headers: { ...as, ...extra }, payload: correction })
  t.equal((await patch({})).statusCode, 428, 'without If-Match')
  t.equal((await patch({ 'if-match': '"stale"' })).statusCode, 412, 'with a stale ETag')
  const other = await createTestClient(app, { municipalities: ['102'] })
  const etag = (await app.inject({ method: 'GET', url, headers })).headers.etag!
  t.equal((await patch({ 'if-match': etag }, other.headers)).statusCode, 404, 'from another municipality')
  t.equal((await app.inject({ method: 'GET', url: `${url}/versions`, headers: other.headers })).statusCode, 404, 'nor its versions')
}
