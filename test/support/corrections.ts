import { readFile } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import type { Test } from 'tap'
import type { DB } from '../../src/db/schema.js'
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

/**
 * That a migration backfilling version 1 writes it as the API does: the
 * versions of `types` the API wrote are deleted and the migration run again
 * (with the later ones that reshape what it wrote, in order) gives the same
 * rows. Returns them.
 */
export async function backfillsAsTheApiWrites (t: Test, db: Kysely<DB>, migration: string, types: string[], later: string[] = []) {
  const versions = async () => await db.selectFrom('record_versions').select(['resource_type', 'resource_id', 'version', 'kommunekode', 'data'])
    .where('resource_type', 'in', types).orderBy('resource_type').orderBy('resource_id').orderBy('version').execute()
  const written = await versions()
  await db.deleteFrom('record_versions').where('resource_type', 'in', types).execute()
  for (const file of [migration, ...later]) {
    const text = await readFile(new URL(`../../migrations/${file}`, import.meta.url), 'utf8')
    for (const statement of text.split(/;\s*$/m).filter((s) => /\S/.test(s.replace(/--.*$/gm, '')))) await sql.raw(statement).execute(db)
  }
  t.same(await versions(), written, `${migration} writes them as the API does`)
  return written
}
