import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'

/**
 * Conditional GET for data that changes only with a deployment or a date
 * (catalogs): a strong ETag over the exact body, and 304 when the client's
 * If-None-Match names it.
 */

export const NotModified = Type.Null({ description: 'Not modified: the representation matches If-None-Match' })

export async function sendCached (request: FastifyRequest, reply: FastifyReply, body: unknown, cacheControl: string): Promise<FastifyReply> {
  const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`
  reply.header('etag', etag).header('cache-control', cacheControl)
  const match = request.headers['if-none-match']
  // If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
  if (match !== undefined && (match.trim() === '*' || match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag))) {
    return await reply.code(304).send()
  }
  return await reply.send(body)
}
