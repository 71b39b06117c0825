import { Readable, pipeline } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { createGzip } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Sends a stream of NDJSON chunks: read from the generator only as fast as
 * the client takes them (backpressure), gzip when the client accepts it,
 * and the generator is closed (its `finally` runs) when the client leaves.
 */
export async function sendLines (request: FastifyRequest, reply: FastifyReply, mediaType: string, lines: AsyncIterable<string>): Promise<FastifyReply> {
  const source = Readable.from(takingTurns(lines), { objectMode: false, highWaterMark: 64 * 1024 })
  reply.type(mediaType).header('vary', 'accept-encoding')
  if (!/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return await reply.send(source)
  const gzip = createGzip()
  pipeline(source, gzip, () => {})
  return await reply.header('content-encoding', 'gzip').send(gzip)
}

const TURN_MS = 10

/**
 * Lets the event loop run at least every TURN_MS. The embedded database's
 * queries never wait for I/O, so without this a stream would run from
 * microtask to microtask until the socket's buffers were full: every other
 * request (and the client's own going away) waited for it.
 */
async function * takingTurns (lines: AsyncIterable<string>): AsyncGenerator<string> {
  let since = performance.now()
  for await (const line of lines) {
    yield line
    if (performance.now() - since > TURN_MS) {
      await nextTurn()
      since = performance.now()
    }
  }
}
