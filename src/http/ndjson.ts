import { Readable, pipeline } from 'node:stream'
import { createGzip } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Sends a stream of NDJSON chunks: read from the generator only as fast as
 * the client takes them (backpressure), gzip when the client accepts it,
 * and the generator is closed (its `finally` runs) when the client leaves.
 */
export async function sendLines (request: FastifyRequest, reply: FastifyReply, mediaType: string, lines: AsyncIterable<string>): Promise<FastifyReply> {
  const source = Readable.from(lines, { objectMode: false, highWaterMark: 64 * 1024 })
  reply.type(mediaType).header('vary', 'accept-encoding')
  if (!/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return await reply.send(source)
  const gzip = createGzip()
  pipeline(source, gzip, () => {})
  return await reply.header('content-encoding', 'gzip').send(gzip)
}
